"""Milestones students passed within a report's scope, in one query: their first internship (a verified
internship or apprenticeship entry), the school's hour goal within a school year, and 100 verified hours. Each is
dated by the entry that reached it and counts for the school the student was at on that day.

The same rules as the student's own dashboard (progress.milestones): verified entries in (date, id) order,
verified as Experience.shown_verified reads it, so a voided sign-off un-earns a milestone; the goal is the one of
the school on the student's account, summed over each school year; running sums are window SUMs over every
verified entry, so an entry before the scope still counts toward a milestone reached in it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from portfolio.services.progress import CELEBRATED_HOURS, INTERNSHIP_KINDS
from portfolio.services.reports.scope import SPANS, Scope, _placeholders, covers, school_year_of
from portfolio.tables import Experience

INTERNSHIP, GOAL, HOURS = "internship", "goal", f"hours-{CELEBRATED_HOURS}"
KINDS_SQL = ", ".join(f"'{kind}'" for kind in INTERNSHIP_KINDS)


def passed_sql(scope: Scope) -> tuple[str, list[Any]]:
    # One window (a student's verified entries by date and id) gives every running figure, so the entries are
    # sorted once: minutes ever, internships so far, and minutes before each school year (the least of "ever
    # before this entry" over the year's entries) for the goal.
    year = school_year_of("e.date", "sc")
    sql = f"""WITH {SPANS},
ranked AS (
    SELECT e.id, e.student, e.date, e.minutes, e.kind, {year} AS year, sc.wbl_goal_hours AS goal,
           SUM(e.minutes) OVER running AS ever,
           SUM(CASE WHEN e.kind IN ({KINDS_SQL}) THEN 1 ELSE 0 END) OVER running AS internships
    FROM experience e JOIN app_user u ON u.id = e.student LEFT JOIN school sc ON sc.id = u.school
    WHERE e.shown_verified AND e.status <> 'rejected'
    WINDOW running AS (PARTITION BY e.student ORDER BY e.date, e.id)
),
years AS (
    SELECT student, year, MIN(ever - minutes) AS before FROM ranked
    WHERE goal > 0 AND date >= {{}} GROUP BY student, year
),
passed AS MATERIALIZED (
    SELECT id, student, date, '{INTERNSHIP}' AS milestone, goal FROM ranked
    WHERE kind IN ({KINDS_SQL}) AND internships = 1 AND date >= {{}} AND date <= {{}}
    UNION ALL
    SELECT r.id, r.student, r.date, '{GOAL}', r.goal FROM ranked r JOIN years y ON y.student = r.student AND y.year = r.year
    WHERE r.ever - y.before >= r.goal * 60 AND r.ever - r.minutes - y.before < r.goal * 60
      AND r.date >= {{}} AND r.date <= {{}}
    UNION ALL
    SELECT id, student, date, '{HOURS}', goal FROM ranked
    WHERE ever >= {CELEBRATED_HOURS * 60} AND ever - minutes < {CELEBRATED_HOURS * 60} AND date >= {{}} AND date <= {{}}
)
SELECT e.milestone, e.student, u.name AS student_name, e.date, e.id AS entry, e.goal, s.school
FROM passed e JOIN spans s ON s.student = e.student AND {covers("e.date")}
JOIN app_user u ON u.id = e.student
WHERE s.school IN ({_placeholders(scope.schools)})
ORDER BY e.date DESC, u.name, e.student, e.milestone
"""
    # A school year starts at most a year before the scope does: older years' goals cannot be reached in it.
    year_before = scope.start - timedelta(days=366)
    dates = [scope.start, scope.end]
    return sql, [year_before, *dates, *dates, *dates, *scope.schools]


def text_of(row: dict[str, Any]) -> str:
    if row["milestone"] == INTERNSHIP:
        return "First internship"
    if row["milestone"] == GOAL:
        return f"The school's goal of {row['goal']} verified hours"
    return f"{CELEBRATED_HOURS} verified hours"


async def passed(scope: Scope) -> list[dict[str, Any]]:
    """Every milestone passed within the scope, newest first: milestone, student, student_name, date, entry,
    school and its text."""
    sql, args = passed_sql(scope)
    rows = await Experience.raw(sql, *args)
    for row in rows:
        row["text"] = text_of(row)
    return rows
