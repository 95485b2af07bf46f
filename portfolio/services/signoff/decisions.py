"""Recording a decision: the sign-off with the content hash the verifier saw, the entry's new status, the
request closed when its last item is decided, and the student told."""

from __future__ import annotations

from typing import Any, Mapping

from portfolio.clock import now
from portfolio.services import attestation
from portfolio.services.emails import Emails
from portfolio.services.verification import refresh_shown
from portfolio.tables import Experience, RequestItem, SignOff, User, VerificationRequest
from portfolio.vocabulary import EntryStatus, RequestStatus


async def record(
    experience_id: int,
    request_id: int | None,
    method: str,
    decision: str,
    content_hash: str,
    verifier: dict[str, Any],
    comment: str = "",
    **extra: Any,
) -> int:
    """One sign-off, and the entry's new status and shown state; the caller holds the write transaction."""
    inserted = await SignOff.insert(
        SignOff(experience=experience_id, request=request_id, method=method, decision=decision, comment=comment,
                content_hash=content_hash, **verifier, **extra)
    ).returning(SignOff.id)
    await Experience.update({Experience.status: EntryStatus(decision)}).where(Experience.id == experience_id)
    await refresh_shown([experience_id])
    return inserted[0]["id"]


def attested(seen: Mapping[str, Any]) -> dict[str, Any]:
    """What a sign-off over an entry as its verifier sees it now (state.entries_for_verifier) attests."""
    return attestation.attestation(seen, [file["sha256"] for file in seen["evidence"]])


async def close_if_done(request_id: int) -> None:
    open_items = await RequestItem.count().where((RequestItem.request == request_id) & (RequestItem.decided == False))  # noqa: E712
    if open_items == 0:
        await VerificationRequest.update({VerificationRequest.status: RequestStatus.DECIDED, VerificationRequest.decided_at: now()}).where(
            VerificationRequest.id == request_id
        )


async def tell_student(emails: Emails, student_id: int, decision: str, count: int) -> None:
    """Tell the student what was decided; the caller holds the write transaction of the decision."""
    student = await User.select(User.email, User.name, User.school).where(User.id == student_id).first()
    await emails.student_decision(to=student["email"], name=student["name"], decision=decision, count=count,
                                  school_id=student["school"])
