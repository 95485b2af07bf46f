"""The feedback part's messages, mixed into Emails: a partner contact's link to its students' feedback summary."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from portfolio.vocabulary import EmailKind


class FeedbackMail:
    base_url: str
    # Emails (services/emails.py) supplies it: every message goes through the outbox.
    _queue: Callable[..., Awaitable[int]]

    async def feedback_summary(
        self, *, to: str, name: str, partner: str, school: str, sender: str, token: str, days: int,
        school_id: int | None, sender_id: int,
    ) -> int:
        return await self._queue(
            EmailKind.FEEDBACK_SUMMARY, to, f"What {school} students said about {partner}", school_id=school_id,
            sender_id=sender_id, name=name, partner=partner, school=school, sender=sender, days=days,
            link=f"{self.base_url}/partner-feedback/{token}",
        )
