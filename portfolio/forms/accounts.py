"""Account forms: signing in, choosing a password, inviting a person, adding an employer with its first user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.parse import as_list, clean_name, int_or_none, is_email, normalize_email
from portfolio.vocabulary import Role

NAME_MAX = 200
WEBSITE_MAX = 300
EMAIL_PROBLEM = "Enter an e-mail address like name@example.org."
NAME_PROBLEM = "Enter the person's name (at most 200 characters)."
SCHOOL_ROLES = {Role.STUDENT, Role.MENTOR, Role.STAFF}


@dataclass(frozen=True)
class SignIn:
    email: str
    password: str
    next: str


def parse_sign_in(raw: Mapping[str, Any]) -> SignIn:
    """What the sign-in form sent; an empty field is an unknown account, answered like a wrong password."""
    return SignIn(normalize_email(str(raw.get("email", ""))), str(raw.get("password", "")), str(raw.get("next", "")))


def parse_email(raw: Mapping[str, Any]) -> str:
    """The one address a form asks for (a forgotten password's)."""
    email = normalize_email(str(raw.get("email", "")))
    if not is_email(email):
        raise FormErrors({"email": "Enter your e-mail address."}, {"email": email})
    return email


def parse_new_password(raw: Mapping[str, Any], mismatch: str = "The two passwords are not the same.") -> str:
    """A new password typed twice; whether it is good enough is the accounts service's rule."""
    password = str(raw.get("password", ""))
    if password != str(raw.get("confirm", "")):
        raise FormErrors({"confirm": mismatch})
    return password


@dataclass(frozen=True)
class PasswordChange:
    current: str
    new: str


def parse_password_change(raw: Mapping[str, Any]) -> PasswordChange:
    new = parse_new_password(raw, "The two new passwords are not the same.")
    return PasswordChange(str(raw.get("current", "")), new)


@dataclass(frozen=True)
class InviteChoices:
    """What an inviter may give: roles, and the schools and organizations offered. Only an administrator
    picks a school or an organization; staff invite into their own school."""

    roles: list[str]
    schools: list[dict[str, Any]]
    organizations: list[dict[str, Any]] = field(default_factory=list)
    picks_school: bool = False


@dataclass(frozen=True)
class Invitation:
    email: str
    name: str
    roles: list[str]
    school_id: int | None
    organization_id: int | None

    @property
    def values(self) -> dict[str, Any]:
        """The form's fields again, for showing it back."""
        return {"email": self.email, "name": self.name, "roles": self.roles,
                "school": self.school_id, "organization": self.organization_id}


def _offered(value: Any, options: list[dict[str, Any]]) -> int | None:
    wanted = int_or_none(value)
    return wanted if any(option["id"] == wanted for option in options) else None


def parse_invite(raw: Mapping[str, Any], choices: InviteChoices) -> Invitation:
    """An invitation within what the inviter may give, or FormErrors with every problem at once."""
    email = normalize_email(str(raw.get("email", "")))
    name = clean_name(raw.get("name"))
    roles = [r for r in as_list(raw.get("roles")) if r]
    if choices.picks_school:
        school_id = _offered(raw.get("school"), choices.schools)
        organization_id = _offered(raw.get("organization"), choices.organizations)
    else:
        school_id, organization_id = (choices.schools[0]["id"] if choices.schools else None), None
    errors: dict[str, str] = {}
    if not is_email(email):
        errors["email"] = EMAIL_PROBLEM
    if not name or len(name) > NAME_MAX:
        errors["name"] = NAME_PROBLEM
    if not roles:
        errors["roles"] = "Choose at least one role."
    elif not set(roles) <= set(choices.roles):
        errors["roles"] = "You may not give that role."
    wants_school = set(roles) & SCHOOL_ROLES
    if wants_school and school_id is None:
        errors["school"] = "Choose the school this person belongs to."
    if Role.EMPLOYER in roles and organization_id is None:
        errors["organization"] = "Choose the employer organization."
    if Role.EMPLOYER in roles and wants_school:
        errors["roles"] = "An employer account cannot also be a school account."
    invitation = Invitation(email, name, roles, school_id, organization_id)
    if errors:
        raise FormErrors(errors, invitation.values | {"school": raw.get("school"), "organization": raw.get("organization")})
    return invitation


@dataclass(frozen=True)
class NewEmployer:
    organization_name: str
    website: str
    name: str
    email: str


def parse_new_employer(raw: Mapping[str, Any]) -> NewEmployer:
    values = {name: clean_name(raw.get(name)) for name in ("organization_name", "website", "name")}
    values["email"] = normalize_email(str(raw.get("email", "")))
    errors: dict[str, str] = {}
    if not values["organization_name"] or len(values["organization_name"]) > NAME_MAX:
        errors["organization_name"] = "Enter the employer's name (at most 200 characters)."
    website = values["website"]
    if website and (not website.startswith(("https://", "http://")) or len(website) > WEBSITE_MAX):
        errors["website"] = "Enter a web address starting with https://, or leave it empty."
    if not values["name"] or len(values["name"]) > NAME_MAX:
        errors["name"] = NAME_PROBLEM
    if not is_email(values["email"]):
        errors["email"] = EMAIL_PROBLEM
    if errors:
        raise FormErrors(errors, values)
    return NewEmployer(**values)
