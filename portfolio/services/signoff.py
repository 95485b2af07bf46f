"""Verification: students ask, mentors and workplace supervisors decide, and every decision records the
content hash of exactly what the verifier saw. An edit after that voids the sign-off; nothing is deleted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from portfolio.db import write_transaction
from portfolio.mail import Mailer, render
from portfolio.parse import int_ids, int_or_none
from portfolio.services import audit, experiences, mentoring
from portfolio.services.accounts import (
    EMAIL_RE,
    CurrentUser,
    FormErrors,
    normalize_email,
    token_hash,
)
from portfolio.tables import (
    Evidence,
    Experience,
    RequestItem,
    RequestLink,
    SignOff,
    User,
    VerificationRequest,
)

LINK_DAYS = 14
REMIND_AFTER = timedelta(days=3)
MAX_REMINDERS = 2
CONFIRM_AFTER = timedelta(days=3)
REQUESTABLE = ("draft", "changes_requested", "voided")
DECISIONS = {"verified": "verified", "changes_requested": "changes_requested", "rejected": "rejected"}
METHOD_LABELS = {"mentor": "by a mentor", "email_link": "by a supervisor, from an e-mailed link", "on_device": "on the spot"}
MAX_SIGNATURE_BYTES = 200_000
FREE_MAIL = {
    "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "gmx.com", "gmx.net", "mail.com",
    "yandex.com", "zoho.com", "fastmail.com", "hey.com",
}


def now() -> datetime:
    return datetime.now(timezone.utc)


class NotFound(Exception):
    """No such request or item for this person."""


class LinkInvalid(Exception):
    """The link is used, expired, revoked, tampered with or for another request."""


# --- asking ---------------------------------------------------------------------------------------

async def _entries_to_ask(student: CurrentUser, entry_ids: Iterable[Any]) -> list[dict[str, Any]]:
    ids = set(int_ids(entry_ids))
    if not ids:
        raise FormErrors({"entries": "Choose at least one entry to verify."})
    rows = await Experience.select(Experience.id, Experience.status).where(
        Experience.id.is_in(list(ids)) & (Experience.student == student.id)
    )
    if len(rows) != len(ids):
        raise NotFound(ids)
    if any(row["status"] not in REQUESTABLE for row in rows):
        raise FormErrors({"entries": "Only drafts, entries sent back for changes, and voided entries can be sent for verification."})
    return [await experiences.get(student, row["id"]) for row in sorted(rows, key=lambda r: r["id"])]


async def _create_request(student: CurrentUser, entries: list[dict[str, Any]], **fields: Any) -> int:
    request = await VerificationRequest.insert(VerificationRequest(student=student.id, **fields)).returning(
        VerificationRequest.id
    )
    request_id = request[0]["id"]
    await RequestItem.insert(
        *[RequestItem(request=request_id, experience=e["id"], content_hash=e["content_hash"]) for e in entries]
    )
    await Experience.update({Experience.status: "submitted"}).where(
        Experience.id.is_in([e["id"] for e in entries])
    )
    return request_id


def _supervisor(form: dict[str, Any], student: CurrentUser, need_title: bool = False) -> dict[str, str]:
    values = {
        "supervisor_name": str(form.get("supervisor_name", "")).strip(),
        "supervisor_title": str(form.get("supervisor_title", "")).strip(),
        "supervisor_organization": str(form.get("supervisor_organization", "")).strip(),
        "supervisor_email": normalize_email(str(form.get("supervisor_email", ""))),
    }
    errors = {}
    if not values["supervisor_name"]:
        errors["supervisor_name"] = "Enter the supervisor's name."
    if need_title and not values["supervisor_title"]:
        errors["supervisor_title"] = "Enter the supervisor's job title."
    if not EMAIL_RE.match(values["supervisor_email"]):
        errors["supervisor_email"] = "Enter the supervisor's work e-mail, like name@company.com."
    elif values["supervisor_email"] == student.email:
        errors["supervisor_email"] = "This is your own e-mail. Enter your supervisor's."
    for name, value in values.items():
        if len(value) > 200:
            errors[name] = "Use at most 200 characters."
    if errors:
        raise FormErrors(errors, values)
    return values


async def ask_mentor(mailer: Mailer, base_url: str, student: CurrentUser, entry_ids: Iterable[Any], mentor_id: Any) -> int:
    mentor = int_or_none(mentor_id)
    if mentor is None or not await mentoring.is_assigned(mentor, student.id):
        raise FormErrors({"mentor": "Choose one of your mentors."})
    async with write_transaction():
        entries = await _entries_to_ask(student, entry_ids)
        request_id = await _create_request(student, entries, method="mentor", mentor=mentor, last_sent_at=now())
    row = await User.select(User.email, User.name, User.mentor_digest).where(User.id == mentor).first()
    if row and not row["mentor_digest"]:
        await mailer.send(
            render("mentor_request", row["email"], f"{student.name} asks you to verify {len(entries)} "
                   f"{'entry' if len(entries) == 1 else 'entries'}", mentor=row["name"], student=student.name,
                   count=len(entries), link=f"{base_url}/mentor")
        )
        await VerificationRequest.update({VerificationRequest.notified_at: now()}).where(VerificationRequest.id == request_id)
    await audit.record("verification.requested", actor_id=student.id, subject=f"request:{request_id}", method="mentor")
    return request_id


async def _send_link(mailer: Mailer, base_url: str, request_id: int, reminder: bool = False) -> None:
    request = await VerificationRequest.select().where(VerificationRequest.id == request_id).first()
    student = await User.select(User.name).where(User.id == request["student"]).first()
    count = await RequestItem.count().where(RequestItem.request == request_id)
    raw = secrets.token_urlsafe(32)
    expires = now() + timedelta(days=LINK_DAYS)
    await RequestLink.insert(RequestLink(request=request_id, token_hash=token_hash(raw), expires_at=expires))
    subject = f"{'Reminder: ' if reminder else ''}Please confirm {student['name']}'s work-based learning hours"
    await mailer.send(
        render("supervisor_request", request["supervisor_email"], subject, supervisor=request["supervisor_name"],
               student=student["name"], count=count, link=f"{base_url}/v/{raw}", days=LINK_DAYS, reminder=reminder)
    )
    await VerificationRequest.update({VerificationRequest.last_sent_at: now()}).where(VerificationRequest.id == request_id)


async def ask_supervisor(mailer: Mailer, base_url: str, student: CurrentUser, entry_ids: Iterable[Any], form: dict[str, Any]) -> int:
    supervisor = _supervisor(form, student)
    async with write_transaction():
        entries = await _entries_to_ask(student, entry_ids)
        request_id = await _create_request(student, entries, method="email_link", **supervisor)
    await _send_link(mailer, base_url, request_id)
    await audit.record("verification.requested", actor_id=student.id, subject=f"request:{request_id}", method="email_link")
    return request_id


async def resend(mailer: Mailer, base_url: str, student: CurrentUser, request_id: int) -> None:
    request = await _own_pending(student, request_id)
    if request["method"] != "email_link":
        raise NotFound(request_id)
    await _send_link(mailer, base_url, request_id)
    await audit.record("verification.resent", actor_id=student.id, subject=f"request:{request_id}")


async def _own_pending(student: CurrentUser, request_id: int) -> dict[str, Any]:
    request = await VerificationRequest.select().where(
        (VerificationRequest.id == request_id) & (VerificationRequest.student == student.id)
        & (VerificationRequest.status == "pending")
    ).first()
    if request is None:
        raise NotFound(request_id)
    return request


async def cancel(student: CurrentUser, request_id: int) -> None:
    """Withdraw a pending request: its links stop working and its entries become drafts again."""
    async with write_transaction():
        await _own_pending(student, request_id)
        await VerificationRequest.update({VerificationRequest.status: "cancelled", VerificationRequest.decided_at: now()}).where(
            VerificationRequest.id == request_id
        )
        await RequestLink.update({RequestLink.revoked_at: now()}).where(
            (RequestLink.request == request_id) & RequestLink.revoked_at.is_null()
        )
        items = await RequestItem.select(RequestItem.experience).where(
            (RequestItem.request == request_id) & (RequestItem.decided == False)  # noqa: E712
        )
        await Experience.update({Experience.status: "draft"}).where(
            Experience.id.is_in([i["experience"] for i in items] or [0]) & (Experience.status == "submitted")
        )
    await audit.record("verification.cancelled", actor_id=student.id, subject=f"request:{request_id}")


async def pending_for_student(student: CurrentUser) -> list[dict[str, Any]]:
    rows = await (
        VerificationRequest.select(
            VerificationRequest.id, VerificationRequest.method, VerificationRequest.supervisor_name,
            VerificationRequest.supervisor_email, VerificationRequest.created_at, VerificationRequest.last_sent_at,
            VerificationRequest.mentor.name.as_alias("mentor_name"),
        )
        .where((VerificationRequest.student == student.id) & (VerificationRequest.status == "pending"))
        .order_by(VerificationRequest.id, ascending=False)
    )
    for row in rows:
        row["entries"] = await RequestItem.select(RequestItem.experience.id, RequestItem.experience.title).where(
            RequestItem.request == row["id"]
        )
    return rows


# --- deciding -------------------------------------------------------------------------------------

async def _record(
    experience_id: int,
    request_id: int | None,
    method: str,
    decision: str,
    content_hash: str,
    verifier: dict[str, Any],
    comment: str = "",
    **extra: Any,
) -> int:
    """One sign-off, and the entry's new status; the caller holds the write transaction."""
    inserted = await SignOff.insert(
        SignOff(experience=experience_id, request=request_id, method=method, decision=decision, comment=comment,
                content_hash=content_hash, **verifier, **extra)
    ).returning(SignOff.id)
    await Experience.update({Experience.status: DECISIONS[decision]}).where(Experience.id == experience_id)
    return inserted[0]["id"]


def _decision(form: dict[str, Any]) -> tuple[str, str]:
    decision = str(form.get("decision", ""))
    comment = str(form.get("comment", "")).strip()
    if decision not in DECISIONS:
        raise FormErrors({"decision": "Choose verify, ask for changes, or reject."})
    if decision != "verified" and not comment:
        raise FormErrors({"comment": "Say what should change, or why: the student will read it."})
    if len(comment) > 2000:
        raise FormErrors({"comment": "Use at most 2000 characters."})
    return decision, comment


async def mentor_queue(mentor: CurrentUser) -> list[dict[str, Any]]:
    """Pending items addressed to this mentor, for students still assigned to them, oldest first."""
    students = await mentoring.students_of(mentor.id)
    if not students:
        return []
    items = await (
        RequestItem.select(
            RequestItem.id, RequestItem.content_hash, RequestItem.request.id.as_alias("request_id"),
            RequestItem.request.created_at.as_alias("asked_at"),
            RequestItem.request.student.id.as_alias("student_id"),
            RequestItem.request.student.name.as_alias("student_name"),
            RequestItem.experience.id.as_alias("experience_id"),
        )
        .where(
            (RequestItem.request.mentor == mentor.id)
            & (RequestItem.request.status == "pending")
            & (RequestItem.decided == False)  # noqa: E712
            & RequestItem.request.student.is_in(students)
        )
        .order_by(RequestItem.request.created_at)
        .order_by(RequestItem.id)
    )
    for item in items:
        item["entry"] = await entry_for_verifier(item["experience_id"])
    return items


async def entry_for_verifier(experience_id: int) -> dict[str, Any]:
    """What a verifier sees: the entry, its evidence, and whether it still matches its hash."""
    row = await Experience.select(*experiences.ENTRY_COLUMNS).where(Experience.id == experience_id).first()
    row["evidence"] = await Evidence.select(
        Evidence.id, Evidence.original_name, Evidence.content_type, Evidence.pages, Evidence.sha256
    ).where(Evidence.experience == experience_id).order_by(Evidence.id)
    row["current_hash"] = experiences.content_hash(experiences.fields_of(row), [e["sha256"] for e in row["evidence"]])
    return row


async def decide_as_mentor(
    mailer: Mailer, base_url: str, mentor: CurrentUser, item_ids: Iterable[Any], form: dict[str, Any]
) -> int:
    """Verify, send back or reject one or several items in one step. Returns how many were decided."""
    decision, comment = _decision(form)
    wanted = set(int_ids(item_ids))
    if not wanted:
        raise FormErrors({"items": "Choose at least one entry."})
    queue = {item["id"]: item for item in await mentor_queue(mentor)}
    if not wanted <= set(queue):
        raise NotFound(wanted - set(queue))
    verifier = {"verifier": mentor.id, "verifier_name": mentor.name, "verifier_email": mentor.email, "verifier_title": "Mentor"}
    decided: dict[int, int] = {}  # student id -> entries decided
    async with write_transaction():
        for item_id in sorted(wanted):
            item = queue[item_id]
            entry = await entry_for_verifier(item["experience_id"])
            if entry["status"] != "submitted" or entry["current_hash"] != item["content_hash"]:
                continue  # changed since it was asked about: it must be asked again
            await _record(item["experience_id"], item["request_id"], "mentor", decision, item["content_hash"], verifier, comment)
            await RequestItem.update({RequestItem.decided: True}).where(RequestItem.id == item_id)
            decided[item["student_id"]] = decided.get(item["student_id"], 0) + 1
        for request_id in {queue[i]["request_id"] for i in wanted}:
            await _close_if_done(request_id)
    await audit.record(f"verification.{decision}", actor_id=mentor.id, method="mentor", items=sorted(wanted))
    for student_id, count in decided.items():
        await _tell_student(mailer, base_url, student_id, decision, count)
    return sum(decided.values())


async def _close_if_done(request_id: int) -> None:
    open_items = await RequestItem.count().where((RequestItem.request == request_id) & (RequestItem.decided == False))  # noqa: E712
    if open_items == 0:
        await VerificationRequest.update({VerificationRequest.status: "decided", VerificationRequest.decided_at: now()}).where(
            VerificationRequest.id == request_id
        )


# --- e-mailed links -------------------------------------------------------------------------------

async def link_request(raw: str) -> tuple[int, int]:
    """(request id, link id) for a usable link; raises LinkInvalid. Opening changes nothing else."""
    link = await RequestLink.select(RequestLink.id, RequestLink.request, RequestLink.expires_at, RequestLink.used_at,
                                    RequestLink.revoked_at, RequestLink.request.status.as_alias("status")).where(
        RequestLink.token_hash == token_hash(raw)
    ).first()
    if link is None or link["used_at"] or link["revoked_at"] or link["expires_at"] <= now() or link["status"] != "pending":
        raise LinkInvalid(raw[:4])
    return link["request"], link["id"]


def link_grant(secret: str, request_id: int, link_id: int, expires: datetime) -> str:
    """A short-lived cookie value that stands for an opened link, so the token leaves the URL."""
    payload = f"{request_id}.{link_id}.{int(expires.timestamp())}"
    mac = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{mac}"


async def check_grant(secret: str, value: str | None, request_id: int) -> int:
    """The link id a grant cookie stands for, if it is genuine, unexpired and its link still usable."""
    try:
        rid, lid, exp, mac = (value or "").split(".")
        payload = f"{rid}.{lid}.{exp}"
        # Bytes: compare_digest refuses str with non-ASCII characters (TypeError), and a cookie may hold any.
        good = hmac.compare_digest(mac.encode(), hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest().encode())
        if not good or int(rid) != request_id or int(exp) < now().timestamp():
            raise ValueError
    except ValueError:
        raise LinkInvalid("grant") from None
    link = await RequestLink.select(RequestLink.used_at, RequestLink.revoked_at, RequestLink.expires_at,
                                    RequestLink.request.status.as_alias("status")).where(
        (RequestLink.id == int(lid)) & (RequestLink.request == request_id)
    ).first()
    if link is None or link["used_at"] or link["revoked_at"] or link["expires_at"] <= now() or link["status"] != "pending":
        raise LinkInvalid("grant")
    return int(lid)


async def opened(link_id: int, ip: str) -> None:
    await RequestLink.update({RequestLink.opened_at: now()}).where(
        (RequestLink.id == link_id) & RequestLink.opened_at.is_null()
    )
    await audit.record("verification.link_opened", subject=f"link:{link_id}", ip=ip)


async def request_view(request_id: int) -> dict[str, Any]:
    request = await VerificationRequest.select(
        VerificationRequest.id, VerificationRequest.method, VerificationRequest.supervisor_name,
        VerificationRequest.supervisor_title, VerificationRequest.supervisor_organization,
        VerificationRequest.supervisor_email, VerificationRequest.status,
        VerificationRequest.student.id.as_alias("student_id"),
        VerificationRequest.student.name.as_alias("student_name"),
        VerificationRequest.student.school.name.as_alias("school_name"),
    ).where(VerificationRequest.id == request_id).first()
    if request is None:
        raise NotFound(request_id)
    items = await RequestItem.select(RequestItem.id, RequestItem.experience, RequestItem.content_hash).where(
        RequestItem.request == request_id
    ).order_by(RequestItem.id)
    request["items"] = []
    for item in items:
        entry = await entry_for_verifier(item["experience"])
        entry["unchanged"] = entry["current_hash"] == item["content_hash"]
        request["items"].append(entry)
    return request


async def decide_by_link(mailer: Mailer, base_url: str, request_id: int, link_id: int, form: dict[str, Any], ip: str = "") -> str:
    """The supervisor's one decision over the whole request. Raises LinkInvalid if the link was used meanwhile."""
    decision, comment = _decision(form)
    name = str(form.get("name", "")).strip()
    title = str(form.get("title", "")).strip()
    errors = {}
    if not name or len(name) > 200:
        errors["name"] = "Enter your name as it should appear on the record."
    if not title or len(title) > 200:
        errors["title"] = "Enter your job title."
    if errors:
        raise FormErrors(errors, {"name": name, "title": title, "comment": comment})
    async with write_transaction():
        used = await RequestLink.update({RequestLink.used_at: now()}).where(
            (RequestLink.id == link_id) & RequestLink.used_at.is_null() & RequestLink.revoked_at.is_null()
            & (RequestLink.expires_at > now())
        ).returning(RequestLink.id)
        request = await VerificationRequest.select().where(
            (VerificationRequest.id == request_id) & (VerificationRequest.status == "pending")
        ).first()
        if not used or request is None:
            raise LinkInvalid("used")
        verifier = {"verifier_name": name, "verifier_title": title,
                    "verifier_organization": request["supervisor_organization"], "verifier_email": request["supervisor_email"]}
        items = await RequestItem.select().where(RequestItem.request == request_id)
        for item in items:
            entry = await entry_for_verifier(item["experience"])
            if entry["status"] == "submitted" and entry["current_hash"] == item["content_hash"]:
                await _record(item["experience"], request_id, "email_link", decision, item["content_hash"], verifier, comment)
        await RequestItem.update({RequestItem.decided: True}).where(RequestItem.request == request_id)
        await VerificationRequest.update({VerificationRequest.status: "decided", VerificationRequest.decided_at: now()}).where(
            VerificationRequest.id == request_id
        )
        # One decision per request: every other link for it stops working too.
        await RequestLink.update({RequestLink.revoked_at: now()}).where(
            (RequestLink.request == request_id) & RequestLink.used_at.is_null()
        )
    await audit.record(f"verification.{decision}", subject=f"request:{request_id}", ip=ip, method="email_link", link=link_id)
    await _tell_student(mailer, base_url, request["student"], decision, len(items))
    return decision


async def _tell_student(mailer: Mailer, base_url: str, student_id: int, decision: str, count: int) -> None:
    student = await User.select(User.email, User.name).where(User.id == student_id).first()
    words = {"verified": "verified", "changes_requested": "sent back for changes", "rejected": "rejected"}[decision]
    await mailer.send(
        render("student_decision", student["email"], f"Your entries were {words}", name=student["name"],
               words=words, count=count, link=f"{base_url}/student")
    )


# --- on the spot ----------------------------------------------------------------------------------

def _signature(form: dict[str, Any], name: str) -> dict[str, str]:
    """A drawn signature (a PNG from the canvas) or a typed one: typing is the accessible alternative."""
    typed = str(form.get("signature_typed", "")).strip()
    drawn = str(form.get("signature_png", "")).strip()
    if drawn:
        from PIL import Image

        prefix = "data:image/png;base64,"
        try:
            if not drawn.startswith(prefix) or len(drawn) > MAX_SIGNATURE_BYTES * 4 // 3 + len(prefix):
                raise ValueError
            png = base64.b64decode(drawn[len(prefix):], validate=True)
            with Image.open(io.BytesIO(png)) as image:
                if image.format != "PNG" or image.width * image.height > 4_000_000:
                    raise ValueError
                image.verify()
        # Pillow refuses a PNG that claims too many pixels with DecompressionBombError, which is no OSError.
        except (ValueError, binascii.Error, OSError, Image.DecompressionBombError):
            raise FormErrors({"signature": "The drawn signature could not be read. Draw it again, or type your name."}) from None
        return {"signature_png": drawn, "signature_typed": ""}
    if not typed:
        raise FormErrors({"signature": "Sign with your finger, or type your full name to sign."})
    if typed.casefold() != name.casefold():
        raise FormErrors({"signature": "Type your name exactly as above to sign."})
    return {"signature_png": "", "signature_typed": typed}


async def verify_on_device(
    mailer: Mailer, base_url: str, student: CurrentUser, entry_ids: Iterable[Any], form: dict[str, Any]
) -> int:
    """A supervisor verifies on the student's phone; a receipt e-mail lets them say "this was not me"."""
    supervisor = _supervisor(form, student, need_title=True)
    try:
        signature = _signature(form, supervisor["supervisor_name"])
    except FormErrors as problem:
        problem.values = supervisor
        raise
    raw = secrets.token_urlsafe(32)
    verifier = {
        "verifier_name": supervisor["supervisor_name"],
        "verifier_title": supervisor["supervisor_title"],
        "verifier_organization": supervisor["supervisor_organization"],
        "verifier_email": supervisor["supervisor_email"],
    }
    async with write_transaction():
        entries = await _entries_to_ask(student, entry_ids)
        request_id = await _create_request(student, entries, method="on_device", status="decided", decided_at=now(), **supervisor)
        for index, entry in enumerate(entries):
            # One receipt link covers every entry signed together; it is stored on the first sign-off.
            receipt = {"receipt_token_hash": token_hash(raw)} if index == 0 else {}
            await _record(entry["id"], request_id, "on_device", "verified", entry["content_hash"], verifier, **signature, **receipt)
        await RequestItem.update({RequestItem.decided: True}).where(RequestItem.request == request_id)
    await mailer.send(
        render("supervisor_receipt", supervisor["supervisor_email"], f"You verified {student.name}'s hours",
               supervisor=supervisor["supervisor_name"], student=student.name, count=len(entries),
               entries=entries, link=f"{base_url}/v/receipt/{raw}")
    )
    await audit.record("verification.verified", actor_id=student.id, subject=f"request:{request_id}", method="on_device")
    return request_id


async def receipt_request(raw: str) -> dict[str, Any]:
    first = await SignOff.select(SignOff.id, SignOff.request, SignOff.disputed_at).where(
        SignOff.receipt_token_hash == token_hash(raw)
    ).first()
    if first is None or first["request"] is None:
        raise LinkInvalid("receipt")
    view = await request_view(first["request"])
    view["disputed"] = first["disputed_at"] is not None
    view["confirmed"] = await SignOff.exists().where((SignOff.request == first["request"]) & SignOff.confirmed_at.is_not_null())
    return view


async def answer_receipt(mailer: Mailer, base_url: str, raw: str, mine: bool, ip: str = "") -> str:
    """The supervisor confirms the on-the-spot sign-off, or says it was not them: that voids it and tells staff."""
    view = await receipt_request(raw)
    if view["disputed"] or view["confirmed"]:
        raise LinkInvalid("answered")
    request_id = view["id"]
    unanswered = (
        (SignOff.request == request_id) & SignOff.confirmed_at.is_null() & SignOff.disputed_at.is_null()
    )
    async with write_transaction():
        # Conditional updates: of two answers sent at once, only the first changes anything.
        if mine:
            changed = await SignOff.update({SignOff.confirmed_at: now()}).where(
                unanswered & SignOff.voided_at.is_null()
            ).returning(SignOff.id)
        else:
            changed = await SignOff.update({SignOff.disputed_at: now(), SignOff.voided_at: now()}).where(
                unanswered
            ).returning(SignOff.id)
        if not changed:
            raise LinkInvalid("answered")
        if not mine:
            entry_ids = [item["id"] for item in view["items"]]
            await Experience.update({Experience.status: "voided"}).where(
                Experience.id.is_in(entry_ids) & (Experience.status == "verified")
            )
    await audit.record("verification.receipt_confirmed" if mine else "verification.disputed", subject=f"request:{request_id}", ip=ip)
    if not mine:
        await _tell_staff(mailer, base_url, request_id, view)
    return "confirmed" if mine else "disputed"


async def _tell_staff(mailer: Mailer, base_url: str, request_id: int, view: dict[str, Any]) -> None:
    request = await VerificationRequest.select(VerificationRequest.student.school.as_alias("school"),
                                               VerificationRequest.student.id.as_alias("student_id")).where(
        VerificationRequest.id == request_id
    ).first()
    staff = await mentoring.people_with_role(request["school"], "staff")
    for person in staff:
        await mailer.send(
            render("staff_dispute", person["email"], "A workplace supervisor disputes a sign-off", name=person["name"],
                   student=view["student_name"], supervisor=view["supervisor_email"], count=len(view["items"]),
                   link=f"{base_url}/staff/students/{request['student_id']}")
        )


# --- what an entry's verification looks like ------------------------------------------------------

def email_warning(verifier_email: str, student_email: str) -> str:
    if not verifier_email:
        return ""
    if normalize_email(verifier_email) == normalize_email(student_email):
        return "This is the student's own e-mail address."
    domain = verifier_email.rsplit("@", 1)[-1].lower()
    if domain in FREE_MAIL:
        return f"{domain} is a free e-mail service, not a company address."
    return ""


async def history(experience_id: int, student_email: str) -> list[dict[str, Any]]:
    rows = await SignOff.select().where(SignOff.experience == experience_id).order_by(SignOff.id, ascending=False)
    for row in rows:
        row["domain"] = row["verifier_email"].rsplit("@", 1)[-1] if row["verifier_email"] else ""
        # A mentor signs in with a school account; the warning is about who is behind an e-mail address.
        row["warning"] = "" if row["method"] == "mentor" else email_warning(row["verifier_email"], student_email)
        row["method_label"] = METHOD_LABELS.get(row["method"], row["method"])
    return rows


def verification_state(entry: dict[str, Any], latest: dict[str, Any] | None, current_hash: str, moment: datetime | None = None) -> str:
    """What to show for an entry. The hash is checked every time: a mismatch is never shown as verified."""
    status = entry["status"]
    if status != "verified":
        return status
    if latest is None or latest["voided_at"] or latest["decision"] != "verified" or latest["content_hash"] != current_hash:
        return "voided"
    moment = moment or now()
    if latest["method"] == "on_device" and latest["confirmed_at"] is None and moment - latest["created_at"] < CONFIRM_AFTER:
        return "verified_pending_confirmation"
    return "verified"


async def entry_verification(entry: dict[str, Any], student_email: str) -> dict[str, Any]:
    """How an entry's verification reads: its state (the hash checked again, so an entry that changed after
    its sign-off never shows as verified), the newest sign-off, and every sign-off, newest first."""
    signoffs = await history(entry["id"], student_email)
    latest = signoffs[0] if signoffs else None
    current_hash = (await entry_for_verifier(entry["id"]))["current_hash"]
    return {
        "state": verification_state(entry, latest, current_hash),
        "latest": latest,
        "history": signoffs,
    }


async def student_record(student: CurrentUser) -> dict[str, Any]:
    """A student's entries with how each was verified, their mentors and this year's hours: what staff of
    their school and their mentors see."""
    entries = await experiences.recent(student, limit=1000)
    for entry in entries:
        entry["verification"] = await entry_verification(entry, student.email)
    return {
        "student": student,
        "entries": entries,
        "mentors": await mentoring.mentors_of(student),
        "summary": await experiences.year_summary(student),
    }


# --- scheduled ------------------------------------------------------------------------------------

async def send_reminders(mailer: Mailer, base_url: str, moment: datetime | None = None) -> int:
    """A new link to supervisors who have not answered for a few days (at most MAX_REMINDERS times)."""
    moment = moment or now()
    due = await VerificationRequest.select(VerificationRequest.id, VerificationRequest.reminders_sent).where(
        (VerificationRequest.method == "email_link") & (VerificationRequest.status == "pending")
        & (VerificationRequest.last_sent_at < moment - REMIND_AFTER)
        & (VerificationRequest.reminders_sent < MAX_REMINDERS)
    )
    for request in due:
        await _send_link(mailer, base_url, request["id"], reminder=True)
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
        (VerificationRequest.method == "mentor") & (VerificationRequest.status == "pending")
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
