"""The e-mails of placements, mixed into Emails: the agreement to sign (a guardian, the supervisor), the week's
timesheet and its reminder, the evaluation request, and the student told of a changed or rejected entry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from portfolio.vocabulary import EmailKind


class PlacementsMail:
    base_url: str

    # Emails (services/emails.py) supplies it: every message goes through the outbox.
    _queue: Callable[..., Awaitable[int]]

    def _placement_link(self, token: str) -> str:
        return f"{self.base_url}/w/{token}"

    async def placement_signature(self, *, to: str, name: str, student: str, partner: str, party: str, token: str,
                                  days: int, school_id: int | None) -> int:
        return await self._queue(
            EmailKind.PLACEMENT_SIGNATURE, to, f"Please sign {student}'s placement agreement with {partner}",
            school_id=school_id, name=name, student=student, partner=partner, party=party,
            link=self._placement_link(token), days=days)

    async def timesheet(self, *, to: str, supervisor: str, student: str, week_start: date, count: int, token: str,
                        days: int, reminder: bool, school_id: int | None) -> int:
        subject = f"{'Reminder: ' if reminder else ''}{student}'s hours for the week of {week_start:%b %-d}"
        return await self._queue(
            EmailKind.TIMESHEET, to, subject, school_id=school_id, supervisor=supervisor, student=student,
            week_start=week_start, count=count, reminder=reminder, link=self._placement_link(token), days=days)

    async def evaluation_request(self, *, to: str, supervisor: str, student: str, partner: str, token: str, days: int,
                                 school_id: int | None) -> int:
        return await self._queue(
            EmailKind.EVALUATION_REQUEST, to, f"Please evaluate {student}'s placement", school_id=school_id,
            supervisor=supervisor, student=student, partner=partner, link=self._placement_link(token), days=days)

    async def timesheet_decision(self, *, to: str, name: str, supervisor: str, title: str, day: date, changed_to: str,
                                 comment: str, school_id: int | None) -> int:
        what = "changed the hours of" if changed_to else "did not confirm"
        return await self._queue(
            EmailKind.TIMESHEET_DECISION, to, f"Your supervisor {what} an entry", school_id=school_id, name=name,
            supervisor=supervisor, title=title, day=day, changed_to=changed_to, comment=comment,
            link=f"{self.base_url}/student/placements")
