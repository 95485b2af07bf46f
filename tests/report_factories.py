"""A small district made by hand for the reports, whose every figure was worked out on paper (the numbers in
HAND below): two schools, a student who moved between them mid-year, a voided sign-off, a rejected entry, entries
on both sides of a school-year boundary. Entries are made and verified through the services, as students and
mentors would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portfolio.forms.certification import CertificationCheckForm
from portfolio.forms.verification import DecisionForm
from portfolio.partner_tables import PartnerInteraction, PartnerSchool
from portfolio.program_tables import Program, ProgramStudent
from portfolio.roster_tables import Enrollment
from portfolio.services import certifications, experiences, signoff
from portfolio.services.signoff import certifications as certificate_checks
from portfolio.tables import CareerCluster, Certification, Experience, Organization, StudentProfile, User
from portfolio.vocabulary import CertificationCheck, Decision, Role
from tests.factories import as_certification, as_entry, entry, mentor_for, new_entry, queue_ids
from tests.mailbox import emails_for

YEAR = "2025-26"  # 2025-07-01 to 2026-06-30, the schools' default year start
MOVED_ON = date(2026, 1, 15)

# The answers, worked out by hand from the entries made in hand_district (minutes).
HAND = {
    "school_a": {"minutes": 600 + 240 + 900, "verified": 600 + 240, "students": {"Ana", "Cara"}},
    # Dan's 2 h mock interview (no cluster, no partner) is the last.
    "school_b": {"minutes": 300 + 1200 + 120, "verified": 1200, "students": {"Ben", "Dan"}},
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


async def _grade(student, grade: int) -> None:
    # A new account has no profile row yet: staff setting a grade makes one.
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


async def hand_district(make_user, settings, school_a: int, school_b: int) -> District:
    """Ana (A, grade 11, never imported): 10 h internship verified 2025-09-10; 2 h site visit verified 2025-06-20
    (the year before); 3 h job shadow rejected; 1 h draft 2026-07-01 (the year after).
    Ben (grade 12, enrolled at A from 2024-08-20, at B from 2026-01-15): 4 h site visit verified 2025-11-01 (A);
    5 h job shadow draft on the day of his move (B); 20 h internship verified 2026-03-01 (B).
    Cara (A, grade 10): 15 h internship verified 2026-02-01, then edited: the sign-off is voided (self-reported).
    Dan (B, grade 9): nothing logged."""
    d = District(school_a, school_b)
    ana = d.students["Ana"] = await make_user("student", name="Ana", school_id=school_a)
    ben = d.students["Ben"] = await make_user("student", name="Ben", school_id=school_a)
    cara = d.students["Cara"] = await make_user("student", name="Cara", school_id=school_a)
    dan = d.students["Dan"] = await make_user("student", name="Dan", school_id=school_b)
    for student, grade in ((ana, 11), (ben, 12), (cara, 10), (dan, 9)):
        await _grade(student, grade)

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
    # The form asks for a cluster: an entry has none when its cluster was removed since (set null).
    e["dan_no_cluster"] = await made("Dan interview", dan, "2026-04-10", "mock_interview", "2")
    await Experience.update({Experience.cluster: None}).where(Experience.id == e["dan_no_cluster"])
    await _partners(d)
    await _certifications(d, make_user)
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
