"""Hours by one dimension (career cluster, school, grade, kind of experience or partner): for each group the
students, all hours, verified hours and self-reported hours of the entries the scope counts, with the totals; and
the students behind one group with their own hours. Each is a fixed number of aggregate queries over
scope.counted_entries, whatever the number of entries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portfolio.errors import NotFound
from portfolio.services.paging import MAX_PAGE, PAGE_SIZE, Page, bounds
from portfolio.services.reports.scope import Scope, counted_entries
from portfolio.tables import Experience
from portfolio.vocabulary import KIND_LABELS, ExperienceKind

# The group of entries with no value for the dimension (no cluster chosen, no partner linked, no grade set).
NONE = "none"


@dataclass(frozen=True)
class Dimension:
    """A grouping, in two steps: entries are summed by `per` (a column of `counted c`) and student, then those sums
    by `group` (SQL over `per` and the `joins`), so a name or a partner's organization is looked up once a student
    and not once an entry."""

    key: str
    title: str  # "Hours by ..."
    heading: str  # the table's first column
    per: str
    group: str
    label: str  # SQL: the group's name as stored (a kind's is looked up in Python)
    joins: str = ""
    missing: str = ""  # the name of the NULL group
    district_only: bool = False


DIMENSIONS = {
    "cluster": Dimension("cluster", "Hours by career cluster", "Career cluster", "c.cluster", "per.grp", "k.name",
                         "LEFT JOIN career_cluster k ON k.id = per.grp", "No cluster"),
    "school": Dimension("school", "Hours by school", "School", "c.school", "per.grp", "sc.name",
                        "JOIN school sc ON sc.id = per.grp", district_only=True),
    # The grade on the student's profile now, not the grade they were in on the entry's date: it is not kept.
    "grade": Dimension("grade", "Hours by grade", "Grade (now)", "c.student", "p.grade", "p.grade",
                       "LEFT JOIN student_profile p ON p.student = per.student", "No grade recorded"),
    "kind": Dimension("kind", "Hours by kind of experience", "Kind", "c.kind", "per.grp", "per.grp"),
    # One organization is a partner of several schools: the district counts it once.
    "partner": Dimension("partner", "Hours by partner", "Partner", "c.partner", "ps.organization", "o.name",
                         "LEFT JOIN partner_school ps ON ps.id = per.grp "
                         "LEFT JOIN organization o ON o.id = ps.organization", "No partner linked"),
}


def _per(dim: Dimension) -> str:
    """`per`: each student's minutes and verified minutes by the dimension's column. Materialized (SQLite 3.35 and
    PostgreSQL 12 both read the hint): a group's condition pushed down into it let PostgreSQL, misjudging how few
    entries a cluster has, join entries to enrollments in a nested loop (17 s on the district instead of 0.6)."""
    return f""",
per AS MATERIALIZED (
    SELECT {dim.per} AS grp, c.student, SUM(c.minutes) AS minutes, SUM(c.verified * c.minutes) AS verified
    FROM counted c GROUP BY {dim.per}, c.student
)
"""


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


async def hours_by(scope: Scope, dim: Dimension, narrow: str = "") -> HoursReport:
    """Every group with any counted entry, most hours first, and the totals (a student in two groups counts once
    in the total). One query. `narrow`: only entries meeting this SQL (scope.counted_entries)."""
    sql, args = counted_entries(scope, narrow)
    rows = await Experience.raw(sql + _per(dim) + f"""
SELECT 0 AS total, {dim.group} AS grp, MIN({dim.label}) AS label, COUNT(DISTINCT per.student) AS students,
       SUM(per.minutes) AS minutes, SUM(per.verified) AS verified
FROM per {dim.joins} GROUP BY {dim.group}
UNION ALL
SELECT 1, NULL, NULL, COUNT(DISTINCT student), SUM(minutes), SUM(verified) FROM per""", *args)
    groups = sorted((_figures(dim, row) for row in rows if not row["total"]),
                    key=lambda f: (-f.minutes, f.group == NONE, f.label.casefold()))
    total = next(row for row in rows if row["total"])
    return HoursReport(dim, groups, Figures("", "Total", int(total["students"]), int(total["minutes"] or 0),
                                            int(total["verified"] or 0)))


def _group_filter(dim: Dimension, group: str) -> tuple[str, list[Any]]:
    """The SQL condition for one group, from the query string's value; a value no group can have is not found."""
    if group == NONE and dim.missing:
        return f"{dim.group} IS NULL", []
    if dim.key == "kind":
        if group not in set(ExperienceKind):
            raise NotFound("group")
        return f"{dim.group} = {{}}", [group]
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
    group; and the group's name. One query, with the count beside each row; a second only for a page past the
    end (to find how many there are), a third for the last page then."""
    condition, extra = _group_filter(dim, group)
    sql, args = counted_entries(scope)

    async def read(page: int) -> list[dict[str, Any]]:
        return await Experience.raw(
            sql + _per(dim) + f""",
picked AS (
    SELECT per.student, MIN({dim.label}) AS label, SUM(per.minutes) AS minutes, SUM(per.verified) AS verified
    FROM per {dim.joins} WHERE {condition} GROUP BY per.student
)
SELECT picked.*, u.name, u.school, COUNT(*) OVER () AS total
FROM picked JOIN app_user u ON u.id = picked.student ORDER BY u.name, picked.student LIMIT {{}} OFFSET {{}}""",
            *args, *extra, PAGE_SIZE, (page - 1) * PAGE_SIZE)

    wanted = min(max(wanted_page, 1), MAX_PAGE)
    rows = await read(wanted)
    if not rows and wanted > 1:
        first = await read(1)
        wanted = bounds(int(first[0]["total"]), wanted)[0] if first else 1
        rows = await read(wanted) if first else []
    if not rows:
        raise NotFound("group")
    total = int(rows[0]["total"])
    page, pages = bounds(total, wanted)
    value = None if group == NONE else (int(group) if dim.key == "grade" else group)
    students = [Student(r["student"], r["name"], r["school"], int(r["minutes"]), int(r["verified"])) for r in rows]
    return _label(dim, value, rows[0]["label"]), Page(students, total, page, pages)
