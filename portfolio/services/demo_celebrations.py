"""The demo's celebrations: classmates whose verified internships pass the school's goal and 100 hours, a
certification staff checked, Jordan's confirmed signing day and Maya's still waiting, and publication consents
(Jordan, 18, opted in; Avery and Luis with a guardian's agreement; Maya opted in without one, so the program only
counts her). Everything goes through the services, as the students, the mentor and the counselor would."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from portfolio.celebration_vocabulary import CommitmentKind
from portfolio.forms.celebrations import CommitmentForm
from portfolio.forms.certification import CertificationCheckForm, parse_certification
from portfolio.forms.entry import parse_entry
from portfolio.forms.mentoring import Assignment
from portfolio.forms.verification import DecisionForm
from portfolio.services import certifications, experiences, mentoring, signoff
from portfolio.services.accounts import CurrentUser, load_user
from portfolio.services.celebrations import publication, signing
from portfolio.services.emails import Emails
from portfolio.services.signoff import certifications as certificate_checks
from portfolio.vocabulary import CertificationCheck, Decision, Role

# Verified internship days (8 h each): Maya's five pass the school's goal of 40 h, Luis's thirteen 100 h.
INTERNSHIPS = {"Maya Johnson": ("Riverside Health", "healthcare-human-services", 5),
               "Luis Ortega": ("Acme Manufacturing", "advanced-manufacturing", 13)}


async def _verified_days(emails: Emails, mentor: CurrentUser, student: CurrentUser, organization: str, cluster: str,
                         days: int, today: date) -> None:
    rules = await experiences.entry_rules(student)
    ids = []
    for n in range(days):
        entry = parse_entry({"kind": "internship", "title": f"Internship day {n + 1}", "organization": organization,
                             "date": (today - timedelta(days=3 * (days - n))).isoformat(), "hours": "8",
                             "cluster": cluster, "reflection": "Worked alongside the team all day."}, rules)
        ids.append((await experiences.create(student, entry, uuid.uuid4())).entry["id"])
    await signoff.ask_mentor(emails, student, ids, mentor.id)
    queue = {item["experience_id"]: item["id"] for item in await signoff.mentor_queue(mentor)}
    await signoff.decide_as_mentor(emails, mentor, [queue[i] for i in ids], DecisionForm(Decision.VERIFIED, ""))


async def seed(emails: Emails, counselor: CurrentUser, mentor_id: int, jordan_id: int, avery_id: int,
               classmate_ids: list[int], today: date) -> None:
    mentor, jordan, avery = await load_user(mentor_id), await load_user(jordan_id), await load_user(avery_id)
    classmates = {c.name: c for c in [await load_user(i) for i in classmate_ids] if c is not None}
    assert mentor and jordan and avery
    await mentoring.assign(counselor, Assignment(mentor_id, [classmates[name].id for name in INTERNSHIPS]))
    for name, (organization, cluster, days) in INTERNSHIPS.items():
        await _verified_days(emails, mentor, classmates[name], organization, cluster, days, today)
    # Luis's certification, checked by the counselor against the issuer's page.
    luis = classmates["Luis Ortega"]
    cert = await certifications.create(luis, parse_certification({
        "name": "OSHA 10-Hour Construction", "issuer": "OSHA Outreach Training Program", "credential_id": "DEMO-10-9120",
        "issued_on": (today - timedelta(days=12)).isoformat(),
        "verification_url": "https://www.osha.gov/training/outreach/verify"}, today))
    [shown] = [c for c in await certificate_checks.student_certifications(luis.id, today) if c["id"] == cert["id"]]
    await certificate_checks.verify_certification(counselor, Role.STAFF, luis.id, cert["id"], CertificationCheckForm(
        CertificationCheck.ISSUER_LINK, Decision.VERIFIED, "", shown["current_hash"]))
    # Signing day: Jordan's confirmed, Luis's confirmed, Maya's waiting for her.
    for student, form, confirm in (
        (jordan, CommitmentForm(CommitmentKind.APPRENTICESHIP, "Valley Electrical JATC", "Inside wireman apprentice",
                                today - timedelta(days=5)), True),
        (luis, CommitmentForm(CommitmentKind.EMPLOYER, "Acme Manufacturing", "Welder", today - timedelta(days=4)), True),
        (classmates["Maya Johnson"], CommitmentForm(CommitmentKind.COLLEGE, "Tri-County Community College",
                                                    "Nursing (ADN)", today - timedelta(days=2)), False),
    ):
        signing_id = await signing.record(counselor, student.id, form)
        if confirm:
            await signing.answer(student, signing_id, confirmed=True)
    # Named in the program: Jordan (18, own opt-in), Avery and Luis (with a guardian's agreement). Maya opted
    # in but no guardian's agreement is on file yet: the program counts her without her name.
    for student in (jordan, avery, luis, classmates["Maya Johnson"]):
        await publication.opt_in(student)
    await publication.record_guardian(counselor, avery.id, "Lin Chen")
    await publication.record_guardian(counselor, luis.id, "Rosa Ortega")
