"""A workplace supervisor's e-mailed link: it is traded for a short-lived grant, shows the request, and takes
the request's one decision."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.errors import LinkInvalid, NotFound
from portfolio.forms.verification import LinkDecisionForm
from portfolio.services import audit
from portfolio.services.accounts import token_hash
from portfolio.services.emails import Emails
from portfolio.services.signoff.decisions import attested, record, tell_student
from portfolio.services.signoff.state import entries_for_verifier
from portfolio.tables import RequestItem, RequestLink, VerificationRequest
from portfolio.vocabulary import EntryStatus, Method, RequestStatus


async def link_request(raw: str) -> tuple[int, int]:
    """(request id, link id) for a usable link; raises LinkInvalid. Opening changes nothing else."""
    link = await RequestLink.select(RequestLink.id, RequestLink.request, RequestLink.expires_at, RequestLink.used_at,
                                    RequestLink.revoked_at, RequestLink.request.status.as_alias("status")).where(
        RequestLink.token_hash == token_hash(raw)
    ).first()
    if link is None or link["used_at"] or link["revoked_at"] or link["expires_at"] <= now() or link["status"] != RequestStatus.PENDING:
        raise LinkInvalid("link")
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
    if link is None or link["used_at"] or link["revoked_at"] or link["expires_at"] <= now() or link["status"] != RequestStatus.PENDING:
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
    seen = await entries_for_verifier([item["experience"] for item in items])
    request["items"] = [
        seen[item["experience"]] | {"unchanged": seen[item["experience"]]["current_hash"] == item["content_hash"]}
        for item in items
    ]
    return request


async def decide_by_link(emails: Emails, request_id: int, link_id: int, decided: LinkDecisionForm, ip: str = "") -> str:
    """The supervisor's one decision over the whole request. Raises LinkInvalid if the link was used meanwhile."""
    decision, comment, name, title = decided.decision, decided.comment, decided.name, decided.title
    async with write_transaction():
        used = await RequestLink.update({RequestLink.used_at: now()}).where(
            (RequestLink.id == link_id) & RequestLink.used_at.is_null() & RequestLink.revoked_at.is_null()
            & (RequestLink.expires_at > now())
        ).returning(RequestLink.id)
        request = await VerificationRequest.select().where(
            (VerificationRequest.id == request_id) & (VerificationRequest.status == RequestStatus.PENDING)
        ).first()
        if not used or request is None:
            raise LinkInvalid("used")
        verifier = {"verifier_name": name, "verifier_title": title,
                    "verifier_organization": request["supervisor_organization"], "verifier_email": request["supervisor_email"]}
        items = await RequestItem.select().where(RequestItem.request == request_id)
        seen = await entries_for_verifier([item["experience"] for item in items])
        for item in items:
            entry = seen[item["experience"]]
            if entry["status"] == EntryStatus.SUBMITTED and entry["current_hash"] == item["content_hash"]:
                await record(item["experience"], request_id, Method.EMAIL_LINK, decision, item["content_hash"], verifier, comment,
                             **attested(entry))
        await RequestItem.update({RequestItem.decided: True}).where(RequestItem.request == request_id)
        await VerificationRequest.update({VerificationRequest.status: RequestStatus.DECIDED, VerificationRequest.decided_at: now()}).where(
            VerificationRequest.id == request_id
        )
        # One decision per request: every other link for it stops working too.
        await RequestLink.update({RequestLink.revoked_at: now()}).where(
            (RequestLink.request == request_id) & RequestLink.used_at.is_null()
        )
        await tell_student(emails, request["student"], decision, len(items))
    await audit.record(f"verification.{decision}", subject=f"request:{request_id}", ip=ip, method=Method.EMAIL_LINK, link=link_id)
    return decision
