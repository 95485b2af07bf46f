"""Which opportunities a person may open: staff their own school's, an admin every school's; a student only the
open (or closed, once signed up) opportunities of their own school, never a draft."""

from __future__ import annotations

from typing import Any

from portfolio.errors import NotFound
from portfolio.opportunity_tables import Opportunity, OpportunitySession, SignUp
from portfolio.opportunity_vocabulary import OpportunityStatus
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners.scope import sees_every_school

COLUMNS = (
    Opportunity.id, Opportunity.school, Opportunity.kind, Opportunity.title, Opportunity.description,
    Opportunity.place, Opportunity.status, Opportunity.enrolment, Opportunity.capacity, Opportunity.signup_deadline,
    Opportunity.grades, Opportunity.minimum_age, Opportunity.required_forms, Opportunity.sequence,
    Opportunity.created_at, Opportunity.updated_at, Opportunity.school.name.as_alias("school_name"),
    Opportunity.school.timezone.as_alias("timezone"),
)


def visible(user: CurrentUser) -> Any:
    if sees_every_school(user):
        return Opportunity.id > 0
    return Opportunity.school == (user.school_id if user.school_id is not None else -1)


async def opportunity(user: CurrentUser, opportunity_id: int) -> dict[str, Any]:
    """For staff: the opportunity, or NotFound (another school's reads as none at all)."""
    row = await Opportunity.select(*COLUMNS).where((Opportunity.id == opportunity_id) & visible(user)).first()
    if row is None:
        raise NotFound("opportunity")
    return row


async def for_student(student: CurrentUser, opportunity_id: int) -> dict[str, Any]:
    """For a student: an opportunity of their school that is open or closed, or cancelled or closed but one they
    are on; a draft never."""
    row = await Opportunity.select(*COLUMNS).where(
        (Opportunity.id == opportunity_id) & (Opportunity.school == (student.school_id or -1))
        & (Opportunity.status != OpportunityStatus.DRAFT)
    ).first()
    if row is None:
        raise NotFound("opportunity")
    if row["status"] != OpportunityStatus.OPEN and not await SignUp.exists().where(
        (SignUp.opportunity == opportunity_id) & (SignUp.student == student.id)
    ):
        raise NotFound("opportunity")
    return row


async def session(user: CurrentUser, opportunity_id: int, session_id: int) -> dict[str, Any]:
    await opportunity(user, opportunity_id)
    row = await OpportunitySession.select().where(
        (OpportunitySession.id == session_id) & (OpportunitySession.opportunity == opportunity_id)
    ).first()
    if row is None:
        raise NotFound("session")
    return row


async def sign_up(user: CurrentUser, opportunity_id: int, sign_up_id: int) -> dict[str, Any]:
    await opportunity(user, opportunity_id)
    row = await SignUp.select(SignUp.all_columns(), SignUp.student.name.as_alias("student_name")).where(
        (SignUp.id == sign_up_id) & (SignUp.opportunity == opportunity_id)
    ).first()
    if row is None:
        raise NotFound("sign-up")
    return row
