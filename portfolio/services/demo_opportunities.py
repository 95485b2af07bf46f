"""Demo opportunities, one at each stage: an open site visit with seats (Jordan confirmed; Avery too, whose
guardian was e-mailed the permission slip), a full one with a
waitlist (Jordan waiting), a multi-partner Senior Days with partners at their tables, and yesterday's site visit
whose session has ended (its attendance is taken next)."""

from __future__ import annotations

from datetime import date, time, timedelta

from portfolio import clock
from portfolio.forms.opportunities import OpportunityForm, SessionTimes, local_moment
from portfolio.opportunity_tables import SignUp
from portfolio.opportunity_vocabulary import Enrolment, OpportunityStatus, RequiredForm
from portfolio.partner_tables import PartnerSchool
from portfolio.services import profiles
from portfolio.services.accounts import CurrentUser, load_user
from portfolio.services.emails import Emails
from portfolio.services.opportunities import posting, required_forms, seats
from portfolio.tables import CareerCluster, School
from portfolio.vocabulary import ExperienceKind


def _session(day: date, start: time, end: time, tz: str) -> SessionTimes:
    return SessionTimes(local_moment(day, start, tz), local_moment(day, end, tz))


def _form(kind: ExperienceKind, title: str, description: str, place: str, sessions: tuple[SessionTimes, ...], *,
          capacity: int | None = None, partners: dict[int, str] | None = None, clusters: tuple[int, ...] = (),
          grades: tuple[int, ...] = (), forms: tuple[RequiredForm, ...] = (),
          status: OpportunityStatus = OpportunityStatus.OPEN) -> OpportunityForm:
    return OpportunityForm(kind, title, description, place, status, Enrolment.SIGN_UP, capacity, None, grades, None, forms,
                           partners or {}, clusters, (), sessions)


async def seed(emails: Emails, counselor: CurrentUser, jordan_id: int, avery_id: int, today: date) -> None:
    school_id = counselor.school_id
    jordan, avery = await load_user(jordan_id), await load_user(avery_id)
    assert school_id is not None and jordan is not None and avery is not None
    tz = (await School.select(School.timezone).where(School.id == school_id).first())["timezone"]
    partner = {r["name"]: r["id"] for r in await PartnerSchool.select(
        PartnerSchool.id, PartnerSchool.organization.name.as_alias("name")).where(PartnerSchool.school == school_id)}
    cluster = {c["code"]: c["id"] for c in await CareerCluster.select(CareerCluster.id, CareerCluster.code)}
    # Seniors: Senior Days is for grades 11 and 12, and eligibility reads the grade staff set.
    for student in (jordan, avery):
        await profiles.set_grade(counselor, student.id, 12)
    soon = today + timedelta(days=10)
    lab = await posting.create(counselor, school_id, _form(
        ExperienceKind.SITE_VISIT, "Site visit: Riverside Health lab", "See how samples travel from the ER to the lab.",
        "Riverside Health, 400 River Road", (_session(soon, time(9), time(11, 30), tz),), capacity=12,
        partners={partner["Riverside Health"]: ""}, clusters=(cluster["healthcare-human-services"],),
        forms=(RequiredForm.PERMISSION_SLIP,)))
    await seats.sign_up(emails, jordan, lab)
    # Avery (16) has a seat too, and the counselor e-mailed the permission slip to Avery's guardian on record.
    await seats.sign_up(emails, avery, lab)
    slip = await SignUp.select(SignUp.id).where((SignUp.opportunity == lab) & (SignUp.student == avery.id)).first()
    await required_forms.send_slip(emails, counselor, lab, slip["id"])
    demo = await posting.create(counselor, school_id, _form(
        ExperienceKind.OTHER, "Job demonstration: Valley Electrical JATC", "Wire a panel with an apprentice.",
        "Valley JATC training center", (_session(soon + timedelta(days=2), time(13), time(15), tz),), capacity=1,
        partners={partner["Valley Electrical JATC"]: ""}, clusters=(cluster["construction"],)))
    await seats.sign_up(emails, avery, demo)
    await seats.sign_up(emails, jordan, demo)  # full: Jordan waits, first in line
    days = today + timedelta(days=21)
    await posting.create(counselor, school_id, _form(
        ExperienceKind.CAREER_FAIR, "Senior Days with the Tri-County Builders",
        "Meet twenty construction companies: carpentry, electrical, HVAC, heavy equipment. Bring a resume.",
        "County Fairgrounds, Expo Hall",
        (_session(days, time(8, 30), time(12), tz), _session(days + timedelta(days=1), time(8, 30), time(12), tz)),
        capacity=120, grades=(11, 12), forms=(RequiredForm.PERMISSION_SLIP, RequiredForm.TRANSPORTATION),
        partners={partner["Tri-County Builders Association"]: "Main stage, 8:30-9:00",
                  partner["Valley Electrical JATC"]: "Table 4", partner["Acme Manufacturing"]: "Table 7"},
        clusters=(cluster["construction"],)))
    # Yesterday's visit: its session has ended, so staff take attendance next.
    past = await posting.create(counselor, school_id, _form(
        ExperienceKind.SITE_VISIT, "Site visit: Acme Manufacturing plant", "Watch robotic welding cells at work.",
        "Acme Manufacturing, 1 Industrial Way", (_session(today - timedelta(days=1), time(9), time(11), tz),), capacity=20,
        partners={partner["Acme Manufacturing"]: ""}, clusters=(cluster["advanced-manufacturing"],),
        status=OpportunityStatus.CLOSED))
    moment = clock.now()
    await SignUp.insert(*[SignUp(opportunity=past, student=s.id, status="confirmed", created_at=moment, updated_at=moment)
                          for s in (jordan, avery)])

