"""Where a student was enrolled when: a report counts each entry for the school the student was in on its
date, though they moved since."""

from __future__ import annotations

from datetime import date

from portfolio.roster_tables import Enrollment
from portfolio.tables import User


async def school_on(student_id: int, day: date) -> int | None:
    """The school the student was enrolled in on `day`: the enrollment that covers the day (the latest begun,
    on the day of a move), else, for a student never imported, the school on their account; None before
    their first enrollment or when they had none."""
    covering = await Enrollment.select(Enrollment.school).where(
        (Enrollment.student == student_id) & (Enrollment.began_on <= day)
        & (Enrollment.ended_on.is_null() | (Enrollment.ended_on >= day))
    ).order_by(Enrollment.began_on, ascending=False).order_by(Enrollment.id, ascending=False).first()
    if covering is not None:
        return covering["school"]
    if await Enrollment.exists().where(Enrollment.student == student_id):
        return None
    row = await User.select(User.school).where(User.id == student_id).first()
    return row["school"] if row else None
