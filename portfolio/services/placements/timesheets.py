"""The weekly timesheet: each week (Monday to Sunday, in the school's timezone) holding entries of a placement
not yet verified, its supervisor gets one e-mail with one link to the week's entries: confirm all in one tap,
or change one entry's hours (verified at the supervisor's hours, the student told) or reject one with a comment.
Each confirmation is a sign-off (Method.TIMESHEET) over the entry's content hash as the supervisor saw it: an
entry the student edited since is not confirmed at its old hash, and the page shows it again."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from portfolio import clock
from portfolio.db import engine, write_transaction
from portfolio.errors import Conflict, LinkInvalid, NotFound
from portfolio.formats import hours
from portfolio.forms.placements import EntryChange
from portfolio.opportunity_vocabulary import PlacementLinkPurpose, PlacementStatus
from portfolio.placement_tables import Placement, PlacementLink, TimesheetWeek
from portfolio.services import audit, experiences
from portfolio.services.emails import Emails
from portfolio.services.placements import links
from portfolio.services.placements.records import week_of
from portfolio.services.placements.scope import by_id
from portfolio.services.signoff.decisions import attested, record
from portfolio.services.signoff.state import entries_for_verifier
from portfolio.tables import Experience, User
from portfolio.vocabulary import Decision, EntryStatus, Method

# Entries a supervisor may still confirm: not verified, rejected, or sent to a mentor or another supervisor.
OPEN = (EntryStatus.DRAFT, EntryStatus.VOIDED, EntryStatus.CHANGES_REQUESTED)
LINK_DAYS = 21
REMIND_AFTER = timedelta(days=3)
MAX_REMINDERS = 2


async def _open_entries(placement_id: int, week_start: date) -> list[int]:
    rows = await Experience.select(Experience.id).where(
        (Experience.placement == placement_id) & (Experience.date >= week_start)
        & (Experience.date < week_start + timedelta(days=7)) & Experience.status.is_in(list(OPEN))
    ).order_by(Experience.date).order_by(Experience.id)
    return [row["id"] for row in rows]


async def send_weekly(emails: Emails) -> int:
    """The job (in `portfolio remind`): one e-mail per placement and finished week with open entries, never
    twice (one TimesheetWeek row per placement and week), and reminders of weeks still waiting. Returns how many
    e-mails were queued."""
    sent = 0
    placements = await Placement.select(Placement.id, Placement.school.timezone.as_alias("timezone")).where(
        Placement.status.is_in([PlacementStatus.ACTIVE, PlacementStatus.ENDED]) & Placement.supervisor.is_not_null())
    for found in placements:
        this_week = week_of(clock.today_at(found["timezone"]))
        rows = await Experience.select(Experience.date).where(
            (Experience.placement == found["id"]) & (Experience.date < this_week) & Experience.status.is_in(list(OPEN)))
        for week_start in sorted({week_of(row["date"]) for row in rows}):
            sent += await _send_week(emails, found["id"], week_start)
    return sent + await send_reminders(emails)


async def lock_placement(placement_id: int) -> None:
    if isinstance(engine(), PostgresEngine):
        await Placement.select(Placement.id).where(Placement.id == placement_id).lock_rows()


async def _send_week(emails: Emails, placement_id: int, week_start: date) -> int:
    async with write_transaction():
        # The row is the "sent" mark, checked under the placement's lock (SQLite: the immediate transaction's),
        # with the unique index of (placement, week) behind it.
        await lock_placement(placement_id)
        if await TimesheetWeek.exists().where((TimesheetWeek.placement == placement_id) & (TimesheetWeek.week_start == week_start)):
            return 0
        entries = await _open_entries(placement_id, week_start)
        placement = await by_id(placement_id)
        if not entries or not placement["supervisor_email"]:
            return 0
        row = await TimesheetWeek.insert(TimesheetWeek(placement=placement_id, week_start=week_start, sent_at=clock.now(),
                                                       last_sent_at=clock.now())).returning(TimesheetWeek.id)
        await _mail(emails, placement, row[0]["id"], week_start, len(entries), reminder=False)
    return 1


async def _mail(emails: Emails, placement: dict[str, Any], week_id: int, week_start: date, count: int, reminder: bool) -> None:
    await links.revoke(placement["id"], (PlacementLinkPurpose.TIMESHEET,), week=week_id)
    token = await links.new_link(placement["id"], PlacementLinkPurpose.TIMESHEET, placement["supervisor_email"],
                                 placement["supervisor_name"], week=week_id, days=LINK_DAYS)
    await emails.timesheet(to=placement["supervisor_email"], supervisor=placement["supervisor_name"],
                           student=placement["student_name"], week_start=week_start, count=count, token=token,
                           days=LINK_DAYS, reminder=reminder, school_id=placement["school"])


async def send_reminders(emails: Emails) -> int:
    """A week still waiting 3 days after its last e-mail is sent again with a new link (the old one stops), at
    most twice."""
    due = await TimesheetWeek.select().where(
        TimesheetWeek.done_at.is_null() & (TimesheetWeek.reminders < MAX_REMINDERS)
        & (TimesheetWeek.last_sent_at <= clock.now() - REMIND_AFTER))
    sent = 0
    for week in due:
        async with write_transaction():
            bumped = await TimesheetWeek.update({TimesheetWeek.reminders: TimesheetWeek.reminders + 1,
                                                 TimesheetWeek.last_sent_at: clock.now()}).where(
                (TimesheetWeek.id == week["id"]) & (TimesheetWeek.reminders == week["reminders"])).returning(TimesheetWeek.id)
            entries = await _open_entries(week["placement"], week["week_start"])
            if not bumped or not entries:
                continue
            await _mail(emails, await by_id(week["placement"]), week["id"], week["week_start"], len(entries), reminder=True)
            sent += 1
    return sent


async def week_view(link: dict[str, Any]) -> dict[str, Any]:
    """What the supervisor's link shows: the placement, the week and each of its entries as they are now."""
    if link["purpose"] != PlacementLinkPurpose.TIMESHEET or link["week"] is None:
        raise LinkInvalid("grant")
    week = await TimesheetWeek.select().where(TimesheetWeek.id == link["week"]).first()
    placement = await by_id(link["placement"])
    rows = await Experience.select(Experience.id).where(
        (Experience.placement == placement["id"]) & (Experience.date >= week["week_start"])
        & (Experience.date < week["week_start"] + timedelta(days=7))).order_by(Experience.date).order_by(Experience.id)
    seen = await entries_for_verifier([row["id"] for row in rows])
    entries = [seen[row["id"]] | {"open": seen[row["id"]]["status"] in OPEN} for row in rows]
    return {"placement": placement, "week": week, "entries": entries, "week_end": week["week_start"] + timedelta(days=6),
            "open": [e for e in entries if e["open"]]}


def _verifier(placement: dict[str, Any]) -> dict[str, Any]:
    return {"verifier_name": placement["supervisor_name"], "verifier_title": placement["supervisor_title"],
            "verifier_organization": placement["partner_name"], "verifier_email": placement["supervisor_email"]}


async def _finish_if_done(link: dict[str, Any]) -> None:
    if not await _open_entries(link["placement"], (await TimesheetWeek.select(TimesheetWeek.week_start).where(
            TimesheetWeek.id == link["week"]).first())["week_start"]):
        await TimesheetWeek.update({TimesheetWeek.done_at: clock.now()}).where(TimesheetWeek.id == link["week"])
        await PlacementLink.update({PlacementLink.used_at: clock.now()}).where(PlacementLink.id == link["id"])


async def confirm_all(link_id: int, seen: dict[int, str], ip: str = "") -> dict[str, int]:
    """Confirm each open entry of the week at the hash the supervisor's page showed (`seen`: entry id -> hash).
    An entry changed since is left open and counted as stale (the page shows it again)."""
    async with write_transaction():
        link = await links.usable_link(link_id)
        view = await week_view(link)
        verifier = _verifier(view["placement"])
        confirmed = stale = 0
        for entry in view["open"]:
            if seen.get(entry["id"]) != entry["current_hash"]:
                stale += 1
                continue
            await record(entry["id"], None, Method.TIMESHEET, Decision.VERIFIED, entry["current_hash"], verifier, **attested(entry))
            confirmed += 1
        await _finish_if_done(link)
    await audit.record("placement.timesheet_confirmed", subject=f"placement_link:{link_id}", ip=ip, count=confirmed)
    return {"confirmed": confirmed, "stale": stale}


async def _one_open(link: dict[str, Any], entry_id: int, seen_hash: str) -> tuple[dict[str, Any], dict[str, Any]]:
    view = await week_view(link)
    entry = next((e for e in view["open"] if e["id"] == entry_id), None)
    if entry is None:
        raise NotFound("entry")
    if entry["current_hash"] != seen_hash:
        raise Conflict("The student changed this entry since you opened the page. Check it again below.")
    return view, entry


async def change_hours(emails: Emails, link_id: int, entry_id: int, seen_hash: str, change: EntryChange, ip: str = "") -> None:
    """The entry takes the supervisor's hours and is verified at them; the student is told."""
    assert change.minutes is not None
    async with write_transaction():
        link = await links.usable_link(link_id)
        view, entry = await _one_open(link, entry_id, seen_hash)
        await Experience.update({Experience.minutes: change.minutes}).where(Experience.id == entry_id)
        await experiences.refresh_hash(entry_id)
        changed = (await entries_for_verifier([entry_id]))[entry_id]
        comment = f"Hours changed from {hours(entry['minutes'])} to {hours(change.minutes)} by the supervisor."
        await record(entry_id, None, Method.TIMESHEET, Decision.VERIFIED, changed["current_hash"], _verifier(view["placement"]),
                     comment, **attested(changed))
        await _tell_student(emails, view["placement"], changed, hours(change.minutes), "")
        await _finish_if_done(link)
    await audit.record("placement.timesheet_changed", subject=f"placement_link:{link_id}", ip=ip)


async def reject(emails: Emails, link_id: int, entry_id: int, seen_hash: str, change: EntryChange, ip: str = "") -> None:
    async with write_transaction():
        link = await links.usable_link(link_id)
        view, entry = await _one_open(link, entry_id, seen_hash)
        await record(entry_id, None, Method.TIMESHEET, Decision.REJECTED, entry["current_hash"], _verifier(view["placement"]),
                     change.comment, **attested(entry))
        await _tell_student(emails, view["placement"], entry, "", change.comment)
        await _finish_if_done(link)
    await audit.record("placement.timesheet_rejected", subject=f"placement_link:{link_id}", ip=ip)


async def _tell_student(emails: Emails, placement: dict[str, Any], entry: dict[str, Any], changed_to: str, comment: str) -> None:
    student = await User.select(User.email, User.name).where(User.id == placement["student"]).first()
    await emails.timesheet_decision(to=student["email"], name=student["name"], supervisor=placement["supervisor_name"],
                                    title=entry["title"], day=entry["date"], changed_to=changed_to, comment=comment,
                                    school_id=placement["school"])
