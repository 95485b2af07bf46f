"""A small district made by hand for the reports, whose every figure was worked out on paper (the numbers in
HAND below): two schools, a student who moved between them mid-year, a voided sign-off, a rejected entry, entries
on both sides of a school-year boundary. Entries are made and verified through the services, as students and
mentors would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portfolio.forms.verification import DecisionForm
from portfolio.roster_tables import Enrollment
from portfolio.services import experiences, signoff
from portfolio.tables import StudentProfile, User
from portfolio.vocabulary import Decision
from tests.factories import as_entry, entry, mentor_for, new_entry, queue_ids
from tests.mailbox import emails_for

YEAR = "2025-26"  # 2025-07-01 to 2026-06-30, the schools' default year start
MOVED_ON = date(2026, 1, 15)

# The answers, worked out by hand from the entries made in hand_district (minutes).
HAND = {
    "school_a": {"minutes": 600 + 240 + 900, "verified": 600 + 240, "students": {"Ana", "Cara"}},
    "school_b": {"minutes": 300 + 1200, "verified": 1200, "students": {"Ben", "Dan"}},
}


@dataclass
class District:
    school_a: int
    school_b: int
    students: dict[str, object] = field(default_factory=dict)  # name -> CurrentUser
    entries: dict[str, int] = field(default_factory=dict)  # a label -> entry id


async def _grade(student, grade: int) -> None:
    await StudentProfile.update({StudentProfile.grade: grade}).where(StudentProfile.student == student.id)


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
    return d
