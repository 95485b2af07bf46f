"""Rows the feedback tests stand on: an opportunity with a partner and a session, a student who came, a placement,
a partner contact, and answers given straight through the service."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from portfolio import clock
from portfolio.feedback_tables import Feedback
from portfolio.forms.feedback import FeedbackForm
from portfolio.opportunity_tables import Attendance, Opportunity, OpportunityPartner, OpportunitySession
from portfolio.opportunity_vocabulary import FeedbackAbout, OpportunityStatus, PlacementStatus
from portfolio.partner_tables import PartnerContact, PartnerSchool
from portfolio.placement_tables import Placement
from portfolio.services.feedback import answers
from portfolio.tables import Organization


def ago(**delta) -> datetime:
    return clock.now() - timedelta(**delta)


async def partner(school_id: int, name: str = "Riverside Health") -> dict:
    org = (await Organization.insert(Organization(name=name)).returning(Organization.id))[0]["id"]
    row = (await PartnerSchool.insert(PartnerSchool(organization=org, school=school_id, status="active"))
           .returning(PartnerSchool.id))[0]["id"]
    return {"id": row, "school": school_id, "name": name}


async def contact(partner_id: int, name: str = "Dana Reyes", email: str = "dana@riverside.example",
                  active: bool = True) -> int:
    return (await PartnerContact.insert(PartnerContact(partner=partner_id, name=name, email=email, active=active))
            .returning(PartnerContact.id))[0]["id"]


async def opportunity(school_id: int, partner_ids: list[int] = (), title: str = "Hospital site visit",
                      ends: datetime | None = None, kind: str = "site_visit") -> dict:
    """An opportunity with one session, over an hour before `ends` (by default yesterday)."""
    ends = ends or ago(days=1)
    opp = (await Opportunity.insert(Opportunity(
        school=school_id, kind=kind, title=title, status=OpportunityStatus.CLOSED, created_at=ago(days=30),
        updated_at=ago(days=30))).returning(Opportunity.id))[0]["id"]
    for partner_id in partner_ids:
        await OpportunityPartner.insert(OpportunityPartner(opportunity=opp, partner=partner_id))
    session = (await OpportunitySession.insert(OpportunitySession(
        opportunity=opp, starts_at=ends - timedelta(hours=2), ends_at=ends)).returning(OpportunitySession.id))[0]["id"]
    return {"id": opp, "session": session}


async def add_session(opportunity_id: int, ends: datetime) -> int:
    return (await OpportunitySession.insert(OpportunitySession(
        opportunity=opportunity_id, starts_at=ends - timedelta(hours=2), ends_at=ends)).returning(OpportunitySession.id)
            )[0]["id"]


async def attended(student, session_id: int) -> None:
    await Attendance.insert(Attendance(session=session_id, student=student.id, method="roster", marked_at=ago(days=1)))


async def placement(student, partner_id: int, *, ends_on: date | None = None, status: str = PlacementStatus.ACTIVE,
                    title: str = "Nursing internship") -> int:
    ends_on = ends_on or clock.now().date() - timedelta(days=3)
    return (await Placement.insert(Placement(
        school=student.school_id, student=student.id, partner=partner_id, kind="internship", title=title,
        starts_on=ends_on - timedelta(days=60), ends_on=ends_on, status=status, created_at=ago(days=90),
        updated_at=ago(days=90))).returning(Placement.id))[0]["id"]


def form(rating: int = 4, learned: str = "", recommend: bool = True, change: str = "") -> FeedbackForm:
    return FeedbackForm(rating, learned, recommend, change)


async def answered(student, opportunity_id: int, **given) -> int:
    """The student came to the opportunity's first session and answered."""
    session = await OpportunitySession.select(OpportunitySession.id).where(
        OpportunitySession.opportunity == opportunity_id).first()
    if not await Attendance.exists().where((Attendance.session == session["id"]) & (Attendance.student == student.id)):
        await attended(student, session["id"])
    await answers.save(student, FeedbackAbout.OPPORTUNITY, opportunity_id, form(**given))
    row = await Feedback.select(Feedback.id).where(
        (Feedback.student == student.id) & (Feedback.opportunity == opportunity_id)).first()
    return row["id"]


