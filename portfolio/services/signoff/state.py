"""What an entry's verification reads: the one rule deciding its state, its sign-off history, warnings
about verifier addresses, and a student's whole record."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Mapping

from portfolio.clock import now
from portfolio.errors import NotFound
from portfolio.parse import normalize_email
from portfolio.services import experiences, mentoring
from portfolio.services.accounts import CurrentUser
from portfolio.tables import Evidence, Experience, SignOff
from portfolio.vocabulary import METHOD_LABELS, Decision, EntryStatus, Method, Shown

# An on-the-spot sign-off not confirmed by the supervisor shows as pending for this long.
CONFIRM_AFTER = timedelta(days=3)
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
    if normalize_email(verifier_email) == normalize_email(student_email):
        return "This is the student's own e-mail address."
    domain = verifier_email.rsplit("@", 1)[-1].lower()
    if domain in FREE_MAIL:
        return f"{domain} is a free e-mail service, not a company address."
    return ""


async def histories(experience_ids: list[int], student_email: str) -> dict[int, list[dict[str, Any]]]:
    """Every sign-off of each entry, newest first, with how it was made and any warning about the verifier's
    address. One query."""
    rows = await SignOff.select().where(SignOff.experience.is_in(list(experience_ids) or [0])).order_by(
        SignOff.id, ascending=False
    )
    found: dict[int, list[dict[str, Any]]] = {entry_id: [] for entry_id in experience_ids}
    for row in rows:
        row["domain"] = row["verifier_email"].rsplit("@", 1)[-1] if row["verifier_email"] else ""
        # A mentor signs in with a school account; the warning is about who is behind an e-mail address.
        row["warning"] = "" if row["method"] == Method.MENTOR else email_warning(row["verifier_email"], student_email)
        row["method_label"] = METHOD_LABELS.get(row["method"], row["method"])
        found[row["experience"]].append(row)
    return found


async def history(experience_id: int, student_email: str) -> list[dict[str, Any]]:
    return (await histories([experience_id], student_email))[experience_id]


def verification_state(entry: Mapping[str, Any], latest: Mapping[str, Any] | None, current_hash: str, moment: datetime | None = None) -> str:
    """What to show for an entry. The hash is checked every time: a mismatch is never shown as verified."""
    status = entry["status"]
    if status != EntryStatus.VERIFIED:
        return status
    if latest is None or latest["voided_at"] or latest["decision"] != Decision.VERIFIED or latest["content_hash"] != current_hash:
        return EntryStatus.VOIDED
    moment = moment or now()
    if latest["method"] == Method.ON_DEVICE and latest["confirmed_at"] is None and moment - latest["created_at"] < CONFIRM_AFTER:
        return Shown.PENDING_CONFIRMATION
    return EntryStatus.VERIFIED


def _verification(entry: Mapping[str, Any], signoffs: list[dict[str, Any]], current_hash: str) -> dict[str, Any]:
    latest = signoffs[0] if signoffs else None
    return {"state": verification_state(entry, latest, current_hash), "latest": latest, "history": signoffs}


async def entry_verification(entry: dict[str, Any], student_email: str) -> dict[str, Any]:
    """How an entry's verification reads: its state (the hash checked again, so an entry that changed after
    its sign-off never shows as verified), the newest sign-off, and every sign-off, newest first."""
    signoffs = await history(entry["id"], student_email)
    return _verification(entry, signoffs, (await entry_for_verifier(entry["id"]))["current_hash"])


async def student_record(student: CurrentUser) -> dict[str, Any]:
    """A student's entries with how each was verified, their mentors and this year's hours: what staff of
    their school and their mentors see."""
    entries = await experiences.recent(student, limit=1000)
    ids = [entry["id"] for entry in entries]
    seen = await entries_for_verifier(ids)
    signoffs = await histories(ids, student.email)
    for entry in entries:
        entry["verification"] = _verification(entry, signoffs[entry["id"]], seen[entry["id"]]["current_hash"])
    return {
        "student": student,
        "entries": entries,
        "mentors": await mentoring.mentors_of(student),
        "summary": await experiences.year_summary(student),
    }
