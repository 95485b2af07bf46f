"""Agreements and documents a school keeps with a partner: checked and stored like student evidence (the same
sniffing, size limit and store), opened only by that school's staff and admins, and watched for expiry.

A renewal is a new document: the one it replaces is kept, marked by `replaced_by`, and no longer counts for
expiry. Deleting the renewal makes the one it replaced current again."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from portfolio import db
from portfolio.errors import FormErrors, NotFound
from portfolio.forms.partner_documents import DocumentForm
from portfolio.partner_tables import PartnerDocument
from portfolio.partner_vocabulary import DocumentState
from portfolio.services import evidence
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners.scope import relationship, sees_every_school
from portfolio.storage import EvidenceStore
from portfolio.vocabulary import Role

EXPIRY_SOON_DAYS = 60
NO_FILE = "Choose the file: a PDF, or a photo of the signed paper (JPEG, PNG, WebP or HEIC)."


def state(row: dict[str, Any], today: date) -> DocumentState:
    if row["replaced_by"] is not None:
        return DocumentState.SUPERSEDED
    expires = row["expires_on"]
    if expires is not None and expires < today:
        return DocumentState.EXPIRED
    if expires is not None and expires <= today + timedelta(days=EXPIRY_SOON_DAYS):
        return DocumentState.EXPIRING
    return DocumentState.CURRENT


def watched(today: date) -> Any:
    """The where-clause of documents that need renewing: not replaced, expired or expiring within 60 days."""
    return (PartnerDocument.replaced_by.is_null() & PartnerDocument.expires_on.is_not_null()
            & (PartnerDocument.expires_on <= today + timedelta(days=EXPIRY_SOON_DAYS)))


def _of_schools(user: CurrentUser) -> Any:
    if sees_every_school(user):
        return PartnerDocument.id > 0
    return PartnerDocument.partner.school == (user.school_id if user.school_id is not None else -1)


async def for_partner(user: CurrentUser, partner_id: int, today: date) -> list[dict[str, Any]]:
    """A partner's documents, the ones in force first (soonest to expire first), the replaced ones after."""
    await relationship(user, partner_id)
    rows = await PartnerDocument.select().where(PartnerDocument.partner == partner_id).order_by(
        PartnerDocument.uploaded_at, ascending=False).order_by(PartnerDocument.id, ascending=False)
    for row in rows:
        row["state"] = state(row, today)
    order = {DocumentState.EXPIRED: 0, DocumentState.EXPIRING: 1, DocumentState.CURRENT: 2, DocumentState.SUPERSEDED: 3}
    return sorted(rows, key=lambda r: (order[r["state"]], r["expires_on"] or date.max))


async def expiring(user: CurrentUser, today: date) -> list[dict[str, Any]]:
    """Documents of the person's school's partners (an admin: every school's) expired or expiring within 60
    days, the longest expired first."""
    rows = await PartnerDocument.select(
        PartnerDocument.id, PartnerDocument.partner, PartnerDocument.kind, PartnerDocument.title,
        PartnerDocument.expires_on, PartnerDocument.replaced_by,
        PartnerDocument.partner.organization.name.as_alias("partner_name"),
        PartnerDocument.partner.school.name.as_alias("school_name"),
    ).where(_of_schools(user) & watched(today)).order_by(PartnerDocument.expires_on).order_by(PartnerDocument.id)
    for row in rows:
        row["state"] = state(row, today)
    return rows


async def count_expiring(school_id: int, today: date) -> int:
    return await PartnerDocument.count().where((PartnerDocument.partner.school == school_id) & watched(today))


async def get(user: CurrentUser, partner_id: int, document_id: int) -> dict[str, Any]:
    """A document of a partner the person may see; NotFound otherwise, whatever the reason."""
    await relationship(user, partner_id)
    row = await PartnerDocument.select().where(
        (PartnerDocument.id == document_id) & (PartnerDocument.partner == partner_id)).first()
    if row is None:
        raise NotFound("document")
    return row


async def open_for(user: CurrentUser, document_id: int) -> dict[str, Any]:
    """The access policy of a document's file: staff of the partner's school, and admins. Anyone else (another
    school's staff, students, mentors, employers) is told there is no such file."""
    if not user.has(Role.STAFF, Role.ADMIN):
        raise NotFound("document")
    row = await PartnerDocument.select().where((PartnerDocument.id == document_id) & _of_schools(user)).first()
    if row is None:
        raise NotFound("document")
    return row


async def add(
    store: EvidenceStore,
    user: CurrentUser,
    partner_id: int,
    form: DocumentForm,
    upload: evidence.Upload | None,
    *,
    replaces: int | None = None,
    work_root: Any,
    max_bytes: int,
    max_pixels: int,
) -> int:
    """Check the file as evidence is checked, store it, and record the document (replacing `replaces`, a
    document of the same partner still in force). Returns the new document's id."""
    found = await relationship(user, partner_id)
    if replaces is not None:
        await _replaceable(user, partner_id, replaces)
    if upload is None:
        raise FormErrors({"file": NO_FILE}, form.values)
    try:
        ready = await evidence.check(upload, work_root=work_root, max_bytes=max_bytes, max_pixels=max_pixels)
    except evidence.Rejected as refused:
        raise FormErrors(refused.errors, form.values) from None
    try:
        checked = ready.prepared
        key = f"partners/{found['school']}/{partner_id}/{uuid.uuid4().hex}/original.{evidence.EXTENSIONS[checked['mime']]}"
        await store.put_file(key, checked["cleaned"], checked["mime"])
    finally:
        await evidence.discard(ready)
    try:
        async with db.write_transaction():
            if replaces is not None:
                await _replaceable(user, partner_id, replaces)  # nobody replaced it meanwhile
            inserted = await PartnerDocument.insert(PartnerDocument(
                partner=partner_id, kind=form.kind, title=form.title, signed_on=form.signed_on,
                expires_on=form.expires_on, storage_key=key, original_name=checked["original_name"],
                content_type=checked["mime"], size=checked["size"], sha256=checked["sha256"], uploaded_by=user.id,
            )).returning(PartnerDocument.id)
            new_id = inserted[0]["id"]
            if replaces is not None:
                await PartnerDocument.update({PartnerDocument.replaced_by: new_id}).where(PartnerDocument.id == replaces)
    except BaseException:
        await store.delete(key)
        raise
    return new_id


async def _replaceable(user: CurrentUser, partner_id: int, document_id: int) -> dict[str, Any]:
    row = await get(user, partner_id, document_id)
    if row["replaced_by"] is not None:
        raise NotFound("document")  # only the document in force is renewed
    return row


async def remove(store: EvidenceStore, user: CurrentUser, partner_id: int, document_id: int) -> dict[str, Any]:
    """Delete a document and its file; one it had replaced is in force again."""
    row = await get(user, partner_id, document_id)
    async with db.write_transaction():
        await PartnerDocument.update({PartnerDocument.replaced_by: None}).where(
            PartnerDocument.replaced_by == document_id)
        await PartnerDocument.delete().where(PartnerDocument.id == document_id)
    await store.delete(row["storage_key"])
    return row
