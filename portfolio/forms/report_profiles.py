"""A report profile as the admin's form sends it: every problem found at once, and what was typed kept (the
checkboxes as lists of the values ticked) so the form comes back as it was."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.forms import texts, too_long
from portfolio.report_vocabulary import Accumulation, Denominator
from portfolio.vocabulary import ExperienceKind

GRADES = tuple(range(6, 13))
LIMITS = {"name": 200, "source": 2000}
YEAR_RE = re.compile(r"\d{4}-\d{2}")
STATE_RE = re.compile(r"[A-Z]{2}")
MOST_HOURS = 5000  # no definition asks more than a few hundred: more is a typo


@dataclass(frozen=True)
class ProfileForm:
    name: str
    state: str
    source: str
    school_year: str
    kinds: tuple[str, ...]
    min_hours: int
    verified_only: bool
    grades: tuple[int, ...]
    accumulation: str
    one_experience_min_hours: int | None
    credit_hours: int | None
    denominator: str


def _ticked(raw: Mapping[str, Any], name: str) -> list[str]:
    value = raw.get(name, [])
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _hours(text: str, errors: dict[str, str], name: str, required: bool) -> int | None:
    if not text:
        if required:
            errors[name] = "Enter the hours, 0 or more."
        return None
    if not text.isdigit() or int(text) > MOST_HOURS:
        errors[name] = f"Enter whole hours from 0 to {MOST_HOURS}."
        return None
    return int(text)


def parse_profile(raw: Mapping[str, Any]) -> ProfileForm:
    values: dict[str, Any] = texts(raw, ("name", "state", "source", "school_year", "min_hours", "accumulation",
                                         "one_experience_min_hours", "credit_hours", "denominator"))
    values["state"] = values["state"].upper()
    values["kinds"] = _ticked(raw, "kinds")
    values["grades"] = _ticked(raw, "grades")
    values["verified_only"] = bool(raw.get("verified_only"))
    errors = too_long(values, LIMITS)
    if not values["name"]:
        errors["name"] = "Name the definition, like Wisconsin: 90 hours."
    if values["state"] and not STATE_RE.fullmatch(values["state"]):
        errors["state"] = "Use the state's two-letter code, like WI, or leave it empty."
    if not values["source"]:
        errors["source"] = "Cite the document the definition comes from."
    if not YEAR_RE.fullmatch(values["school_year"]):
        errors["school_year"] = "Enter the school year the source is for, like 2025-26."
    kinds = tuple(k for k in ExperienceKind if k in values["kinds"])
    if not kinds or len(kinds) != len(set(values["kinds"])):
        errors["kinds"] = "Choose the kinds of experience that count."
    grades = tuple(g for g in GRADES if str(g) in values["grades"])
    if len(grades) != len(set(values["grades"])):
        errors["grades"] = "Choose grades from the list."
    if values["accumulation"] not in set(Accumulation):
        errors["accumulation"] = "Choose which hours add up."
    if values["denominator"] not in set(Denominator):
        errors["denominator"] = "Choose which students the report counts among."
    min_hours = _hours(values["min_hours"], errors, "min_hours", True)
    one = _hours(values["one_experience_min_hours"], errors, "one_experience_min_hours", False)
    credit = _hours(values["credit_hours"], errors, "credit_hours", False)
    if credit == 0 and "credit_hours" not in errors:
        errors["credit_hours"] = "A credit takes at least 1 hour, or leave it empty."
    if errors:
        raise FormErrors(errors, values)
    return ProfileForm(values["name"], values["state"], values["source"], values["school_year"], kinds, min_hours or 0,
                       values["verified_only"], grades, values["accumulation"], one or None, credit,
                       values["denominator"])


def profile_values(profile: Mapping[str, Any]) -> dict[str, Any]:
    """A stored profile as the form shows it."""
    def text(value: Any) -> str:
        return "" if value is None else str(value)

    return {"name": profile["name"], "state": profile["state"], "source": profile["source"],
            "school_year": profile["school_year"], "min_hours": text(profile["min_hours"]),
            "accumulation": profile["accumulation"], "one_experience_min_hours": text(profile["one_experience_min_hours"]),
            "credit_hours": text(profile["credit_hours"]), "denominator": profile["denominator"],
            "kinds": list(profile["kinds"] or []), "grades": [str(g) for g in profile["grades"] or []],
            "verified_only": bool(profile["verified_only"])}
