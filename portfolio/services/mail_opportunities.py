"""The messages of opportunities, mixed into Emails: a sign-up's news, a change to its sessions, the day-before
reminder and a guardian's permission slip. Every message about a student's seat carries the calendar file that
keeps their calendar right (services/opportunities/calendar.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from portfolio.mail import Attachment
from portfolio.vocabulary import EmailKind

SIGN_UP_SUBJECTS = {
    "confirmed": "You have a seat: {title}",
    "promoted": "A seat freed up, and it is yours: {title}",
    "waitlisted": "You are on the waitlist: {title}",
    "declined": "Your sign-up was declined: {title}",
    "cancelled": "You are no longer signed up: {title}",
}
CHANGE_SUBJECTS = {
    "changed": "Changed: {title}",
    "session_cancelled": "A session is cancelled: {title}",
    "cancelled": "Cancelled: {title}",
}


class OpportunityMail:
    base_url: str

    # Emails (services/emails.py) supplies it: every message goes through the outbox.
    _queue: Callable[..., Awaitable[int]]

    def opportunity_link(self, opportunity_id: int) -> str:
        return f"{self.base_url}/student/opportunities/{opportunity_id}"

    async def sign_up_news(
        self, *, to: str, name: str, news: str, opportunity: dict[str, Any], sessions: list[dict[str, Any]],
        position: int | None = None, calendar: Attachment | None = None, school_id: int | None,
    ) -> int:
        return await self._queue(
            EmailKind.OPPORTUNITY_SIGN_UP, to, SIGN_UP_SUBJECTS[news].format(title=opportunity["title"]),
            school_id=school_id, attachments=(calendar,) if calendar else (), name=name, news=news,
            opportunity=opportunity, sessions=sessions, position=position, link=self.opportunity_link(opportunity["id"]),
            with_calendar=calendar is not None,
        )

    async def opportunity_change(
        self, *, to: str, name: str, change: str, opportunity: dict[str, Any], sessions: list[dict[str, Any]],
        calendar: Attachment, school_id: int | None,
    ) -> int:
        return await self._queue(
            EmailKind.OPPORTUNITY_CHANGE, to, CHANGE_SUBJECTS[change].format(title=opportunity["title"]),
            school_id=school_id, attachments=(calendar,), name=name, change=change, opportunity=opportunity,
            sessions=sessions, link=self.opportunity_link(opportunity["id"]),
        )

    async def opportunity_reminder(
        self, *, to: str, name: str, opportunity: dict[str, Any], session: dict[str, Any], missing: list[str],
        school_id: int | None,
    ) -> int:
        return await self._queue(
            EmailKind.OPPORTUNITY_REMINDER, to, f"Tomorrow: {opportunity['title']}", school_id=school_id, name=name,
            opportunity=opportunity, session=session, missing=missing, link=self.opportunity_link(opportunity["id"]),
        )

    async def permission_slip(
        self, *, to: str, guardian: str, student: str, opportunity: dict[str, Any], sessions: list[dict[str, Any]],
        token: str, days: int, school_id: int | None, sender_id: int | None,
    ) -> int:
        return await self._queue(
            EmailKind.PERMISSION_SLIP, to, f"Permission slip for {student}: {opportunity['title']}", school_id=school_id,
            sender_id=sender_id, guardian=guardian, student=student, opportunity=opportunity, sessions=sessions,
            link=f"{self.base_url}/slip/{token}", days=days,
        )
