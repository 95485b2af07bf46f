"""Append-only record of security-relevant actions."""

from __future__ import annotations

from typing import Any

from portfolio.record_tables import AuditEvent


async def record(action: str, *, actor_id: int | None = None, subject: str = "", ip: str = "", **detail: Any) -> None:
    await AuditEvent.insert(
        AuditEvent(actor=actor_id, action=action, subject=subject, ip=ip[:45], detail=detail)
    )


async def events_for(actor_id: int, limit: int = 50) -> list[dict[str, Any]]:
    return (
        await AuditEvent.select()
        .where(AuditEvent.actor == actor_id)
        .order_by(AuditEvent.id, ascending=False)
        .limit(limit)
    )
