"""Participation in work-based learning under a report profile (a state's definition, report_tables.py): the
students a profile counts among (the denominator), which of them met it, overall, by school and by grade, and
the students behind each number with their counted hours.

A student's participation is a fact about the student, so their hours are all their entries of the profile's
kinds in the profile's window, wherever they logged them; the student counts for the school they ended the
report's dates at (scope.students_in_scope), once. Everything is added up in the database, in one statement
for the figures and two for a page of students, however many students and entries there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from portfolio import clock
from portfolio.errors import NotFound
from portfolio.report_vocabulary import Accumulation, Denominator
from portfolio.services.accounts import CurrentUser
from portfolio.services.experiences import school_of
from portfolio.services.paging import PAGE_SIZE, Page, bounds
from portfolio.services.reports import profiles
from portfolio.services.reports.scope import Scope, school_years, students_in_scope
from portfolio.tables import Experience, School

HIGH_SCHOOL = (9, 10, 11, 12)
NO_GRADE = "none"


@dataclass(frozen=True)
class Group:
    """Students of one school, one grade, or all of them: how many the profile counts, how many met it."""

    key: str  # what the students page's ?group= takes: all, school-<id>, grade-<n>, grade-none
    label: str
    students: int = 0
    met: int = 0
    minutes: int = 0
    half_credits: int = 0

    @property
    def rate(self) -> float:
        return self.met / self.students if self.students else 0.0

    @property
    def percent(self) -> str:
        return f"{self.rate * 100:.1f}%"

    @property
    def credits(self) -> float:
        return self.half_credits / 2


@dataclass(frozen=True)
class Participation:
    profile: dict[str, Any]
    total: Group
    schools: list[Group]
    grades: list[Group]


def grade_nine_starts(this_year: date) -> dict[int, date]:
    """The first day of the school year each high-school grade's students were in grade 9.

    An approximation, since only a student's current grade is kept: a student in grade g this school year
    (starting `this_year`) is taken to have been in grade 9 g - 9 years before, so a student who repeated a
    grade is counted from a year later than they began grade 9, and one who skipped from a year earlier."""
    return {grade: this_year.replace(year=this_year.year - (grade - 9)) for grade in HIGH_SCHOOL}


def _list(values: list[Any]) -> str:
    return ", ".join("{}" for _ in values) or "NULL"


def _window(scope: Scope, profile: dict[str, Any], this_year: date) -> tuple[str, list[Any]]:
    """Which entry dates count for a student (`b` their row, with grade)."""
    if profile["accumulation"] != Accumulation.SINCE_GRADE_9:
        return "e.date >= {} AND e.date <= {}", [scope.start, scope.end]
    starts = grade_nine_starts(this_year)
    # Each start compared with e.date directly, so PostgreSQL types every argument as a date. A grade above
    # 12 counts from grade 12's start; below 9, nothing counts yet; no grade recorded, the report's dates.
    parts = [f"(b.grade = {grade} AND e.date >= {{}})" for grade in HIGH_SCHOOL[:-1]]
    parts += ["(b.grade >= 12 AND e.date >= {})", "(b.grade IS NULL AND e.date >= {})"]
    return f"e.date <= {{}} AND ({' OR '.join(parts)})", [scope.end, *starts.values(), scope.start]


def participants(scope: Scope, profile: dict[str, Any], this_year: date) -> tuple[str, list[Any]]:
    """A WITH clause defining `participants`: one row a student the profile counts among, with school, grade,
    minutes (counted hours), longest (the minutes of their longest experience: a placement's entries together,
    or one entry outside a placement), met (1 or 0) and half (half credits earned, 0 without credit hours)."""
    sql, args = students_in_scope(scope)
    where = []
    if profile["denominator"] == Denominator.PROGRAM_STUDENTS:
        where.append("EXISTS (SELECT 1 FROM program_student ps WHERE ps.student = en.student "
                     "AND ps.started_on <= {} AND (ps.ended_on IS NULL OR ps.ended_on >= {}))")
        args += [scope.end, scope.start]
    grades = [int(g) for g in profile["grades"] or []]
    if grades:
        where.append(f"sp.grade IN ({', '.join(str(g) for g in grades)})")
    kinds = list(profile["kinds"] or [])
    window, window_args = _window(scope, profile, this_year)
    verified = " AND e.shown_verified" if profile["verified_only"] else ""
    least = max(int(profile["min_hours"]) * 60, 1)  # "participated" needs some hours even with no minimum
    one = int(profile["one_experience_min_hours"] or 0) * 60
    half = f"p.minutes / {int(profile['credit_hours']) * 30}" if profile["credit_hours"] else "0"
    sql += f""",
base AS (
    SELECT en.student, en.school, sp.grade FROM enrolled en
    LEFT JOIN student_profile sp ON sp.student = en.student
    {"WHERE " + " AND ".join(where) if where else ""}
),
units AS (
    SELECT b.student, b.school, b.grade, SUM(e.minutes) AS minutes
    FROM base b LEFT JOIN experience e ON e.student = b.student AND e.status <> 'rejected'
        AND e.kind IN ({_list(kinds)}){verified} AND {window}
    GROUP BY b.student, b.school, b.grade, COALESCE(e.placement, -e.id)
),
-- A student with no hours counted is one row of NULLs above. PostgreSQL sums a sum as numeric: back to whole
-- minutes, so half credits divide as integers on both databases.
counted_students AS (
    SELECT student, school, grade, CAST(COALESCE(SUM(minutes), 0) AS INTEGER) AS minutes,
           CAST(COALESCE(MAX(minutes), 0) AS INTEGER) AS longest
    FROM units GROUP BY student, school, grade
),
participants AS (
    SELECT p.*, CASE WHEN p.minutes >= {least} AND p.longest >= {one} THEN 1 ELSE 0 END AS met, {half} AS half
    FROM counted_students p
)
"""
    return sql, args + kinds + window_args


async def this_school_year(user: CurrentUser) -> date:
    school = await school_of(user)
    return school_years(school, clock.today_at(school), 1)[0].start


def grade_label(grade: int | None) -> str:
    return f"Grade {grade}" if grade is not None else "No grade recorded"


async def participation(user: CurrentUser, scope: Scope, profile: dict[str, Any]) -> Participation:
    """The profile's counts for the scope: overall, by school (every school of the scope, even with none
    counted) and by grade."""
    sql, args = participants(scope, profile, await this_school_year(user))
    rows = await Experience.raw(sql + """SELECT school, grade, COUNT(*) AS students, SUM(met) AS met,
        SUM(minutes) AS minutes, SUM(half) AS half FROM participants GROUP BY school, grade""", *args)
    names = {r["id"]: r["name"] for r in await School.select(School.id, School.name).where(School.id.is_in(list(scope.schools)))}
    schools: dict[int, list[int]] = {school: [0, 0, 0, 0] for school in scope.schools}
    grades: dict[int | None, list[int]] = {}
    for row in rows:
        figures = [int(row["students"]), int(row["met"] or 0), int(row["minutes"] or 0), int(row["half"] or 0)]
        for sums in (schools.setdefault(row["school"], [0, 0, 0, 0]), grades.setdefault(row["grade"], [0, 0, 0, 0])):
            for i, value in enumerate(figures):
                sums[i] += value
    total = [sum(s[i] for s in schools.values()) for i in range(4)]
    by_school = sorted((Group(f"school-{k}", names.get(k, ""), *v) for k, v in schools.items()), key=lambda g: g.label)
    by_grade = [Group(f"grade-{k if k is not None else NO_GRADE}", grade_label(k), *grades[k])
                for k in sorted(grades, key=lambda g: (g is None, g or 0))]
    return Participation(profile, Group("all", "All students", *total), by_school, by_grade)


def _group_filter(group: str, met: bool | None) -> tuple[str, list[Any]]:
    """SQL narrowing `participants p` to a group of the page (all, school-<id>, grade-<n>, grade-none) and to
    those who met the profile or not. Anything else names no group: nobody."""
    kind, _, value = group.partition("-")
    if group == "all":
        clauses, args = [], []
    elif kind == "school" and value.isdigit() and len(value) < 10:
        clauses, args = ["p.school = {}"], [int(value)]
    elif kind == "grade" and value == NO_GRADE:
        clauses, args = ["p.grade IS NULL"], []
    elif kind == "grade" and value.isdigit() and len(value) < 3:
        clauses, args = ["p.grade = {}"], [int(value)]
    else:
        raise NotFound("group")
    if met is not None:
        clauses.append(f"p.met = {1 if met else 0}")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


async def students(user: CurrentUser, scope: Scope, profile: dict[str, Any], group: str, met: bool | None,
                   wanted_page: int) -> Page:
    """A page of the students behind a number, by name: id, name, school, grade, minutes, longest, met, half."""
    sql, args = participants(scope, profile, await this_school_year(user))
    where, where_args = _group_filter(group, met)
    counted = await Experience.raw(sql + f"SELECT COUNT(*) AS n FROM participants p{where}", *args, *where_args)
    total = int(counted[0]["n"]) if counted else 0
    page, pages = bounds(total, wanted_page)
    rows = []
    if total:
        rows = await Experience.raw(sql + f"""SELECT p.student AS id, u.name, p.school, s.name AS school_name, p.grade,
            p.minutes, p.longest, p.met, p.half FROM participants p JOIN app_user u ON u.id = p.student
            JOIN school s ON s.id = p.school{where} ORDER BY u.name, p.student
            LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}""", *args, *where_args)
    return Page(rows, total, page, pages)


async def profile_for(profile_id: int | None) -> dict[str, Any]:
    """The profile asked for (a retired one too: old reports are made again with it), or the first active."""
    if profile_id is not None:
        return await profiles.get(profile_id)
    active = await profiles.listing(active_only=True)
    if not active:
        raise NotFound("profile")
    return active[0]
