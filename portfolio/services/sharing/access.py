"""Who may see what of a student: the union of a viewer's active shares, and who is inside the school."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portfolio.clock import now
from portfolio.errors import NotFound
from portfolio.services import mentoring
from portfolio.services.accounts import CurrentUser, token_hash
from portfolio.services.placements import sharing as placement_sharing
from portfolio.tables import Share, ShareItem, User


@dataclass
class Access:
    """What one viewer may see of one student: everything, or these entries and certifications."""

    student_id: int
    everything: bool
    experiences: set[int] = field(default_factory=set)
    certifications: set[int] = field(default_factory=set)
    evaluations: set[int] = field(default_factory=set)  # supervisors' evaluations of placements
    share_ids: list[int] = field(default_factory=list)

    def includes(self, experience_id: int | None = None, certification_id: int | None = None) -> bool:
        if self.everything:
            return True
        return (experience_id is not None and experience_id in self.experiences) or (
            certification_id is not None and certification_id in self.certifications
        )


async def _access(shares: list[dict[str, Any]], student_id: int) -> Access | None:
    if not shares:
        return None
    access = Access(student_id=student_id, everything=any(s["everything"] for s in shares), share_ids=[s["id"] for s in shares])
    if not access.everything:
        items = await ShareItem.select(ShareItem.experience, ShareItem.certification).where(
            ShareItem.share.is_in(access.share_ids)
        )
        access.experiences = {i["experience"] for i in items if i["experience"]}
        access.certifications = {i["certification"] for i in items if i["certification"]}
        access.evaluations = await placement_sharing.picked(access.share_ids)
    return access


def active_share():
    return Share.revoked_at.is_null() & (Share.expires_at > now())


async def employer_access(employer: CurrentUser, student_id: int) -> Access | None:
    """The union of the active shares of this student with the employer's organization, or None."""
    if employer.organization_id is None:
        return None
    shares = await Share.select(Share.id, Share.everything).where(
        (Share.student == student_id) & (Share.organization == employer.organization_id) & active_share()
    )
    return await _access(shares, student_id)


async def link_share(raw: str) -> dict[str, Any]:
    share = await Share.select(Share.id, Share.student, Share.everything).where(
        (Share.token_hash == token_hash(raw)) & active_share()
    ).first()
    if share is None:
        raise NotFound("link")
    return share


async def student_name(student_id: int) -> str:
    row = await User.select(User.name).where(User.id == student_id).first()
    return row["name"] if row else ""


async def link_access(raw: str) -> Access:
    share = await link_share(raw)
    access = await _access([share], share["student"])
    assert access is not None
    return access


async def share_access(student: CurrentUser, share_id: int) -> Access:
    """What one of the student's own shares shows, whatever its state (for the student's preview)."""
    share = await Share.select(Share.id, Share.student, Share.everything).where(
        (Share.id == share_id) & (Share.student == student.id)
    ).first()
    if share is None:
        raise NotFound(share_id)
    access = await _access([share], student.id)
    assert access is not None
    return access


async def is_own_school_or_mentor(actor: CurrentUser, student_id: int) -> bool:
    """The student's school staff and assigned mentors: their views are not disclosures."""
    if actor.id == student_id:
        return True
    if actor.has("mentor") and await mentoring.is_assigned(actor.id, student_id):
        return True
    if actor.has("staff") and actor.school_id is not None:
        return await User.exists().where((User.id == student_id) & (User.school == actor.school_id))
    return False
