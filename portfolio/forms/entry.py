"""An experience as the student's form and the offline queue's JSON send it: one parser for both."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.forms import iso_date, texts, too_long
from portfolio.vocabulary import KIND_LABELS, ExperienceKind

FIELDS = ("kind", "title", "organization", "date", "hours", "cluster", "reflection")
LIMITS = {"title": 200, "organization": 200, "reflection": 5000}
MAX_MINUTES_PER_DAY = 24 * 60
EARLIEST_DATE = date(2000, 1, 1)
HOURS_RE = re.compile(r"^\s*(\d{1,2})(?:[.,](\d{1,2}))?\s*$|^\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class EntryRules:
    """What a form is checked against that is not in the form: the school's today and its clusters."""

    today: date
    clusters: Mapping[str, int]  # code -> id


@dataclass(frozen=True)
class EntryForm:
    kind: ExperienceKind
    title: str
    organization: str
    date: date
    minutes: int
    cluster_code: str
    cluster_id: int
    reflection: str

    def fields(self) -> dict[str, Any]:
        """The shape a stored entry is hashed in (experiences.content_hash)."""
        return {"kind": self.kind, "title": self.title, "organization_name": self.organization, "date": self.date,
                "minutes": self.minutes, "cluster_code": self.cluster_code, "reflection": self.reflection}


def parse_minutes(text: str) -> int | None:
    """'2.5', '2,5', '2:30' -> 150. None when it is not a number of hours."""
    match = HOURS_RE.match(text or "")
    if not match:
        return None
    if match.group(3) is not None:
        hours, minutes = int(match.group(3)), int(match.group(4))
        return hours * 60 + minutes if minutes < 60 else None
    whole, fraction = int(match.group(1)), match.group(2) or "0"
    return whole * 60 + round(int(fraction) * 60 / 10 ** len(fraction))


def entry_values(raw: Mapping[str, Any]) -> dict[str, str]:
    """The fields as typed, to show the form again."""
    return texts(raw, FIELDS)


def _date_problem(day: date | None, today: date) -> str:
    if day is None:
        return "Enter the date as year-month-day, like 2026-03-14."
    if day > today:
        return "The date cannot be in the future."
    if day < EARLIEST_DATE:
        return f"The date cannot be before {EARLIEST_DATE:%Y}."
    return ""


def _hours_problem(minutes: int | None) -> str:
    if minutes is None:
        return "Enter hours as a number, like 2.5."
    if minutes <= 0:
        return "Hours must be more than 0."
    if minutes > MAX_MINUTES_PER_DAY:
        return "One day has at most 24 hours."
    if minutes % 15:
        return "Use quarter hours: .25, .5 or .75."
    return ""


def parse_entry(raw: Mapping[str, Any], rules: EntryRules) -> EntryForm:
    """Check a submitted entry; raises FormErrors with every problem found and the values as typed."""
    values = entry_values(raw)
    day, minutes = iso_date(values["date"]), parse_minutes(values["hours"])
    errors = {
        "kind": "" if values["kind"] in KIND_LABELS else "Choose what kind of experience this was.",
        "title": "" if values["title"] else "Enter a title.",
        "organization": "" if values["organization"] else "Enter the organization.",
    } | too_long(values, LIMITS) | {
        "date": _date_problem(day, rules.today),
        "hours": _hours_problem(minutes),
        "cluster": "" if values["cluster"] in rules.clusters else "Choose a career cluster.",
    }
    errors = {name: problem for name, problem in errors.items() if problem}
    if errors:
        raise FormErrors(errors, values)
    assert day is not None and minutes is not None
    return EntryForm(
        kind=ExperienceKind(values["kind"]), title=values["title"], organization=values["organization"], date=day,
        minutes=minutes, cluster_code=values["cluster"], cluster_id=rules.clusters[values["cluster"]],
        reflection=values["reflection"],
    )
