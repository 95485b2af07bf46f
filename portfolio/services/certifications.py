"""Industry-recognized certifications (IBCs) a student records, with their evidence."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from typing import Any, Mapping

from portfolio import clock
from portfolio.db import write_transaction
from portfolio.errors import NotEditable, NotFound
from portfolio.forms.certification import CertificationForm
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.experiences import school_of
from portfolio.storage import EvidenceStore
from portfolio.tables import Certification, CertificationSignOff, Evidence
from portfolio.vocabulary import EntryStatus

EXPIRING_DAYS = 60
# A verified certification may still be edited: the edit voids its verification (see void_after_edit).
EDITABLE = (EntryStatus.DRAFT, EntryStatus.CHANGES_REQUESTED, EntryStatus.VOIDED, EntryStatus.VERIFIED)
DELETABLE = (EntryStatus.DRAFT, EntryStatus.CHANGES_REQUESTED, EntryStatus.VOIDED)


def content_hash(clean: Mapping[str, Any], evidence_hashes: list[str] | tuple[str, ...] = ()) -> str:
    seen = {
        "name": clean["name"],
        "issuer": clean["issuer"],
        "credential_id": clean["credential_id"],
        "issued_on": clean["issued_on"].isoformat(),
        "expires_on": clean["expires_on"].isoformat() if clean["expires_on"] else None,
        "verification_url": clean["verification_url"],
        "evidence": sorted(evidence_hashes),
    }
    return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()


async def evidence_hashes(certification_id: int) -> list[str]:
    rows = await Evidence.select(Evidence.sha256).where(Evidence.certification == certification_id)
    return [row["sha256"] for row in rows]


async def void_after_edit(certification_id: int) -> bool:
    """Inside an edit's transaction: a verified certification that changes loses its verification, visibly.
    The sign-offs stay in its history, marked voided."""
    changed = await Certification.update({Certification.status: EntryStatus.VOIDED}).where(
        (Certification.id == certification_id) & (Certification.status == EntryStatus.VERIFIED)
    ).returning(Certification.id)
    if changed:
        await CertificationSignOff.update({CertificationSignOff.voided_at: clock.now()}).where(
            (CertificationSignOff.certification == certification_id) & CertificationSignOff.voided_at.is_null()
        )
    return bool(changed)


async def refresh_hash(certification_id: int) -> None:
    row = await Certification.select().where(Certification.id == certification_id).first()
    if row is not None:
        digest = content_hash(row, await evidence_hashes(certification_id))
        await Certification.update(
            {Certification.content_hash: digest, Certification.updated_at: clock.now()}
        ).where(Certification.id == certification_id)


async def get(student: CurrentUser, certification_id: int) -> dict[str, Any]:
    row = await Certification.select().where(
        (Certification.id == certification_id) & (Certification.student == student.id)
    ).first()
    if row is None:
        raise NotFound(certification_id)
    return row


async def listing(student: CurrentUser) -> list[dict[str, Any]]:
    return await (
        Certification.select()
        .where(Certification.student == student.id)
        .order_by(Certification.issued_on, ascending=False)
        .order_by(Certification.id, ascending=False)
    )


async def expiring(student: CurrentUser, today: date | None = None) -> list[dict[str, Any]]:
    """Certifications that expire within 60 days (or expired in the last 60), soonest first."""
    today = today or clock.today_at(await school_of(student))
    return await (
        Certification.select()
        .where(
            (Certification.student == student.id)
            & (Certification.expires_on >= today - timedelta(days=EXPIRING_DAYS))
            & (Certification.expires_on <= today + timedelta(days=EXPIRING_DAYS))
        )
        .order_by(Certification.expires_on)
    )


def as_form(row: Mapping[str, Any]) -> dict[str, str]:
    return {
        "name": row["name"],
        "issuer": row["issuer"],
        "credential_id": row["credential_id"],
        "issued_on": row["issued_on"].isoformat(),
        "expires_on": row["expires_on"].isoformat() if row["expires_on"] else "",
        "verification_url": row["verification_url"],
    }


async def create(student: CurrentUser, certification: CertificationForm) -> dict[str, Any]:
    clean = certification.fields()
    inserted = await Certification.insert(
        Certification(student=student.id, status=EntryStatus.DRAFT, content_hash=content_hash(clean), **clean)
    ).returning(Certification.id)
    return await get(student, inserted[0]["id"])


async def update(student: CurrentUser, certification_id: int, certification: CertificationForm) -> dict[str, Any]:
    clean = certification.fields()
    async with write_transaction():
        current = await get(student, certification_id)
        if current["status"] not in EDITABLE:
            raise NotEditable()
        digest = content_hash(clean, await evidence_hashes(certification_id))
        if digest == current["content_hash"]:
            return current  # nothing changed: a verification stays valid
        await void_after_edit(certification_id)
        renewed = {Certification.expiry_reminded: None} if clean["expires_on"] != current["expires_on"] else {}
        await Certification.update(
            {
                **{getattr(Certification, name): value for name, value in clean.items()},
                Certification.content_hash: digest,
                Certification.updated_at: clock.now(),
                **renewed,
            }
        ).where(Certification.id == certification_id)
    return await get(student, certification_id)


async def delete(student: CurrentUser, certification_id: int, store: EvidenceStore) -> None:
    async with write_transaction():
        current = await get(student, certification_id)
        if current["status"] not in DELETABLE:
            raise NotEditable("A verified certification cannot be deleted.", title="Cannot delete")
        files = await Evidence.select(Evidence.storage_key, Evidence.thumb_key, Evidence.display_key).where(
            Evidence.certification == certification_id
        )
        await Certification.delete().where(Certification.id == certification_id)
    await store.delete_keys(key for row in files for key in row.values())


# --- expiry reminders -----------------------------------------------------------------------------

REMIND_DAYS = (60, 14)  # before the expiry date; each sent once per expiry date


def _due_reminder(days_left: int, already: int | None) -> int | None:
    """The reminder due now (60 or 14), if it was not sent yet; a certification added 10 days before it
    expires gets only the 14-day one."""
    if days_left < 0:
        return None
    due = min((days for days in REMIND_DAYS if days_left <= days), default=None)
    if due is None or (already is not None and already <= due):
        return None
    return due


async def send_expiry_reminders(emails: Emails) -> int:
    """E-mail students whose certifications expire within 60 and within 14 days, each reminder once: the
    row records the nearest one sent, in the same transaction as the message."""
    today_utc = clock.now().date()
    rows = await Certification.select(
        Certification.id, Certification.name, Certification.expires_on, Certification.expiry_reminded,
        Certification.student.email.as_alias("email"), Certification.student.name.as_alias("student_name"),
        Certification.student.school.as_alias("school"),
        Certification.student.school.timezone.as_alias("timezone"),
    ).where(
        Certification.expires_on.is_not_null()
        # A day of slack either side: the day is the student's school's, not UTC's.
        & (Certification.expires_on >= today_utc - timedelta(days=1))
        & (Certification.expires_on <= today_utc + timedelta(days=max(REMIND_DAYS) + 1))
        & (Certification.student.active == True)  # noqa: E712
    )
    sent = 0
    for row in rows:
        days_left = (row["expires_on"] - clock.today_at(row["timezone"])).days
        due = _due_reminder(days_left, row["expiry_reminded"])
        if due is None:
            continue
        async with write_transaction():
            # Conditional: of two runs at once, or a run retried, only one sends this reminder.
            marked = await Certification.update({Certification.expiry_reminded: due}).where(
                (Certification.id == row["id"]) & (Certification.expires_on == row["expires_on"])
                & (Certification.expiry_reminded.is_null() | (Certification.expiry_reminded > due))
            ).returning(Certification.id)
            if marked:
                await emails.certification_expiry(
                    to=row["email"], name=row["student_name"], certification=row["name"], expires_on=row["expires_on"],
                    days=days_left, certification_id=row["id"], school_id=row["school"],
                )
                sent += 1
    return sent
