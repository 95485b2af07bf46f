"""The roster's forms: a mark (which student, how, and the phone's UUID for it), a student's hours for the
session, a walk-in search and a check-in code."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.forms.entry import _hours_problem, parse_minutes
from portfolio.opportunity_vocabulary import CheckInMethod
from portfolio.parse import clean_name, int_or_none
from portfolio.services.attendance.codes import LENGTH, normalized


@dataclass(frozen=True)
class MarkForm:
    student_id: int
    method: str
    client_uuid: uuid.UUID | None


def parse_mark(raw: Mapping[str, Any]) -> MarkForm:
    student_id = int_or_none(raw.get("student_id"))
    if student_id is None:
        raise FormErrors({"student_id": "Choose a student."}, dict(raw))
    try:
        method = CheckInMethod(str(raw.get("method") or CheckInMethod.ROSTER))
    except ValueError:
        method = CheckInMethod.ROSTER
    try:
        client_uuid = uuid.UUID(str(raw["client_uuid"])) if raw.get("client_uuid") else None
    except ValueError:
        raise FormErrors({"client_uuid": "Send a UUID."}, dict(raw)) from None
    return MarkForm(student_id, method, client_uuid)


def parse_hours(raw: Mapping[str, Any]) -> tuple[int, int]:
    """(student id, minutes) of a student's hours for the session."""
    student_id = int_or_none(raw.get("student_id"))
    minutes = parse_minutes(str(raw.get("hours", "")).strip())
    problem = _hours_problem(minutes)
    if student_id is None:
        problem = "Choose a student."
    if problem or minutes is None or student_id is None:
        raise FormErrors({"hours": problem}, {"hours": str(raw.get("hours", "")), "student_id": raw.get("student_id")})
    return student_id, minutes


def parse_search(raw: Mapping[str, Any]) -> str:
    return clean_name(raw.get("q", ""))[:100]


def parse_code(raw: Mapping[str, Any]) -> str:
    code = normalized(str(raw.get("code", ""))[:100])
    if len(code) != LENGTH:
        raise FormErrors({"code": f"Type the {LENGTH} letters and digits under the student's code."},
                         {"code": str(raw.get("code", ""))[:100]})
    return code
