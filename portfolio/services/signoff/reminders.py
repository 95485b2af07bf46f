"""Scheduled mail: reminders to supervisors who have not answered, and mentors' daily digests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.signoff.asking import send_link
from portfolio.tables import User, VerificationRequest
from portfolio.vocabulary import Method, RequestStatus

REMIND_AFTER = timedelta(days=3)
MAX_REMINDERS = 2


async def send_reminders(emails: Emails, moment: datetime | None = None) -> int:
    """A new link to supervisors who have not answered for a few days (at most MAX_REMINDERS times)."""
    moment = moment or now()
    due = await VerificationRequest.select(VerificationRequest.id, VerificationRequest.reminders_sent).where(
        (VerificationRequest.method == Method.EMAIL_LINK) & (VerificationRequest.status == RequestStatus.PENDING)
        & (VerificationRequest.last_sent_at < moment - REMIND_AFTER)
        & (VerificationRequest.reminders_sent < MAX_REMINDERS)
    )
    sent = 0
    for request in due:
        async with write_transaction():
            # Conditional: of two runs at once (or a run retried), only one sends this reminder.
            counted = await VerificationRequest.update(
                {VerificationRequest.reminders_sent: request["reminders_sent"] + 1}
            ).where(
                (VerificationRequest.id == request["id"]) & (VerificationRequest.status == RequestStatus.PENDING)
                & (VerificationRequest.reminders_sent == request["reminders_sent"])
            ).returning(VerificationRequest.id)
            if counted:
                await send_link(emails, request["id"], reminder=True)
                sent += 1
    return sent


async def send_digests(emails: Emails) -> int:
    """One e-mail per mentor who chose the daily digest, about requests not yet told."""
    rows = await VerificationRequest.select(
        VerificationRequest.id, VerificationRequest.mentor.id.as_alias("mentor_id"),
        VerificationRequest.mentor.email.as_alias("email"), VerificationRequest.mentor.name.as_alias("name"),
        VerificationRequest.mentor.school.as_alias("school"),
    ).where(
        (VerificationRequest.method == Method.MENTOR) & (VerificationRequest.status == RequestStatus.PENDING)
        & VerificationRequest.notified_at.is_null() & (VerificationRequest.mentor.mentor_digest == True)  # noqa: E712
    )
    by_mentor: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_mentor.setdefault(row["mentor_id"], []).append(row)
    sent = 0
    for requests in by_mentor.values():
        first = requests[0]
        async with write_transaction():
            told = await VerificationRequest.update({VerificationRequest.notified_at: now()}).where(
                VerificationRequest.id.is_in([r["id"] for r in requests]) & VerificationRequest.notified_at.is_null()
            ).returning(VerificationRequest.id)
            if told:
                await emails.mentor_digest(to=first["email"], name=first["name"], count=len(told), school_id=first["school"])
                sent += 1
    return sent


async def set_digest(mentor: CurrentUser, on: bool) -> None:
    await User.update({User.mentor_digest: on}).where(User.id == mentor.id)


async def wants_digest(mentor: CurrentUser) -> bool:
    row = await User.select(User.mentor_digest).where(User.id == mentor.id).first()
    return bool(row and row["mentor_digest"])
