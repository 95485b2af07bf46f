"""Evidence: checking, cleaning and storing the files behind experiences and certifications, and deciding
who may open them.

An upload is refused unless its content is an allowed type; photos lose their location before anything is
stored; nothing unchecked is ever written to the store.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from portfolio import clock
from portfolio.db import write_transaction
from portfolio.errors import Conflict, FormErrors, NotEditable, NotFound
from portfolio.forms.entry import EntryForm
from portfolio.services import (
    certifications,
    experiences,
    media,
    mentoring,
    previews,
    sharing,
)
from portfolio.services.accounts import CurrentUser
from portfolio.storage import EvidenceStore
from portfolio.tables import Evidence, Experience, RequestItem, User

Parent = Literal["experience", "certification"]
IMAGES = {"image/jpeg", "image/png", "image/webp", "image/heic"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic", "application/pdf": "pdf"}
ORPHAN_GRACE = timedelta(hours=1)


LOCKED = "This entry is waiting for verification, so its evidence cannot change now. Cancel the request to change it."


class Rejected(FormErrors):
    """An upload we refuse; the message is for the student."""

    def __init__(self, message: str) -> None:
        super().__init__({"file": message})





@dataclass(frozen=True)
class Upload:
    path: Path
    original_name: str


# --- who may see it -------------------------------------------------------------------------------

async def can_view(actor: CurrentUser | None, evidence: dict[str, Any], link_request: int | None = None) -> bool:
    """The one evidence-access policy: every request for a file asks it.

    The student who uploaded it; their assigned mentors; staff of their school; and a supervisor holding
    an opened verification link, for the entries that link's request names. Shares extend this function.
    """
    if link_request is not None:
        return evidence["experience"] is not None and await RequestItem.exists().where(
            (RequestItem.request == link_request) & (RequestItem.experience == evidence["experience"])
        )
    if actor is None:
        return False
    if evidence["student"] == actor.id:
        return True
    if actor.has("mentor") and await mentoring.is_assigned(actor.id, evidence["student"]):
        return True
    if actor.has("staff") and actor.school_id is not None:
        if await User.exists().where((User.id == evidence["student"]) & (User.school == actor.school_id)):
            return True
    if actor.has("employer"):
        return await shared_file(await sharing.employer_access(actor, evidence["student"]), evidence)
    return False


async def shared_file(access: sharing.Access | None, evidence: dict[str, Any]) -> bool:
    """A file is shared when its entry or certification is, and the entry is one a portfolio shows."""
    if access is None or evidence["student"] != access.student_id:
        return False
    if not access.includes(evidence["experience"], evidence["certification"]):
        return False
    if evidence["experience"] is not None:
        return await Experience.exists().where(
            (Experience.id == evidence["experience"]) & Experience.status.is_in(list(sharing.SHOWN_STATUSES))
        )
    return True


async def get_for(
    actor: CurrentUser | None,
    evidence_id: int,
    link_request: int | None = None,
    share_access: sharing.Access | None = None,
) -> dict[str, Any]:
    """The file row, if this viewer may open it: an account (actor), a supervisor's verification link
    (link_request), or a share link's visitor (share_access). NotFound otherwise, whatever the reason."""
    row = await Evidence.select().where(Evidence.id == evidence_id).first()
    if row is None:
        raise NotFound(evidence_id)
    allowed = await shared_file(share_access, row) if share_access is not None else await can_view(actor, row, link_request)
    if not allowed:
        raise NotFound(evidence_id)
    return row


def as_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "client_uuid": str(row["client_uuid"]) if row["client_uuid"] else None,
        "experience": row["experience"],
        "certification": row["certification"],
        "name": row["original_name"],
        "content_type": row["content_type"],
        "size": row["size"],
        "sha256": row["sha256"],
    }


async def listing(parent: Parent, parent_id: int) -> list[dict[str, Any]]:
    column = Evidence.experience if parent == "experience" else Evidence.certification
    return await Evidence.select().where(column == parent_id).order_by(Evidence.id)


# --- adding and removing --------------------------------------------------------------------------

async def _editable_parent(student: CurrentUser, parent: Parent, parent_id: int) -> None:
    if parent == "experience":
        row = await experiences.get(student, parent_id)
        editable = row["status"] in experiences.EDITABLE
    else:
        row = await certifications.get(student, parent_id)
        editable = row["status"] in certifications.EDITABLE
    if not editable:
        raise NotEditable(LOCKED, title="Cannot remove")


async def _refresh_parent(parent: Parent, parent_id: int) -> None:
    """The files are part of what a verifier signs: a change voids a verification and updates the hash."""
    if parent == "experience":
        await experiences.void_after_edit(parent_id)
        await experiences.refresh_hash(parent_id)
    else:
        await certifications.refresh_hash(parent_id)


def _too_large(limit_mb: int) -> str:
    return f"This file is larger than {limit_mb} MB. Take a smaller photo, or scan fewer pages."


def _preview_problem(mime: str, reason: str) -> str:
    if mime in IMAGES:
        return "This photo could not be read. It may be damaged; take it again or export it as JPEG."
    if reason == "timeout":
        return "This PDF took too long to open. Save it again as a simpler PDF, or upload a photo of it."
    if reason == "too_large":
        return "This PDF has too many pages. Upload only the pages that matter."
    return "This PDF could not be read. It may be damaged or password-protected."


async def _prepare(upload: Upload, work: Path, max_bytes: int, max_pixels: int) -> dict[str, Any]:
    """Check the upload and make what will be stored: the cleaned original and its previews."""
    size = upload.path.stat().st_size
    if size > max_bytes:
        raise Rejected(_too_large(max_bytes // (1024 * 1024)))
    try:
        mime = await asyncio.to_thread(media.sniff, upload.path)
        cleaned = work / f"original.{EXTENSIONS[mime]}"
        thumb = work / "thumb.jpg"
        display = None
        width = height = pages = None
        if mime in IMAGES:
            width, height = await asyncio.to_thread(media.check_image, upload.path, mime, max_pixels)
            await asyncio.to_thread(media.strip_location, upload.path, cleaned, mime)
            await asyncio.to_thread(previews.image_thumbnail, cleaned, mime, thumb)
            if mime == "image/heic":  # browsers other than Safari cannot show HEIC
                display = work / "display.jpg"
                await asyncio.to_thread(previews.image_display, cleaned, mime, display)
        else:
            await asyncio.to_thread(shutil.copyfile, upload.path, cleaned)
            pages = await previews.pdf_preview(cleaned, thumb)
    except media.Rejected as refused:
        raise Rejected(refused.message) from None
    except previews.PreviewFailed as failed:
        raise Rejected(_preview_problem(mime, failed.reason)) from None
    return {
        "original_name": upload.original_name[:255] or "evidence",
        "mime": mime,
        "cleaned": cleaned,
        "thumb": thumb,
        "display": display,
        "sha256": await asyncio.to_thread(media.sha256_of, cleaned),
        "size": cleaned.stat().st_size,
        "width": width,
        "height": height,
        "pages": pages,
    }


@dataclass(frozen=True)
class Ready:
    """A checked and cleaned file, not stored yet. It lives in a work folder of its own: discard() it."""

    work: Path
    prepared: dict[str, Any]


@dataclass(frozen=True)
class Attached:
    row: dict[str, Any]
    created: bool  # False: the client UUID was already used for this file, and this is the first row


async def check(upload: Upload, *, work_root: Path, max_bytes: int, max_pixels: int) -> Ready:
    """Check and clean one upload (raises Rejected), before anything is written anywhere."""
    work_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=work_root))
    try:
        return Ready(work, await _prepare(upload, work, max_bytes, max_pixels))
    except BaseException:
        await discard(Ready(work, {}))
        raise


async def discard(ready: Ready) -> None:
    await asyncio.to_thread(shutil.rmtree, ready.work, True)


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
                await _refresh_parent(parent, parent_id)
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


async def create_entry_with_files(
    evidence_store: EvidenceStore,
    student: CurrentUser,
    entry: EntryForm | FormErrors,
    client_uuid: uuid.UUID,
    files: list[tuple[Upload, uuid.UUID | None]],
    *,
    work_root: Path,
    max_bytes: int,
    max_pixels: int,
) -> experiences.Saved:
    """A new entry and its files (the new-entry form): every file is checked first, then the entry is saved
    with them. `entry` is the form as read, or the problems found reading it: either way the files are checked,
    so FormErrors tells the fields' and the files' problems together, with nothing saved. Conflict when the
    entry's UUID was used for other details. Sent again with the same UUIDs, it answers what was saved and stores nothing."""
    sent = await _sent_with_entry(student, client_uuid, [file_uuid for _, file_uuid in files if file_uuid])
    due = [(upload, file_uuid) for upload, file_uuid in files if file_uuid not in sent]
    checked: list[tuple[Ready, uuid.UUID | None]] = []
    try:
        refused = []
        for upload, file_uuid in due:
            try:
                checked.append((await check(upload, work_root=work_root, max_bytes=max_bytes, max_pixels=max_pixels), file_uuid))
            except Rejected as problem:
                refused.append(f"{upload.original_name}: {problem.message}")
        errors = entry.errors if isinstance(entry, FormErrors) else {}
        if refused:
            errors = errors | {"file": " ".join(refused) + " Nothing was saved yet: choose another file, or save without it."}
        if errors or isinstance(entry, FormErrors):
            raise FormErrors(errors)
        saved = await experiences.create(student, entry, client_uuid)
        for ready, file_uuid in checked:
            try:
                await store_checked(evidence_store, student, "experience", saved.entry["id"], ready, file_uuid)
            except Conflict:  # the UUID came with a form saved before (the back button): a new file
                await store_checked(evidence_store, student, "experience", saved.entry["id"], ready)
            except NotEditable:  # a resend after the entry went for verification: what was saved stays
                break
        return saved
    finally:
        for ready, _ in checked:
            await discard(ready)


async def _sent_with_entry(student: CurrentUser, client_uuid: uuid.UUID, file_uuids: list[uuid.UUID]) -> set[uuid.UUID]:
    """The files of this form already stored with its entry (a resend): not checked or stored again."""
    if not file_uuids:
        return set()
    rows = await Evidence.select(Evidence.client_uuid).where(
        (Evidence.student == student.id)
        & Evidence.client_uuid.is_in(file_uuids)
        & (Evidence.experience.client_uuid == client_uuid)
    )
    return {row["client_uuid"] for row in rows}


async def remove(store: EvidenceStore, student: CurrentUser, evidence_id: int) -> dict[str, Any]:
    """Remove a file from an entry that is not yet verified; returns the row it was."""
    row = await get_for(student, evidence_id)
    parent: Parent = "experience" if row["experience"] else "certification"
    parent_id = row["experience"] or row["certification"]
    async with write_transaction():
        await _editable_parent(student, parent, parent_id)
        await Evidence.delete().where(Evidence.id == evidence_id)
        await _refresh_parent(parent, parent_id)
    await store.delete_keys((row["storage_key"], row["thumb_key"], row["display_key"]))
    return row


# --- consistency ----------------------------------------------------------------------------------

async def fsck(store: EvidenceStore, *, fix: bool = False, now: datetime | None = None) -> dict[str, list[str]]:
    """Rows whose files are missing, and files no row names.

    With fix: delete files no row names once they are an hour old (a younger one may belong to an upload
    that is still being saved), and make missing thumbnails again from the original. Rows whose original is
    missing are only reported: deleting them would hide that evidence was lost.
    """
    now = now or clock.now()
    stored = await store.objects("evidence/")
    rows = await Evidence.select(
        Evidence.id, Evidence.storage_key, Evidence.thumb_key, Evidence.display_key, Evidence.content_type
    )
    named = {key for row in rows for key in (row["storage_key"], row["thumb_key"], row["display_key"]) if key}
    report: dict[str, list[str]] = {"missing_original": [], "missing_preview": [], "orphaned": [], "fixed": []}
    for row in rows:
        if row["storage_key"] not in stored:
            report["missing_original"].append(f"evidence {row['id']}: {row['storage_key']}")
        elif row["thumb_key"] not in stored:
            report["missing_preview"].append(f"evidence {row['id']}: {row['thumb_key']}")
            if fix:
                await _remake_thumbnail(store, row)
                report["fixed"].append(f"made {row['thumb_key']} again")
    for key, modified in sorted(stored.items()):
        if key not in named:
            report["orphaned"].append(key)
            if fix and now - modified > ORPHAN_GRACE:
                await store.delete(key)
                report["fixed"].append(f"deleted {key}")
    return report


async def _remake_thumbnail(store: EvidenceStore, row: dict[str, Any]) -> None:
    work = Path(tempfile.mkdtemp())
    try:
        original = work / "original"
        with original.open("wb") as out:
            async for chunk in store.stream(row["storage_key"]):
                await asyncio.to_thread(out.write, chunk)
        thumb = work / "thumb.jpg"
        if row["content_type"] in IMAGES:
            await asyncio.to_thread(previews.image_thumbnail, original, row["content_type"], thumb)
        else:
            await previews.pdf_preview(original, thumb)
        await store.put_file(row["thumb_key"], thumb, "image/jpeg")
    finally:
        await asyncio.to_thread(shutil.rmtree, work, True)
