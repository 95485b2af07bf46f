"""The district's schools and people: staff, mentors and students of each school, an admin, the employers'
users; students' profiles, their mentors, and what they share with employers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from portfolio.services.district import names
from portfolio.services.district.bulk import MENTOR_LOAD, SCHOOLS, STAFF_PER_SCHOOL, Sizes, insert
from portfolio.tables import MentorAssignment, School, Share, StudentProfile, User

DOMAIN = "district.example"
# The four accounts the README names; each is the first of its kind, at the first school.
STAFF = f"staff@{DOMAIN}"
MENTOR = f"mentor@{DOMAIN}"
STUDENT = f"student@{DOMAIN}"
EMPLOYER = f"employer@{DOMAIN}"
ADMIN = f"admin@{DOMAIN}"


@dataclass
class Student:
    id: int
    school: int  # index into District.schools
    name: str
    mentor: int
    adult: bool


@dataclass
class District:
    """What one part of the generator made and the next one needs."""

    rng: random.Random
    sizes: Sizes
    now: datetime
    password_hash: str
    schools: list[int] = field(default_factory=list)
    staff: list[list[tuple[int, str]]] = field(default_factory=list)  # per school: (id, name)
    mentors: dict[int, tuple[str, str]] = field(default_factory=dict)  # id: (name, e-mail)
    students: list[Student] = field(default_factory=list)
    clusters: list[tuple[int, str]] = field(default_factory=list)  # (id, code)
    partners: list[list[tuple[int, str]]] = field(default_factory=list)  # per school: (partner id, organization name)
    contacts: dict[int, list[int]] = field(default_factory=dict)  # partner id: contact ids

    @property
    def today(self) -> date:
        return self.now.date()


async def schools_and_people(district: District) -> None:
    rng, now = district.rng, district.now
    district.schools = await insert(School, ("name", "timezone", "wbl_goal_hours", "created_at"), (
        (name, "America/New_York", 40, now) for name in names.SCHOOLS[:SCHOOLS]), ids=True)
    accounts: list[tuple] = [(ADMIN, "District Admin", ["admin"], None)]
    for school in range(SCHOOLS):
        accounts += [(STAFF if school == 0 and n == 0 else f"staff{school}-{n}@{DOMAIN}", names.person(rng), ["staff"], school)
                     for n in range(STAFF_PER_SCHOOL)]
    per_school = _split(district.sizes.students, SCHOOLS)
    mentors_at = [-(-count // MENTOR_LOAD) for count in per_school]
    for school, count in enumerate(mentors_at):
        accounts += [(MENTOR if school == 0 and n == 0 else f"mentor{school}-{n}@{DOMAIN}", names.person(rng), ["mentor"], school)
                     for n in range(count)]
    for school, count in enumerate(per_school):
        accounts += [(STUDENT if school == 0 and n == 0 else f"student{school}-{n}@{DOMAIN}", names.person(rng), ["student"], school)
                     for n in range(count)]
    ids = await insert(User, ("email", "name", "password_hash", "roles", "school", "created_at"), (
        (email, name, district.password_hash, roles, None if school is None else district.schools[school], now)
        for email, name, roles, school in accounts), ids=True)
    made = list(zip(ids, accounts))[1:]
    district.staff = [[] for _ in range(SCHOOLS)]
    mentors: list[list[int]] = [[] for _ in range(SCHOOLS)]
    seated = [0] * SCHOOLS
    for user_id, (email, name, roles, school) in made:
        if roles == ["staff"]:
            district.staff[school].append((user_id, name))
        elif roles == ["mentor"]:
            mentors[school].append(user_id)
            district.mentors[user_id] = (name, email)
        else:
            # A mentor has the next MENTOR_LOAD students of their school; a quarter of the students are seniors of 18.
            # The README's student (the first) is one of them.
            adult = rng.random() < 0.25 or not district.students
            district.students.append(Student(user_id, school, name, mentors[school][seated[school] // MENTOR_LOAD], adult))
            seated[school] += 1
    await _profiles(district)
    await insert(MentorAssignment, ("mentor", "student", "created_by", "created_at"), (
        (s.mentor, s.id, district.staff[s.school][0][0], now) for s in district.students))


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if n < total % parts else 0) for n in range(parts)]


async def _profiles(district: District) -> None:
    today, rng = district.today, district.rng
    senior_year = today.year if today.month < 7 else today.year + 1

    def row(student: Student) -> tuple:
        # Seniors who are 18 already, and younger students in the classes after them.
        years_left = 0 if student.adult else rng.randint(1, 3)
        born = date(today.year - 19 if student.adult else senior_year - 18 + years_left, rng.randint(1, 12), rng.randint(1, 28))
        skills = rng.sample(("Welding", "First aid", "CAD", "Customer service", "Spanish", "Excel", "Python"), 2)
        # Seniors are in grade 12, a class graduating a year later in grade 11, and so on.
        return (student.id, "", skills, [], senior_year + years_left, 12 - years_left, born, district.now)

    await insert(StudentProfile, ("student", "headline", "skills", "interests", "graduation_year", "grade", "birth_date",
                                  "updated_at"),
                 (row(s) for s in district.students))


async def employers_and_shares(district: District, organizations: list[int]) -> None:
    """A user for each employer organization, and students of 18 sharing everything with them: the first (the
    README's employer) with the most."""
    rng, now, sizes = district.rng, district.now, district.sizes
    await insert(User, ("email", "name", "password_hash", "roles", "organization", "created_at"), (
        (EMPLOYER if n == 0 else f"employer{n}@{DOMAIN}", names.person(rng), district.password_hash, ["employer"], org, now)
        for n, org in enumerate(organizations)))
    adults = [s.id for s in district.students if s.adult]
    rows = []
    for n, org in enumerate(organizations):
        wanted = sizes.named_employer_shares if n == 0 else sizes.other_employer_shares
        for student in rng.sample(adults, min(wanted, len(adults))):
            made = now - timedelta(days=rng.randint(0, 60))
            rows.append((student, org, True, "Internship application", made + timedelta(days=180), made))
    await insert(Share, ("student", "organization", "everything", "label", "expires_at", "created_at"), rows)
