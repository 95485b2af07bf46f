"""A guardian's consent: the guardian a student proposes, the one staff record from the school's records and
e-mail a link to, or the one whose paper consent staff record."""

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


@dataclass(frozen=True)
class _Words:
    name: str
    email: str
    own: str


_STUDENT = _Words("Enter your parent's or guardian's name.", "Enter their e-mail address, like name@example.com.",
                  "This is your own e-mail. Enter your guardian's.")
_STAFF = _Words("Enter the guardian's name.", "Enter the guardian's e-mail address, like name@example.com.",
                "This is the student's own e-mail. Enter the guardian's, from the school's records.")


def _guardian(raw: Mapping[str, Any], student_email: str, words: _Words, prefix: str = "") -> GuardianForm:
    name_field, email_field = f"{prefix}guardian_name", f"{prefix}guardian_email"
    name = clean_name(raw.get(name_field))
    email = normalize_email(str(raw.get(email_field, "")))
    errors = {}
    if not name or len(name) > NAME_MAX:
        errors[name_field] = words.name
    if not is_email(email):
        errors[email_field] = words.email
    elif email == normalize_email(student_email):
        errors[email_field] = words.own
    if errors:
        raise FormErrors(errors, {name_field: name, email_field: email})
    return GuardianForm(name, email)


def parse_guardian(raw: Mapping[str, Any], student_email: str) -> GuardianForm:
    """The guardian a student proposes (staff confirm the address before anything is sent)."""
    return _guardian(raw, student_email, _STUDENT)


def parse_school_guardian(raw: Mapping[str, Any], student_email: str) -> GuardianForm:
    """The guardian staff record from the school's records (their fields are named apart from the paper
    consent's on the same page)."""
    return _guardian(raw, student_email, _STAFF, prefix="school_")


def parse_guardian_name(raw: Mapping[str, Any]) -> str:
    """The guardian whose consent staff received on paper."""
    name = clean_name(raw.get("guardian_name"))
    if not name or len(name) > NAME_MAX:
        raise FormErrors({"guardian_name": "Enter the guardian's name."}, {"guardian_name": name})
    return name
