"""The new-entry form: an entry and its files saved together, every file checked before anything is."""

from __future__ import annotations

import uuid
from pathlib import Path

from portfolio.errors import Conflict, FormErrors, NotEditable
from portfolio.forms.entry import EntryForm
from portfolio.services import experiences
from portfolio.services.accounts import CurrentUser
from portfolio.services.evidence.attaching import store_checked
from portfolio.services.evidence.checking import Ready, Rejected, Upload, check, discard
from portfolio.storage import EvidenceStore
from portfolio.tables import Evidence


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
