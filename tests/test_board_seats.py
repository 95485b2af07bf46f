"""Board seats end rather than go away: past meetings, their edit form and their minutes still name a member who
left; a meeting's choices are the members seated on its date; a person seated again after a gap gets a new
seat (one open seat per person per board); a contact marked as left leaves the school's boards at once."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from portfolio import clock
from portfolio.errors import FormErrors, NotFound
from portfolio.forms.programs import MemberForm, parse_meeting, parse_member
from portfolio.program_tables import BoardMember
from portfolio.services.partners import contacts
from portfolio.services.programs import board
from tests.factories import browser_of, csrf_headers, pdf_text, post
from tests.test_programs import meet, new_program, partner_contact

SEATED = date(2026, 9, 1)
OLD_MEETING = date(2026, 10, 1)
NOON = datetime(2027, 3, 15, 17, 0, tzinfo=timezone.utc)  # Mar 15, 2027 at the test school
LATER = datetime(2027, 5, 3, 17, 0, tzinfo=timezone.utc)


async def seated_board(make_user, school):
    """A program whose board seats Maria Lopez (a partner contact) and a staff member from SEATED, with a
    meeting on OLD_MEETING that both came to: (staff, program, partner, contact, Maria's seat, staff's seat,
    meeting)."""
    staff = await make_user("staff", name="Mr. Okafor")
    program = await new_program(staff)
    partner, contact = await partner_contact(school)
    await board.add_member(staff, program, MemberForm(contact=contact, since=SEATED))
    await board.add_member(staff, program, MemberForm(staff=staff.id, since=SEATED))
    seats = {m["name"]: m["id"] for m in await board.members(program)}
    meeting = await meet(staff, program, OLD_MEETING, seats["Maria Lopez"], seats["Mr. Okafor"])
    return staff, program, partner, contact, seats["Maria Lopez"], seats["Mr. Okafor"], meeting


async def test_an_ended_seat_stays_on_the_meetings_it_came_to_and_leaves_the_choices_after(make_user, school, other_school):
    staff, program, partner, _, maria, okafor, meeting = await seated_board(make_user, school)
    theirs = await make_user("staff", school_id=other_school)
    with clock.fixed(NOON):
        with pytest.raises(NotFound):
            await board.end_member(theirs, program, maria)
        await board.end_member(staff, program, maria)
        with pytest.raises(NotFound):  # an ended seat does not end twice
            await board.end_member(staff, program, maria)
        found = await board.page(staff, program, NOON.date())
    assert [m["id"] for m in found["members"]] == [okafor]
    assert [(m["id"], m["started_on"], m["ended_on"]) for m in found["past_members"]] == [(maria, SEATED, NOON.date())]
    assert [a["name"] for a in (await board.meeting(staff, program, meeting))["attendees"]] == ["Maria Lopez", "Mr. Okafor"]
    # Choices by the meeting's date: before anyone sat, while both sat, after she left; an old meeting keeps her.
    assert (await board.meeting_choices(staff, program, "2026-08-31")).members == {}
    assert set((await board.meeting_choices(staff, program, "2026-12-01")).members) == {maria, okafor}
    after = await board.meeting_choices(staff, program, "2027-04-01")
    assert set(after.members) == {okafor}
    with pytest.raises(FormErrors) as refused:
        parse_meeting({"held_on": "2027-04-01", "attendees": [str(maria)]}, after, NOON.date())
    assert set(refused.value.errors) == {"attendees"}
    # Moved to after she left, the old meeting still keeps her: she came.
    kept = await board.meeting_choices(staff, program, "2027-04-01", meeting)
    assert kept.members[maria] == "Maria Lopez, Tri-County Builders (left the board Mar 2027)"
    assert parse_meeting({"held_on": "2027-04-01", "attendees": [str(maria)]}, kept, NOON.date()).attendees == (maria,)
    # The partner's page lists the seat as past, after the current ones.
    other_program = await new_program(staff, "Auto Tech")
    await board.add_member(staff, other_program, MemberForm(contact=(await board.members(program))[0]["contact"]))
    seats = await board.seats(staff, partner)
    assert [(s["program_name"], s["ended_on"]) for s in seats] == [("Auto Tech", None), ("Welding Technology", NOON.date())]
    with pytest.raises(NotFound):
        await board.seats(theirs, partner)


async def test_a_person_seated_again_the_same_day_reopens_after_a_gap_gets_a_new_seat(make_user, school):
    staff, program, _, contact, maria, _, meeting = await seated_board(make_user, school)
    with clock.fixed(NOON):
        await board.end_member(staff, program, maria)
        await board.add_member(staff, program, MemberForm(contact=contact))  # a mistake undone: the same seat
        assert [(m["id"], m["ended_on"]) for m in await board.members(program) if m["contact"]] == [(maria, None)]
        await board.add_member(staff, program, MemberForm(contact=contact))  # already seated: nothing changes
        await board.end_member(staff, program, maria)
    with clock.fixed(LATER):
        await board.add_member(staff, program, MemberForm(contact=contact))
    seats = [m for m in await board.members(program) if m["contact"]]
    assert [(m["id"] == maria, m["started_on"], m["ended_on"]) for m in seats] == [
        (True, SEATED, NOON.date()), (False, LATER.date(), None)]
    # Each seat is held on its own days only, so she is offered once whatever the date.
    again = seats[1]["id"]
    assert maria in (offered := (await board.meeting_choices(staff, program, "2026-12-01")).members)
    assert again not in offered
    assert maria not in (await board.meeting_choices(staff, program, "2027-05-03")).members
    assert [a["id"] for a in (await board.meeting(staff, program, meeting))["attendees"]][0] == maria
    # The index keeps one open seat per person per board (the driver's own IntegrityError); ended ones may be many.
    with pytest.raises(Exception, match="(?i)unique"):  # noqa: B017
        await BoardMember.insert(BoardMember(program=program, contact=contact, started_on=LATER.date(), created_at=LATER))
    await BoardMember.insert(BoardMember(program=program, contact=contact, started_on=SEATED, ended_on=SEATED,
                                         created_at=LATER))


async def test_the_day_a_member_joined_is_a_date_not_after_today(make_user, school):
    staff = await make_user("staff")
    program = await new_program(staff)
    _, contact = await partner_contact(school)
    choices = (await board.page(staff, program, NOON.date()))["choices"]
    assert parse_member({"member": f"contact-{contact}", "since": "2026-09-01"}, choices, NOON.date()) == MemberForm(
        contact, None, SEATED)
    assert parse_member({"member": f"staff-{staff.id}"}, choices, NOON.date()) == MemberForm(None, staff.id, None)
    for since in ("2027-03-16", "1999-12-31", "09/01/2026"):
        with pytest.raises(FormErrors) as refused:
            parse_member({"member": f"contact-{contact}", "since": since}, choices, NOON.date())
        assert set(refused.value.errors) == {"since"}, since


async def test_a_contact_marked_as_left_leaves_the_boards_in_the_same_step(make_user, school):
    staff, program, partner, contact, maria, okafor, _ = await seated_board(make_user, school)
    with clock.fixed(NOON):
        await contacts.set_active(staff, partner, contact, False)
        await contacts.set_active(staff, partner, contact, False)  # twice: the seat keeps its first end
    with clock.fixed(LATER):
        await contacts.set_active(staff, partner, contact, False)
        await contacts.set_active(staff, partner, contact, True)  # back at the company: not seated again by it
    seats = {m["id"]: m["ended_on"] for m in await board.members(program)}
    assert seats == {maria: NOON.date(), okafor: None}
    # Gone from the partner's active contacts, she is no choice for a new seat either.
    await contacts.set_active(staff, partner, contact, False)
    assert contact not in (await board.page(staff, program, NOON.date()))["choices"].contacts


async def test_staff_end_a_seat_over_http_and_the_old_meeting_still_names_them(make_user, make_client, school, other_school):
    staff, program, partner, contact, maria, _, meeting = await seated_board(make_user, school)
    theirs = await make_user("staff", school_id=other_school)
    student = await make_user("student")
    with clock.fixed(NOON):
        async with browser_of(make_client, theirs) as other:
            response = await other.post(f"/staff/programs/{program}/members/{maria}/remove", headers=csrf_headers(other))
            assert response.status_code == 404
        async with browser_of(make_client, student) as own:
            response = await own.post(f"/staff/programs/{program}/members/{maria}/remove", headers=csrf_headers(own))
            assert response.status_code == 403
        async with browser_of(make_client, staff) as desk:
            assert (await desk.post(f"/staff/programs/{program}/members/{maria}/remove")).status_code == 403  # no token
            ended = await post(desk, f"/staff/programs/{program}/members/{maria}/remove")
            assert ended.status_code == 303 and "done=member_out" in ended.headers["location"]
            assert (await post(desk, f"/staff/programs/{program}/members/{maria}/remove")).status_code == 404
            page = (await desk.get(ended.headers["location"])).text
            assert "Seat ended. Past meetings still name them." in page and "Past members (1)" in page
            assert "Member Sep 2026 – Mar 2027" in page and "Member since Sep 2026" in page and "End seat" in page
            old_form = (await desk.get(f"/staff/programs/{program}/meetings/{meeting}/edit")).text
            assert f'value="{maria}" checked' in old_form and "(left the board Mar 2027)" in old_form
            shown = (await desk.get(f"/staff/programs/{program}/meetings/{meeting}")).text
            assert "Maria Lopez (Tri-County Builders)" in shown
            pdf = pdf_text((await desk.get(f"/staff/programs/{program}/meetings/{meeting}/minutes.pdf")).content)
            assert "Maria Lopez (Tri-County Builders)" in pdf
            # A meeting after her last day cannot name her; the old one, saved again, keeps her.
            data = {"held_on": "2027-03-16", "attendees": [str(maria)]}
            refused = await post(desk, f"/staff/programs/{program}/meetings/new", data)
            assert refused.status_code == 422 and "Choose who came" in refused.text
            saved = await post(desk, f"/staff/programs/{program}/meetings/{meeting}/edit",
                               {"held_on": OLD_MEETING.isoformat(), "attendees": [str(maria)], "minutes": "Kept."})
            assert saved.status_code == 303
            partner_page = (await desk.get(f"/staff/partners/{partner}")).text
            assert "past member, Sep 2026 – Mar 2027" in partner_page
            # Seated again, from a day she gives; a day in the future is refused.
            refused = await post(desk, f"/staff/programs/{program}/members", {"member": f"contact-{contact}",
                                                                              "since": "2027-03-16"})
            assert refused.status_code == 422 and "Enter the day they joined the board" in refused.text
            again = await post(desk, f"/staff/programs/{program}/members", {"member": f"contact-{contact}"})
            assert again.status_code == 303
    assert [a["name"] for a in (await board.meeting(staff, program, meeting))["attendees"]] == ["Maria Lopez"]
    assert [m["ended_on"] for m in await board.members(program) if m["contact"]] == [None]
