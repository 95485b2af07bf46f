"""What an entry's verification reads: the one rule deciding its state (from services/verification.py), its
sign-off history, warnings about verifier addresses, and a student's whole record."""

from __future__ import annotations

from typing import Any, Mapping

from portfolio.errors import NotFound
from portfolio.parse import mailbox_key
from portfolio.services import attestation, experiences, mentoring
from portfolio.services.accounts import CurrentUser

# The one rule and its stored answer live in services/verification.py (experiences.py refreshes it too); the
# sign-off package names them as its own.
from portfolio.services.verification import refresh_shown, shown_state, verification_state  # noqa: F401
from portfolio.tables import Evidence, Experience, SignOff
from portfolio.vocabulary import METHOD_LABELS, Decision, EntryStatus, Method, Shown

FREE_MAIL = {
    "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "aol.com", "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "gmx.com", "gmx.net", "mail.com",
    "yandex.com", "zoho.com", "fastmail.com", "hey.com",
}


async def entries_for_verifier(experience_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What a verifier sees of each entry, by id: the entry, its evidence, and the hash it has now (to compare
    with what was asked about or signed). Two queries, whatever the number of entries."""
    if not experience_ids:
        return {}
    rows = await Experience.select(*experiences.ENTRY_COLUMNS).where(Experience.id.is_in(list(experience_ids)))
    files = await Evidence.select(
        Evidence.id, Evidence.experience, Evidence.original_name, Evidence.content_type, Evidence.pages, Evidence.sha256
    ).where(Evidence.experience.is_in(list(experience_ids))).order_by(Evidence.id)
    by_id = {row["id"]: row | {"evidence": []} for row in rows}
    for file in files:
        by_id[file.pop("experience")]["evidence"].append(file)
    for row in by_id.values():
        row["current_hash"] = experiences.content_hash(experiences.fields_of(row), [e["sha256"] for e in row["evidence"]])
    return by_id


async def entry_for_verifier(experience_id: int) -> dict[str, Any]:
    """What a verifier sees of one entry; NotFound if there is none."""
    found = await entries_for_verifier([experience_id])
    if experience_id not in found:
        raise NotFound()
    return found[experience_id]


def email_warning(verifier_email: str, student_email: str) -> str:
    if not verifier_email:
        return ""
    if mailbox_key(verifier_email) == mailbox_key(student_email):
        return "This is the student's own e-mail address."
    domain = verifier_email.rsplit("@", 1)[-1].lower()
    if domain in FREE_MAIL:
        return f"{domain} is a free e-mail service, not a company address."
    return ""


async def histories(experience_ids: list[int], student_email: str) -> dict[int, list[dict[str, Any]]]:
    """Every sign-off of each entry, newest first, with how it was made and any warning about the verifier's
    address. One query."""
    rows = await SignOff.select(*SignOff.all_columns(), SignOff.confirmed_by.name.as_alias("confirmed_by_name")).where(
        SignOff.experience.is_in(list(experience_ids) or [0])
    ).order_by(SignOff.id, ascending=False)
    found: dict[int, list[dict[str, Any]]] = {entry_id: [] for entry_id in experience_ids}
    for row in rows:
        row["domain"] = row["verifier_email"].rsplit("@", 1)[-1] if row["verifier_email"] else ""
        row["warning"] = signoff_warning(row, student_email)
        row["method_label"] = METHOD_LABELS.get(row["method"], row["method"])
        row["confirmable"] = confirmable(row)
        found[row["experience"]].append(row)
    return found


def signoff_warning(signoff: Mapping[str, Any], student_email: str) -> str:
    """What a reader should check about who is behind a sign-off's e-mail address (staff, mentors, employers)."""
    # A mentor signs in with a school account; the warning is about who is behind an e-mail address.
    return "" if signoff["method"] == Method.MENTOR else email_warning(signoff["verifier_email"], student_email)


def confirmable(signoff: Mapping[str, Any]) -> bool:
    """An on-the-spot sign-off the supervisor has not answered yet: staff may confirm it for them."""
    return (signoff["method"] == Method.ON_DEVICE and signoff["decision"] == Decision.VERIFIED
            and signoff["confirmed_at"] is None and signoff["disputed_at"] is None and signoff["voided_at"] is None)


async def history(experience_id: int, student_email: str) -> list[dict[str, Any]]:
    return (await histories([experience_id], student_email))[experience_id]


def files_of(seen: Mapping[str, Any]) -> list[str]:
    """The SHA-256s of an entry's files now, from its row as a verifier sees it (entries_for_verifier)."""
    return [file["sha256"] for file in seen["evidence"]]


async def _latest_signoffs(ids: list[int]) -> dict[int, dict[str, Any]]:
    latest: dict[int, dict[str, Any]] = {}
    for row in await SignOff.select().where(SignOff.experience.is_in(ids or [0])).order_by(SignOff.id, ascending=False):
        latest.setdefault(row["experience"], row)
    return latest


async def states(entries: list[dict[str, Any]]) -> dict[int, str]:
    """Each entry's state by id, for lists of the student's own entries; three queries whatever the number."""
    return (await states_with_news(entries))[0]


async def states_with_news(entries: list[dict[str, Any]]) -> tuple[dict[int, str], dict[str, int]]:
    """The states, and what the student's page tells them of sign-offs made on their phone: how many entries
    wait for the supervisor to confirm, and how many a supervisor disputed (until the student asks again). One
    reading of the sign-offs serves both: the dashboard used to read them twice."""
    ids = [entry["id"] for entry in entries]
    seen = await entries_for_verifier(ids)
    latest = await _latest_signoffs(ids)
    shown = {entry["id"]: verification_state(entry, latest.get(entry["id"]), files_of(seen[entry["id"]]))
             for entry in entries if entry["id"] in seen}
    news = {
        "waiting": sum(1 for state in shown.values() if state == Shown.PENDING_CONFIRMATION),
        "disputed": sum(1 for entry in entries if entry["status"] == EntryStatus.VOIDED
                        and (latest.get(entry["id"]) or {}).get("disputed_at") is not None),
    }
    return shown, news


def _verification(entry: Mapping[str, Any], signoffs: list[dict[str, Any]], seen: Mapping[str, Any]) -> dict[str, Any]:
    latest = signoffs[0] if signoffs else None
    state = verification_state(entry, latest, files_of(seen))
    # Files and a reflection the student added after the sign-off: theirs, shown as such (never voiding it).
    kept = latest if state in (EntryStatus.VERIFIED, Shown.PENDING_CONFIRMATION) and latest and latest["facts_hash"] else None
    return {"state": state, "latest": latest, "history": signoffs, "seen_files": set(latest["evidence_seen"] or ()) if kept else None,
            "reflection_added_after": bool(kept and entry["reflection"]
                                           and attestation.text_hash(entry["reflection"]) != kept["reflection_hash"])}


async def entry_verification(entry: dict[str, Any], student_email: str) -> dict[str, Any]:
    """How an entry's verification reads: its state (the hash checked again, so an entry that changed after
    its sign-off never shows as verified), the newest sign-off, and every sign-off, newest first."""
    signoffs = await history(entry["id"], student_email)
    return _verification(entry, signoffs, await entry_for_verifier(entry["id"]))


async def attested_files(experience_id: int) -> set[str] | None:
    """The SHA-256s of the files the verifier of a verified (or confirming) entry saw; None when nothing is
    verified now, or the sign-off is from before attested files were kept."""
    entry = await entry_for_verifier(experience_id)
    latest = await SignOff.select().where(SignOff.experience == experience_id).order_by(SignOff.id, ascending=False).first()
    return _verification(entry, [latest] if latest else [], entry)["seen_files"]


async def student_record(student: CurrentUser, page: int = 1, holding: int | None = None) -> dict[str, Any]:
    """A student's entries, a page at a time newest first (the page `holding` that entry, when given), with how
    each was verified, their mentors and this year's hours: what staff of their school and their mentors see."""
    if holding is not None:
        page = await experiences.page_holding(student, holding)
    listing = await experiences.page_of(student, page)
    entries = listing.rows
    ids = [entry["id"] for entry in entries]
    seen = await entries_for_verifier(ids)
    signoffs = await histories(ids, student.email)
    for entry in entries:
        entry["verification"] = _verification(entry, signoffs[entry["id"]], seen[entry["id"]])
    return {
        "student": student,
        "entries": entries,
        "listing": listing,
        "mentors": await mentoring.mentors_of(student),
        "summary": await experiences.year_summary(student),
    }
