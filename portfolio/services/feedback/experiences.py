"""Which experiences a student may give feedback on: an opportunity they came to, once its sessions are over,
and a placement they had, once it ended (marked ended, or its end date passed where the school is). Nobody
answers for an experience they did not have: anything else is not found."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from portfolio import clock
from portfolio.errors import NotFound
from portfolio.feedback_tables import Feedback
from portfolio.opportunity_tables import Attendance, OpportunitySession
from portfolio.opportunity_vocabulary import FeedbackAbout, PlacementStatus
from portfolio.placement_tables import Placement
from portfolio.services.accounts import CurrentUser

# A placement that was under way or is over; one never signed (or cancelled before it started) was not had.
HAD = [PlacementStatus.ACTIVE, PlacementStatus.ENDED]
# The joined columns, built once: piccolo copies every column of each table joined through for every
# `Attendance.session.opportunity.<column>` read, and the dashboard asks for these on every visit.
_OPPORTUNITY = Attendance.session.opportunity
_OPPORTUNITY_ID = _OPPORTUNITY.id
_ATTENDED_COLUMNS = (_OPPORTUNITY.id.as_alias("id"), _OPPORTUNITY.title.as_alias("title"),
                     _OPPORTUNITY.kind.as_alias("kind"))
_PLACED_COLUMNS = (Placement.id, Placement.title, Placement.kind, Placement.status, Placement.ends_on,
                   Placement.school.timezone.as_alias("timezone"))


def _opportunity_over() -> Any:
    """The where-clause of attendances whose opportunity has no session still to end (a cancelled session does
    not count): feedback is on the whole opportunity, so a four-week workshop is answered after its last week."""
    running = OpportunitySession.select(OpportunitySession.opportunity).where(
        (OpportunitySession.ends_at > clock.now()) & OpportunitySession.cancelled_at.is_null())
    return _OPPORTUNITY_ID.not_in(running)


def _placement_over(row: dict[str, Any]) -> bool:
    return row["status"] == PlacementStatus.ENDED or row["ends_on"] < clock.today_at(row["timezone"])


def _answered(student: CurrentUser, about: FeedbackAbout) -> Any:
    column = Feedback.opportunity if about == FeedbackAbout.OPPORTUNITY else Feedback.placement
    # NOT IN over a list with a NULL matches nothing: only the rows about this kind.
    return Feedback.select(column).where((Feedback.student == student.id) & column.is_not_null())


async def _attended(student: CurrentUser, where: Any) -> list[dict[str, Any]]:
    rows = await Attendance.select(*_ATTENDED_COLUMNS).where((Attendance.student == student.id) & _opportunity_over() & where)
    unique = {row["id"]: row | {"about": FeedbackAbout.OPPORTUNITY} for row in rows}
    return list(unique.values())


async def _placed(student: CurrentUser, where: Any) -> list[dict[str, Any]]:
    # A day's margin for the timezones; the school's own date decides below.
    latest = clock.now().date() + timedelta(days=1)
    rows = await Placement.select(*_PLACED_COLUMNS).where((Placement.student == student.id) & Placement.status.is_in(HAD)
            & ((Placement.status == PlacementStatus.ENDED) | (Placement.ends_on <= latest)) & where)
    return [row | {"about": FeedbackAbout.PLACEMENT} for row in rows if _placement_over(row)]


async def waiting(student: CurrentUser) -> list[dict[str, Any]]:
    """Ended experiences the student has not answered yet, for the dashboard's card (two queries, whatever
    the number)."""
    opportunities = await _attended(student, _OPPORTUNITY_ID.not_in(
        _answered(student, FeedbackAbout.OPPORTUNITY)))
    placements = await _placed(student, Placement.id.not_in(_answered(student, FeedbackAbout.PLACEMENT)))
    return sorted(opportunities + placements, key=lambda row: row["title"].lower())


async def experience(student: CurrentUser, about: FeedbackAbout, item_id: int) -> dict[str, Any]:
    """The ended experience the student had, or NotFound (not theirs, not had, or not over yet)."""
    if about == FeedbackAbout.OPPORTUNITY:
        found = await _attended(student, _OPPORTUNITY_ID == item_id)
    else:
        found = await _placed(student, Placement.id == item_id)
    if not found:
        raise NotFound(about)
    return found[0]
