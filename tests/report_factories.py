"""A small district made by hand for the reports, whose every figure was worked out on paper (the numbers in
HAND below): two schools, a student who moved between them mid-year, a voided sign-off, a rejected entry, entries
on both sides of a school-year boundary. Entries are made and verified through the services, as students and
mentors would; the long hours of the participation students (PARTICIPATION below) are written as rows with a
mentor's sign-off over their facts, as the district seed writes them (through the services, a day's hours at most
an entry, they would take a hundred entries). The partners, certifications
and their programs (records) and the participation students join where a test asks for them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from portfolio.forms.certification import CertificationCheckForm
from portfolio.forms.verification import DecisionForm
from portfolio.partner_tables import PartnerInteraction, PartnerSchool
from portfolio.program_tables import Program, ProgramStudent
from portfolio.roster_tables import Enrollment
from portfolio.services import attestation, certifications, experiences, signoff
from portfolio.services.signoff import certifications as certificate_checks
from portfolio.tables import CareerCluster, Certification, Experience, Organization, SignOff, StudentProfile, User
from portfolio.vocabulary import CertificationCheck, Decision, Role
from tests import feedback_factories as ff
from tests.factories import as_certification, as_entry, entry, mentor_for, new_entry, queue_ids
from tests.mailbox import emails_for

YEAR = "2025-26"  # 2025-07-01 to 2026-06-30, the schools' default year start
MOVED_ON = date(2026, 1, 15)

# The participation students' verified internship hours in 2025-26 (all dated 2025-10-01 or later, none on the
# days around Ben's move), by school; Ola's program ended before the year, so she counts here but is in no
# program the year's participation counts.
IN_YEAR_A = 90 + 89.75 + 50 + 129.75 + 60 + 60 + 59.75 + 100  # Eve, Fay, Gus, Hal, Leo, Mia, Nia, Ola = 639.25
IN_YEAR_B = 139.75 + 140 + 280  # Ivy, Jay, Kim = 559.75

# The answers, worked out by hand from the entries made in hand_district with the records and the participation
# students (minutes).
HAND = {
    "school_a": {"minutes": 600 + 240 + 900 + int(IN_YEAR_A * 60), "verified": 600 + 240 + int(IN_YEAR_A * 60),
                 "students": {"Ana", "Cara", "Eve", "Fay", "Gus", "Hal", "Leo", "Mia", "Nia", "Ola"}},
    # Dan's 2 h mock interview (no cluster, no partner, records only) is the 120.
    "school_b": {"minutes": 300 + 1200 + 120 + int(IN_YEAR_B * 60), "verified": 1200 + int(IN_YEAR_B * 60),
                 "students": {"Ben", "Dan", "Ivy", "Jay", "Kim"}},
}


@dataclass
class District:
    school_a: int
    school_b: int
    students: dict[str, object] = field(default_factory=dict)  # name -> CurrentUser
    entries: dict[str, int] = field(default_factory=dict)  # a label -> entry id
    partners: dict[str, int] = field(default_factory=dict)  # a label -> PartnerSchool id
    organizations: dict[str, int] = field(default_factory=dict)  # a partner's name -> Organization id
    certifications: dict[str, int] = field(default_factory=dict)  # a label -> Certification id


async def set_grade(student, grade: int) -> None:
    """A new account has no profile row yet (the student's first save makes it): a roster import's grade makes one."""
    if await StudentProfile.exists().where(StudentProfile.student == student.id):
        await StudentProfile.update({StudentProfile.grade: grade}).where(StudentProfile.student == student.id)
    else:
        await StudentProfile.insert(StudentProfile(student=student.id, grade=grade))


async def _verify(make_user, student, settings, *entry_ids: int) -> None:
    emails = emails_for(settings)
    mentor = await mentor_for(make_user, student)
    await signoff.ask_mentor(emails, student, list(entry_ids), mentor.id)
    items = await queue_ids(mentor)
    await signoff.decide_as_mentor(emails, mentor, [items[i] for i in entry_ids], DecisionForm(Decision.VERIFIED, ""))


async def _reject(make_user, student, settings, entry_id: int) -> None:
    emails = emails_for(settings)
    mentor = await mentor_for(make_user, student)
    await signoff.ask_mentor(emails, student, [entry_id], mentor.id)
    items = await queue_ids(mentor)
    await signoff.decide_as_mentor(emails, mentor, [items[entry_id]], DecisionForm(Decision.REJECTED, "Not me."))


async def hand_district(make_user, settings, school_a: int, school_b: int, *, records: bool = False,
                        participation: bool = False) -> District:
    """Ana (A, grade 11, never imported): 10 h internship verified 2025-09-10; 2 h site visit verified 2025-06-20
    (the year before); 3 h job shadow rejected; 1 h draft 2026-07-01 (the year after).
    Ben (grade 12, enrolled at A from 2024-08-20, at B from 2026-01-15): 4 h site visit verified 2025-11-01 (A);
    5 h job shadow draft on the day of his move (B); 20 h internship verified 2026-03-01 (B).
    Cara (A, grade 10): 15 h internship verified 2026-02-01, then edited: the sign-off is voided (self-reported).
    Dan (B, grade 9): nothing logged; with `records`, a 2 h mock interview whose cluster was removed since.
    With `records`, the partners (_partners) and certifications (_certifications); with `participation`, the
    participation students and their programs (participation_students). HAND counts both."""
    d = District(school_a, school_b)
    ana = d.students["Ana"] = await make_user("student", name="Ana", school_id=school_a)
    ben = d.students["Ben"] = await make_user("student", name="Ben", school_id=school_a)
    cara = d.students["Cara"] = await make_user("student", name="Cara", school_id=school_a)
    dan = d.students["Dan"] = await make_user("student", name="Dan", school_id=school_b)
    for student, grade in ((ana, 11), (ben, 12), (cara, 10), (dan, 9)):
        await set_grade(student, grade)

    def made(label, student, day, kind, hours, cluster="construction"):
        return new_entry(student, title=label, date=day, kind=kind, hours=hours, cluster=cluster)

    e = d.entries
    e["ana_internship"] = await made("Ana internship", ana, "2025-09-10", "internship", "10", "healthcare-human-services")
    e["ana_before"] = await made("Ana visit", ana, "2025-06-20", "site_visit", "2")
    e["ana_rejected"] = await made("Ana shadow", ana, "2025-10-01", "job_shadow", "3")
    e["ana_after"] = await made("Ana next year", ana, "2026-07-01", "job_shadow", "1")
    await _verify(make_user, ana, settings, e["ana_internship"], e["ana_before"])
    await _reject(make_user, ana, settings, e["ana_rejected"])

    e["ben_visit"] = await made("Ben visit", ben, "2025-11-01", "site_visit", "4")
    e["ben_move_day"] = await made("Ben shadow", ben, MOVED_ON.isoformat(), "job_shadow", "5")
    e["ben_internship"] = await made("Ben internship", ben, "2026-03-01", "internship", "20")
    await _verify(make_user, ben, settings, e["ben_visit"], e["ben_internship"])

    e["cara_voided"] = await made("Cara internship", cara, "2026-02-01", "internship", "15")
    await _verify(make_user, cara, settings, e["cara_voided"])
    await experiences.update(cara, e["cara_voided"], await as_entry(cara, entry(
        title="Cara internship", date="2026-02-01", kind="internship", hours="15", cluster="construction",
        organization="Another name LLC")), void_ok=True)

    # Ben moves, as a roster import records it: the time at A ends on the day of the move, B's begins.
    await User.update({User.school: school_b}).where(User.id == ben.id)
    await Enrollment.insert(
        Enrollment(student=ben.id, school=school_a, began_on=date(2024, 8, 20), ended_on=MOVED_ON),
        Enrollment(student=ben.id, school=school_b, began_on=MOVED_ON),
    )
    if records:
        # The form asks for a cluster: an entry has none when its cluster was removed since (set null).
        e["dan_no_cluster"] = await made("Dan interview", dan, "2026-04-10", "mock_interview", "2")
        await Experience.update({Experience.cluster: None}).where(Experience.id == e["dan_no_cluster"])
        await _partners(d)
        await _certifications(d, make_user)
    if participation:
        await participation_students(make_user, d)
    return d


async def _partner(d: District, label: str, name: str, school: int) -> int:
    if name not in d.organizations:
        d.organizations[name] = (await Organization.insert(Organization(name=name)).returning(Organization.id))[0]["id"]
    row = await PartnerSchool.insert(PartnerSchool(organization=d.organizations[name], school=school, status="active")
                                     ).returning(PartnerSchool.id)
    d.partners[label] = row[0]["id"]
    return d.partners[label]


async def _partners(d: District) -> None:
    """Riverside Health (A) hosted Ana's internship (2025-09-10) and nothing since: going cold by 2026-06-30
    (293 days). Turner Construction, a partner of both schools, hosted Ben's visit and Cara's voided internship at A
    and Ben's two entries at B (last 2026-03-01, 121 days before 2026-06-30). Quiet Works (A) hosted nobody; met on
    2025-10-20 (253 days before: going cold). Long Gone Ltd (B) met on 2025-03-01 only (486 days: gone, not
    going). Dan's interview is linked to no partner."""
    await _partner(d, "riverside", "Riverside Health", d.school_a)
    await _partner(d, "turner_a", "Turner Construction", d.school_a)
    await _partner(d, "turner_b", "Turner Construction", d.school_b)
    await _partner(d, "quiet", "Quiet Works", d.school_a)
    await _partner(d, "gone", "Long Gone Ltd", d.school_b)
    links = {"ana_internship": "riverside", "ben_visit": "turner_a", "cara_voided": "turner_a",
             "ben_move_day": "turner_b", "ben_internship": "turner_b"}
    for label, partner in links.items():
        await Experience.update({Experience.partner: d.partners[partner]}).where(Experience.id == d.entries[label])
    await PartnerInteraction.insert(
        PartnerInteraction(partner=d.partners["quiet"], kind="meeting", happened_on=date(2025, 10, 20), summary="Intro"),
        PartnerInteraction(partner=d.partners["gone"], kind="call", happened_on=date(2025, 3, 1), summary="Last call"),
    )


async def _certify(d: District, make_user, label: str, student, name: str, issuer: str, issued_on: str,
                   verified: bool = True) -> int:
    """Made by the student; verified by staff of the school on their account now (Ben's is B)."""
    raw = {"name": name, "issuer": issuer, "issued_on": issued_on, "expires_on": "",
           "verification_url": "https://verify.example/" + label}
    cert_id = d.certifications[label] = (await certifications.create(student, await as_certification(student, raw)))["id"]
    if verified:
        school = (await User.select(User.school).where(User.id == student.id).first())["school"]
        staff = await make_user("staff", school_id=school)
        seen = (await Certification.select(Certification.content_hash).where(Certification.id == cert_id).first())
        await certificate_checks.verify_certification(staff, Role.STAFF, student.id, cert_id, CertificationCheckForm(
            checked=CertificationCheck.ISSUER_LINK, decision=Decision.VERIFIED, comment="", content_hash=seen["content_hash"]))
    return cert_id


async def _certifications(d: District, make_user) -> None:
    """Counted in 2025-26 (verified): Ana's OSHA 10 (OSHA, 2025-10-05, A, in the Health Sciences program:
    healthcare), Cara's "osha 10" (OSHA, 2026-02-20, A, in no program: the same name and issuer as Ana's once
    capitals are set aside), Ben's NCCER Core (NCCER, issued on the day of his move: B, Construction
    Trades program: construction). Not counted: Ana's CPR/AED (verified, then edited: voided), Cara's ServSafe
    (never verified), Ben's OSHA 10 of 2025-06-15 (verified, the school year before, at A)."""
    clusters = {r["code"]: r["id"] for r in await CareerCluster.select(CareerCluster.id, CareerCluster.code)}
    health = (await Program.insert(Program(school=d.school_a, name="Health Sciences",
                                           cluster=clusters["healthcare-human-services"])).returning(Program.id))[0]["id"]
    trades = (await Program.insert(Program(school=d.school_a, name="Construction Trades",
                                           cluster=clusters["construction"])).returning(Program.id))[0]["id"]
    ana, ben, cara = (d.students[n] for n in ("Ana", "Ben", "Cara"))
    await ProgramStudent.insert(ProgramStudent(program=health, student=ana.id, started_on=date(2025, 8, 20)),
                                ProgramStudent(program=trades, student=ben.id, started_on=date(2024, 8, 20)))
    await _certify(d, make_user, "ana_osha", ana, "OSHA 10", "OSHA", "2025-10-05")
    cpr = await _certify(d, make_user, "ana_voided", ana, "CPR/AED", "American Red Cross", "2026-03-10")
    raw = {"name": "CPR/AED", "issuer": "American Red Cross", "credential_id": "RC-1", "issued_on": "2026-03-10",
           "expires_on": "", "verification_url": "https://verify.example/ana_voided"}
    await certifications.update(ana, cpr, await as_certification(ana, raw))
    await _certify(d, make_user, "cara_osha", cara, "osha 10", "OSHA", "2026-02-20")
    await _certify(d, make_user, "cara_unverified", cara, "ServSafe", "NRA", "2026-04-01", verified=False)
    await _certify(d, make_user, "ben_nccer", ben, "NCCER Core", "NCCER", MOVED_ON.isoformat())
    await _certify(d, make_user, "ben_before", ben, "OSHA 10", "OSHA", "2025-06-15")


# Students for the participation profiles, each just under or just over a threshold: (name, school "a" or "b",
# grade, in a program (True), or a program that ended before 2025-26 ("ended"), or none (False), their entries:
# (date, hours, placement "P1"/"P2" or None), all verified internships. Grades are this school year's, read with
# the clock fixed in 2025-26, so grade 9 began in 2025-07-01 - (grade - 9) years.
PARTICIPATION = [
    ("Eve", "a", 12, True, [("2025-10-06", 50, None), ("2025-12-01", 40, None)]),  # 90: Wisconsin's 90 exactly
    ("Fay", "a", 11, True, [("2025-10-06", 50, None), ("2025-12-01", 39.75, None)]),  # 89.75: just under 90
    # Ohio: since 2022-07-01 (grade 12), 100 + 100 + 50 = 250 exactly; 50 of them in 2025-26.
    ("Gus", "a", 12, True, [("2023-03-01", 100, None), ("2024-03-01", 100, None), ("2025-10-01", 50, None)]),
    # Ohio: since 2023-07-01 (grade 11), 120 + 129.75 = 249.75, just under; the 10 h of grade 8 do not count.
    ("Hal", "a", 11, True, [("2023-03-01", 10, None), ("2024-03-01", 120, None), ("2025-11-03", 129.75, None)]),
    ("Ivy", "b", 11, True, [("2025-10-06", 100, None), ("2026-02-02", 39.75, None)]),  # 139.75: under Virginia's 140
    ("Jay", "b", 12, True, [("2025-10-06", 100, None), ("2026-02-02", 40, None)]),  # 140: half a credit
    ("Kim", "b", 10, True, [("2025-10-06", 100, None), ("2026-02-02", 100, None), ("2026-03-02", 80, None)]),  # 280
    # Illinois: 60 in all, the longest experience one placement's 6.5 + 6.5 + 6.75 = 19.75, just under 20.
    ("Leo", "a", 10, True, [("2025-10-13", 6.5, "P1"), ("2025-10-14", 6.5, "P1"), ("2025-10-15", 6.75, "P1"),
                            ("2025-11-03", 8, None), ("2025-11-04", 8, None), ("2025-11-05", 8, None),
                            ("2025-11-06", 8, None), ("2025-11-07", 8.25, None)]),
    # Illinois: 60 in all, one placement's 7 + 7 + 6 = 20 exactly.
    ("Mia", "a", 10, True, [("2025-10-13", 7, "P2"), ("2025-10-14", 7, "P2"), ("2025-10-15", 6, "P2"),
                            ("2025-11-03", 8, None), ("2025-11-04", 8, None), ("2025-11-05", 8, None),
                            ("2025-11-06", 8, None), ("2025-11-07", 8, None)]),
    ("Nia", "a", 9, True, [("2025-10-20", 59.75, None)]),  # 59.75 in one entry: just under Illinois' 60
    ("Ola", "a", 11, "ended", [("2025-10-06", 100, None)]),  # would meet most, but her program ended 2025-05-30
]
PROGRAM_SINCE = date(2025, 8, 20)


async def participation_students(make_user, d: District) -> None:
    """Programs at both schools; Ana, Ben (since 2024-08-20, at A before his move) and Cara in one, Dan in none;
    the PARTICIPATION students with their hours and two placements at A for Leo and Mia."""
    welding = (await Program.insert(Program(school=d.school_a, name="Welding")).returning(Program.id))[0]["id"]
    health = (await Program.insert(Program(school=d.school_b, name="Health Science")).returning(Program.id))[0]["id"]
    enrolled = [ProgramStudent(program=welding, student=d.students["Ana"].id, started_on=date(2024, 8, 20)),
                ProgramStudent(program=welding, student=d.students["Ben"].id, started_on=date(2024, 8, 20)),
                ProgramStudent(program=welding, student=d.students["Cara"].id, started_on=PROGRAM_SINCE)]
    host = await ff.partner(d.school_a, "Hand Fabrication")
    for name, school, grade, program, logged in PARTICIPATION:
        student = d.students[name] = await make_user("student", name=name,
                                                     school_id=d.school_a if school == "a" else d.school_b)
        await set_grade(student, grade)
        program_id = welding if school == "a" else health
        if program == "ended":
            enrolled.append(ProgramStudent(program=program_id, student=student.id, started_on=date(2023, 8, 20),
                                           ended_on=date(2025, 5, 30)))
        elif program:
            enrolled.append(ProgramStudent(program=program_id, student=student.id, started_on=PROGRAM_SINCE))
        placements: dict[str, int] = {}
        for day, hours, placement in logged:
            if placement and placement not in placements:
                placements[placement] = await ff.placement(student, host["id"], ends_on=date(2025, 10, 31),
                                                           title=f"{name}'s fabrication internship")
            await _verified_row(student, date.fromisoformat(day), int(hours * 60),
                                placements.get(placement) if placement else None)
    await ProgramStudent.insert(*enrolled)


async def _verified_row(student, day: date, minutes: int, placement: int | None) -> None:
    """A verified internship with the mentor's sign-off over exactly its facts (services/attestation.py), as the
    district seed writes them, so the one rule reads it verified."""
    moment = datetime(2025, 9, 1, tzinfo=timezone.utc)
    clean = {"kind": "internship", "title": f"{student.name} internship", "organization_name": "Hand Fabrication",
             "date": day, "minutes": minutes, "cluster_code": None, "reflection": ""}
    saved = await Experience.insert(Experience(
        student=student.id, client_uuid=uuid.uuid4(), kind=clean["kind"], title=clean["title"],
        organization_name=clean["organization_name"], date=day, minutes=minutes, status="verified",
        content_hash=attestation.content_hash(clean), shown_verified=True, created_at=moment, updated_at=moment,
        placement=placement)).returning(Experience.id)
    await SignOff.insert(SignOff(
        experience=saved[0]["id"], method="mentor", verifier_name="Hand Mentor", decision="verified",
        content_hash=attestation.content_hash(clean), facts_hash=attestation.facts_hash(clean),
        reflection_hash=attestation.text_hash(""), created_at=moment))
