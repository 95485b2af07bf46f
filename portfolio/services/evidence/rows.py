"""The file rows of an entry or certification, and the shape the JSON API gives one."""

from __future__ import annotations

from typing import Any, Literal

from portfolio.tables import Evidence

Parent = Literal["experience", "certification"]


def as_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "client_uuid": str(row["client_uuid"]) if row["client_uuid"] else None,
        "experience": row["experience"],
        "certification": row["certification"],
        "name": row["original_name"],
        "content_type": row["content_type"],
        "size": row["size"],
        "sha256": row["sha256"],
    }


async def listing(parent: Parent, parent_id: int) -> list[dict[str, Any]]:
    column = Evidence.experience if parent == "experience" else Evidence.certification
    return await Evidence.select().where(column == parent_id).order_by(Evidence.id)
