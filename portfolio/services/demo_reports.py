"""The demo's part for the reports: grades for Jordan, Avery and the classmates, and the classmates in the Welding
program, so the participation report counts students under every definition (the state ones count grades 9 to 12
only); certifications of this school year verified by the counselor, one left unverified, and a partner met seven
months ago and not since, so that the default view of every report has rows, and "going cold" one of them."""

from __future__ import annotations

from datetime import date, timedelta

from portfolio.forms.certification import CertificationCheckForm, parse_certification
from portfolio.forms.interactions import parse_interaction
from portfolio.forms.partners import parse_filter
from portfolio.services import certifications, profiles
from portfolio.services.accounts import CurrentUser
from portfolio.services.experiences import school_of, school_year_start
from portfolio.services.partners import directory, interactions
from portfolio.services.programs import records as programs
from portfolio.services.signoff.certifications import verify_certification
from portfolio.tables import Certification
from portfolio.vocabulary import CertificationCheck, Decision, Role

CLASSMATE_GRADES = [9, 10, 10, 11, 12, 12]


async def seed_participation(counselor: CurrentUser, jordan_id: int, avery_id: int, classmates: list[int], today: date) -> None:
    for student_id, grade in ((jordan_id, 12), (avery_id, 11), *zip(classmates, CLASSMATE_GRADES)):
        await profiles.set_grade(counselor, student_id, grade)
    welding = next(p for p in await programs.listing(counselor, today) if p["name"] == "Welding Technology")
    for student_id in classmates:
        await programs.add_student(counselor, welding["id"], student_id, today - timedelta(days=150))


# student key, name, issuer, days ago, verified by the counselor
EARNED = [
    ("jordan", "AWS D1.1 Structural Welding (3G)", "American Welding Society", 30, True),
    ("avery", "Certified Nursing Assistant (CNA)", "State Board of Nursing", 20, True),
    ("avery", "ServSafe Food Handler", "National Restaurant Association", 10, False),
]
# Met this many days ago and not since: more than the report's 180 days, within a year.
COLD_PARTNER = ("Riverside Chamber of Commerce", 200)


async def seed_earned(counselor: CurrentUser, jordan: CurrentUser, avery: CurrentUser, today: date) -> None:
    students = {"jordan": jordan, "avery": avery}
    # Issued within this school year, however early in it the demo starts.
    first_day = school_year_start(await school_of(counselor), today)
    for key, name, issuer, days_ago, verified in EARNED:
        student = students[key]
        issued = max(today - timedelta(days=days_ago), first_day)
        raw = {"name": name, "issuer": issuer, "credential_id": f"DEMO-{days_ago}",
               "issued_on": issued.isoformat(), "verification_url": f"https://verify.example/demo-{days_ago}"}
        made = await certifications.create(student, parse_certification(raw, today))
        if verified:
            seen = await Certification.select(Certification.content_hash).where(Certification.id == made["id"]).first()
            await verify_certification(counselor, Role.STAFF, student.id, made["id"], CertificationCheckForm(
                checked=CertificationCheck.ISSUER_LINK, decision=Decision.VERIFIED, comment="",
                content_hash=seen["content_hash"]))
    name, days_ago = COLD_PARTNER
    listing = {p["name"]: p["id"] for p in (await directory.listing(counselor, parse_filter({}))).rows}
    partner_id = listing[name]
    _, choices = await interactions.choices(counselor, partner_id)
    raw = {"kind": "visit", "happened_on": (today - timedelta(days=days_ago)).isoformat(),
           "summary": "Breakfast with the members; they may run mock interviews in the spring.", "staff": str(counselor.id),
           "contacts": []}
    await interactions.add(counselor, partner_id, parse_interaction(raw, choices, today))
