"""The interaction form of a partner's page: how the school was in touch, when, who took part, what was said, and
an optional follow-up with its owner and due date. Limits are shown on the form (INTERACTION_LIMITS)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.forms import iso_date, texts, too_long
from portfolio.parse import as_list, clean_name, int_ids, int_or_none
from portfolio.partner_vocabulary import InteractionKind

SUMMARY_MAX = 2000
FOLLOW_UP_MAX = 300
INTERACTION_LIMITS = {"summary": SUMMARY_MAX, "follow_up": FOLLOW_UP_MAX}
# A log is of what happened: a date far back is a typo more often than a record (and the form is not a calendar).
OLDEST_YEARS = 10
# A follow-up due years away is a typo too.
LATEST_DUE_DAYS = 2 * 366


@dataclass(frozen=True)
class InteractionChoices:
    """Whom the form may name: staff of the relationship's school, and the relationship's contacts."""

    staff: dict[int, str]
    contacts: dict[int, str]


@dataclass(frozen=True)
class InteractionForm:
    kind: InteractionKind
    happened_on: date
    staff: tuple[int, ...]
    contacts: tuple[int, ...]
    summary: str
    # The follow-up, when one was asked for: what, who and by when.
    follow_up: str = ""
    owner: int | None = None
    due_on: date | None = None


def interaction_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = texts(raw, ("kind", "happened_on", "summary", "owner", "due_on"))
    values["follow_up"] = clean_name(raw.get("follow_up"))
    return values | {"staff": as_list(raw.get("staff")), "contacts": as_list(raw.get("contacts"))}


def parse_interaction(raw: Mapping[str, Any], choices: InteractionChoices, today: date) -> InteractionForm:
    """The form as typed; every problem at once. Staff and contacts are checked against the relationship's own
    (a forged id of another school's person is a form error, not a silent drop)."""
    values = interaction_values(raw)
    errors = too_long(values, INTERACTION_LIMITS)
    try:
        kind = InteractionKind(values["kind"])
    except ValueError:
        kind = None
        errors["kind"] = "Choose how you were in touch."
    happened_on = iso_date(values["happened_on"])
    if happened_on is None:
        errors["happened_on"] = "Enter the date it happened, like 2026-03-14."
    elif happened_on > today:
        errors["happened_on"] = "Enter a date that has passed: log it once it happened."
    elif happened_on < today - timedelta(days=366 * OLDEST_YEARS):
        errors["happened_on"] = f"Enter a date within the last {OLDEST_YEARS} years."
    staff = tuple(int_ids(values["staff"]))
    if not staff:
        errors["staff"] = "Choose who from the school took part."
    elif not set(staff) <= set(choices.staff):
        errors["staff"] = "Choose people among the school's staff."
    contacts = tuple(int_ids(values["contacts"]))
    if len(contacts) != len(set(values["contacts"])) or not set(contacts) <= set(choices.contacts):
        errors["contacts"] = "Choose contacts of this partner."
    if not values["summary"] and "summary" not in errors:
        errors["summary"] = "Write what was said or agreed, in a sentence or two."
    owner, due_on = None, None
    if values["follow_up"] or values["due_on"]:
        if not values["follow_up"]:
            errors["follow_up"] = "Write what is to be done, or clear the due date."
        owner = int_or_none(values["owner"])
        if owner not in choices.staff:
            errors["owner"] = "Choose who does it, among the school's staff."
        due_on = iso_date(values["due_on"])
        if due_on is None:
            errors["due_on"] = "Enter the date it is due, like 2026-03-21."
        elif due_on > today + timedelta(days=LATEST_DUE_DAYS):
            errors["due_on"] = "Enter a due date within the next two years."
    if errors:
        raise FormErrors(errors, values)
    assert kind is not None and happened_on is not None
    return InteractionForm(kind, happened_on, staff, contacts, values["summary"], values["follow_up"], owner, due_on)
