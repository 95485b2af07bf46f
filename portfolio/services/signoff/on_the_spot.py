"""Verified on the spot: the supervisor signs on the student's phone, and a receipt e-mailed to them lets them
confirm it or say "this was not me". It counts only once confirmed (state.verification_state): by the supervisor
from the receipt, or by staff who checked with them."""

from __future__ import annotations

import secrets
from typing import Any, Iterable

from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.errors import LinkInvalid, NotFound
from portfolio.forms.verification import OnTheSpotForm
from portfolio.services import audit, mentoring
from portfolio.services.accounts import CurrentUser, token_hash
from portfolio.services.emails import Emails
from portfolio.services.signoff.asking import (
    create_request,
    entries_to_ask,
    refuse_student_addresses,
)
from portfolio.services.signoff.decisions import attested, record
from portfolio.services.signoff.links import request_view
from portfolio.services.signoff.state import confirmable, entries_for_verifier, refresh_shown
from portfolio.tables import Experience, RequestItem, SignOff, User, VerificationRequest
from portfolio.vocabulary import Decision, EntryStatus, Method, RequestStatus


async def verify_on_device(emails: Emails, student: CurrentUser, entry_ids: Iterable[Any], signed: OnTheSpotForm) -> int:
    """A supervisor verifies on the student's phone; a receipt e-mail lets them say "this was not me"."""
    supervisor = signed.supervisor
    raw = secrets.token_urlsafe(32)
    verifier = {"verifier_name": supervisor.name, "verifier_title": supervisor.title,
                "verifier_organization": supervisor.organization, "verifier_email": supervisor.email}
    signature = {"signature_png": signed.signature_png, "signature_typed": signed.signature_typed}
    await refuse_student_addresses(student, supervisor)
    async with write_transaction():
        entries = await entries_to_ask(student, entry_ids)
        request_id = await create_request(student, entries, method=Method.ON_DEVICE, status=RequestStatus.DECIDED, decided_at=now(),
                                          **supervisor.request_fields())
        seen = await entries_for_verifier([entry["id"] for entry in entries])
        for index, entry in enumerate(entries):
            # One receipt link covers every entry signed together; it is stored on the first sign-off.
            receipt = {"receipt_token_hash": token_hash(raw)} if index == 0 else {}
            await record(entry["id"], request_id, Method.ON_DEVICE, Decision.VERIFIED, entry["content_hash"], verifier,
                         **signature, **receipt, **attested(seen[entry["id"]]))
        await RequestItem.update({RequestItem.decided: True}).where(RequestItem.request == request_id)
        await emails.supervisor_receipt(
            to=supervisor.email, supervisor=supervisor.name, student=student.name,
            entries=entries, token=raw, school_id=student.school_id, sender_id=student.id,
        )
    await audit.record("verification.verified", actor_id=student.id, subject=f"request:{request_id}", method=Method.ON_DEVICE)
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


async def answer_receipt(emails: Emails, raw: str, mine: bool, ip: str = "") -> str:
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
            await Experience.update({Experience.status: EntryStatus.VOIDED}).where(
                Experience.id.is_in(entry_ids) & (Experience.status == EntryStatus.VERIFIED)
            )
            await _tell_staff(emails, request_id, view)
            await _tell_student(emails, view)
        await refresh_shown(item["id"] for item in view["items"])
    await audit.record("verification.receipt_confirmed" if mine else "verification.disputed", subject=f"request:{request_id}", ip=ip)
    return "confirmed" if mine else "disputed"


async def _tell_staff(emails: Emails, request_id: int, view: dict[str, Any]) -> None:
    """Every staff member of the student's school hears of the dispute; inside the dispute's transaction."""
    request = await VerificationRequest.select(VerificationRequest.student.school.as_alias("school"),
                                               VerificationRequest.student.id.as_alias("student_id")).where(
        VerificationRequest.id == request_id
    ).first()
    staff = await mentoring.people_with_role(request["school"], "staff")
    for person in staff:
        await emails.staff_dispute(
            to=person["email"], name=person["name"], student=view["student_name"], student_id=request["student_id"],
            supervisor=view["supervisor_email"], count=len(view["items"]), school_id=request["school"],
        )


async def _tell_student(emails: Emails, view: dict[str, Any]) -> None:
    """The student hears that these hours no longer count; inside the dispute's transaction."""
    student = await User.select(User.email, User.name, User.school).where(User.id == view["student_id"]).first()
    await emails.student_dispute(
        to=student["email"], name=student["name"], supervisor=view["supervisor_name"], count=len(view["items"]),
        school_id=student["school"],
    )


async def confirm_for_supervisor(staff: CurrentUser, student_id: int, signoff_id: int, ip: str = "") -> int:
    """Staff confirm an on-the-spot sign-off its supervisor has not answered, after checking with them: every entry
    signed with it counts from now on, recorded as this staff member's confirmation (never as the supervisor's).
    Returns the entry's id; NotFound unless it is an unanswered sign-off of a student of the staff member's school."""
    row = await SignOff.select(
        SignOff.id, SignOff.request, SignOff.experience, SignOff.method, SignOff.decision, SignOff.confirmed_at,
        SignOff.disputed_at, SignOff.voided_at, SignOff.experience.student.id.as_alias("student"),
        SignOff.experience.student.school.as_alias("school"),
    ).where(SignOff.id == signoff_id).first()
    if (row is None or row["request"] is None or row["student"] != student_id or staff.school_id is None
            or row["school"] != staff.school_id or not confirmable(row)):
        raise NotFound(signoff_id)
    async with write_transaction():
        # Conditional: a receipt answered meanwhile (or a second click) changes nothing here.
        changed = await SignOff.update({SignOff.confirmed_at: now(), SignOff.confirmed_by: staff.id}).where(
            (SignOff.request == row["request"]) & SignOff.confirmed_at.is_null() & SignOff.disputed_at.is_null()
            & SignOff.voided_at.is_null()
        ).returning(SignOff.id, SignOff.experience)
        if not changed:
            raise NotFound(signoff_id)
        await refresh_shown(r["experience"] for r in changed)
    await audit.record("verification.confirmed_by_staff", actor_id=staff.id, subject=f"request:{row['request']}", ip=ip,
                       sign_offs=sorted(r["id"] for r in changed))
    return row["experience"]
