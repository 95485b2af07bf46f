"""FERPA's record of disclosures: every view or download by anyone but the student, their school's staff
and their assigned mentors, shown to the student."""

from __future__ import annotations

from typing import Any

from portfolio.services.accounts import CurrentUser
from portfolio.tables import Disclosure


async def disclose(student_id: int, kind: str, viewer_name: str, viewer_organization: str = "", *,
                   viewer: int | None = None, share: int | None = None, request: int | None = None) -> None:
    await Disclosure.insert(
        Disclosure(student=student_id, kind=kind, viewer=viewer, viewer_name=viewer_name[:200],
                   viewer_organization=viewer_organization[:200], share=share, request=request)
    )


async def disclosures_of(student: CurrentUser, limit: int = 500) -> list[dict[str, Any]]:
    return await Disclosure.select(
        Disclosure.id, Disclosure.kind, Disclosure.viewer_name, Disclosure.viewer_organization, Disclosure.created_at,
        Disclosure.share.id.as_alias("share_id"), Disclosure.share.label.as_alias("share_label"),
        Disclosure.share.organization.name.as_alias("share_organization"),
    ).where(Disclosure.student == student.id).order_by(Disclosure.id, ascending=False).limit(limit)
