"""A student's profile as their form sends it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Collection, Mapping

from portfolio.errors import FormErrors
from portfolio.forms import texts, too_long
from portfolio.parse import as_list, int_or_none, is_email, normalize_email

MAX_SKILLS = 30
LIMITS = {"headline": 160, "about": 3000, "personal_email": 254}


@dataclass(frozen=True)
class ProfileForm:
    headline: str
    about: str
    skills: list[str]
    interests: list[str]
    graduation_year: int | None
    personal_email: str

    def fields(self) -> dict[str, Any]:
        return asdict(self)


def _skills(text: str) -> tuple[list[str], str]:
    # Skills are typed as a comma-separated list, the quickest way on a phone.
    skills = list(dict.fromkeys(s.strip() for s in text.replace("\n", ",").split(",") if s.strip()))
    if len(skills) > MAX_SKILLS:
        return skills, f"List at most {MAX_SKILLS} skills."
    if any(len(skill) > 60 for skill in skills):
        return skills, "Keep each skill under 60 characters."
    return skills, ""


def parse_profile(raw: Mapping[str, Any], today: date, cluster_codes: Collection[str]) -> ProfileForm:
    values: dict[str, Any] = texts(raw, ("headline", "about", "skills", "graduation_year"))
    values["personal_email"] = normalize_email(str(raw.get("personal_email") or ""))
    values["interests"] = as_list(raw.get("interests"))
    errors = too_long(values, LIMITS)
    skills, problem = _skills(values["skills"])
    if problem:
        errors["skills"] = problem
    if not set(values["interests"]) <= set(cluster_codes):
        errors["interests"] = "Choose career clusters from the list."
    year = int_or_none(values["graduation_year"]) if values["graduation_year"] else None
    if values["graduation_year"] and (year is None or not today.year - 10 <= year <= today.year + 8):
        errors["graduation_year"] = f"Enter a year between {today.year - 10} and {today.year + 8}."
    if values["personal_email"] and not is_email(values["personal_email"]):
        errors["personal_email"] = "Enter an e-mail address like name@example.com, or leave it empty."
    if errors:
        raise FormErrors(errors, values)
    return ProfileForm(headline=values["headline"], about=values["about"], skills=skills,
                       interests=values["interests"], graduation_year=year, personal_email=values["personal_email"])


def parse_birth_date(raw: Mapping[str, Any], today: date) -> date | None:
    """Staff record a birth date, or clear it with an empty field."""
    text = texts(raw, ("birth_date",))["birth_date"]
    if not text:
        return None
    try:
        birth = date.fromisoformat(text)
    except ValueError:
        raise FormErrors({"birth_date": "Enter a date like 2009-04-30."}, {"birth_date": text}) from None
    if not today.year - 100 <= birth.year or birth > today:
        raise FormErrors({"birth_date": "Enter a date in the past, like 2009-04-30."}, {"birth_date": text})
    return birth


GRADES = tuple(range(6, 13))


def parse_grade(raw: Mapping[str, Any]) -> int | None:
    """Staff record the grade a student is in (6 to 12), or clear it: opportunities' eligibility reads it."""
    text = texts(raw, ("grade",))["grade"]
    if not text:
        return None
    if not text.isdigit() or int(text) not in GRADES:
        raise FormErrors({"grade": "Choose a grade from 6 to 12, or none."}, {"grade": text})
    return int(text)
