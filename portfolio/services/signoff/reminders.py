"""Scheduled mail: reminders to supervisors who have not answered, and mentors' daily digests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from portfolio.clock import now
from portfolio.mail import Mailer, render
from portfolio.services.accounts import CurrentUser
from portfolio.services.signoff.asking import send_link
from portfolio.tables import User, VerificationRequest
from portfolio.vocabulary import Method, RequestStatus

REMIND_AFTER = timedelta(days=3)
MAX_REMINDERS = 2


async def send_reminders(mailer: Mailer, base_url: str, moment: datetime | None = None) -> int:
    """A new link to supervisors who have not answered for a few days (at most MAX_REMINDERS times)."""
    moment = moment or now()
    due = await VerificationRequest.select(VerificationRequest.id, VerificationRequest.reminders_sent).where(
        (VerificationRequest.method == Method.EMAIL_LINK) & (VerificationRequest.status == RequestStatus.PENDING)
        & (VerificationRequest.last_sent_at < moment - REMIND_AFTER)
        & (VerificationRequest.reminders_sent < MAX_REMINDERS)
    )
    for request in due:
        await send_link(mailer, base_url, request["id"], reminder=True)
        await VerificationRequest.update({VerificationRequest.reminders_sent: request["reminders_sent"] + 1}).where(
            VerificationRequest.id == request["id"]
        )
    return len(due)


async def send_digests(mailer: Mailer, base_url: str) -> int:
    """One e-mail per mentor who chose the daily digest, about requests not yet told."""
    rows = await VerificationRequest.select(
        VerificationRequest.id, VerificationRequest.mentor.id.as_alias("mentor_id"),
        VerificationRequest.mentor.email.as_alias("email"), VerificationRequest.mentor.name.as_alias("name"),
    ).where(
        (VerificationRequest.method == Method.MENTOR) & (VerificationRequest.status == RequestStatus.PENDING)
        & VerificationRequest.notified_at.is_null() & (VerificationRequest.mentor.mentor_digest == True)  # noqa: E712
    )
    by_mentor: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_mentor.setdefault(row["mentor_id"], []).append(row)
    for requests in by_mentor.values():
        first = requests[0]
        await mailer.send(
            render("mentor_digest", first["email"], f"{len(requests)} new verification requests", name=first["name"],
                   count=len(requests), link=f"{base_url}/mentor")
        )
        await VerificationRequest.update({VerificationRequest.notified_at: now()}).where(
            VerificationRequest.id.is_in([r["id"] for r in requests])
        )
    return len(by_mentor)


async def set_digest(mentor: CurrentUser, on: bool) -> None:
    await User.update({User.mentor_digest: on}).where(User.id == mentor.id)


async def wants_digest(mentor: CurrentUser) -> bool:
    row = await User.select(User.mentor_digest).where(User.id == mentor.id).first()
    return bool(row and row["mentor_digest"])
