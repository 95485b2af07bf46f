"""The one rule deciding what an entry's verification reads, and its answer kept on each entry.

The rule (verification_state) is checked afresh wherever one student's entries are shown: the portfolio, its
PDF and the entry's page hash the facts again, so data changed behind the app's back never reads as verified.
Lists across many students (the employer's) trust Experience.shown_verified instead, which refresh_shown keeps
equal to the rule after every write that can change its inputs: the entry's status and attested facts, its
files, and its latest sign-off. This module sits outside services.signoff so that experiences.py, which the
sign-off package imports, may call refresh_shown too."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from portfolio.services import attestation
from portfolio.tables import Evidence, Experience, SignOff
from portfolio.vocabulary import Decision, EntryStatus, Method, Shown

# What the rule reads of an entry: its status, and what a sign-off attests (fields_of names them all).
RULE_COLUMNS = (
    Experience.id, Experience.status, Experience.kind, Experience.title, Experience.organization_name,
    Experience.date, Experience.minutes, Experience.reflection, Experience.cluster.code.as_alias("cluster_code"),
    Experience.shown_verified,
)
BATCH = 500


def verification_state(entry: Mapping[str, Any], latest: Mapping[str, Any] | None, files: Sequence[str]) -> str:
    """What to show for an entry: the one rule every page, list, total and document follows. What the sign-off
    attests is checked every time (the facts, and each file the verifier saw among `files`, the SHA-256s of the
    entry's files now): a change to any of it is never shown as verified. An on-the-spot sign-off was made on the
    student's own phone, so it counts only once the supervisor confirmed it from their own address (or staff did
    for them): until then it waits, however long that takes."""
    status = entry["status"]
    if status != EntryStatus.VERIFIED:
        return status
    if (latest is None or latest["voided_at"] or latest["decision"] != Decision.VERIFIED
            or not attestation.still_attested(latest, entry, list(files))):
        return EntryStatus.VOIDED
    if latest["method"] == Method.ON_DEVICE and latest["confirmed_at"] is None:
        return Shown.PENDING_CONFIRMATION
    return EntryStatus.VERIFIED


def shown_state(entry: Mapping[str, Any], latest: Mapping[str, Any] | None, files: Sequence[str]) -> str:
    """What a viewer outside the school reads (employers, link visitors, the PDF): verified by the one rule, or
    self-reported (drafts, waiting, voided alike)."""
    state = verification_state(entry, latest, files)
    return state if state == EntryStatus.VERIFIED else Shown.SELF_REPORTED


async def rule_answers(experience_ids: Iterable[int]) -> dict[int, tuple[bool, bool]]:
    """Each entry's (stored, fresh) answer by id: the shown_verified column, and the rule worked out again from
    its facts, files and latest sign-off. Three queries."""
    ids = sorted(set(experience_ids))
    if not ids:
        return {}
    rows = await Experience.select(*RULE_COLUMNS).where(Experience.id.is_in(ids))
    files: dict[int, list[str]] = {}
    for file in await Evidence.select(Evidence.experience, Evidence.sha256).where(Evidence.experience.is_in(ids)):
        files.setdefault(file["experience"], []).append(file["sha256"])
    latest: dict[int, dict[str, Any]] = {}
    signoffs = SignOff.select(
        SignOff.experience, SignOff.method, SignOff.decision, SignOff.content_hash, SignOff.facts_hash,
        SignOff.evidence_seen, SignOff.confirmed_at, SignOff.voided_at,
    ).where(SignOff.experience.is_in(ids)).order_by(SignOff.id, ascending=False)
    for signoff in await signoffs:
        latest.setdefault(signoff["experience"], signoff)
    return {row["id"]: (bool(row["shown_verified"]),
                        shown_state(row, latest.get(row["id"]), files.get(row["id"], [])) == EntryStatus.VERIFIED)
            for row in rows}


async def refresh_shown(experience_ids: Iterable[int]) -> None:
    """Store the rule's answer on each entry, in batches; called at the end of every write that can change it,
    inside its transaction (the district seed, which knows the answer, writes it as it inserts)."""
    ids = sorted(set(experience_ids))
    for start in range(0, len(ids), BATCH):
        answers = await rule_answers(ids[start:start + BATCH])
        for value in (True, False):
            stale = [entry_id for entry_id, (stored, fresh) in answers.items() if fresh is value and stored is not value]
            if stale:
                await Experience.update({Experience.shown_verified: value}).where(Experience.id.is_in(stale))


async def refresh_verified() -> None:
    """Store the rule's answer on every entry that may be verified (no other can be): what the migration that
    added the column runs over the entries already there (about 10 s for 100,000 entries on SQLite)."""
    rows = await Experience.select(Experience.id).where(
        (Experience.status == EntryStatus.VERIFIED) | (Experience.shown_verified == True)  # noqa: E712
    )
    await refresh_shown(row["id"] for row in rows)
