"""The demo's placements, one at each stage: Jordan (18) interning at Acme Manufacturing under way, with one week
of hours confirmed by the supervisor and one waiting; Avery (16) with a job shadow whose agreement waits for the
supervisor's and the guardian's signatures; and Jordan's ended job shadow with the supervisor's evaluation."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from portfolio import clock
from portfolio.forms.entry import parse_entry
from portfolio.forms.placements import EvaluationForm, PlacementForm
from portfolio.opportunity_vocabulary import AgreementParty, PlacementLinkPurpose
from portfolio.partner_tables import PartnerContact
from portfolio.placement_tables import PlacementLink, TimesheetWeek
from portfolio.services import experiences
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.placements import agreement, evaluations, records, scope, timesheets
from portfolio.services.placements.records import week_of
from portfolio.tables import GuardianConsent, StudentProfile
from portfolio.vocabulary import ExperienceKind


async def _supervisor(school_id: int, partner_name: str) -> tuple[int, int]:
    """(partner id, contact id) of the school's partner's first active contact with an e-mail."""
    row = await PartnerContact.select(PartnerContact.id, PartnerContact.partner).where(
        (PartnerContact.partner.school == school_id) & (PartnerContact.partner.organization.name == partner_name)
        & (PartnerContact.active == True) & (PartnerContact.email != "")  # noqa: E712
    ).order_by(PartnerContact.id).first()
    return row["partner"], row["id"]


async def _placement(emails: Emails, counselor: CurrentUser, student_id: int, partner_name: str, kind: ExperienceKind,
                     title: str, starts: date, ends: date, schedule: str, paid: bool, goals: str) -> int:
    partner, contact = await _supervisor(counselor.school_id or 0, partner_name)
    form = PlacementForm(student_id, partner, contact, kind, title, None, starts, ends, schedule, paid, goals)
    return await records.create(emails, counselor, form)


async def _sign(placement_id: int, signer: CurrentUser | None, party: AgreementParty, name: str) -> None:
    digest = (await scope.by_id(placement_id))["agreement_hash"]
    if signer is not None:
        await agreement.sign_in_person(placement_id, party, digest, name, signer.id, signer.email, "")
        return
    purpose = PlacementLinkPurpose.SUPERVISOR_SIGNATURE if party == AgreementParty.SUPERVISOR else PlacementLinkPurpose.GUARDIAN_SIGNATURE
    link = await PlacementLink.select(PlacementLink.id).where(
        (PlacementLink.placement == placement_id) & (PlacementLink.purpose == purpose) & PlacementLink.used_at.is_null()
        & PlacementLink.revoked_at.is_null()).first()
    await agreement.sign_by_link(link["id"], digest, name, "")


async def _log(student: CurrentUser, day: date, hours: str, title: str, reflection: str) -> None:
    rules = await experiences.entry_rules(student)
    raw = {"kind": "internship", "title": title, "organization": "Acme Manufacturing", "date": day.isoformat(),
           "hours": hours, "cluster": "advanced-manufacturing", "reflection": reflection}
    await experiences.create(student, parse_entry(raw, rules), uuid.uuid4())


async def seed(emails: Emails, counselor: CurrentUser, jordan: CurrentUser, avery: CurrentUser, today: date) -> None:
    this_week = week_of(today)
    # Jordan's internship at Acme, signed by Jordan, the supervisor (from the e-mailed link) and the counselor.
    internship = await _placement(
        emails, counselor, jordan.id, "Acme Manufacturing", ExperienceKind.INTERNSHIP, "Machining intern",
        this_week - timedelta(days=21), this_week + timedelta(days=56), "Tuesdays and Thursdays, 1 to 5 pm", True,
        "Read a blueprint; set up and run a manual lathe safely; measure parts with calipers and micrometers.")
    await _sign(internship, jordan, AgreementParty.STUDENT, jordan.name)
    await _sign(internship, None, AgreementParty.SUPERVISOR, "Dana Brooks")
    await _sign(internship, counselor, AgreementParty.STAFF, "Mr. Okafor")
    for weeks_ago, first, second in ((2, "Safety training and shop tour", "Deburred brackets"),
                                     (1, "Ran the lathe with Dana", "Measured parts for inspection")):
        monday = this_week - timedelta(days=7 * weeks_ago)
        await _log(jordan, monday + timedelta(days=1), "4", first, "")
        await _log(jordan, monday + timedelta(days=3), "4", second, "The micrometer is harder to read than it looks.")
    await timesheets.send_weekly(emails)
    # The supervisor confirmed the earlier week in one tap; the last one waits.
    earlier = await TimesheetWeek.select(TimesheetWeek.id).where(
        (TimesheetWeek.placement == internship) & (TimesheetWeek.week_start == this_week - timedelta(days=14))).first()
    link = await PlacementLink.select(PlacementLink.id).where(PlacementLink.week == earlier["id"]).first()
    view = await timesheets.week_view(await PlacementLink.select().where(PlacementLink.id == link["id"]).first())
    await timesheets.confirm_all(link["id"], {e["id"]: e["current_hash"] for e in view["open"]})

    # Avery is 16: a guardian signs too, at the address the school has on record.
    if await StudentProfile.exists().where(StudentProfile.student == avery.id):
        await StudentProfile.update({StudentProfile.birth_date: date(today.year - 16, 3, 1)}).where(StudentProfile.student == avery.id)
    else:
        await StudentProfile.insert(StudentProfile(student=avery.id, birth_date=date(today.year - 16, 3, 1), updated_at=clock.now()))
    await GuardianConsent.insert(GuardianConsent(
        student=avery.id, guardian_name="Morgan Chen", guardian_email="morgan.chen@home.example", method="staff",
        recorded_by=counselor.id, confirmed_by=counselor.id, confirmed_at=clock.now(), given_at=clock.now(), created_at=clock.now()))
    shadow = await _placement(
        emails, counselor, avery.id, "Riverside Health", ExperienceKind.JOB_SHADOW, "Shadow a lab technician",
        this_week + timedelta(days=14), this_week + timedelta(days=18), "Monday to Friday, 8 am to noon", False,
        "See how samples are tracked from the ER to the lab; ask about the training a lab technician needs.")
    await _sign(shadow, avery, AgreementParty.STUDENT, avery.name)
    await _sign(shadow, counselor, AgreementParty.STAFF, "Mr. Okafor")

    # Jordan's job shadow last term, ended, with the supervisor's evaluation.
    ended = await _placement(
        emails, counselor, jordan.id, "Tri-County Builders Association", ExperienceKind.JOB_SHADOW, "Shadow a site superintendent",
        today - timedelta(days=90), today - timedelta(days=60), "Two Saturdays, 7 am to 3 pm", False,
        "See how a site is run day to day; learn what a superintendent checks each morning.")
    await _sign(ended, jordan, AgreementParty.STUDENT, jordan.name)
    await _sign(ended, None, AgreementParty.SUPERVISOR, "Maria Lopez")
    await _sign(ended, counselor, AgreementParty.STAFF, "Mr. Okafor")
    await evaluations.send_requests(emails)
    link = await PlacementLink.select(PlacementLink.id).where(
        (PlacementLink.placement == ended) & (PlacementLink.purpose == PlacementLinkPurpose.EVALUATION)).first()
    criteria = await evaluations.rubric(counselor.school_id or 0)
    levels = [4, 3, 3, 4, 3, 2]
    await evaluations.give(link["id"], EvaluationForm(
        "Maria Lopez", "Workforce director", {c["id"]: levels[i % len(levels)] for i, c in enumerate(criteria)},
        {criteria[0]["id"]: "Asked sharp questions at the morning huddle."}, "Jordan showed up early both days. Welcome back any time."))
