"""The celebrations forms: a signing-day commitment staff record, and what an awards-night program or a set of
certificates is made for (the event's title and date, the students chosen)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from portfolio.celebration_vocabulary import CommitmentKind
from portfolio.errors import FormErrors
from portfolio.forms import iso_date, texts, too_long
from portfolio.parse import int_ids

ORGANIZATION_MAX = 200
DETAIL_MAX = 200
TITLE_MAX = 120
DEFAULT_TITLE = "Awards Night"
# A commitment is celebrated in the months around it; one dated years away is a typo.
FURTHEST_DAYS = 2 * 366
# Certificates for more students than this at once are a forged request (a school prints them class by class).
MOST_CERTIFICATES = 300


@dataclass(frozen=True)
class CommitmentForm:
    kind: CommitmentKind
    organization: str
    detail: str
    signed_on: date


def commitment_values(raw: Mapping[str, Any]) -> dict[str, str]:
    return texts(raw, ("kind", "organization", "detail", "signed_on"))


def parse_commitment(raw: Mapping[str, Any], today: date) -> CommitmentForm:
    values = commitment_values(raw)
    errors = too_long(values, {"organization": ORGANIZATION_MAX, "detail": DETAIL_MAX})
    if values["kind"] not in set(CommitmentKind):
        errors["kind"] = "Choose what the student committed to."
    if not values["organization"]:
        errors.setdefault("organization", "Enter the employer, program, college or branch.")
    signed_on = iso_date(values["signed_on"])
    if signed_on is None:
        errors["signed_on"] = "Enter the day they signed, as a date."
    elif abs((signed_on - today).days) > FURTHEST_DAYS:
        errors["signed_on"] = "Enter a day within two years of today."
    if errors:
        raise FormErrors(errors, values)
    assert signed_on is not None
    return CommitmentForm(CommitmentKind(values["kind"]), values["organization"], values["detail"], signed_on)


@dataclass(frozen=True)
class EventForm:
    title: str
    held_on: date


def parse_event(raw: Mapping[str, Any], today: date) -> EventForm:
    """The program's title and date; what cannot be read falls back to the defaults (it is a download link)."""
    values = texts(raw, ("title", "held_on"))
    day = iso_date(values["held_on"])
    if day is None or abs((day - today).days) > FURTHEST_DAYS:
        day = today
    return EventForm(values["title"][:TITLE_MAX] or DEFAULT_TITLE, day)


def parse_students(raw: Any) -> list[int]:
    """The students chosen for certificates: ids from a comma-separated list or repeated fields."""
    values = raw if isinstance(raw, list) else str(raw or "").split(",")
    return int_ids([v.strip() for v in values])[:MOST_CERTIFICATES]
