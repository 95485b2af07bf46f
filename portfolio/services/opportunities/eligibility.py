"""Who may sign up, and why not, in words a student reads: "You must be 16 on Mar 3", "For grades 11 and 12",
"Sign-up closed on Mar 1, 2027". Grades and birth dates are the school's (staff set them), never the student's
word; where one that matters is unknown the answer is to ask the counselor, never a guess."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from portfolio.formats import nice_date
from portfolio.opportunity_vocabulary import Enrolment, OpportunityStatus
from portfolio.services.opportunities.timing import local_day


@dataclass(frozen=True)
class Eligibility:
    reasons: list[str] = field(default_factory=list)
    # What the school does not know about the student, in words ("Ask your counselor: ...").
    unknown: list[str] = field(default_factory=list)
    # Staff choose the students: nobody signs up themselves.
    assigned: bool = False

    @property
    def may_sign_up(self) -> bool:
        return not self.reasons and not self.unknown and not self.assigned


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def grades_words(grades: list[int]) -> str:
    """[11, 12] -> "For grades 11 and 12"; [9] -> "For grade 9"."""
    names = [str(g) for g in sorted(grades)]
    if len(names) == 1:
        return f"For grade {names[0]}"
    return f"For grades {', '.join(names[:-1])} and {names[-1]}"


def judge(opportunity: dict[str, Any], first_start: datetime | None, profile: dict[str, Any] | None,
          moment: datetime) -> Eligibility:
    """`profile`: the student's birth_date and grade (None: no profile yet). `first_start`: the first session
    that is not cancelled (None: no sessions)."""
    tz = opportunity.get("timezone")
    reasons: list[str] = []
    unknown: list[str] = []
    if opportunity["status"] != OpportunityStatus.OPEN:
        reasons.append("Sign-ups are closed.")
    deadline = opportunity["signup_deadline"]
    if deadline is not None and moment > deadline:
        reasons.append(f"Sign-up closed on {nice_date(local_day(deadline, tz))}.")
    if first_start is not None and moment >= first_start:
        reasons.append("It has already started.")
    grades = list(opportunity["grades"] or [])
    grade = (profile or {}).get("grade")
    if grades:
        if grade is None:
            unknown.append("Ask your counselor: your school has no grade for you.")
        elif grade not in grades:
            reasons.append(f"{grades_words(grades)}.")
    minimum = opportunity["minimum_age"]
    birth = (profile or {}).get("birth_date")
    if minimum:
        if birth is None:
            unknown.append("Ask your counselor: your school has no birth date for you.")
        elif first_start is not None:
            day = local_day(first_start, tz)
            if age_on(birth, day) < minimum:
                reasons.append(f"You must be {minimum} on {day:%b} {day.day}.")
    return Eligibility(reasons, unknown, opportunity["enrolment"] == Enrolment.ASSIGNED)
