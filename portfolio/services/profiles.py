"""A student's profile: headline, about, skills, career interests, graduation year, personal e-mail."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from portfolio import clock
from portfolio.errors import NotFound
from portfolio.forms.profile import ProfileForm
from portfolio.services import audit
from portfolio.services.accounts import (
    CurrentUser,
    school_name,
)
from portfolio.tables import StudentProfile, User

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


async def save(student: CurrentUser, profile: ProfileForm) -> dict[str, Any]:
    clean = profile.fields()
    clean["updated_at"] = clock.now()
    exists = await StudentProfile.exists().where(StudentProfile.student == student.id)
    if exists:
        await StudentProfile.update({getattr(StudentProfile, k): v for k, v in clean.items()}).where(
            StudentProfile.student == student.id
        )
    else:
        await StudentProfile.insert(StudentProfile(student=student.id, **clean))
    return await get(student)



async def set_birth_date(staff: CurrentUser, student_id: int, birth: date | None) -> date | None:
    """Staff record (or clear, with an empty value) a student's birth date: it decides whether the student
    may share outside the school without a guardian's consent. Same-school staff only."""
    student = await User.select(User.school, User.roles).where(User.id == student_id).first()
    if student is None or staff.school_id is None or student["school"] != staff.school_id or "student" not in (student["roles"] or []):
        raise NotFound(student_id)
    moment = clock.now()
    if await StudentProfile.exists().where(StudentProfile.student == student_id):
        await StudentProfile.update({StudentProfile.birth_date: birth, StudentProfile.updated_at: moment}).where(
            StudentProfile.student == student_id
        )
    else:
        await StudentProfile.insert(StudentProfile(student=student_id, birth_date=birth, updated_at=moment))
    await audit.record("profile.birth_date_set", actor_id=staff.id, subject=f"user:{student_id}")
    return birth
