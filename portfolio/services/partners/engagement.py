"""A partner's engagement with the school, derived from the students' entries linked to it and never typed
twice: students hosted, hours hosted and verified hours, this school year and before. (Interactions, last contact
and board seats join this when they exist.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portfolio import clock
from portfolio.services.experiences import school_year_start
from portfolio.tables import Experience, School
from portfolio.vocabulary import EntryStatus


@dataclass
class Period:
    """Figures over one span of dates; hours as minutes."""

    students: set[int] = field(default_factory=set)
    minutes: int = 0
    verified_minutes: int = 0

    @property
    def student_count(self) -> int:
        return len(self.students)


@dataclass(frozen=True)
class Engagement:
    start: Any  # the first day of the school year
    this_year: Period
    before: Period

    @property
    def any(self) -> bool:
        return bool(self.this_year.students or self.before.students)


async def engagement(partner: dict[str, Any]) -> Engagement:
    """`partner` is a relationship as scope.relationship returns it (so already scoped to the person). Two
    queries, however many entries. Rejected entries host nothing; hours count as the students logged them, and
    verified hours those of verified entries."""
    school = await School.select(School.timezone, School.year_start_month, School.year_start_day).where(
        School.id == partner["school"]).first()
    today = clock.today_at(school)
    start = school_year_start(school, today)
    rows = await Experience.select(Experience.student, Experience.date, Experience.minutes, Experience.status).where(
        (Experience.partner == partner["id"]) & (Experience.status != EntryStatus.REJECTED))
    this_year, before = Period(), Period()
    for row in rows:
        if row["date"] > today:
            continue
        period = this_year if row["date"] >= start else before
        period.students.add(row["student"])
        period.minutes += row["minutes"]
        if row["status"] == EntryStatus.VERIFIED:
            period.verified_minutes += row["minutes"]
    return Engagement(start, this_year, before)
