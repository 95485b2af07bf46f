"""Opportunities, sessions and sign-ups made directly in the tables, for the attendance tests (the pages that
make them belong to the opportunities part)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from portfolio.opportunity_tables import (
    FormCompletion,
    Opportunity,
    OpportunityCluster,
    OpportunityPartner,
    OpportunitySession,
    SignUp,
)
from portfolio.opportunity_vocabulary import OpportunityStatus, SignUpStatus
from portfolio.partner_tables import PartnerSchool
from portfolio.tables import CareerCluster, Organization

NEW_YORK = ZoneInfo("America/New_York")


def yesterday_at(hour: int, minute: int = 0) -> datetime:
    """Yesterday at this time in New York (the test school's timezone), as UTC."""
    day = datetime.now(NEW_YORK).date() - timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK).astimezone(timezone.utc)


async def partner(school_id: int, name: str) -> int:
    org = await Organization.insert(Organization(name=name)).returning(Organization.id)
    row = await PartnerSchool.insert(PartnerSchool(organization=org[0]["id"], school=school_id)).returning(PartnerSchool.id)
    return row[0]["id"]


async def event(school_id: int, *, title: str = "Site visit: Turner Construction", kind: str = "site_visit",
                partners: tuple[str, ...] = ("Turner Construction",), clusters: tuple[str, ...] = ("construction",),
                required_forms: tuple[str, ...] = (), starts_at: datetime | None = None, minutes: int = 180,
                place: str = "1 Main St, Springfield") -> dict[str, int]:
    """An open opportunity of the school with one session (yesterday 9:00 for three hours unless told)."""
    now = datetime.now(timezone.utc)
    opportunity = await Opportunity.insert(Opportunity(
        school=school_id, kind=kind, title=title, place=place, status=OpportunityStatus.OPEN,
        required_forms=list(required_forms), created_at=now, updated_at=now)).returning(Opportunity.id)
    opportunity_id = opportunity[0]["id"]
    for name in partners:
        await OpportunityPartner.insert(OpportunityPartner(opportunity=opportunity_id, partner=await partner(school_id, name)))
    for code in clusters:
        cluster = await CareerCluster.select(CareerCluster.id).where(CareerCluster.code == code).first()
        await OpportunityCluster.insert(OpportunityCluster(opportunity=opportunity_id, cluster=cluster["id"]))
    starts = starts_at or yesterday_at(9)
    session = await OpportunitySession.insert(OpportunitySession(
        opportunity=opportunity_id, starts_at=starts, ends_at=starts + timedelta(minutes=minutes))).returning(OpportunitySession.id)
    return {"opportunity_id": opportunity_id, "session_id": session[0]["id"]}


async def confirmed(opportunity_id: int, *students) -> list[int]:
    """Confirmed sign-ups of these students; their ids, in order."""
    now = datetime.now(timezone.utc)
    ids = []
    for student in students:
        row = await SignUp.insert(SignUp(opportunity=opportunity_id, student=getattr(student, "id", student),
                                         status=SignUpStatus.CONFIRMED, created_at=now, updated_at=now)).returning(SignUp.id)
        ids.append(row[0]["id"])
    return ids


async def form_done(sign_up_id: int, form: str) -> None:
    await FormCompletion.insert(FormCompletion(sign_up=sign_up_id, form=form, completed_at=datetime.now(timezone.utc),
                                               created_at=datetime.now(timezone.utc)))
