"""Adding a checked file to an entry or certification, and removing one, while the student may still edit
it. The files a verifier saw are part of what they attest: removing one voids the verification (after a
warning); a file added afterwards is the student's own and voids nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portfolio.db import write_transaction
from portfolio.errors import Conflict, NotEditable
from portfolio.services import certifications, experiences
from portfolio.services.accounts import CurrentUser
from portfolio.services.evidence.access import get_for
from portfolio.services.evidence.checking import (
    EXTENSIONS,
    Ready,
    Upload,
    check,
    discard,
)
from portfolio.services.evidence.rows import Parent
from portfolio.storage import EvidenceStore
from portfolio.tables import Evidence

LOCKED = "This entry is waiting for verification, so its evidence cannot change now. Cancel the request to change it."
SEEN = ("{verifier} saw this file when they verified the entry: removing it voids the verification, and you would "
        "need to ask for it again. Use the button that says so to remove it anyway.")


@dataclass(frozen=True)
class Attached:
    row: dict[str, Any]
    created: bool  # False: the client UUID was already used for this file, and this is the first row


async def _editable_parent(student: CurrentUser, parent: Parent, parent_id: int) -> None:
    if parent == "experience":
        row = await experiences.get(student, parent_id)
        editable = row["status"] in experiences.EDITABLE
    else:
        row = await certifications.get(student, parent_id)
        editable = row["status"] in certifications.EDITABLE
    if not editable:
        raise NotEditable(LOCKED, title="Cannot remove")


async def _signed(parent: Parent, parent_id: int) -> dict[str, Any] | None:
    """Inside the change's transaction, before it: the entry's sign-off that makes it verified now, if any."""
    return await experiences.signed_before_change(parent_id) if parent == "experience" else None


async def _refresh_parent(parent: Parent, parent_id: int, signed: dict[str, Any] | None) -> None:
    """After a file came or went: the hash again, and an entry's verification voided unless every file its
    verifier saw is still there."""
    if parent == "experience":
        await experiences.after_change(parent_id, signed)
    else:
        await certifications.void_after_edit(parent_id)
        await certifications.refresh_hash(parent_id)


async def _already_sent(
    student: CurrentUser, client_uuid: uuid.UUID | None, parent: Parent, parent_id: int
) -> dict[str, Any] | None:
    """The file a retried send already stored under this client UUID; Conflict if it went elsewhere."""
    if client_uuid is None:
        return None
    row = await Evidence.select().where((Evidence.student == student.id) & (Evidence.client_uuid == client_uuid)).first()
    if row is not None and row[parent] != parent_id:
        raise Conflict("This client_uuid was already used for a file of another entry.")
    return row


async def store_checked(
    store: EvidenceStore,
    student: CurrentUser,
    parent: Parent,
    parent_id: int,
    ready: Ready,
    client_uuid: uuid.UUID | None = None,
) -> Attached:
    """Store a checked file for an entry or certification the student owns and may still edit; once per
    client UUID (a repeated one answers the first row and stores nothing)."""
    ready_file = ready.prepared
    base = f"evidence/{student.id}/{uuid.uuid4().hex}"
    keys = {
        "storage_key": f"{base}/original.{EXTENSIONS[ready_file['mime']]}",
        "thumb_key": f"{base}/thumb.jpg",
        "display_key": f"{base}/display.jpg" if ready_file["display"] else "",
    }
    await store.put_file(keys["thumb_key"], ready_file["thumb"], "image/jpeg")
    if ready_file["display"]:
        await store.put_file(keys["display_key"], ready_file["display"], "image/jpeg")
    await store.put_file(keys["storage_key"], ready_file["cleaned"], ready_file["mime"])
    try:
        async with write_transaction():
            await experiences.lock_student(student.id)  # one file per client UUID, also when two sends race
            await _editable_parent(student, parent, parent_id)  # still editable now that the upload is done
            first = await _already_sent(student, client_uuid, parent, parent_id)
            if first is None:
                signed = await _signed(parent, parent_id)
                inserted = await Evidence.insert(
                    Evidence(
                        student=student.id,
                        experience=parent_id if parent == "experience" else None,
                        certification=parent_id if parent == "certification" else None,
                        client_uuid=client_uuid,
                        original_name=ready_file["original_name"],
                        content_type=ready_file["mime"],
                        size=ready_file["size"],
                        sha256=ready_file["sha256"],
                        width=ready_file["width"],
                        height=ready_file["height"],
                        pages=ready_file["pages"],
                        **keys,
                    )
                ).returning(Evidence.id)
                await _refresh_parent(parent, parent_id, signed)
    except BaseException:
        await store.delete_keys(keys.values())
        raise
    if first is not None:
        await store.delete_keys(keys.values())
        return Attached(first, created=False)
    return Attached(await Evidence.select().where(Evidence.id == inserted[0]["id"]).first(), created=True)


async def attach(
    evidence_store: EvidenceStore,
    student: CurrentUser,
    parent: Parent,
    parent_id: int,
    upload: Upload,
    *,
    work_root: Path,
    max_bytes: int,
    max_pixels: int,
    client_uuid: uuid.UUID | None = None,
) -> Attached:
    """Check, clean and store one file for an entry or certification the student owns and may still edit."""
    await _editable_parent(student, parent, parent_id)
    first = await _already_sent(student, client_uuid, parent, parent_id)
    if first is not None:  # a retry: answered before the file is checked and cleaned again
        return Attached(first, created=False)
    ready = await check(upload, work_root=work_root, max_bytes=max_bytes, max_pixels=max_pixels)
    try:
        return await store_checked(evidence_store, student, parent, parent_id, ready, client_uuid)
    finally:
        await discard(ready)


async def remove(store: EvidenceStore, student: CurrentUser, evidence_id: int, void_ok: bool = False) -> dict[str, Any]:
    """Remove a file; returns the row it was. A file the verifier of a verified entry saw goes only with `void_ok`
    (the student was warned): it voids the verification."""
    row = await get_for(student, evidence_id)
    parent: Parent = "experience" if row["experience"] else "certification"
    parent_id = row["experience"] or row["certification"]
    async with write_transaction():
        await _editable_parent(student, parent, parent_id)
        signed = await _signed(parent, parent_id)
        if signed is not None and row["sha256"] in seen_files(signed) and not void_ok:
            raise NotEditable(SEEN.format(verifier=signed["verifier_name"]), title="Remove this file?")
        await Evidence.delete().where(Evidence.id == evidence_id)
        await _refresh_parent(parent, parent_id, signed)
    await store.delete_keys((row["storage_key"], row["thumb_key"], row["display_key"]))
    return row


def seen_files(signed: dict[str, Any] | None) -> set[str]:
    """The SHA-256s of the files a sign-off's verifier saw."""
    return set((signed or {}).get("evidence_seen") or ())
