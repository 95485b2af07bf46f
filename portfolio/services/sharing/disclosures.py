"""FERPA's record of disclosures: every view or download by anyone but the student, their school's staff
and their assigned mentors, shown to the student."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from portfolio.clock import DEFAULT_TIMEZONE, now, today_at
from portfolio.services.accounts import CurrentUser
from portfolio.tables import Disclosure, User
from portfolio.vocabulary import DisclosureKind


async def disclose(student_id: int, kind: str, viewer_name: str, viewer_organization: str = "", *,
                   viewer: int | None = None, share: int | None = None, request: int | None = None) -> None:
    await Disclosure.insert(
        Disclosure(student=student_id, kind=kind, viewer=viewer, viewer_name=viewer_name[:200],
                   viewer_organization=viewer_organization[:200], share=share, request=request, created_at=now())
    )


async def disclose_publication(student_ids: list[int], what: str, staff: CurrentUser) -> None:
    """Students named in something printed that leaves the school (`what`: the event), by `staff`: one record a
    student, event and day, in two queries however many are named."""
    if not student_ids:
        return
    since = now() - timedelta(days=1)
    seen = {row["student"] for row in await Disclosure.select(Disclosure.student).where(
        Disclosure.student.is_in(student_ids) & (Disclosure.kind == DisclosureKind.PUBLICATION)
        & (Disclosure.viewer_organization == what[:200]) & (Disclosure.created_at >= since))}
    moment = now()
    fresh = [Disclosure(student=i, kind=DisclosureKind.PUBLICATION, viewer=staff.id, viewer_name=staff.name[:200],
                        viewer_organization=what[:200], created_at=moment) for i in student_ids if i not in seen]
    if fresh:
        await Disclosure.insert(*fresh)


async def disclose_file(student_id: int, evidence_id: int, viewer_name: str, viewer_organization: str = "", *,
                        viewer: int | None = None, share: int | None = None) -> bool:
    """A file opened by someone outside the school: recorded once per file, viewer and day (the student's
    school's day), however many times it is opened, and as its thumbnail, view and original. A viewer is
    an employer account, or a link's visitor by the name and organization they gave. True if recorded."""
    name, organization = viewer_name[:200], viewer_organization[:200]
    who = (Disclosure.viewer == viewer) if viewer is not None else (
        (Disclosure.share == share) & (Disclosure.viewer_name == name) & (Disclosure.viewer_organization == organization)
    )
    seen = await Disclosure.exists().where(
        (Disclosure.student == student_id) & (Disclosure.evidence == evidence_id)
        & (Disclosure.kind == DisclosureKind.DOWNLOAD) & (Disclosure.created_at >= await _start_of_day(student_id)) & who
    )
    if seen:
        return False
    await Disclosure.insert(
        Disclosure(student=student_id, kind=DisclosureKind.DOWNLOAD, viewer=viewer, viewer_name=name,
                   viewer_organization=organization, share=share, evidence=evidence_id, created_at=now())
    )
    return True


async def _start_of_day(student_id: int) -> datetime:
    row = await User.select(User.school.timezone.as_alias("timezone")).where(User.id == student_id).first()
    zone = ZoneInfo((row or {}).get("timezone") or DEFAULT_TIMEZONE)
    return datetime.combine(today_at(zone.key), time(), tzinfo=zone)


async def disclosures_of(student: CurrentUser, limit: int = 500) -> list[dict[str, Any]]:
    return await Disclosure.select(
        Disclosure.id, Disclosure.kind, Disclosure.viewer_name, Disclosure.evidence.original_name.as_alias("file_name"), Disclosure.viewer_organization, Disclosure.created_at,
        Disclosure.share.id.as_alias("share_id"), Disclosure.share.label.as_alias("share_label"),
        Disclosure.share.organization.name.as_alias("share_organization"),
    ).where(Disclosure.student == student.id).order_by(Disclosure.id, ascending=False).limit(limit)
