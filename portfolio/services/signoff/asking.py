"""A student asks for verification: of a mentor, of a workplace supervisor by e-mailed link; resending
and withdrawing what is pending."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any, Iterable

from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.errors import FormErrors, NotFound
from portfolio.forms.verification import OWN_EMAIL, STUDENT_EMAIL, SupervisorForm
from portfolio.parse import int_ids, int_or_none, mailbox_key
from portfolio.services import audit, experiences, mentoring
from portfolio.services.accounts import (
    CurrentUser,
    token_hash,
)
from portfolio.services.emails import Emails
from portfolio.tables import (
    Experience,
    RequestItem,
    RequestLink,
    StudentProfile,
    User,
    VerificationRequest,
)
from portfolio.vocabulary import EntryStatus, Method, RequestStatus

LINK_DAYS = 14
REQUESTABLE = (EntryStatus.DRAFT, EntryStatus.CHANGES_REQUESTED, EntryStatus.VOIDED)


async def entries_to_ask(student: CurrentUser, entry_ids: Iterable[Any]) -> list[dict[str, Any]]:
    ids = set(int_ids(entry_ids))
    if not ids:
        raise FormErrors({"entries": "Choose at least one entry to verify."})
    rows = await Experience.select(*experiences.ENTRY_COLUMNS).where(
        Experience.id.is_in(list(ids)) & (Experience.student == student.id)
    ).order_by(Experience.id)
    if len(rows) != len(ids):
        raise NotFound(ids)
    if any(row["status"] not in REQUESTABLE for row in rows):
        raise FormErrors({"entries": "Only drafts, entries sent back for changes, and voided entries can be sent for verification."})
    return rows


async def create_request(student: CurrentUser, entries: list[dict[str, Any]], **fields: Any) -> int:
    request = await VerificationRequest.insert(VerificationRequest(student=student.id, **fields)).returning(
        VerificationRequest.id
    )
    request_id = request[0]["id"]
    await RequestItem.insert(
        *[RequestItem(request=request_id, experience=e["id"], content_hash=e["content_hash"]) for e in entries]
    )
    await Experience.update({Experience.status: EntryStatus.SUBMITTED}).where(
        Experience.id.is_in([e["id"] for e in entries])
    )
    return request_id


async def ask_mentor(emails: Emails, student: CurrentUser, entry_ids: Iterable[Any], mentor_id: Any) -> int:
    mentor = int_or_none(mentor_id)
    if mentor is None or not await mentoring.is_assigned(mentor, student.id):
        raise FormErrors({"mentor": "Choose one of your mentors."})
    async with write_transaction():
        entries = await entries_to_ask(student, entry_ids)
        request_id = await create_request(student, entries, method=Method.MENTOR, mentor=mentor, last_sent_at=now())
        row = await User.select(User.email, User.name, User.mentor_digest).where(User.id == mentor).first()
        # A mentor who chose the daily digest hears about it there (reminders.send_digests).
        if row and not row["mentor_digest"]:
            await emails.mentor_request(to=row["email"], mentor=row["name"], student=student.name, count=len(entries),
                                        school_id=student.school_id)
            await VerificationRequest.update({VerificationRequest.notified_at: now()}).where(
                VerificationRequest.id == request_id
            )
    await audit.record("verification.requested", actor_id=student.id, subject=f"request:{request_id}", method=Method.MENTOR)
    return request_id


async def send_link(emails: Emails, request_id: int, reminder: bool = False) -> None:
    """A new link to the request's supervisor; the caller holds the write transaction."""
    request = await VerificationRequest.select(
        VerificationRequest.supervisor_email, VerificationRequest.supervisor_name,
        VerificationRequest.student, VerificationRequest.student.name.as_alias("student_name"),
        VerificationRequest.student.school.as_alias("school"),
    ).where(VerificationRequest.id == request_id).first()
    count = await RequestItem.count().where(RequestItem.request == request_id)
    raw = secrets.token_urlsafe(32)
    expires = now() + timedelta(days=LINK_DAYS)
    await RequestLink.insert(RequestLink(request=request_id, token_hash=token_hash(raw), expires_at=expires))
    await emails.supervisor_request(
        to=request["supervisor_email"], supervisor=request["supervisor_name"], student=request["student_name"],
        count=count, token=raw, days=LINK_DAYS, reminder=reminder, school_id=request["school"], sender_id=request["student"],
    )
    await VerificationRequest.update({VerificationRequest.last_sent_at: now()}).where(VerificationRequest.id == request_id)


async def refuse_student_addresses(student: CurrentUser, supervisor: SupervisorForm) -> None:
    """A supervisor's address is never a student's: the link or receipt would reach someone who cannot attest the
    hours. The student's own (their account's, their personal one, any spelling of either) and any address of
    a student account anywhere. Raises FormErrors."""
    typed = supervisor.email
    profile = await StudentProfile.select(StudentProfile.personal_email).where(StudentProfile.student == student.id).first()
    own = {mailbox_key(student.email)} | ({mailbox_key(profile["personal_email"])} if profile and profile["personal_email"] else set())
    if mailbox_key(typed) in own:
        raise FormErrors({"supervisor_email": OWN_EMAIL}, supervisor.request_fields())
    spellings = list({typed, mailbox_key(typed)})
    if await User.exists().where(User.email.is_in(spellings) & User.roles.any("student")) or await StudentProfile.exists().where(
        StudentProfile.personal_email.is_in(spellings)
    ):
        raise FormErrors({"supervisor_email": STUDENT_EMAIL}, supervisor.request_fields())


async def ask_supervisor(emails: Emails, student: CurrentUser, entry_ids: Iterable[Any], supervisor: SupervisorForm) -> int:
    await refuse_student_addresses(student, supervisor)
    async with write_transaction():
        entries = await entries_to_ask(student, entry_ids)
        request_id = await create_request(student, entries, method=Method.EMAIL_LINK, **supervisor.request_fields())
        await send_link(emails, request_id)
    await audit.record("verification.requested", actor_id=student.id, subject=f"request:{request_id}", method=Method.EMAIL_LINK)
    return request_id


async def resend(emails: Emails, student: CurrentUser, request_id: int) -> None:
    async with write_transaction():
        request = await _own_pending(student, request_id)
        if request["method"] != Method.EMAIL_LINK:
            raise NotFound(request_id)
        await send_link(emails, request_id)
    await audit.record("verification.resent", actor_id=student.id, subject=f"request:{request_id}")


async def _own_pending(student: CurrentUser, request_id: int) -> dict[str, Any]:
    request = await VerificationRequest.select().where(
        (VerificationRequest.id == request_id) & (VerificationRequest.student == student.id)
        & (VerificationRequest.status == RequestStatus.PENDING)
    ).first()
    if request is None:
        raise NotFound(request_id)
    return request


async def cancel(student: CurrentUser, request_id: int) -> None:
    """Withdraw a pending request: its links stop working and its entries become drafts again."""
    async with write_transaction():
        await _own_pending(student, request_id)
        await VerificationRequest.update({VerificationRequest.status: RequestStatus.CANCELLED, VerificationRequest.decided_at: now()}).where(
            VerificationRequest.id == request_id
        )
        await RequestLink.update({RequestLink.revoked_at: now()}).where(
            (RequestLink.request == request_id) & RequestLink.revoked_at.is_null()
        )
        items = await RequestItem.select(RequestItem.experience).where(
            (RequestItem.request == request_id) & (RequestItem.decided == False)  # noqa: E712
        )
        await Experience.update({Experience.status: EntryStatus.DRAFT}).where(
            Experience.id.is_in([i["experience"] for i in items] or [0]) & (Experience.status == EntryStatus.SUBMITTED)
        )
    await audit.record("verification.cancelled", actor_id=student.id, subject=f"request:{request_id}")


# Built once (an entry's page asks every visit): piccolo copies every column of the joined table for each
# `VerificationRequest.mentor.<column>` or `RequestItem.experience.<column>` read.
_PENDING_COLUMNS = (
    VerificationRequest.id, VerificationRequest.method, VerificationRequest.supervisor_name,
    VerificationRequest.supervisor_email, VerificationRequest.created_at, VerificationRequest.last_sent_at,
    VerificationRequest.mentor.name.as_alias("mentor_name"),
)
_PENDING_ITEM_COLUMNS = (RequestItem.request, RequestItem.experience.id, RequestItem.experience.title)


async def pending_for_student(student: CurrentUser) -> list[dict[str, Any]]:
    rows = await (
        VerificationRequest.select(*_PENDING_COLUMNS)
        .where((VerificationRequest.student == student.id) & (VerificationRequest.status == RequestStatus.PENDING))
        .order_by(VerificationRequest.id, ascending=False)
    )
    items = await RequestItem.select(*_PENDING_ITEM_COLUMNS).where(RequestItem.request.is_in([row["id"] for row in rows] or [0])).order_by(RequestItem.id)
    for row in rows:
        row["entries"] = [
            {"experience.id": i["experience.id"], "experience.title": i["experience.title"]}
            for i in items if i["request"] == row["id"]
        ]
    return rows
