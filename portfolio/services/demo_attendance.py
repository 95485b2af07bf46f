"""The demo's attendance: past site visits where staff marked who came (Jordan among them, so the demo student
has an attendance-verified entry), and today's multi-partner expo with its roster still to tick."""

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
from portfolio.services.accounts import CurrentUser
from portfolio.services.attendance import marking
from portfolio.tables import CareerCluster, School

# The past visits' and today's titles, for the feedback that follows them and the tests that open them.
JOB_SITE = "Site visit: Tri-County Builders job site"
LAB_TOUR = "Riverside Health lab tour"
EXPO = "Career Showcase Expo"


async def seed(counselor: CurrentUser, student_ids: list[int], classmates: list[int], today: date) -> dict[str, int]:
    """Last week's job site visit (Jordan and two classmates came; Avery signed up and did not, so the demo's new
    student has no entries yet: the "Get started" card), the lab tour of six classmates three weeks ago, and
    today's multi-partner expo with its roster still to tick. The opportunities' ids by title."""
    job_site, job_site_session = await _opportunity(
        counselor, JOB_SITE, "site_visit", ["Tri-County Builders Association"], today - timedelta(days=7), time(9),
        time(12), student_ids + classmates[:3], OpportunityStatus.CLOSED)
    await site_visit_attendance(counselor, job_site_session, student_ids[:1] + classmates[:2])
    tour, tour_session = await _opportunity(
        counselor, LAB_TOUR, "site_visit", ["Riverside Health"], today - timedelta(days=20), time(9), time(12),
        classmates, OpportunityStatus.CLOSED, cluster="healthcare-human-services", place="Riverside Health, 400 River Road")
    await site_visit_attendance(counselor, tour_session, classmates)
    await _opportunity(counselor, EXPO, "career_fair",
                       ["Tri-County Builders Association", "Valley Electrical JATC", "Acme Manufacturing"],
                       today, time(9), time(13), classmates, OpportunityStatus.CLOSED,
                       forms=[RequiredForm.PERMISSION_SLIP], place="Riverside High School gym")
    return {JOB_SITE: job_site, LAB_TOUR: tour}


async def site_visit_attendance(counselor: CurrentUser, session_id: int, student_ids: list[int]) -> None:
    """Staff marked these students present at the site visit: each has the verified entry it made."""
    for student_id in student_ids:
        await marking.mark(counselor, session_id, student_id)


async def _opportunity(counselor: CurrentUser, title: str, kind: str, partners: list[str], day: date, start: time,
                       end: time, student_ids: list[int], status: str, forms: list[str] | None = None,
                       cluster: str = "construction", place: str = "Tri-County training yard, 400 Mill Rd") -> tuple[int, int]:
    """An opportunity with one session, its partners and cluster, the students confirmed: its id and the
    session's."""
    school = await School.select(School.timezone).where(School.id == counselor.school_id).first()
    zone = ZoneInfo(school["timezone"])
    stamp = now()
    row: Any = await Opportunity.insert(Opportunity(
        school=counselor.school_id, kind=kind, title=title, place=place,
        status=status, required_forms=forms or [], created_by=counselor.id, created_at=stamp, updated_at=stamp,
    )).returning(Opportunity.id)
    opportunity_id = row[0]["id"]
    found = await PartnerSchool.select(PartnerSchool.id, PartnerSchool.organization.name.as_alias("name")).where(
        (PartnerSchool.school == counselor.school_id) & PartnerSchool.organization.name.is_in(partners))
    by_name = {partner["name"]: partner["id"] for partner in found}
    for name in partners:
        if name in by_name:
            await OpportunityPartner.insert(OpportunityPartner(opportunity=opportunity_id, partner=by_name[name]))
    found_cluster = await CareerCluster.select(CareerCluster.id).where(CareerCluster.code == cluster).first()
    if found_cluster:
        await OpportunityCluster.insert(OpportunityCluster(opportunity=opportunity_id, cluster=found_cluster["id"]))
    session = await OpportunitySession.insert(OpportunitySession(
        opportunity=opportunity_id, starts_at=datetime.combine(day, start, zone),
        ends_at=datetime.combine(day, end, zone))).returning(OpportunitySession.id)
    for student_id in student_ids:
        await SignUp.insert(SignUp(opportunity=opportunity_id, student=student_id, status=SignUpStatus.CONFIRMED,
                                   decided_by=counselor.id, created_at=stamp, updated_at=stamp))
    return opportunity_id, session[0]["id"]
