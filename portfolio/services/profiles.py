"""A student's profile: headline, about, skills, career interests, graduation year, personal e-mail."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from portfolio import clock
from portfolio.errors import FormErrors, NotFound
from portfolio.parse import as_list, clean_text, int_or_none
from portfolio.services import audit
from portfolio.services.accounts import (
    EMAIL_RE,
    CurrentUser,
    normalize_email,
    school_name,
)
from portfolio.services.experiences import clusters
from portfolio.tables import StudentProfile, User

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
    values = {name: clean_text(raw.get(name)) for name in ("headline", "about", "skills", "graduation_year")}
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
    clean["updated_at"] = clock.now()
    exists = await StudentProfile.exists().where(StudentProfile.student == student.id)
    if exists:
        await StudentProfile.update({getattr(StudentProfile, k): v for k, v in clean.items()}).where(
            StudentProfile.student == student.id
        )
    else:
        await StudentProfile.insert(StudentProfile(student=student.id, **clean))
    return await get(student)



async def set_birth_date(staff: CurrentUser, student_id: int, value: date | str | None, today: date | None = None) -> date | None:
    """Staff record (or clear, with an empty value) a student's birth date: it decides whether the student
    may share outside the school without a guardian's consent. Same-school staff only."""
    student = await User.select(User.school, User.roles).where(User.id == student_id).first()
    if student is None or staff.school_id is None or student["school"] != staff.school_id or "student" not in (student["roles"] or []):
        raise NotFound(student_id)
    today = today or clock.today_at(None)
    raw = value.isoformat() if isinstance(value, date) else str(value or "").strip()
    birth = None
    if raw:
        try:
            birth = date.fromisoformat(raw)
        except ValueError:
            raise FormErrors({"birth_date": "Enter a date like 2009-04-30."}, {"birth_date": raw}) from None
        if not today.year - 100 <= birth.year or birth > today:
            raise FormErrors({"birth_date": "Enter a date in the past, like 2009-04-30."}, {"birth_date": raw})
    moment = clock.now()
    if await StudentProfile.exists().where(StudentProfile.student == student_id):
        await StudentProfile.update({StudentProfile.birth_date: birth, StudentProfile.updated_at: moment}).where(
            StudentProfile.student == student_id
        )
    else:
        await StudentProfile.insert(StudentProfile(student=student_id, birth_date=birth, updated_at=moment))
    await audit.record("profile.birth_date_set", actor_id=staff.id, subject=f"user:{student_id}")
    return birth
