"""A student's profile: headline, about, skills, career interests, graduation year, personal e-mail."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Mapping

from portfolio.parse import as_list, int_or_none
from portfolio.services.accounts import EMAIL_RE, CurrentUser, FormErrors, normalize_email, school_name
from portfolio.services.experiences import clusters
from portfolio.tables import StudentProfile

MAX_SKILLS = 30
LIMITS = {"headline": 160, "about": 3000, "personal_email": 254}
EMPTY = {"headline": "", "about": "", "skills": [], "interests": [], "graduation_year": None, "personal_email": "", "birth_date": None}


async def get(student: CurrentUser) -> dict[str, Any]:
    row = await StudentProfile.select().where(StudentProfile.student == student.id).first()
    profile = {**EMPTY, **(row or {})}
    profile["school_name"] = await school_name(student.school_id)
    return profile


def as_form(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "headline": profile["headline"],
        "about": profile["about"],
        "skills": ", ".join(profile["skills"] or []),
        "interests": list(profile["interests"] or []),
        "graduation_year": str(profile["graduation_year"] or ""),
        "personal_email": profile["personal_email"],
    }


async def parse(raw: Mapping[str, Any], today: date) -> dict[str, Any]:
    values = {name: str(raw.get(name) or "").strip() for name in ("headline", "about", "skills", "graduation_year")}
    values["personal_email"] = normalize_email(str(raw.get("personal_email") or ""))
    values["interests"] = as_list(raw.get("interests"))
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = f"Use at most {limit} characters."
    # Skills are typed as a comma-separated list, the quickest way on a phone.
    skills = list(dict.fromkeys(s.strip() for s in values["skills"].replace("\n", ",").split(",") if s.strip()))
    if len(skills) > MAX_SKILLS:
        errors["skills"] = f"List at most {MAX_SKILLS} skills."
    elif any(len(skill) > 60 for skill in skills):
        errors["skills"] = "Keep each skill under 60 characters."
    known = {c["code"] for c in await clusters()}
    if not set(values["interests"]) <= known:
        errors["interests"] = "Choose career clusters from the list."
    year = None
    if values["graduation_year"]:
        year = int_or_none(values["graduation_year"])
        if year is None or not today.year - 10 <= year <= today.year + 8:
            errors["graduation_year"] = f"Enter a year between {today.year - 10} and {today.year + 8}."
    if values["personal_email"] and not EMAIL_RE.match(values["personal_email"]):
        errors["personal_email"] = "Enter an e-mail address like name@example.com, or leave it empty."
    if errors:
        raise FormErrors(errors, values)
    return {
        "headline": values["headline"],
        "about": values["about"],
        "skills": skills,
        "interests": [c for c in values["interests"] if c in known],
        "graduation_year": year,
        "personal_email": values["personal_email"],
    }


async def save(student: CurrentUser, raw: Mapping[str, Any], today: date) -> dict[str, Any]:
    clean = await parse(raw, today)
    clean["updated_at"] = datetime.now(timezone.utc)
    exists = await StudentProfile.exists().where(StudentProfile.student == student.id)
    if exists:
        await StudentProfile.update({getattr(StudentProfile, k): v for k, v in clean.items()}).where(
            StudentProfile.student == student.id
        )
    else:
        await StudentProfile.insert(StudentProfile(student=student.id, **clean))
    return await get(student)
