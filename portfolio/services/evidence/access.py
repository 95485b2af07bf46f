"""Who may open a file: the one evidence-access policy, asked by every request for a file."""

from __future__ import annotations

from typing import Any

from portfolio.errors import NotFound
from portfolio.services import alumni, mentoring, sharing
from portfolio.services.accounts import CurrentUser
from portfolio.tables import Evidence, Experience, RequestItem


async def can_view(actor: CurrentUser | None, evidence: dict[str, Any], link_request: int | None = None) -> bool:
    """The one evidence-access policy: every request for a file asks it.

    The student who uploaded it; their assigned mentors; staff of their school; and a supervisor holding
    an opened verification link, for the entries that link's request names. Shares extend this function.
    """
    if link_request is not None:
        return evidence["experience"] is not None and await RequestItem.exists().where(
            (RequestItem.request == link_request) & (RequestItem.experience == evidence["experience"])
        )
    if actor is None:
        return False
    if evidence["student"] == actor.id:
        return True
    if actor.has("mentor") and await mentoring.is_assigned(actor.id, evidence["student"]):
        return True
    if actor.has("staff") and actor.school_id is not None:
        if await alumni.staff_reach(actor, evidence["student"]):
            return True
    return await _employer_share(actor, evidence) is not None


async def _employer_share(actor: CurrentUser, evidence: dict[str, Any]) -> sharing.Access | None:
    """The share through which an employer account may open the file, if one does."""
    if not actor.has("employer"):
        return None
    access = await sharing.employer_access(actor, evidence["student"])
    return access if await shared_file(access, evidence) else None


async def shared_file(access: sharing.Access | None, evidence: dict[str, Any]) -> bool:
    """A file is shared when its entry or certification is, and the entry is one a portfolio shows."""
    if access is None or evidence["student"] != access.student_id:
        return False
    if not access.includes(evidence["experience"], evidence["certification"]):
        return False
    if evidence["experience"] is not None:
        return await Experience.exists().where(
            (Experience.id == evidence["experience"]) & Experience.status.is_in(list(sharing.SHOWN_STATUSES))
        )
    return True


async def get_for(
    actor: CurrentUser | None,
    evidence_id: int,
    link_request: int | None = None,
    share_access: sharing.Access | None = None,
) -> dict[str, Any]:
    """The file row, if this viewer may open it: an account (actor), a supervisor's verification link
    (link_request), or a share link's visitor (share_access). NotFound otherwise, whatever the reason."""
    row = await Evidence.select().where(Evidence.id == evidence_id).first()
    if row is None:
        raise NotFound(evidence_id)
    allowed = await shared_file(share_access, row) if share_access is not None else await can_view(actor, row, link_request)
    if not allowed:
        raise NotFound(evidence_id)
    return row


async def open_for(actor: CurrentUser, evidence_id: int) -> dict[str, Any]:
    """The file row for an account opening it (get_for's rules). An employer's opening is a disclosure,
    recorded once per file and day; the student's, their school's staff's and their mentors' are not."""
    row = await get_for(actor, evidence_id)
    if not await sharing.is_own_school_or_mentor(actor, row["student"]):
        access = await _employer_share(actor, row)
        if access is not None:
            organization = await sharing.organization_name(actor.organization_id)
            await sharing.disclose_file(row["student"], row["id"], actor.name, organization, viewer=actor.id,
                                        share=access.share_ids[0])
    return row
