"""A guardian's consent: the guardian a student names for the e-mailed link, or the one staff record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.parse import clean_name, is_email, normalize_email

NAME_MAX = 200


@dataclass(frozen=True)
class GuardianForm:
    name: str
    email: str


def parse_guardian(raw: Mapping[str, Any], student_email: str) -> GuardianForm:
    name = clean_name(raw.get("guardian_name"))
    email = normalize_email(str(raw.get("guardian_email", "")))
    errors = {}
    if not name or len(name) > NAME_MAX:
        errors["guardian_name"] = "Enter your parent's or guardian's name."
    if not is_email(email):
        errors["guardian_email"] = "Enter their e-mail address, like name@example.com."
    elif email == student_email:
        errors["guardian_email"] = "This is your own e-mail. Enter your guardian's."
    if errors:
        raise FormErrors(errors, {"guardian_name": name, "guardian_email": email})
    return GuardianForm(name, email)


def parse_guardian_name(raw: Mapping[str, Any]) -> str:
    """The guardian whose consent staff received on paper."""
    name = clean_name(raw.get("guardian_name"))
    if not name or len(name) > NAME_MAX:
        raise FormErrors({"guardian_name": "Enter the guardian's name."}, {"guardian_name": name})
    return name
