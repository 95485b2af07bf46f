"""Alumni: students a roster import no longer lists. They keep signing in and keep their portfolio; their
school's staff reach them for the district's retention period (PORTFOLIO_ALUMNI_RETENTION_DAYS) after they
left, and no longer after it. Every place where staff open a student asks here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from portfolio import clock
from portfolio.services.accounts import CurrentUser
from portfolio.settings import get_settings
from portfolio.tables import User


def _cutoff(today: date | None = None) -> date:
    return (today or clock.now().date()) - timedelta(days=get_settings().alumni_retention_days)


def in_reach(today: date | None = None) -> Any:
    """Of a student (the User table): not an alumnus, or one who left within the retention period."""
    return User.alumni_since.is_null() | (User.alumni_since > _cutoff(today))


def still_reachable(alumni_since: date | None, today: date | None = None) -> bool:
    return alumni_since is None or alumni_since > _cutoff(today)


async def staff_reach(staff: CurrentUser, student_id: int) -> bool:
    """Whether this staff member may open this student: a student of their own school, within retention."""
    if staff.school_id is None:
        return False
    return await User.exists().where(
        (User.id == student_id) & (User.school == staff.school_id) & User.roles.any("student") & in_reach())
