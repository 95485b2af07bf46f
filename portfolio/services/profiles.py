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



async def _staff_sets(staff: CurrentUser, student_id: int, column: Any, value: Any, action: str) -> None:
    """A field of the profile only the student's school's staff set (the student's word never decides it)."""
    student = await User.select(User.school, User.roles).where(User.id == student_id).first()
    if student is None or staff.school_id is None or student["school"] != staff.school_id or "student" not in (student["roles"] or []):
        raise NotFound(student_id)
    moment = clock.now()
    if await StudentProfile.exists().where(StudentProfile.student == student_id):
        await StudentProfile.update({column: value, StudentProfile.updated_at: moment}).where(StudentProfile.student == student_id)
    else:
        await StudentProfile.insert(StudentProfile(student=student_id, updated_at=moment, **{column._meta.name: value}))
    await audit.record(action, actor_id=staff.id, subject=f"user:{student_id}")


async def set_grade(staff: CurrentUser, student_id: int, grade: int | None) -> None:
    """Staff record (or clear) the grade a student is in; opportunities' eligibility reads it."""
    await _staff_sets(staff, student_id, StudentProfile.grade, grade, "profile.grade_set")


async def set_birth_date(staff: CurrentUser, student_id: int, birth: date | None) -> date | None:
    """Staff record (or clear, with an empty value) a student's birth date: it decides whether the student
    may share outside the school without a guardian's consent. Same-school staff only."""
    await _staff_sets(staff, student_id, StudentProfile.birth_date, birth, "profile.birth_date_set")
    return birth
