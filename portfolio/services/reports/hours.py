"""Hours by one dimension (career cluster, school, grade, kind of experience or partner): for each group the
students, all hours, verified hours and self-reported hours of the entries the scope counts, with the totals; and
the students behind one group with their own hours. Each is a fixed number of aggregate queries over
scope.counted_entries, whatever the number of entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portfolio.errors import NotFound
from portfolio.services.paging import PAGE_SIZE, Page, bounds
from portfolio.services.reports.scope import Scope, counted_entries
from portfolio.tables import Experience
from portfolio.vocabulary import KIND_LABELS, ExperienceKind

# The group of entries with no value for the dimension (no cluster chosen, no partner linked, no grade set).
NONE = "none"


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str  # "Hours by ..."
    heading: str  # the table's first column
    group: str  # SQL: the group's value, over `counted c` and the joins
    label: str  # SQL: the group's name as stored (a kind's is looked up in Python)
    joins: str = ""
    missing: str = ""  # the name of the NULL group
    district_only: bool = False


DIMENSIONS = {
    "cluster": Dimension("cluster", "Hours by career cluster", "Career cluster", "c.cluster", "k.name",
                         "LEFT JOIN career_cluster k ON k.id = c.cluster", "No cluster"),
    "school": Dimension("school", "Hours by school", "School", "c.school", "sc.name",
                        "JOIN school sc ON sc.id = c.school", district_only=True),
    # The grade on the student's profile now, not the grade they were in on the entry's date: it is not kept.
    "grade": Dimension("grade", "Hours by grade", "Grade (now)", "p.grade", "p.grade",
                       "LEFT JOIN student_profile p ON p.student = c.student", "No grade recorded"),
    "kind": Dimension("kind", "Hours by kind of experience", "Kind", "c.kind", "c.kind"),
    # One organization is a partner of several schools: the district counts it once.
    "partner": Dimension("partner", "Hours by partner", "Partner", "ps.organization", "o.name",
                         "LEFT JOIN partner_school ps ON ps.id = c.partner "
                         "LEFT JOIN organization o ON o.id = ps.organization", "No partner linked"),
}


@dataclass(frozen=True)
class Figures:
    """One group's (or the total's) numbers; hours as minutes."""

    group: str  # the group's value as the drill-down's query string carries it
    label: str
    students: int
    minutes: int
    verified: int

    @property
    def self_reported(self) -> int:
        return self.minutes - self.verified


@dataclass(frozen=True)
class HoursReport:
    dimension: Dimension
    groups: list[Figures]
    total: Figures


def dimensions(scope: Scope) -> list[Dimension]:
    """The groupings a scope offers: by school only across the district."""
    return [d for d in DIMENSIONS.values() if scope.district or not d.district_only]


def dimension(scope: Scope, key: str) -> Dimension:
    """The asked grouping, or the first one (by cluster) for anything the scope does not offer."""
    offered = {d.key: d for d in dimensions(scope)}
    return offered.get(key, DIMENSIONS["cluster"])


def _label(dim: Dimension, value: Any, stored: Any) -> str:
    if value is None:
        return dim.missing
    if dim.key == "kind":
        return KIND_LABELS.get(value, str(value))
    if dim.key == "grade":
        return f"Grade {value}"
    return str(stored)


def _figures(dim: Dimension, row: dict[str, Any]) -> Figures:
    value = row["grp"]
    return Figures(NONE if value is None else str(value), _label(dim, value, row["label"]), int(row["students"]),
                   int(row["minutes"] or 0), int(row["verified"] or 0))


async def hours_by(scope: Scope, dim: Dimension) -> HoursReport:
    """Every group with any counted entry, most hours first, and the totals (a student in two groups counts once
    in the total). Two queries."""
    sql, args = counted_entries(scope)
    rows = await Experience.raw(
        sql + f"""SELECT {dim.group} AS grp, MIN({dim.label}) AS label, COUNT(DISTINCT c.student) AS students,
                  SUM(c.minutes) AS minutes, SUM(c.verified * c.minutes) AS verified
                  FROM counted c {dim.joins} GROUP BY {dim.group}""", *args)
    total = await Experience.raw(
        sql + """SELECT COUNT(DISTINCT c.student) AS students, SUM(c.minutes) AS minutes,
                 SUM(c.verified * c.minutes) AS verified FROM counted c""", *args)
    groups = sorted((_figures(dim, row) for row in rows), key=lambda f: (-f.minutes, f.group == NONE, f.label.casefold()))
    return HoursReport(dim, groups, _figures(dim, {**total[0], "grp": "", "label": "Total"}) if total else
                       Figures("", "Total", 0, 0, 0))


def _group_filter(dim: Dimension, group: str) -> tuple[str, list[Any]]:
    """The SQL condition for one group, from the query string's value; a value no group can have is not found."""
    if group == NONE and dim.missing:
        return f"{dim.group} IS NULL", []
    if dim.key == "kind":
        if group not in set(ExperienceKind):
            raise NotFound("group")
        return "c.kind = {}", [group]
    if not group.isdigit() or len(group) > 9:
        raise NotFound("group")
    return f"{dim.group} = {{}}", [int(group)]


@dataclass(frozen=True)
class Student:
    id: int
    name: str
    school: int | None  # the school on their account now (their page is that school's staff's)
    minutes: int
    verified: int

    @property
    def self_reported(self) -> int:
        return self.minutes - self.verified


async def students_behind(scope: Scope, dim: Dimension, group: str, wanted_page: int) -> tuple[str, Page]:
    """The students with counted entries in one group, by name, a page at a time, each with their hours in the
    group; and the group's name. Three queries (the name, the count, the page)."""
    condition, extra = _group_filter(dim, group)
    sql, args = counted_entries(scope)
    where = f"FROM counted c JOIN app_user u ON u.id = c.student {dim.joins} WHERE {condition}"
    named = await Experience.raw(sql + f"SELECT MIN({dim.label}) AS label, COUNT(DISTINCT c.student) AS students {where}",
                                 *args, *extra)
    total = int(named[0]["students"]) if named else 0
    if not total:
        raise NotFound("group")
    label = _label(dim, None if group == NONE else (group if dim.key != "grade" else int(group)), named[0]["label"])
    page, pages = bounds(total, wanted_page)
    rows = await Experience.raw(
        sql + f"""SELECT c.student, u.name, u.school, SUM(c.minutes) AS minutes, SUM(c.verified * c.minutes) AS verified
                  {where}
                  GROUP BY c.student, u.name, u.school ORDER BY u.name, c.student LIMIT {{}} OFFSET {{}}""",
        *args, *extra, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    students = [Student(r["student"], r["name"], r["school"], int(r["minutes"]), int(r["verified"])) for r in rows]
    return label, Page(students, total, page, pages)

