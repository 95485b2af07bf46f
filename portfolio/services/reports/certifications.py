"""Certifications earned (5S1-style: verified ones only, scope.counted_certifications), by name and issuer or by
career cluster, with the students holding each; and the students behind one row. Set-based: a fixed number of
aggregate queries whatever the number of certifications.

A certification has no cluster of its own: it counts for the cluster of the CTE program the student was in on
the day it was issued (the latest begun, when in several), the nearest real record of what it was earned for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portfolio.errors import NotFound
from portfolio.services.paging import PAGE_SIZE, Page, bounds
from portfolio.services.partners.interactions import as_date
from portfolio.services.reports.scope import Scope, counted_certifications
from portfolio.tables import Certification

NONE = "none"
NO_PROGRAM = "No CTE program on the day"
GROUPINGS = {"name": "Certifications by name and issuer", "cluster": "Certifications by career cluster"}

# The cluster of the program a student was in on the certification's day, over `certified t`.
PROGRAM_CLUSTER = """(SELECT pr.cluster FROM program_student ps JOIN program pr ON pr.id = ps.program
    WHERE ps.student = t.student AND ps.started_on <= t.date AND (ps.ended_on IS NULL OR ps.ended_on >= t.date)
    ORDER BY ps.started_on DESC, ps.id DESC LIMIT 1)"""

# The rows of one grouping: t.grp identifies the group (names match whatever their capitals and spaces).
GROUPED = {
    "name": ("SELECT t.*, LOWER(TRIM(t.name)) || '|' || LOWER(TRIM(t.issuer)) AS grp FROM certified t"),
    "cluster": f"SELECT t.*, {PROGRAM_CLUSTER} AS grp FROM certified t",
}


@dataclass(frozen=True)
class Earned:
    group: str  # the group as the drill-down's query string carries it
    name: str
    issuer: str  # empty for a cluster
    students: int
    certifications: int


@dataclass(frozen=True)
class CertificationsReport:
    by: str
    groups: list[Earned]
    total: Earned


def grouping(by: str) -> str:
    return by if by in GROUPINGS else "name"


def _with(scope: Scope, by: str) -> tuple[str, list[Any]]:
    sql, args = counted_certifications(scope)
    # Materialized, as hours' `per`: a group's condition pushed into it is evaluated before the join it filters.
    return sql + f", grouped AS MATERIALIZED ({GROUPED[by]})\n", args


# A group's name: for a certification, as the first one of the group was typed (names match whatever their
# capitals, and MIN would pick a spelling by the database's collation); for a cluster, its name.
NAMED = {
    "name": ("c.name", "c.issuer", "JOIN certification c ON c.id = a.first"),
    "cluster": ("k.name", "''", "LEFT JOIN career_cluster k ON k.id = a.grp"),
}


def _named(by: str, inner: str) -> str:
    name, issuer, join = NAMED[by]
    return f"SELECT a.*, {name} AS name, {issuer} AS issuer FROM ({inner}) a {join}"


async def earned(scope: Scope, by: str) -> CertificationsReport:
    """Each group with the students holding one and the certifications, most first; then the totals. Two queries."""
    sql, args = _with(scope, by)
    rows = await Certification.raw(sql + _named(by, """SELECT g.grp, MIN(g.id) AS first, COUNT(DISTINCT g.student) AS students,
        COUNT(*) AS certifications FROM grouped g GROUP BY g.grp"""), *args)
    total = await Certification.raw(
        sql + "SELECT COUNT(DISTINCT student) AS students, COUNT(*) AS certifications FROM certified", *args)
    groups = [Earned(NONE if r["grp"] is None else str(r["grp"]), r["name"] if r["grp"] is not None else NO_PROGRAM,
                     r["issuer"] or "", int(r["students"]), int(r["certifications"])) for r in rows]
    groups.sort(key=lambda g: (-g.certifications, g.group == NONE, g.name.casefold(), g.issuer.casefold()))
    first = total[0] if total else {"students": 0, "certifications": 0}
    return CertificationsReport(by, groups, Earned("", "Total", "", int(first["students"]), int(first["certifications"])))


@dataclass(frozen=True)
class Holder:
    id: int
    name: str
    school: int | None  # on their account now
    certifications: int
    latest: Any  # the day the latest of them was issued


def _condition(by: str, group: str) -> tuple[str, list[Any]]:
    if group == NONE and by == "cluster":
        return "g.grp IS NULL", []
    if by == "cluster" and not (group.isdigit() and len(group) <= 9):
        raise NotFound("group")
    return "g.grp = {}", [int(group) if by == "cluster" else group]


async def holders(scope: Scope, by: str, group: str, wanted_page: int) -> tuple[str, Page]:
    """The students holding a certification of one group, by name, a page at a time; and the group's name.
    Three queries."""
    condition, extra = _condition(by, group)
    sql, args = _with(scope, by)
    where = f"FROM grouped g JOIN app_user u ON u.id = g.student WHERE {condition}"
    named = await Certification.raw(sql + _named(by, f"SELECT MIN(g.grp) AS grp, MIN(g.id) AS first, "
                                                     f"COUNT(DISTINCT g.student) AS students {where}"), *args, *extra)
    total = int(named[0]["students"] or 0) if named else 0
    if not total:
        raise NotFound("group")
    page, pages = bounds(total, wanted_page)
    rows = await Certification.raw(
        sql + f"""SELECT g.student, u.name, u.school, COUNT(*) AS certifications, MAX(g.date) AS latest {where}
                  GROUP BY g.student, u.name, u.school ORDER BY u.name, g.student LIMIT {{}} OFFSET {{}}""",
        *args, *extra, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    found = [Holder(r["student"], r["name"], r["school"], int(r["certifications"]), as_date(r["latest"])) for r in rows]
    label = ", ".join(p for p in (named[0]["name"], named[0]["issuer"]) if p) or NO_PROGRAM
    return label, Page(found, total, page, pages)
