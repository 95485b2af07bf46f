"""Experiences: what a student logs (kind, title, organization, date, hours, cluster, reflection)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Sum

from portfolio import clock
from portfolio.db import engine, write_transaction
from portfolio.errors import Conflict, FormErrors, NotEditable, NotFound
from portfolio.formats import hours
from portfolio.forms.entry import (
    MAX_MINUTES_PER_DAY,
    EntryForm,
    EntryRules,
)
from portfolio.services.accounts import CurrentUser
from portfolio.services.attestation import (
    ATTESTED_FACTS,
    attestation,
    content_hash,
    fields_of,
    still_attested,
)
from portfolio.services.paging import PAGE_SIZE, Page, paged
from portfolio.services.partners.linking import partner_for_name, same_name
from portfolio.services.placements.hours import placement_for_entry
from portfolio.services.verification import refresh_shown
from portfolio.storage import EvidenceStore
from portfolio.tables import (
    EXPERIENCE_KINDS,
    CareerCluster,
    Evidence,
    Experience,
    School,
    SignOff,
    User,
)
from portfolio.vocabulary import Decision, EntryStatus

# A verified entry may still be edited: a change to what its verifier attests voids it (see update).
EDITABLE = (EntryStatus.DRAFT, EntryStatus.CHANGES_REQUESTED, EntryStatus.VOIDED, EntryStatus.VERIFIED)
DELETABLE = (EntryStatus.DRAFT,)


@dataclass(frozen=True)
class Saved:
    entry: dict[str, Any]
    created: bool


# --- time -----------------------------------------------------------------------------------------

# Everything of the school but its logo: pages ask for the school's time zone and year on most requests, and the
# picture (services.school_logo reads it) would come along with each.
_SCHOOL_COLUMNS = School.all_columns(exclude=[School.logo])


async def school_of(user: CurrentUser) -> dict[str, Any]:
    if user.school_id is not None:
        row = await School.select(*_SCHOOL_COLUMNS).where(School.id == user.school_id).first()
        if row:
            return row
    return {"timezone": "America/New_York", "year_start_month": 7, "year_start_day": 1, "name": ""}



def school_year_start(school: Mapping[str, Any], today: date) -> date:
    start = date(today.year, school["year_start_month"], school["year_start_day"])
    return start if start <= today else start.replace(year=today.year - 1)


# --- parsing --------------------------------------------------------------------------------------

async def clusters() -> list[dict[str, Any]]:
    return await CareerCluster.select(CareerCluster.id, CareerCluster.code, CareerCluster.name).where(
        CareerCluster.active == True  # noqa: E712
    ).order_by(CareerCluster.position)


async def today_for(user: CurrentUser) -> date:
    """Today where the user's school is."""
    return clock.today_at(await school_of(user))


async def entry_rules(student: CurrentUser) -> EntryRules:
    """What the student's entry form is checked against: today at their school, and the active clusters."""
    return EntryRules(today=await today_for(student), clusters={c["code"]: c["id"] for c in await clusters()})


async def evidence_hashes(experience_id: int) -> list[str]:
    rows = await Evidence.select(Evidence.sha256).where(Evidence.experience == experience_id)
    return [row["sha256"] for row in rows]


async def void_after_edit(experience_id: int) -> bool:
    """Inside an edit's transaction: a verified entry that changes loses its verification, visibly. The
    sign-offs stay in its history, marked voided."""
    changed = await Experience.update({Experience.status: EntryStatus.VOIDED}).where(
        (Experience.id == experience_id) & (Experience.status == EntryStatus.VERIFIED)
    ).returning(Experience.id)
    if changed:
        await SignOff.update({SignOff.voided_at: clock.now()}).where(
            (SignOff.experience == experience_id) & SignOff.voided_at.is_null()
        )
        await refresh_shown([experience_id])
    return bool(changed)


async def signed_before_change(experience_id: int) -> dict[str, Any] | None:
    """Inside a change's transaction, before it: the sign-off that makes the entry verified now, if any. One from
    before attestations were kept gets what it attests written on it: its hash still matching proves what the
    verifier saw."""
    row = await Experience.select(*ENTRY_COLUMNS).where(Experience.id == experience_id).first()
    if row is None or row["status"] != EntryStatus.VERIFIED:
        return None
    latest = await SignOff.select().where(SignOff.experience == experience_id).order_by(SignOff.id, ascending=False).first()
    files = await evidence_hashes(experience_id)
    if latest is None or latest["voided_at"] or latest["decision"] != Decision.VERIFIED or not still_attested(latest, row, files):
        return None
    if not latest["facts_hash"]:
        pinned = attestation(row, files)
        await SignOff.update({getattr(SignOff, name): value for name, value in pinned.items()}).where(SignOff.id == latest["id"])
        latest |= pinned
    return latest


async def after_change(experience_id: int, signed: Mapping[str, Any] | None) -> None:
    """Inside a change's transaction, after it: the content hash again, and the verification voided unless what
    it attests is still exactly as signed."""
    await refresh_hash(experience_id)
    row = await Experience.select(*ENTRY_COLUMNS).where(Experience.id == experience_id).first()
    if signed is None or not still_attested(signed, row, await evidence_hashes(experience_id)):
        await void_after_edit(experience_id)


def _void_warning(signed: Mapping[str, Any], current: Mapping[str, Any], clean: Mapping[str, Any]) -> str:
    changed = [label for name, label in ATTESTED_FACTS.items() if current[name] != clean[name]]
    what = ", ".join(changed) or "facts"
    return (f"{signed['verifier_name']} verified the {what} of this entry as they were. Saving this change voids the "
            "verification, and you would need to ask for it again. Save again to change it anyway, or put it back.")


async def refresh_hash(experience_id: int) -> None:
    """Recompute after evidence was added or removed: the hash covers the files too."""
    row = await Experience.select(*ENTRY_COLUMNS).where(Experience.id == experience_id).first()
    if row is not None:
        digest = content_hash(fields_of(row), await evidence_hashes(experience_id))
        await Experience.update({Experience.content_hash: digest, Experience.updated_at: clock.now()}).where(
            Experience.id == experience_id
        )
        await refresh_shown([experience_id])  # a file the verifier saw may have gone


# --- reading --------------------------------------------------------------------------------------

ENTRY_COLUMNS = (
    Experience.id,
    Experience.client_uuid,
    Experience.kind,
    Experience.title,
    Experience.organization_name,
    Experience.date,
    Experience.minutes,
    Experience.reflection,
    Experience.status,
    Experience.content_hash,
    Experience.created_at,
    Experience.updated_at,
    Experience.cluster.code.as_alias("cluster_code"),
    Experience.cluster.name.as_alias("cluster_name"),
)


async def get(student: CurrentUser, entry_id: int) -> dict[str, Any]:
    row = await Experience.select(*ENTRY_COLUMNS).where(
        (Experience.id == entry_id) & (Experience.student == student.id)
    ).first()
    if row is None:
        raise NotFound(entry_id)
    return row


async def recent(student: CurrentUser, limit: int = 10, statuses: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The student's newest entries (of these statuses only, when given)."""
    where = Experience.student == student.id
    if statuses:
        where &= Experience.status.is_in(list(statuses))
    return await (
        Experience.select(*ENTRY_COLUMNS)
        .where(where)
        .order_by(Experience.date, ascending=False)
        .order_by(Experience.id, ascending=False)
        .limit(limit)
    )


async def page_of(student: CurrentUser, page: int) -> Page:
    """One page of the student's entries, newest first (two queries, however many entries there are)."""
    rows = (Experience.select(*ENTRY_COLUMNS).where(Experience.student == student.id)
            .order_by(Experience.date, ascending=False).order_by(Experience.id, ascending=False))
    return await paged(Experience.count().where(Experience.student == student.id), rows, page)


async def page_holding(student: CurrentUser, entry_id: int) -> int:
    """The page of page_of on which this entry of the student's is (the first when it is not theirs)."""
    row = await Experience.select(Experience.date).where((Experience.id == entry_id) & (Experience.student == student.id)).first()
    if row is None:
        return 1
    newer = await Experience.count().where((Experience.student == student.id) & (
        (Experience.date > row["date"]) | ((Experience.date == row["date"]) & (Experience.id > entry_id))))
    return newer // PAGE_SIZE + 1


async def year_summary(student: CurrentUser, today: date | None = None) -> dict[str, Any]:
    """Hours this school year: total and by kind (rejected entries do not count)."""
    school = await school_of(student)
    today = today or clock.today_at(school)
    start = school_year_start(school, today)
    rows = await (
        Experience.select(Experience.kind, Sum(Experience.minutes).as_alias("minutes"))
        .where(
            (Experience.student == student.id)
            & (Experience.date >= start)
            & (Experience.date <= today)
            & (Experience.status != EntryStatus.REJECTED)
        )
        .group_by(Experience.kind)
    )
    by_kind = sorted(
        ((EXPERIENCE_KINDS[r["kind"]], int(r["minutes"] or 0)) for r in rows if r["kind"] in EXPERIENCE_KINDS),
        key=lambda item: -item[1],
    )
    return {
        "start": start,
        "total_minutes": sum(minutes for _, minutes in by_kind),
        "by_kind": by_kind,
    }


def as_json(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "client_uuid": str(row["client_uuid"]),
        "kind": row["kind"],
        "title": row["title"],
        "organization": row["organization_name"],
        "date": row["date"].isoformat(),
        "hours": row["minutes"] / 60,
        "cluster": row["cluster_code"],
        "reflection": row["reflection"],
        "status": row["status"],
        "content_hash": row["content_hash"],
    }


def as_form(row: Mapping[str, Any]) -> dict[str, str]:
    return {
        "kind": row["kind"],
        "title": row["title"],
        "organization": row["organization_name"],
        "date": row["date"].isoformat(),
        "hours": hours(row["minutes"]),
        "cluster": row["cluster_code"] or "",
        "reflection": row["reflection"],
    }


async def last_used(student: CurrentUser) -> dict[str, str]:
    """Kind and cluster of the newest entry, to preselect them: most students log the same thing often."""
    row = await (
        Experience.select(Experience.kind, Experience.cluster.code.as_alias("cluster_code"))
        .where(Experience.student == student.id)
        .order_by(Experience.id, ascending=False)
        .first()
    )
    return {"kind": row["kind"], "cluster": row["cluster_code"] or ""} if row else {}


# --- writing --------------------------------------------------------------------------------------

async def lock_student(student_id: int) -> None:
    """Serialize one student's writes, so two entries cannot together pass the 24-hour check.

    SQLite needs nothing here: the immediate transaction already holds the only write lock.
    """
    if isinstance(engine(), PostgresEngine):
        await User.select(User.id).where(User.id == student_id).lock_rows()


async def _minutes_on(student_id: int, day: date, excluding: int | None = None) -> int:
    condition = (Experience.student == student_id) & (Experience.date == day) & (Experience.status != EntryStatus.REJECTED)
    if excluding is not None:
        condition &= Experience.id != excluding
    row = await Experience.select(Sum(Experience.minutes).as_alias("minutes")).where(condition).first()
    return int(row["minutes"] or 0) if row else 0


def _check_day(entry: EntryForm, already: int) -> None:
    """One day holds at most 24 hours across the student's entries."""
    if already + entry.minutes <= MAX_MINUTES_PER_DAY:
        return
    left = max(MAX_MINUTES_PER_DAY - already, 0)
    raise FormErrors(
        {"hours": f"You already logged {hours(already)} hours on this day; at most {hours(left)} more fit in 24 hours."}
    )


def parse_uuid(text: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except (TypeError, ValueError):
        return None


async def create(student: CurrentUser, entry: EntryForm, client_uuid: uuid.UUID) -> Saved:
    """Create an entry once per (student, client UUID).

    The same UUID with the same content returns the first entry (a retried send); with other content
    it raises Conflict; FormErrors when the day would pass 24 hours.
    """
    clean = entry.fields()
    digest = content_hash(clean)
    async with write_transaction():
        await lock_student(student.id)
        existing = await Experience.select(*ENTRY_COLUMNS).where(
            (Experience.student == student.id) & (Experience.client_uuid == client_uuid)
        ).first()
        if existing is not None:
            # Compare the fields only: evidence may have been added to the entry since it was created.
            if content_hash(fields_of(existing)) != digest:
                raise Conflict("This client_uuid was already used for a different entry.")
            return Saved(existing, created=False)
        _check_day(entry, await _minutes_on(student.id, entry.date))
        partner = await partner_for_name(student.school_id, entry.organization)
        inserted = await Experience.insert(
            Experience(
                student=student.id,
                client_uuid=client_uuid,
                kind=entry.kind,
                title=entry.title,
                organization_name=entry.organization,
                cluster=entry.cluster_id,
                date=entry.date,
                minutes=entry.minutes,
                reflection=entry.reflection,
                status=EntryStatus.DRAFT,
                content_hash=digest,
                partner=partner,
                # An entry at the partner of the student's placement under way, within its dates, is the placement's.
                placement=await placement_for_entry(student.id, partner, entry.date),
            )
        ).returning(Experience.id)
    return Saved(await get(student, inserted[0]["id"]), created=True)


async def update(student: CurrentUser, entry_id: int, entry: EntryForm, void_ok: bool = False) -> dict[str, Any]:
    """Save an edit. Of a verified entry, a reflection or career cluster changes freely; a change to an attested
    fact voids the verification, and is refused with a warning (FormErrors) unless `void_ok`."""
    clean = entry.fields()
    async with write_transaction():
        await lock_student(student.id)
        current = await get(student, entry_id)
        if current["status"] not in EDITABLE:
            raise NotEditable()
        _check_day(entry, await _minutes_on(student.id, entry.date, excluding=entry_id))
        files = await evidence_hashes(entry_id)
        new_hash = content_hash(clean, files)
        if new_hash == current["content_hash"]:
            return current  # nothing changed: a verification stays valid
        signed = await signed_before_change(entry_id)
        if signed is None or not still_attested(signed, clean, files):
            if signed is not None and not void_ok:
                raise FormErrors({"form": _void_warning(signed, current, clean)}, {"void_ok": "1"})
            await void_after_edit(entry_id)
        await Experience.update(
            {
                Experience.kind: entry.kind,
                Experience.title: entry.title,
                Experience.organization_name: entry.organization,
                Experience.cluster: entry.cluster_id,
                Experience.date: entry.date,
                Experience.minutes: entry.minutes,
                Experience.reflection: entry.reflection,
                Experience.content_hash: new_hash,
                Experience.updated_at: clock.now(),
            } | await _relinked(student, entry_id, current, entry)
        ).where((Experience.id == entry_id) & (Experience.student == student.id))
        await refresh_shown([entry_id])
    return await get(student, entry_id)


async def _relinked(student: CurrentUser, entry_id: int, current: Mapping[str, Any], entry: EntryForm) -> dict[Any, Any]:
    """A new organization name links anew; the same name keeps the link it has (staff may have merged it). The
    placement follows the partner and the date."""
    if same_name(current["organization_name"]) == same_name(entry.organization):
        partner = (await Experience.select(Experience.partner).where(Experience.id == entry_id).first())["partner"]
        return {Experience.placement: await placement_for_entry(student.id, partner, entry.date)}
    partner = await partner_for_name(student.school_id, entry.organization)
    return {Experience.partner: partner, Experience.placement: await placement_for_entry(student.id, partner, entry.date)}


async def delete(student: CurrentUser, entry_id: int, store: EvidenceStore) -> None:
    """Delete a draft, its evidence rows and then their stored files."""
    async with write_transaction():
        current = await get(student, entry_id)
        if current["status"] not in DELETABLE:
            raise NotEditable("Only drafts can be deleted.", title="Cannot delete")
        files = await Evidence.select(Evidence.storage_key, Evidence.thumb_key, Evidence.display_key).where(
            Evidence.experience == entry_id
        )
        await Experience.delete().where((Experience.id == entry_id) & (Experience.student == student.id))
    await store.delete_keys(key for row in files for key in row.values())
