"""What a report counts: the schools (a staff member's own; the district or one school for an admin) and the
dates (a school year, or a range chosen by hand), and the SQL that attributes each entry to the school its
student was enrolled in on the entry's date.

Attribution follows services.roster.enrollments.school_on, in one set-based query instead of a lookup an entry:
an enrollment covers the days from its start to the day before the student's next enrollment began (on the day
of a move the new school counts, as school_on picks the latest begun) and not beyond its end; a student never
imported counts for the school on their account on every date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from portfolio import clock
from portfolio.errors import FormErrors, NotFound
from portfolio.formats import nice_date
from portfolio.services.accounts import CurrentUser
from portfolio.services.experiences import school_of, school_year_start
from portfolio.tables import School, User
from portfolio.vocabulary import Role

# School years offered in the filter: this one and the ones before it.
YEARS_SHOWN = 6
# A range longer than this is a typo (or a request built to make the database work).
LONGEST_RANGE_DAYS = 6 * 366


@dataclass(frozen=True)
class SchoolYear:
    start: date
    end: date

    @property
    def key(self) -> str:
        return f"{self.start.year}-{(self.start.year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.start.year}–{(self.start.year + 1) % 100:02d} school year"


@dataclass(frozen=True)
class Scope:
    """Entries dated start to end (both included) of students while they were at one of `schools`."""

    schools: tuple[int, ...]
    start: date
    end: date
    label: str  # the dates as a heading reads them
    district: bool = False  # an admin's view of every school
    year: str = ""  # the school year's key, when the dates are one

    def within(self, day: date) -> bool:
        return self.start <= day <= self.end


def school_years(school: Mapping[str, Any], today: date, count: int = YEARS_SHOWN) -> list[SchoolYear]:
    """This school year first, then earlier ones; a year ends the day before the next one starts."""
    start = school_year_start(school, today)
    years = []
    for back in range(count):
        begins = start.replace(year=start.year - back)
        years.append(SchoolYear(begins, begins.replace(year=begins.year + 1) - timedelta(days=1)))
    return years


@dataclass(frozen=True)
class Wanted:
    """The filter as asked for (query string), before it is checked against the user."""

    year: str = ""
    start: date | None = None
    end: date | None = None
    school: int | None = None


async def scope_for(user: CurrentUser, wanted: Wanted) -> Scope:
    """The scope a user may see for what they asked: staff only their own school (another school's id is not
    found, as for any other record of theirs), an admin the district or one school. Dates: a range given whole
    wins over a school year; none given, this school year."""
    if user.has(Role.ADMIN):
        if wanted.school is None:
            schools = tuple(r["id"] for r in await School.select(School.id).order_by(School.id))
            district = True
        else:
            if not await School.exists().where(School.id == wanted.school):
                raise NotFound("school")
            schools, district = (wanted.school,), False
    else:
        if user.school_id is None or wanted.school not in (None, user.school_id):
            raise NotFound("school")
        schools, district = (user.school_id,), False
    school = await school_of(user)
    today = clock.today_at(school)
    years = school_years(school, today)
    if wanted.start is not None and wanted.end is not None:
        if wanted.end < wanted.start:
            raise FormErrors({"end": "The end date is before the start date."})
        if (wanted.end - wanted.start).days > LONGEST_RANGE_DAYS:
            raise FormErrors({"end": "Choose at most six years."})
        label = f"{nice_date(wanted.start)} – {nice_date(wanted.end)}"
        return Scope(schools, wanted.start, wanted.end, label, district)
    year = next((y for y in years if y.key == wanted.year), years[0])
    return Scope(schools, year.start, year.end, year.label, district, year.key)


def _placeholders(values: tuple[int, ...]) -> str:
    return ", ".join("{}" for _ in values) or "NULL"


# Each enrollment's days, and for students never imported, every day at the school on their account.
SPANS = """
spans AS (
    SELECT student, school, began_on AS since, ended_on AS until,
           LEAD(began_on) OVER (PARTITION BY student ORDER BY began_on, id) AS next_began
    FROM enrollment
    UNION ALL
    SELECT u.id, u.school, NULL, NULL, NULL FROM app_user u
    WHERE u.school IS NOT NULL AND NOT EXISTS (SELECT 1 FROM enrollment n WHERE n.student = u.id)
)"""

COVERS = """(s.since IS NULL OR e.date >= s.since) AND (s.next_began IS NULL OR e.date < s.next_began)
    AND (s.until IS NULL OR e.date <= s.until)"""


def counted_entries(scope: Scope, narrow: str = "") -> tuple[str, list[Any]]:
    """A WITH clause defining `counted`: one row an entry the report counts (dated in the scope, at one of its
    schools on that date, not rejected), with id, student, school, date, minutes, verified (1 when the one rule
    reads it verified: Experience.shown_verified, so a voided or unconfirmed sign-off is not), kind, cluster
    (an id or NULL), partner (a PartnerSchool id or NULL) and placement. Callers write `<this> SELECT ... FROM
    counted ...` and pass the arguments to Table.raw. `narrow`: more conditions on the entry `e` (SQL of the
    caller's own, no arguments), applied before the join so an index can serve them."""
    sql = f"""WITH {SPANS},
counted AS (
    SELECT e.id, e.student, s.school, e.date, e.minutes,
           CASE WHEN e.shown_verified THEN 1 ELSE 0 END AS verified,
           e.kind, e.cluster, e.partner, e.placement
    FROM experience e
    JOIN spans s ON s.student = e.student AND {COVERS}
    WHERE e.date >= {{}} AND e.date <= {{}} AND e.status <> 'rejected'{f" AND {narrow}" if narrow else ""}
      AND s.school IN ({_placeholders(scope.schools)})
)
"""
    return sql, [scope.start, scope.end, *scope.schools]


def students_in_scope(scope: Scope) -> tuple[str, list[Any]]:
    """A WITH clause defining `enrolled`: (student, school) for each student enrolled at one of the scope's
    schools on any day of its dates, at the school they were at last within them (a student who moved counts
    once, for the school they ended the period in). Only students: staff never have enrollments, and accounts
    without one count when they are students."""
    sql = f"""WITH {SPANS},
enrolled_all AS (
    SELECT s.student, s.school,
           ROW_NUMBER() OVER (PARTITION BY s.student ORDER BY s.since DESC) AS latest
    FROM spans s JOIN app_user u ON u.id = s.student
    WHERE {is_student('u')}
      AND (s.since IS NULL OR s.since <= {{}}) AND (s.until IS NULL OR s.until >= {{}})
      AND (s.next_began IS NULL OR s.next_began > {{}})
),
enrolled AS (
    SELECT student, school FROM enrolled_all
    WHERE latest = 1 AND school IN ({_placeholders(scope.schools)})
)
"""
    return sql, [scope.end, scope.start, scope.start, *scope.schools]


def is_student(alias: str) -> str:
    """SQL true for a user row (under `alias`) with the student role: roles is an array on PostgreSQL and
    JSON text on SQLite."""
    if User._meta.db.engine_type == "sqlite":
        return f"""{alias}.roles LIKE '%"student"%'"""
    return f"'student' = ANY({alias}.roles)"


def covers(day: str) -> str:
    """COVERS for another dated row than an entry `e` (a certification's issue date, say): `day` is its SQL."""
    return COVERS.replace("e.date", day)


def school_year_of(day: str, school: str) -> str:
    """SQL for the calendar year the school year of `day` began in, by the year start of the school row under the
    alias `school` (July 1 when there is none)."""
    month, start_day = f"COALESCE({school}.year_start_month, 7)", f"COALESCE({school}.year_start_day, 1)"
    if User._meta.db.engine_type == "sqlite":
        year, month_day = f"CAST(strftime('%Y', {day}) AS INTEGER)", f"CAST(strftime('%m%d', {day}) AS INTEGER)"
    else:
        year, month_day = f"CAST(EXTRACT(YEAR FROM {day}) AS INTEGER)", f"CAST(EXTRACT(MONTH FROM {day}) * 100 + EXTRACT(DAY FROM {day}) AS INTEGER)"
    return f"({year} - CASE WHEN {month_day} < {month} * 100 + {start_day} THEN 1 ELSE 0 END)"


def counted_certifications(scope: Scope) -> tuple[str, list[Any]]:
    """A WITH clause defining `certified`: one row a certification the report counts as earned (id, student,
    school, date, name, issuer): issued in the scope's dates while its student was at one of its schools, and
    verified by the one rule of services/signoff/certifications.py, read in SQL: status verified and its latest
    sign-off a verification, not voided, of the content it has now. A voided or unconfirmed one is the student's
    word only, and 5S1 counts recognized credentials, so it is left out."""
    sql = f"""WITH {SPANS},
certified AS (
    SELECT e.id, e.student, s.school, e.date, e.name, e.issuer
    FROM (SELECT c.id, c.student, c.issued_on AS date, c.name, c.issuer FROM certification c
          WHERE c.issued_on >= {{}} AND c.issued_on <= {{}} AND c.status = 'verified'
            AND EXISTS (SELECT 1 FROM certification_sign_off o
                        WHERE o.certification = c.id AND o.voided_at IS NULL AND o.decision = 'verified'
                          AND o.content_hash = c.content_hash
                          AND o.id = (SELECT MAX(l.id) FROM certification_sign_off l WHERE l.certification = c.id))
         ) e
    JOIN spans s ON s.student = e.student AND {COVERS}
    WHERE s.school IN ({_placeholders(scope.schools)})
)
"""
    return sql, [scope.start, scope.end, *scope.schools]
