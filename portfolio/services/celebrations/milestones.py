"""Milestones students passed within a report's scope, in one query: their first internship (a verified
internship or apprenticeship entry), the school's hour goal within a school year, and 100 verified hours. Each is
dated by the entry that reached it and counts for the school the student was at on that day.

The same rules as the student's own dashboard (progress.milestones): verified entries in (date, id) order,
verified as Experience.shown_verified reads it, so a voided sign-off un-earns a milestone; the goal is the one of
the school on the student's account, summed over each school year; running sums are window SUMs over the verified
entries up to the scope's end, so an entry before the scope still counts toward a later milestone."""

from __future__ import annotations

from typing import Any

from portfolio.services.progress import CELEBRATED_HOURS, INTERNSHIP_KINDS
from portfolio.services.reports.scope import SPANS, Scope, _placeholders, covers, school_year_of
from portfolio.tables import Experience

INTERNSHIP, GOAL, HOURS = "internship", "goal", f"hours-{CELEBRATED_HOURS}"
KINDS_SQL = ", ".join(f"'{kind}'" for kind in INTERNSHIP_KINDS)


def passed_sql(scope: Scope) -> tuple[str, list[Any]]:
    year = school_year_of("e.date", "sc")
    sql = f"""WITH {SPANS},
ranked AS (
    SELECT e.id, e.student, e.date, e.minutes, e.kind, sc.wbl_goal_hours AS goal,
           SUM(e.minutes) OVER (PARTITION BY e.student ORDER BY e.date, e.id) AS ever,
           SUM(e.minutes) OVER (PARTITION BY e.student, {year} ORDER BY e.date, e.id) AS in_year,
           ROW_NUMBER() OVER (PARTITION BY e.student, CASE WHEN e.kind IN ({KINDS_SQL}) THEN 1 ELSE 0 END
                              ORDER BY e.date, e.id) AS nth
    FROM experience e JOIN app_user u ON u.id = e.student LEFT JOIN school sc ON sc.id = u.school
    WHERE e.shown_verified AND e.status <> 'rejected' AND e.date <= {{}}
),
passed AS (
    SELECT id, student, date, '{INTERNSHIP}' AS milestone, goal FROM ranked
    WHERE kind IN ({KINDS_SQL}) AND nth = 1 AND date >= {{}}
    UNION ALL
    SELECT id, student, date, '{GOAL}', goal FROM ranked
    WHERE goal > 0 AND in_year >= goal * 60 AND in_year - minutes < goal * 60 AND date >= {{}}
    UNION ALL
    SELECT id, student, date, '{HOURS}', goal FROM ranked
    WHERE ever >= {CELEBRATED_HOURS * 60} AND ever - minutes < {CELEBRATED_HOURS * 60} AND date >= {{}}
)
SELECT e.milestone, e.student, u.name AS student_name, e.date, e.id AS entry, e.goal, s.school
FROM passed e JOIN spans s ON s.student = e.student AND {covers("e.date")}
JOIN app_user u ON u.id = e.student
WHERE s.school IN ({_placeholders(scope.schools)})
ORDER BY e.date DESC, u.name, e.student, e.milestone
"""
    return sql, [scope.end, scope.start, scope.start, scope.start, *scope.schools]


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
