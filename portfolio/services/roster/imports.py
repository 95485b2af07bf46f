"""A roster import from start to end: the dry run of an upload, kept for an hour under a token so that its
confirmation applies the same files; the confirmation, which plans again and writes only the plan that was
shown (its fingerprint), and asks a second confirmation when many people would leave; and the nightly
command's run from a folder, which applies at once but never past the 10% rule unless allowed.

The files stay on the server (in the database, so any app process finds them) rather than riding back in the
page: a district's users.csv is megabytes, too much to send back from a phone."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from portfolio import clock
from portfolio.db import lock_row, write_transaction
from portfolio.errors import FormErrors
from portfolio.roster_tables import RosterUpload
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser, token_hash
from portfolio.services.emails import Emails
from portfolio.services.roster import files, planning, writing

UPLOAD_LIFETIME = timedelta(hours=1)
GONE = "This dry run has expired (after an hour) or was applied already. Upload the files again."


@dataclass
class Outcome:
    plan: planning.Plan
    token: str = ""
    written: bool = False
    # "changed": the school's people changed since the dry run shown; "large": the second confirmation is missing
    notice: str = ""


def _problem(message: str) -> FormErrors:
    return FormErrors({"file": message + " Nothing was saved."})


async def _plan(actor: CurrentUser, content: dict[str, bytes], full: bool) -> planning.Plan:
    try:
        roster = files.read(content)
    except files.RosterProblem as problem:
        raise _problem(str(problem)) from None
    found = await planning.plan(actor, roster, full)
    if not found.schools:
        names = ", ".join(sorted(org.name for org in roster.orgs.values())) or "none"
        raise _problem(f"The files name no school you may import into (their schools: {names}).")
    return found


async def dry_run(actor: CurrentUser, uploads: list[tuple[str, bytes]], full: bool) -> Outcome:
    try:
        content = files.unpack(uploads)
    except files.RosterProblem as problem:
        raise _problem(str(problem)) from None
    found = await _plan(actor, content, full)
    raw = secrets.token_urlsafe(32)
    async with write_transaction():
        await RosterUpload.delete().where(RosterUpload.expires_at < clock.now())
        if found.writes:
            await RosterUpload.insert(RosterUpload(token_hash=token_hash(raw), uploaded_by=actor.id,
                                                   content=files.pack(content),
                                                   expires_at=clock.now() + UPLOAD_LIFETIME))
    return Outcome(found, raw if found.writes else "")


async def _apply(actor: CurrentUser, found: planning.Plan, emails: Emails | None, lifetime: timedelta,
                 ip: str, by: str) -> None:
    await writing.write(actor, found, emails, lifetime, ip)
    # Counts only: the files' names and addresses stay out of the audit trail.
    await audit.record("roster.imported", actor_id=actor.id, subject=",".join(f"school:{s}" for s in found.schools),
                       ip=ip, by=by, full=found.full, **found.counts)


async def confirm(actor: CurrentUser, token: str, fingerprint: str, full: bool, large: int | None,
                  emails: Emails | None, lifetime: timedelta, ip: str = "") -> Outcome:
    """Write the dry run under `token`, if it is the one seen (`fingerprint`) and, when more than 10% of a
    school would leave, `large` repeats how many."""
    async with write_transaction():
        upload = await RosterUpload.select(RosterUpload.id, RosterUpload.content).where(
            (RosterUpload.token_hash == token_hash(token)) & (RosterUpload.uploaded_by == actor.id)
            & (RosterUpload.expires_at > clock.now())).first()
        if upload is None:
            raise _problem(GONE)
        # A second confirmation of the same upload (a double tap, two tabs) waits here for the first to commit,
        # then finds the upload gone instead of writing it again.
        await lock_row(RosterUpload, upload["id"])
        if not await RosterUpload.exists().where(RosterUpload.id == upload["id"]):
            raise _problem(GONE)
        found = await _plan(actor, files.unpack([("upload.zip", upload["content"])]), full)
        if found.fingerprint != fingerprint:
            return Outcome(found, token, notice="changed")
        if found.large and large != found.leaving:
            return Outcome(found, token, notice="large")
        await _apply(actor, found, emails, lifetime, ip, "upload")
        await RosterUpload.delete().where(RosterUpload.id == upload["id"])
    return Outcome(found, written=True)


async def from_folder(actor: CurrentUser, folder: Path, allow_large: bool, emails: Emails | None,
                      lifetime: timedelta) -> Outcome:
    """The nightly import of the files an SIS drops in a folder: written at once, unless more than 10% of a
    school would leave and that was not allowed (then nothing is written)."""
    uploads = [(path.name, path.read_bytes()) for path in sorted(folder.iterdir())
               if path.is_file() and path.suffix.lower() in (".csv", ".zip")]
    try:
        content = files.unpack(uploads)
    except files.RosterProblem as problem:
        raise _problem(str(problem)) from None
    async with write_transaction():
        found = await _plan(actor, content, full=True)
        if found.large and not allow_large:
            return Outcome(found, notice="large")
        await _apply(actor, found, emails, lifetime, "", "command")
    return Outcome(found, written=True)
