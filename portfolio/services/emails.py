"""Every e-mail the app sends, one method per message: callers say what happened ("send the supervisor
their request"); this knows the templates, the subjects and the base URL of the links.

Each method queues its message in the outbox inside the caller's `write_transaction()`, so the message
exists if and only if the action that caused it committed; a worker delivers it (services/outbox.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlparse

from portfolio.clock import now
from portfolio.errors import TooMuchMail
from portfolio.mail import render
from portfolio.services import outbox
from portfolio.services.mail_feedback import FeedbackMail
from portfolio.services.mail_opportunities import OpportunityMail
from portfolio.services.mail_placements import PlacementsMail
from portfolio.vocabulary import DECISION_WORDS, EmailKind

# Mail that one person's own action sends to an address they typed (or, for a forgotten password, to any
# address anyone types): without a limit the app is a way to send mail to anyone. At most PER_ADDRESS of
# one kind to one address from one sender (nobody signed in counts as one sender) and PER_SENDER in all
# from one signed-in person, a day. What the school sends in bulk (invitations, reminders, digests,
# decisions) is not limited this way.
ON_REQUEST = frozenset({EmailKind.RESET, EmailKind.SUPERVISOR_REQUEST, EmailKind.SUPERVISOR_RECEIPT,
                        EmailKind.GUARDIAN_CONSENT})
PER_ADDRESS = 3
PER_SENDER = 20
LIMIT_WINDOW = timedelta(days=1)


async def within_daily_limit(kind: EmailKind, to: str, sender_id: int | None) -> bool:
    since = now() - LIMIT_WINDOW
    if await outbox.count_since(since, frozenset({kind}), sender_id=sender_id, recipient=to) >= PER_ADDRESS:
        return False
    return sender_id is None or await outbox.count_since(since, ON_REQUEST, sender_id=sender_id) < PER_SENDER


def _entries(count: int) -> str:
    return "entry" if count == 1 else "entries"


class Emails(FeedbackMail, OpportunityMail, PlacementsMail):
    def __init__(self, base_url: str, sealer: outbox.Sealer, wake: Callable[[], None] | None = None) -> None:
        """`wake` tells an in-process worker that a message waits (once its transaction committed)."""
        self.base_url = base_url.rstrip("/")
        self.sealer = sealer
        self.wake = wake
        self.domain = urlparse(self.base_url).hostname or "career-portfolio"

    async def _queue(
        self, kind: EmailKind, to: str, subject: str, *, school_id: int | None, sender_id: int | None = None,
        invitee_id: int | None = None, limited: bool = False, **context: Any,
    ) -> int:
        """`limited`: a message someone's own action sends (of a kind ON_REQUEST); raises TooMuchMail over
        the daily limit."""
        if limited and not await within_daily_limit(kind, to, sender_id):
            raise TooMuchMail()
        return await outbox.enqueue(
            render(kind, to, subject, **context), self.sealer, make_msgid(domain=self.domain),
            school_id=school_id, sender_id=sender_id, invitee_id=invitee_id, wake=self.wake,
        )

    # --- accounts ---------------------------------------------------------------------------------

    async def invitation(
        self, *, to: str, name: str, inviter: str, token: str, days: int, school_id: int | None, sender_id: int,
        invitee_id: int,
    ) -> int:
        return await self._queue(
            EmailKind.INVITE, to, "You are invited to Career Portfolio", school_id=school_id, sender_id=sender_id,
            invitee_id=invitee_id, name=name, inviter=inviter, link=f"{self.base_url}/invite/{token}", days=days,
        )

    async def password_reset(self, *, to: str, name: str, token: str, minutes: int, school_id: int | None) -> int:
        return await self._queue(
            EmailKind.RESET, to, "Reset your Career Portfolio password", school_id=school_id, limited=True, name=name,
            link=f"{self.base_url}/reset/{token}", minutes=minutes,
        )

    async def password_changed(self, *, to: str, name: str, school_id: int | None) -> int:
        return await self._queue(
            EmailKind.PASSWORD_CHANGED, to, "Your Career Portfolio password was changed", school_id=school_id,
            name=name, link=f"{self.base_url}/forgot",
        )

    # --- verification -----------------------------------------------------------------------------

    async def mentor_request(self, *, to: str, mentor: str, student: str, count: int, school_id: int | None) -> int:
        return await self._queue(
            EmailKind.MENTOR_REQUEST, to, f"{student} asks you to verify {count} {_entries(count)}", school_id=school_id,
            mentor=mentor, student=student, count=count, link=f"{self.base_url}/mentor",
        )

    async def mentor_digest(self, *, to: str, name: str, count: int, school_id: int | None) -> int:
        return await self._queue(
            EmailKind.MENTOR_DIGEST, to, f"{count} new verification requests", school_id=school_id, name=name, count=count,
            link=f"{self.base_url}/mentor",
        )

    async def supervisor_request(
        self, *, to: str, supervisor: str, student: str, count: int, token: str, days: int, reminder: bool,
        school_id: int | None, sender_id: int | None = None,
    ) -> int:
        """Asked (or asked again) by the student `sender_id`, limited; a reminder is the school's, and is not."""
        subject = f"{'Reminder: ' if reminder else ''}Please confirm {student}'s work-based learning hours"
        return await self._queue(
            EmailKind.SUPERVISOR_REQUEST, to, subject, school_id=school_id, sender_id=None if reminder else sender_id,
            limited=not reminder, supervisor=supervisor, student=student,
            count=count, link=f"{self.base_url}/v/{token}", days=days, reminder=reminder,
        )

    async def supervisor_receipt(
        self, *, to: str, supervisor: str, student: str, entries: Sequence[dict[str, Any]], token: str,
        school_id: int | None, sender_id: int | None = None,
    ) -> int:
        return await self._queue(
            EmailKind.SUPERVISOR_RECEIPT, to, f"You verified {student}'s hours", school_id=school_id,
            sender_id=sender_id, limited=True, supervisor=supervisor,
            student=student, count=len(entries), entries=entries, link=f"{self.base_url}/v/receipt/{token}",
        )

    async def student_decision(self, *, to: str, name: str, decision: str, count: int, school_id: int | None) -> int:
        words = DECISION_WORDS[decision]
        return await self._queue(
            EmailKind.STUDENT_DECISION, to, f"Your entries were {words}", school_id=school_id, name=name, words=words,
            count=count, link=f"{self.base_url}/student",
        )

    async def staff_dispute(
        self, *, to: str, name: str, student: str, student_id: int, supervisor: str, count: int, school_id: int | None,
    ) -> int:
        return await self._queue(
            EmailKind.STAFF_DISPUTE, to, "A workplace supervisor disputes a sign-off", school_id=school_id, name=name,
            student=student, supervisor=supervisor, count=count, link=f"{self.base_url}/staff/students/{student_id}",
        )

    async def certification_expiry(
        self, *, to: str, name: str, certification: str, expires_on: Any, days: int, certification_id: int,
        school_id: int | None,
    ) -> int:
        when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
        return await self._queue(
            EmailKind.CERTIFICATION_EXPIRY, to, f"Your {certification} certification expires {when}",
            school_id=school_id, name=name, certification=certification, expires_on=expires_on, when=when,
            link=f"{self.base_url}/student/certifications/{certification_id}",
        )

    async def student_dispute(self, *, to: str, name: str, supervisor: str, count: int, school_id: int | None) -> int:
        return await self._queue(
            EmailKind.STUDENT_DISPUTE, to, "Your hours signed on the spot are not verified", school_id=school_id,
            name=name, supervisor=supervisor, count=count, link=f"{self.base_url}/student",
        )

    # --- sharing ----------------------------------------------------------------------------------

    async def guardian_consent(
        self, *, to: str, guardian: str, student: str, token: str, days: int, school_id: int | None,
        sender_id: int | None = None,
    ) -> int:
        return await self._queue(
            EmailKind.GUARDIAN_CONSENT, to, f"{student} asks your permission to share their career portfolio",
            school_id=school_id, sender_id=sender_id, limited=True, guardian=guardian, student=student, link=f"{self.base_url}/consent/{token}", days=days,
        )

    async def share_notice(self, *, to: str, name: str, organization: str, student_id: int) -> int:
        # No student's name in the message: mail is less safe than the app, where the share can be opened.
        return await self._queue(
            EmailKind.SHARE_NOTICE, to, f"A student shared their portfolio with {organization}", school_id=None,
            name=name, organization=organization, link=f"{self.base_url}/employer/students/{student_id}",
        )

    async def employer_digest(self, *, to: str, name: str, organization: str, count: int) -> int:
        return await self._queue(
            EmailKind.EMPLOYER_DIGEST, to, f"{count} new {'portfolio' if count == 1 else 'portfolios'} shared with {organization}",
            school_id=None, name=name, organization=organization, count=count, link=f"{self.base_url}/employer",
        )

    async def guardian_receipt(self, *, to: str, guardian: str, student: str, token: str, school_id: int | None) -> int:
        """The guardian's copy of what they agreed to, with the link that withdraws it (it never expires)."""
        return await self._queue(
            EmailKind.GUARDIAN_RECEIPT, to, f"You agreed that {student} may share their career portfolio",
            school_id=school_id, guardian=guardian, student=student, link=f"{self.base_url}/consent/{token}",
        )

    async def staff_consent(
        self, *, to: str, name: str, student: str, student_id: int, guardian: str, withdrawn: bool, school_id: int | None,
    ) -> int:
        subject = f"{guardian} {'withdrew' if withdrawn else 'gave'} consent for {student} to share"
        return await self._queue(
            EmailKind.STAFF_CONSENT, to, subject, school_id=school_id, name=name, student=student, guardian=guardian,
            withdrawn=withdrawn, link=f"{self.base_url}/staff/students/{student_id}#sharing",
        )

    # --- partners ---------------------------------------------------------------------------------

    async def follow_up_digest(
        self, *, to: str, name: str, overdue: int, due_today: int, partners: Sequence[dict[str, Any]],
        school_id: int | None,
    ) -> int:
        count = overdue + due_today
        return await self._queue(
            EmailKind.FOLLOW_UP_DIGEST, to, f"{count} partner {'follow-up' if count == 1 else 'follow-ups'} due",
            school_id=school_id, name=name, overdue=overdue, due_today=due_today, partners=partners,
            link=f"{self.base_url}/staff/follow-ups",
        )
