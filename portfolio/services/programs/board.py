"""A program's advisory board: its members (contacts at the school's partners, and staff), its meetings with
who came, and its action items. Every function checks the program is the person's school's first; the forms
were judged against the program's own school's people (choices), so nobody of another school gets a seat."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from portfolio import clock, db
from portfolio.errors import NotFound
from portfolio.forms import iso_date
from portfolio.forms.programs import ActionForm, MeetingForm, MemberForm, ProgramChoices
from portfolio.partner_tables import PartnerContact
from portfolio.partner_vocabulary import ActionStatus
from portfolio.program_tables import ActionItem, BoardMeeting, BoardMember, MeetingAttendee
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners.scope import relationship
from portfolio.services.programs import cadence, records
from portfolio.services.programs.scope import program


async def members(program_id: int) -> list[dict[str, Any]]:
    """The board's seats, current and ended, each with the person's name and where they come from; contacts
    first."""
    rows = await BoardMember.select(
        BoardMember.id, BoardMember.contact, BoardMember.staff, BoardMember.started_on, BoardMember.ended_on,
        BoardMember.contact.name.as_alias("contact_name"),
        BoardMember.contact.title.as_alias("title"), BoardMember.contact.active.as_alias("active"),
        BoardMember.contact.partner.as_alias("partner_id"),
        BoardMember.contact.partner.organization.name.as_alias("partner_name"),
        BoardMember.staff.name.as_alias("staff_name"),
    ).where(BoardMember.program == program_id)
    for row in rows:
        row["name"] = row["contact_name"] if row["contact"] else row["staff_name"]
        row["from"] = row["partner_name"] if row["contact"] else "Staff"
    return sorted(rows, key=lambda r: (r["staff"] is not None, r["name"].lower(), r["started_on"] or date.min))


def seated_on(seat: dict[str, Any], day: date) -> bool:
    """Whether the seat was held on that day (its first and its last day included)."""
    return (seat["started_on"] is None or seat["started_on"] <= day) and (seat["ended_on"] is None or day <= seat["ended_on"])


def _label(seat: dict[str, Any]) -> str:
    ended = f" (left the board {seat['ended_on'].strftime('%b %Y')})" if seat["ended_on"] else ""
    return seat["name"] + (f", {seat['from']}" if seat["contact"] else "") + ended


async def choices(user: CurrentUser, found: dict[str, Any], seats: list[dict[str, Any]] | None = None, *,
                  held_on: date | None = None, came: Iterable[int] = ()) -> ProgramChoices:
    """What the program's forms may choose: its school's staff and students, the active contacts of its
    school's partners who have no open seat, and, as a meeting's attendees, the members seated on its date
    (today's when it has none) together with those already recorded as having come (a member who left since
    stays on an old meeting)."""
    seats = await members(found["id"]) if seats is None else seats
    base = await records.choices(user, found["school"])
    seated_contacts = {s["contact"] for s in seats if s["contact"] and s["ended_on"] is None}
    contacts = await PartnerContact.select(
        PartnerContact.id, PartnerContact.name, PartnerContact.partner.organization.name.as_alias("partner_name"),
    ).where((PartnerContact.partner.school == found["school"]) & (PartnerContact.active == True)  # noqa: E712
            ).order_by(PartnerContact.partner.organization.name).order_by(PartnerContact.name)
    day, kept = held_on or clock.today_at(found["timezone"]), set(came)
    return ProgramChoices(
        clusters=base.clusters, staff=base.staff,
        students=await records.student_choices(found["school"], found["id"]),
        contacts={c["id"]: f"{c['name']}, {c['partner_name']}" for c in contacts if c["id"] not in seated_contacts},
        members={s["id"]: _label(s) for s in seats if seated_on(s, day) or s["id"] in kept},
    )


async def meeting_choices(user: CurrentUser, program_id: int, held_on: str, meeting_id: int | None = None
                          ) -> ProgramChoices:
    """A meeting form's choices for the date it names (NotFound first for another school's program or
    meeting); an edited meeting keeps the attendees it has."""
    found = await program(user, program_id)
    came: list[int] = []
    if meeting_id is not None:
        came = [a["id"] for a in (await meeting(user, program_id, meeting_id))["attendees"]]
    return await choices(user, found, held_on=iso_date(held_on), came=came)


def current(seats: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in seats if s["ended_on"] is None]


async def add_member(user: CurrentUser, program_id: int, form: MemberForm) -> None:
    """A seat from the day chosen (today when none). A person with an open seat keeps it; one whose last
    seat ended on or after that day has it opened again (no gap to record); otherwise a new seat."""
    found = await program(user, program_id)
    since = form.since or clock.today_at(found["timezone"])
    person = (BoardMember.contact == form.contact) if form.contact else (BoardMember.staff == form.staff)
    async with db.write_transaction():
        seats = await BoardMember.select(BoardMember.id, BoardMember.ended_on).where(
            (BoardMember.program == program_id) & person).order_by(BoardMember.id, ascending=False)
        if any(s["ended_on"] is None for s in seats):
            return
        if seats and seats[0]["ended_on"] >= since:
            await BoardMember.update({BoardMember.ended_on: None}).where(BoardMember.id == seats[0]["id"])
            return
        await BoardMember.insert(BoardMember(program=program_id, contact=form.contact, staff=form.staff,
                                             started_on=since, created_at=clock.now()))


async def end_member(user: CurrentUser, program_id: int, member_id: int) -> None:
    """The seat ends today; who came to past meetings and their minutes still name the member."""
    found = await program(user, program_id)
    where = (BoardMember.id == member_id) & (BoardMember.program == program_id) & BoardMember.ended_on.is_null()
    if not await BoardMember.exists().where(where):
        raise NotFound("member")
    await BoardMember.update({BoardMember.ended_on: clock.today_at(found["timezone"])}).where(where)


async def meetings(program_id: int) -> list[dict[str, Any]]:
    rows = await BoardMeeting.select(BoardMeeting.id, BoardMeeting.held_on, BoardMeeting.place).where(
        BoardMeeting.program == program_id).order_by(BoardMeeting.held_on, ascending=False).order_by(
        BoardMeeting.id, ascending=False)
    came = await MeetingAttendee.select(MeetingAttendee.meeting).where(
        MeetingAttendee.meeting.is_in([r["id"] for r in rows] or [0]))
    for row in rows:
        row["attendees"] = sum(1 for c in came if c["meeting"] == row["id"])
    return rows


async def meeting(user: CurrentUser, program_id: int, meeting_id: int) -> dict[str, Any]:
    """The meeting of this program with who came and its action items, or NotFound."""
    found = await program(user, program_id)
    row = await BoardMeeting.select().where(
        (BoardMeeting.id == meeting_id) & (BoardMeeting.program == program_id)).first()
    if row is None:
        raise NotFound("meeting")
    came = await MeetingAttendee.select(MeetingAttendee.member).where(MeetingAttendee.meeting == meeting_id)
    ids = {c["member"] for c in came}
    row["attendees"] = [m for m in await members(program_id) if m["id"] in ids]
    row["actions"] = [a for a in await actions(program_id) if a["meeting"] == meeting_id]
    return row | {"program": found}


def _meeting_fields(form: MeetingForm) -> dict[Any, Any]:
    return {BoardMeeting.held_on: form.held_on, BoardMeeting.place: form.place, BoardMeeting.agenda: form.agenda,
            BoardMeeting.minutes: form.minutes, BoardMeeting.decisions: form.decisions}


async def _attendance(meeting_id: int, attendees: tuple[int, ...]) -> None:
    await MeetingAttendee.delete().where(MeetingAttendee.meeting == meeting_id)
    if attendees:
        await MeetingAttendee.insert(*[MeetingAttendee(meeting=meeting_id, member=m) for m in attendees])


async def record_meeting(user: CurrentUser, program_id: int, form: MeetingForm) -> int:
    await program(user, program_id)
    now = clock.now()
    async with db.write_transaction():
        row = await BoardMeeting.insert(BoardMeeting(program=program_id, created_at=now, updated_at=now,
                                                     **{c._meta.name: v for c, v in _meeting_fields(form).items()})
                                        ).returning(BoardMeeting.id)
        meeting_id = row[0]["id"]
        await _attendance(meeting_id, form.attendees)
        if form.action:
            await _add_action(program_id, form.action, meeting_id)
    return meeting_id


async def edit_meeting(user: CurrentUser, program_id: int, meeting_id: int, form: MeetingForm) -> None:
    await meeting(user, program_id, meeting_id)
    async with db.write_transaction():
        await BoardMeeting.update(_meeting_fields(form) | {BoardMeeting.updated_at: clock.now()}).where(
            BoardMeeting.id == meeting_id)
        await _attendance(meeting_id, form.attendees)
        if form.action:
            await _add_action(program_id, form.action, meeting_id)


def meeting_as_form(row: dict[str, Any]) -> dict[str, Any]:
    return {"held_on": row["held_on"].isoformat(), "place": row["place"], "agenda": row["agenda"],
            "minutes": row["minutes"], "decisions": row["decisions"],
            "attendees": [str(a["id"]) for a in row["attendees"]]}


async def actions(program_id: int) -> list[dict[str, Any]]:
    """The board's action items: open ones first, soonest due first."""
    rows = await ActionItem.select(
        ActionItem.id, ActionItem.meeting, ActionItem.text, ActionItem.owner, ActionItem.owner.name.as_alias("owner_name"),
        ActionItem.due_on, ActionItem.status, ActionItem.done_at,
    ).where(ActionItem.program == program_id).order_by(ActionItem.id)
    return sorted(rows, key=lambda a: (a["status"] != ActionStatus.OPEN, a["due_on"] or date.max, a["id"]))


async def _add_action(program_id: int, form: ActionForm, meeting_id: int | None = None) -> int:
    row = await ActionItem.insert(ActionItem(program=program_id, meeting=meeting_id, text=form.text, owner=form.owner,
                                             due_on=form.due_on, created_at=clock.now())).returning(ActionItem.id)
    return row[0]["id"]


async def add_action(user: CurrentUser, program_id: int, form: ActionForm) -> int:
    await program(user, program_id)
    return await _add_action(program_id, form)


async def set_action_status(user: CurrentUser, program_id: int, action_id: int, status: ActionStatus) -> None:
    await program(user, program_id)
    where = (ActionItem.id == action_id) & (ActionItem.program == program_id)
    if not await ActionItem.exists().where(where):
        raise NotFound("action item")
    done_at = clock.now() if status == ActionStatus.DONE else None
    await ActionItem.update({ActionItem.status: status, ActionItem.done_at: done_at}).where(where)


async def page(user: CurrentUser, program_id: int, today: date) -> dict[str, Any]:
    """Everything the program's page shows: students, the board's members, meetings, action items, cadence,
    and the choices of its forms."""
    found = await program(user, program_id)
    seats = await members(program_id)
    last = (await cadence.last_meetings([program_id], today)).get(program_id)
    return found | {
        "students": await records.students(program_id), "members": current(seats),
        "past_members": sorted((s for s in seats if s["ended_on"]), key=lambda s: s["ended_on"], reverse=True),
        "meetings": await meetings(program_id),
        "actions": await actions(program_id), "last_meeting": last, "overdue": cadence.overdue(last, today),
        "choices": await choices(user, found, seats),
    }


async def seats(user: CurrentUser, partner_id: int) -> list[dict[str, Any]]:
    """The board seats of a partner's contacts, current and ended: which program's board each sits (or sat)
    on; current ones first."""
    await relationship(user, partner_id)
    rows = await BoardMember.select(
        BoardMember.program.as_alias("program_id"), BoardMember.program.name.as_alias("program_name"),
        BoardMember.contact.name.as_alias("contact_name"), BoardMember.contact.active.as_alias("active"),
        BoardMember.started_on, BoardMember.ended_on,
    ).where(BoardMember.contact.partner == partner_id).order_by(BoardMember.program.name).order_by(
        BoardMember.contact.name)
    return sorted(rows, key=lambda r: r["ended_on"] is not None)
