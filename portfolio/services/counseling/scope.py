"""Whose counseling records a person may touch: staff only their own school's students."""

from __future__ import annotations

from portfolio.errors import NotFound
from portfolio.services.accounts import CurrentUser
from portfolio.tables import User


async def school_student(staff: CurrentUser, student_id: int) -> None:
    """NotFound unless the student is a student of the staff member's school: another school's student reads as
    no student at all."""
    if staff.school_id is None or not await User.exists().where(
        (User.id == student_id) & (User.school == staff.school_id) & User.roles.any("student")
    ):
        raise NotFound("student")
