"""The demo's attendance: a past site visit where staff marked who came (Jordan among them, so the demo
student has an attendance-verified entry), and today's multi-partner Senior Days with its roster still to tick.
Each in its own function, so the site visit can be pointed at the opportunities part's own when there is one."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from portfolio.clock import now
from portfolio.opportunity_tables import (
    Opportunity,
    OpportunityCluster,
    OpportunityPartner,
    OpportunitySession,
    SignUp,
)
from portfolio.opportunity_vocabulary import OpportunityStatus, RequiredForm, SignUpStatus
from portfolio.partner_tables import PartnerSchool
from portfolio.services.accounts import CurrentUser, create_user
from portfolio.services.attendance import marking
from portfolio.tables import CareerCluster, School

# Students of the demo school with no sign-in of their own: a roster of a handful to tick.
CLASSMATES = ["Sam Ortiz", "Riley Nguyen", "Morgan Diaz", "Taylor Brooks", "Jamie Fox", "Alex Kim"]


async def seed(counselor: CurrentUser, student_ids: list[int], today: date) -> None:
    classmates = [await create_user(f"classmate{n}@demo.example", name, ["student"], school_id=counselor.school_id)
                  for n, name in enumerate(CLASSMATES, start=1)]
    session_id = await _opportunity(counselor, "Site visit: Tri-County Builders job site", "site_visit",
                                    ["Tri-County Builders Association"], today - timedelta(days=7), time(9), time(12),
                                    student_ids + classmates[:3], OpportunityStatus.CLOSED)
    # Jordan came (an attendance-verified entry); Avery, signed up too, did not: the demo's new student has
    # no entries yet (the "Get started" card).
    await site_visit_attendance(counselor, session_id, student_ids[:1] + classmates[:2])
    await _opportunity(counselor, "Senior Days", "career_fair",
                       ["Tri-County Builders Association", "Valley Electrical JATC", "Acme Manufacturing"],
                       today, time(9), time(13), classmates, OpportunityStatus.CLOSED,
                       forms=[RequiredForm.PERMISSION_SLIP])


async def site_visit_attendance(counselor: CurrentUser, session_id: int, student_ids: list[int]) -> None:
    """Staff marked these students present at the site visit: each has the verified entry it made."""
    for student_id in student_ids:
        await marking.mark(counselor, session_id, student_id)


async def _opportunity(counselor: CurrentUser, title: str, kind: str, partners: list[str], day: date, start: time,
                       end: time, student_ids: list[int], status: str, forms: list[str] | None = None) -> int:
    """An opportunity with one session, its partners and the construction cluster, the students confirmed;
    the session's id."""
    school = await School.select(School.timezone).where(School.id == counselor.school_id).first()
    zone = ZoneInfo(school["timezone"])
    stamp = now()
    row: Any = await Opportunity.insert(Opportunity(
        school=counselor.school_id, kind=kind, title=title, place="Tri-County training yard, 400 Mill Rd",
        status=status, required_forms=forms or [], created_by=counselor.id, created_at=stamp, updated_at=stamp,
    )).returning(Opportunity.id)
    opportunity_id = row[0]["id"]
    found = await PartnerSchool.select(PartnerSchool.id, PartnerSchool.organization.name.as_alias("name")).where(
        (PartnerSchool.school == counselor.school_id) & PartnerSchool.organization.name.is_in(partners))
    by_name = {partner["name"]: partner["id"] for partner in found}
    for name in partners:
        if name in by_name:
            await OpportunityPartner.insert(OpportunityPartner(opportunity=opportunity_id, partner=by_name[name]))
    cluster = await CareerCluster.select(CareerCluster.id).where(CareerCluster.code == "construction").first()
    if cluster:
        await OpportunityCluster.insert(OpportunityCluster(opportunity=opportunity_id, cluster=cluster["id"]))
    session = await OpportunitySession.insert(OpportunitySession(
        opportunity=opportunity_id, starts_at=datetime.combine(day, start, zone),
        ends_at=datetime.combine(day, end, zone))).returning(OpportunitySession.id)
    for student_id in student_ids:
        await SignUp.insert(SignUp(opportunity=opportunity_id, student=student_id, status=SignUpStatus.CONFIRMED,
                                   decided_by=counselor.id, created_at=stamp, updated_at=stamp))
    return session[0]["id"]
