"""A student's shares: to an employer organization or by link, of everything or picked items, expiring and
revocable."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any, Mapping

from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.errors import FormErrors, NotFound
from portfolio.forms.share import ShareForm
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser, token_hash
from portfolio.services.emails import Emails
from portfolio.services.placements import sharing as placement_sharing
from portfolio.services.sharing.consent import may_share_outside
from portfolio.services.sharing.notices import tell_employers
from portfolio.services.sharing.portfolio_view import SHOWN_STATUSES
from portfolio.tables import Certification, Experience, Organization, Share, ShareItem
from portfolio.vocabulary import Audience


async def employer_choices() -> list[dict[str, Any]]:
    return await Organization.select(Organization.id, Organization.name).where(Organization.kind == "employer").order_by(
        Organization.name
    )


async def employer_ids() -> set[int]:
    """The organizations a student may share with (a share form is read against them)."""
    return {o["id"] for o in await employer_choices()}


def link_token(secret: str, share_id: int) -> str:
    """A link share's token: derived from the share and the secret key, so the student can be shown it again
    while only its hash is stored (a copy of the database alone opens nothing). 32 URL-safe characters."""
    digest = hmac.new(secret.encode(), f"share-link.{share_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


async def create(emails: Emails, student: CurrentUser, share: ShareForm, secret: str = "") -> tuple[int, str | None]:
    """A new share; returns its id and, for a link, the token (never stored; `link_of` derives it again from
    the secret key, which a link share needs). The organization's people are told of a share to it."""
    picked_entries, picked_certifications = share.experiences, share.certifications
    if not share.everything:
        own_entries = {r["id"] for r in await Experience.select(Experience.id).where(Experience.student == student.id)}
        own_certs = {r["id"] for r in await Certification.select(Certification.id).where(Certification.student == student.id)}
        if not set(picked_entries) <= own_entries or not set(picked_certifications) <= own_certs:
            raise NotFound("items")
    if not await may_share_outside(student):
        raise FormErrors({"audience": "You are under 18: a parent or guardian must agree before you share outside your school."})
    audience, organization, everything, label, days = share.audience, share.organization, share.everything, share.label, share.days
    is_link = audience == Audience.LINK
    if is_link and not secret:
        raise ValueError("a link share needs the secret key")
    raw = None
    async with write_transaction():
        # The token needs the share's id: a link share is made with an unguessable placeholder hash first.
        inserted = await Share.insert(
            Share(student=student.id, organization=organization,
                  token_hash=token_hash(secrets.token_urlsafe(24)) if is_link else None,
                  everything=everything, label=label, expires_at=now() + timedelta(days=days))
        ).returning(Share.id)
        share_id = inserted[0]["id"]
        if is_link:
            raw = link_token(secret, share_id)
            await Share.update({Share.token_hash: token_hash(raw)}).where(Share.id == share_id)
        items = [ShareItem(share=share_id, experience=e) for e in picked_entries]
        items += [ShareItem(share=share_id, certification=c) for c in picked_certifications]
        if not everything:
            if items:
                await ShareItem.insert(*items)
            await placement_sharing.include(student.id, share_id, share.evaluations)
        if organization is not None:
            await tell_employers(emails, organization, student.id)
    await audit.record("share.created", actor_id=student.id, subject=f"share:{share_id}", audience=audience)
    return share_id, raw


async def link_of(student: CurrentUser, share_id: int, secret: str) -> str:
    """The token of the student's own live link share, to show it again. NotFound for anything else: another
    student's share, a share to an organization, an expired or revoked one, or one whose token the key no longer
    derives (the secret key changed since)."""
    row = await Share.select(Share.token_hash, Share.expires_at, Share.revoked_at).where(
        (Share.id == share_id) & (Share.student == student.id)
    ).first()
    if row is None or not row["token_hash"] or _state(row, now()) != "active":
        raise NotFound(share_id)
    raw = link_token(secret, share_id)
    if not hmac.compare_digest(token_hash(raw), row["token_hash"]):
        raise NotFound(share_id, "This link can no longer be shown. Revoke it and make a new one.")
    return raw


async def revoke(student: CurrentUser, share_id: int) -> None:
    changed = await Share.update({Share.revoked_at: now()}).where(
        (Share.id == share_id) & (Share.student == student.id) & Share.revoked_at.is_null()
    ).returning(Share.id)
    if not changed:
        raise NotFound(share_id)
    await audit.record("share.revoked", actor_id=student.id, subject=f"share:{share_id}")


def _state(share: Mapping[str, Any], moment: datetime) -> str:
    if share["revoked_at"]:
        return "revoked"
    return "expired" if share["expires_at"] <= moment else "active"


async def shares_of(student: CurrentUser) -> list[dict[str, Any]]:
    rows = await Share.select(
        Share.id, Share.organization, Share.token_hash, Share.everything, Share.label, Share.expires_at,
        Share.revoked_at, Share.created_at, Share.organization.name.as_alias("organization_name"),
    ).where(Share.student == student.id).order_by(Share.id, ascending=False)
    moment = now()
    counts = await _item_counts([r["id"] for r in rows])
    for row in rows:
        row["state"] = _state(row, moment)
        row["kind"] = "link" if row["token_hash"] else "organization"
        row["items"] = counts.get(row["id"], 0)
        del row["token_hash"]
    return rows


async def share_choices(student: CurrentUser) -> dict[str, list[dict[str, Any]]]:
    """What a student may pick for a share: their entries a portfolio shows (never rejected ones), and their
    certifications."""
    entries = await Experience.select(Experience.id, Experience.title, Experience.date, Experience.status).where(
        (Experience.student == student.id) & Experience.status.is_in(list(SHOWN_STATUSES))
    ).order_by(Experience.date, ascending=False)
    certs = await Certification.select(Certification.id, Certification.name, Certification.issued_on).where(
        Certification.student == student.id
    ).order_by(Certification.issued_on, ascending=False)
    return {"experiences": entries, "certifications": certs, "evaluations": await placement_sharing.choices(student.id)}


async def _item_counts(share_ids: list[int]) -> dict[int, int]:
    if not share_ids:
        return {}
    rows = await ShareItem.select(ShareItem.share).where(ShareItem.share.is_in(share_ids))
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["share"]] = counts.get(row["share"], 0) + 1
    return counts


async def shares_including(student: CurrentUser, *, experience_id: int | None = None,
                           certification_id: int | None = None) -> list[dict[str, Any]]:
    """The student's active shares that show this entry or certification: those of everything and those that
    picked it. Two queries."""
    rows = await Share.select(
        Share.id, Share.organization, Share.token_hash, Share.everything, Share.label, Share.expires_at,
        Share.organization.name.as_alias("organization_name"),
    ).where((Share.student == student.id) & Share.revoked_at.is_null() & (Share.expires_at > now())).order_by(Share.id)
    picked_ids = [r["id"] for r in rows if not r["everything"]]
    item = ShareItem.experience == experience_id if experience_id is not None else ShareItem.certification == certification_id
    picked = {r["share"] for r in await ShareItem.select(ShareItem.share).where(ShareItem.share.is_in(picked_ids or [0]) & item)}
    found = []
    for row in rows:
        if row["everything"] or row["id"] in picked:
            row["kind"] = "link" if row["token_hash"] else "organization"
            del row["token_hash"]
            found.append(row)
    return found
