"""Forms of programs of study and their advisory boards: a program, a student or a member added to it, a
meeting (with who came and, perhaps, an action item) and an action item. Choices come from the program's
school only, so a person of another school is a form error, never a stored row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.forms import iso_date, texts, too_long
from portfolio.parse import as_list, clean_name, int_ids, int_or_none

NAME_MAX = 200
PLACE_MAX = 200
NOTES_MAX = 10_000
ACTION_MAX = 500
LIMITS = {"name": NAME_MAX, "place": PLACE_MAX, "agenda": NOTES_MAX, "minutes": NOTES_MAX, "decisions": NOTES_MAX,
          "action_text": ACTION_MAX}
# A meeting's date: the records of the last quarter century, and meetings planned up to two years ahead.
EARLIEST_YEAR = 2000
PLAN_AHEAD_DAYS = 2 * 366


@dataclass(frozen=True)
class ProgramChoices:
    """What a program's forms may choose among, all of the program's school: cluster ids, staff ids (owners,
    members), active students, active partner contacts (labelled with their partner), schools (admins adding)."""

    clusters: dict[int, str]
    staff: dict[int, str]
    schools: dict[int, str] = field(default_factory=dict)
    students: dict[int, str] = field(default_factory=dict)
    contacts: dict[int, str] = field(default_factory=dict)
    # The board's seats (member id -> name), for a meeting's attendees.
    members: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgramForm:
    name: str
    cluster: int | None
    # The school an admin adds it for; None: the staff member's own.
    school_id: int | None = None


def parse_program(raw: Mapping[str, Any], choices: ProgramChoices) -> ProgramForm:
    values = texts(raw, ("cluster", "school")) | {"name": clean_name(raw.get("name"))}
    errors = too_long(values, {"name": NAME_MAX})
    if not values["name"]:
        errors["name"] = "Enter the program's name, like Welding Technology."
    cluster = int_or_none(values["cluster"]) if values["cluster"] else None
    if values["cluster"] and cluster not in choices.clusters:
        errors["cluster"] = "Choose a career cluster from the list."
    school_id = None
    if choices.schools:
        school_id = int_or_none(values["school"])
        if school_id not in choices.schools:
            errors["school"] = "Choose the school the program belongs to."
    if errors:
        raise FormErrors(errors, values)
    return ProgramForm(values["name"], cluster, school_id)


def parse_student(raw: Mapping[str, Any], choices: ProgramChoices) -> int:
    student = int_or_none(texts(raw, ("student",))["student"])
    if student not in choices.students:
        raise FormErrors({"student": "Choose a student of the school who is not in the program yet."}, {})
    return student  # type: ignore[return-value]


@dataclass(frozen=True)
class MemberForm:
    contact: int | None = None
    staff: int | None = None
    # The first day on the board; None: today.
    since: date | None = None


def parse_member(raw: Mapping[str, Any], choices: ProgramChoices, today: date) -> MemberForm:
    """A seat for a partner contact ("contact-12") or a staff member ("staff-3") of the program's school, from
    a day not after today (a board recorded after the fact seats its members from when they joined)."""
    values = texts(raw, ("member", "since"))
    kind, _, number = values["member"].partition("-")
    person = int_or_none(number)
    errors: dict[str, str] = {}
    if not ((kind == "contact" and person in choices.contacts) or (kind == "staff" and person in choices.staff)):
        errors["member"] = "Choose a contact at one of the school's partners, or someone on its staff."
    since = iso_date(values["since"]) if values["since"] else None
    if values["since"] and (since is None or since.year < EARLIEST_YEAR or since > today):
        errors["since"] = "Enter the day they joined the board, like 2026-09-01, not after today, or leave it empty."
    if errors:
        raise FormErrors(errors, values)
    return MemberForm(person, None, since) if kind == "contact" else MemberForm(None, person, since)


@dataclass(frozen=True)
class ActionForm:
    text: str
    owner: int
    due_on: date | None


@dataclass(frozen=True)
class MeetingForm:
    held_on: date
    place: str
    agenda: str
    minutes: str
    decisions: str
    attendees: tuple[int, ...]
    action: ActionForm | None = None


def _action(values: dict[str, Any], choices: ProgramChoices, errors: dict[str, str], today: date) -> ActionForm | None:
    """The action item's fields (action_text, action_owner, action_due), checked; None when no text."""
    if not values["action_text"]:
        if values["action_due"] and "action_text" not in errors:
            errors["action_text"] = "Say what is to be done, or leave the due date empty."
        return None
    owner = int_or_none(values["action_owner"])
    if owner not in choices.staff:
        errors["action_owner"] = "Choose who owns it among the school's staff."
    due = None
    if values["action_due"]:
        due = iso_date(values["action_due"])
        if due is None or not EARLIEST_YEAR <= due.year <= today.year + 5:
            errors["action_due"] = "Enter the due date as a date, like 2027-03-15, or leave it empty."
    return None if owner is None else ActionForm(values["action_text"], owner, due)


def action_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    return texts(raw, ("action_text", "action_owner", "action_due"))


def parse_action(raw: Mapping[str, Any], choices: ProgramChoices, today: date) -> ActionForm:
    values = action_values(raw)
    errors = too_long(values, {"action_text": ACTION_MAX})
    if not values["action_text"] and "action_text" not in errors:
        errors["action_text"] = "Say what is to be done."
    action = _action(values, choices, errors, today)
    if errors or action is None:
        raise FormErrors(errors, values)
    return action


def meeting_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    return texts(raw, ("held_on", "agenda", "minutes", "decisions")) | action_values(raw) | {
        "place": clean_name(raw.get("place")), "attendees": as_list(raw.get("attendees"))}


def parse_meeting(raw: Mapping[str, Any], choices: ProgramChoices, today: date) -> MeetingForm:
    values = meeting_values(raw)
    errors = too_long(values, {"place": PLACE_MAX, "agenda": NOTES_MAX, "minutes": NOTES_MAX,
                               "decisions": NOTES_MAX, "action_text": ACTION_MAX})
    held_on = iso_date(values["held_on"])
    if held_on is None or held_on.year < EARLIEST_YEAR or (held_on - today).days > PLAN_AHEAD_DAYS:
        errors["held_on"] = "Enter the meeting's date, like 2027-03-15."
    attendees = tuple(dict.fromkeys(int_ids(values["attendees"])))
    if len(attendees) != len(set(values["attendees"])) or not set(attendees) <= set(choices.members):
        errors["attendees"] = "Choose who came among the board's members."
    action = _action(values, choices, errors, today)
    if errors or held_on is None:
        raise FormErrors(errors, values)
    return MeetingForm(held_on, values["place"], values["agenda"], values["minutes"], values["decisions"], attendees,
                       action)
