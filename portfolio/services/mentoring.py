"""Which mentors (teachers, counselors) are assigned to which students, within one school."""

from __future__ import annotations

from typing import Any

from portfolio.errors import FormErrors
from portfolio.forms.mentoring import Assignment
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.tables import MentorAssignment, User


async def people_with_role(school_id: int | None, role: str) -> list[dict[str, Any]]:
    if school_id is None:
        return []
    return await (
        User.select(User.id, User.name, User.email)
        .where((User.school == school_id) & User.roles.any(role) & (User.active == True))  # noqa: E712
        .order_by(User.name)
    )


async def assignments(school_id: int | None) -> list[dict[str, Any]]:
    """Every assignment in a school, with names, for the staff page."""
    if school_id is None:
        return []
    return await (
        MentorAssignment.select(
            MentorAssignment.id,
            MentorAssignment.mentor.id.as_alias("mentor_id"),
            MentorAssignment.mentor.name.as_alias("mentor_name"),
            MentorAssignment.student.id.as_alias("student_id"),
            MentorAssignment.student.name.as_alias("student_name"),
        )
        .where(MentorAssignment.student.school == school_id)
        .order_by(MentorAssignment.student.name)
    )


async def pairing(staff: CurrentUser, person_id: int | None, role: str, field: str, student_ids: list[int]) -> set[int]:
    """The students picked to pair with a person (a mentor, a counselor): the person has `role` in the staff
    member's school and the students are its students, or FormErrors (with the person's error under `field`)."""
    people = {p["id"] for p in await people_with_role(staff.school_id, role)}
    students = {s["id"] for s in await people_with_role(staff.school_id, "student")}
    errors = {}
    if person_id not in people:
        errors[field] = f"Choose a {field} of your school."
    wanted = set(student_ids)
    if not wanted or not wanted <= students:
        errors["students"] = "Choose one or more students of your school."
    if errors:
        raise FormErrors(errors)
    return wanted


async def assign(staff: CurrentUser, assignment: Assignment) -> int:
    """Assign a mentor to students of the staff member's own school. Returns how many were new."""
    mentor = assignment.mentor_id
    wanted = await pairing(staff, mentor, "mentor", "mentor", assignment.student_ids)
    existing = {
        row["student"]
        for row in await MentorAssignment.select(MentorAssignment.student).where(MentorAssignment.mentor == mentor)
    }
    new = sorted(wanted - existing)
    if new:
        await MentorAssignment.insert(
            *[MentorAssignment(mentor=mentor, student=student, created_by=staff.id) for student in new]
        )
        await audit.record("mentor.assigned", actor_id=staff.id, subject=f"mentor:{mentor}", students=new)
    return len(new)


async def unassign(staff: CurrentUser, assignment_id: int) -> bool:
    row = await MentorAssignment.select(MentorAssignment.id, MentorAssignment.student.school).where(
        MentorAssignment.id == assignment_id
    ).first()
    if row is None or row["student.school"] != staff.school_id:
        return False
    await MentorAssignment.delete().where(MentorAssignment.id == assignment_id)
    await audit.record("mentor.unassigned", actor_id=staff.id, subject=f"assignment:{assignment_id}")
    return True


async def is_assigned(mentor_id: int, student_id: int) -> bool:
    return await MentorAssignment.exists().where(
        (MentorAssignment.mentor == mentor_id) & (MentorAssignment.student == student_id)
    )


async def mentors_of(student: CurrentUser) -> list[dict[str, Any]]:
    return await (
        MentorAssignment.select(MentorAssignment.mentor.id.as_alias("id"), MentorAssignment.mentor.name.as_alias("name"))
        .where(MentorAssignment.student == student.id)
        .order_by(MentorAssignment.mentor.name)
    )


async def students_of(mentor_id: int) -> list[int]:
    rows = await MentorAssignment.select(MentorAssignment.student).where(MentorAssignment.mentor == mentor_id)
    return [row["student"] for row in rows]
