"""Forms about people and schools: the roles someone has, and a school's name, timezone, year start,
work-based-learning goal and accent colour (its identity, name and colour, is also a form of its own: its staff
change that and nothing else)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from functools import cache
from typing import Any, Mapping
from zoneinfo import available_timezones

from portfolio.colours import AA, HEX, accent_contrast
from portfolio.errors import FormErrors
from portfolio.forms import texts
from portfolio.parse import as_list, int_or_none
from portfolio.vocabulary import Role

SCHOOL_NAME_MAX = 200
GOAL_HOURS_MAX = 1000


@dataclass(frozen=True)
class RoleChange:
    roles: tuple[Role, ...]
    # Who takes over their partners and follow-ups when the staff role is taken away.
    colleague: int | None = None


def parse_colleague(raw: Mapping[str, Any]) -> int | None:
    """The colleague chosen to take over a leaving account's partners (the service checks who they are)."""
    return int_or_none(texts(raw, ("colleague",))["colleague"])


def parse_roles(raw: Mapping[str, Any], givable: tuple[Role, ...]) -> RoleChange:
    """The roles ticked, all among those the person changing them may give."""
    chosen = [str(r) for r in as_list(raw.get("roles")) if r]
    if not chosen:
        raise FormErrors({"roles": "Choose at least one role."}, {"roles": chosen})
    if not set(chosen) <= {str(r) for r in givable}:
        raise FormErrors({"roles": "You may not give that role."}, {"roles": chosen})
    return RoleChange(tuple(sorted(Role(r) for r in set(chosen))), parse_colleague(raw))


@cache
def timezones() -> tuple[str, ...]:
    """The IANA names the server knows (the form offers them; a school's day starts in its own)."""
    return tuple(sorted(name for name in available_timezones() if "/" in name and not name.startswith(("Etc/", "SystemV/"))))


@dataclass(frozen=True)
class SchoolIdentity:
    """How a school's people see it: what its own staff may change, as well as administrators."""

    name: str
    # "#rrggbb" in lower case, or "" for the app's own green.
    accent_colour: str = ""


@dataclass(frozen=True)
class SchoolForm:
    name: str
    timezone: str
    year_start_month: int
    year_start_day: int
    # Verified hours a student aims for in a school year; None: the school set no goal.
    wbl_goal_hours: int | None = None
    # "#rrggbb" in lower case, or "" for the app's own green.
    accent_colour: str = ""


def _goal(text: str, errors: dict[str, str]) -> int | None:
    if not text:
        return None
    goal = int_or_none(text)
    if goal is None or not 1 <= goal <= GOAL_HOURS_MAX:
        errors["wbl_goal_hours"] = f"Enter whole hours from 1 to {GOAL_HOURS_MAX:,}, or leave it empty for no goal."
    return goal


def _accent(text: str, errors: dict[str, str]) -> str:
    if not text:
        return ""
    colour = text if text.startswith("#") else "#" + text
    if not HEX.fullmatch(colour):
        errors["accent_colour"] = "Enter a colour as six hexadecimal digits, like #0b5d4b, or leave it empty."
        return ""
    ratio = accent_contrast(colour)
    if ratio < AA:
        errors["accent_colour"] = (f"This colour is too light: white text on it and the colour as text on the page "
                                   f"contrast only {ratio:.1f}:1, and they need at least {AA}:1. Choose a darker one.")
    return colour.lower()


def _identity(values: Mapping[str, str], errors: dict[str, str]) -> SchoolIdentity:
    accent = _accent(values["accent_colour"], errors)
    if not values["name"] or len(values["name"]) > SCHOOL_NAME_MAX:
        errors["name"] = f"Enter the school's name (at most {SCHOOL_NAME_MAX} characters)."
    return SchoolIdentity(values["name"], accent)


def parse_identity(raw: Mapping[str, Any]) -> SchoolIdentity:
    values: dict[str, Any] = texts(raw, ("name", "accent_colour"))
    errors: dict[str, str] = {}
    identity = _identity(values, errors)
    if errors:
        raise FormErrors(errors, values)
    return identity


def parse_school(raw: Mapping[str, Any]) -> SchoolForm:
    values: dict[str, Any] = texts(raw, ("name", "timezone", "year_start_month", "year_start_day", "wbl_goal_hours",
                                         "accent_colour"))
    errors: dict[str, str] = {}
    goal = _goal(values["wbl_goal_hours"], errors)
    identity = _identity(values, errors)
    if values["timezone"] not in timezones():
        errors["timezone"] = "Choose the school's time zone."
    month, day = int_or_none(values["year_start_month"]), int_or_none(values["year_start_day"])
    if month is None or not 1 <= month <= 12:
        errors["year_start_month"] = "Choose the month the school year starts."
    # A year that is not a leap year: the start must exist every year.
    elif day is None or not 1 <= day <= calendar.monthrange(2001, month)[1]:
        errors["year_start_day"] = "Enter a day of that month."
    if errors:
        raise FormErrors(errors, values)
    assert month is not None and day is not None
    return SchoolForm(identity.name, values["timezone"], month, day, goal, identity.accent_colour)


COLD_DAYS = (14, 730)
CHECK_IN_DAYS = (7, 730)


@dataclass(frozen=True)
class PartnerSettings:
    """How the school's partner directory judges a relationship: going cold after this many quiet days."""

    cold_after_days: int


@dataclass(frozen=True)
class CounselingSettings:
    """How the counselors' caseloads judge a student: no check-in for more than this many days is flagged."""

    check_in_days: int


def _days(raw: Mapping[str, Any], name: str, bounds: tuple[int, int], shortest: str) -> int:
    values = texts(raw, (name,))
    days = int_or_none(values[name])
    if days is None or not bounds[0] <= days <= bounds[1]:
        raise FormErrors({name: f"Enter a number of days from {bounds[0]} ({shortest}) to {bounds[1]} (two years)."},
                         values)
    return days


def parse_partner_settings(raw: Mapping[str, Any]) -> PartnerSettings:
    return PartnerSettings(_days(raw, "cold_after_days", COLD_DAYS, "two weeks"))


def parse_counseling_settings(raw: Mapping[str, Any]) -> CounselingSettings:
    return CounselingSettings(_days(raw, "check_in_days", CHECK_IN_DAYS, "a week"))
