"""Programs of study and their advisory boards: a school's own, with members, meetings, action items and minutes;
a board that has not met in six months is flagged; another school's staff find nothing and seat nobody."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from portfolio import clock
from portfolio.errors import FormErrors, NotFound
from portfolio.forms.programs import ActionForm, MeetingForm, MemberForm, ProgramForm, parse_meeting
from portfolio.partner_tables import PartnerContact, PartnerSchool
from portfolio.program_tables import ActionItem, BoardMeeting, MeetingAttendee, ProgramStudent
from portfolio.services import attention
from portfolio.services.programs import board, cadence, records
from portfolio.tables import Organization
from tests.factories import browser_of, pdf_text, post

TODAY = date(2027, 3, 15)
NOON = datetime(2027, 3, 15, 17, 0, tzinfo=timezone.utc)


async def partner_contact(school_id: int, name: str = "Maria Lopez", organization: str = "Tri-County Builders") -> tuple[int, int]:
    """A partner of the school with one contact: (partner id, contact id)."""
    org = await Organization.insert(Organization(name=organization)).returning(Organization.id)
    partner = await PartnerSchool.insert(PartnerSchool(organization=org[0]["id"], school=school_id, status="active")
                                         ).returning(PartnerSchool.id)
    contact = await PartnerContact.insert(PartnerContact(partner=partner[0]["id"], name=name)).returning(PartnerContact.id)
    return partner[0]["id"], contact[0]["id"]


async def new_program(staff, name: str = "Welding Technology") -> int:
    return await records.create(staff, ProgramForm(name, None))


async def meet(staff, program_id: int, held_on: date, *attendees: int, action: ActionForm | None = None) -> int:
    return await board.record_meeting(staff, program_id, MeetingForm(held_on, "Room 114", "Equipment", "We met.", "",
                                                                     attendees, action))


def test_six_months_before_keeps_the_day_or_takes_the_month_s_last():
    assert cadence.months_before(date(2027, 3, 15)) == date(2026, 9, 15)
    assert cadence.months_before(date(2026, 8, 31)) == date(2026, 2, 28)
    assert cadence.months_before(date(2028, 8, 31)) == date(2028, 2, 29)
    assert cadence.months_before(date(2027, 1, 10)) == date(2026, 7, 10)


async def test_a_board_with_no_meeting_in_six_months_is_flagged_on_the_list_and_the_staff_home(make_user, make_client):
    staff = await make_user("staff")
    quiet, recent, planned = [await new_program(staff, n) for n in ("Auto Tech", "Health Science: CNA", "Welding")]
    await meet(staff, quiet, date(2026, 9, 14))  # one day more than six months ago
    await meet(staff, recent, date(2026, 9, 15))  # exactly six months ago: still on time
    await meet(staff, planned, date(2027, 4, 1))  # planned, not held: it does not count
    listed = {p["name"]: p for p in await records.listing(staff, TODAY)}
    assert listed["Auto Tech"]["overdue"] and listed["Auto Tech"]["last_meeting"] == date(2026, 9, 14)
    assert not listed["Health Science: CNA"]["overdue"]
    assert listed["Welding"]["overdue"] and listed["Welding"]["last_meeting"] is None
    needs = await attention.for_staff(staff.school_id, staff.id, TODAY)
    assert needs.boards.count == 2 and not needs.nothing
    with clock.fixed(NOON):
        async with browser_of(make_client, staff) as desk:
            home = (await desk.get("/staff")).text
            listing = (await desk.get("/staff/programs")).text
    assert re.search(r'href="/staff/programs"><span class="attention-count">2</span> '
                     r'<span class="attention-label">advisory boards with no meeting in 6 months', home)
    assert listing.count("No meeting in 6 months") == 2
    # A meeting today lets the first go; one left links straight to its program.
    await meet(staff, quiet, TODAY)
    assert (await attention.for_staff(staff.school_id, staff.id, TODAY)).boards.item == planned


async def test_another_school_s_staff_find_nothing_and_seat_nobody(make_user, other_school, school):
    ours = await make_user("staff")
    theirs = await make_user("staff", school_id=other_school)
    program = await new_program(ours)
    _, contact = await partner_contact(school)
    await board.add_member(ours, program, MemberForm(contact=contact))
    meeting = await meet(ours, program, TODAY)
    for attempt in (board.page(theirs, program, TODAY), board.meeting(theirs, program, meeting),
                    board.add_member(theirs, program, MemberForm(staff=theirs.id)),
                    records.update(theirs, program, ProgramForm("Taken", None)),
                    board.record_meeting(theirs, program, MeetingForm(TODAY, "", "", "", "", ())),
                    records.add_student(theirs, program, theirs.id, TODAY)):
        with pytest.raises(NotFound):
            await attempt
    assert await records.listing(theirs, TODAY) == []
    # The forms' choices are the program's school's people only: their contact and staff are no choice.
    _, their_contact = await partner_contact(other_school, "Other Person", "Other Co")
    found = await board.page(ours, program, TODAY)
    choices = found["choices"]
    assert their_contact not in choices.contacts and theirs.id not in choices.staff and contact not in choices.contacts
    seat = found["members"][0]["id"]
    with pytest.raises(FormErrors) as refused:
        parse_meeting({"held_on": "2027-03-01", "attendees": [str(seat), "999999"], "action_text": "Call",
                       "action_owner": str(theirs.id)}, choices, TODAY)
    assert set(refused.value.errors) == {"attendees", "action_owner"}
    # An admin sees every school's.
    admin = await make_user("admin")
    assert [p["school_name"] for p in await records.listing(admin, TODAY)] == ["Test Career Center"]


async def test_staff_run_a_board_over_http_and_others_are_refused(make_user, make_client, other_school, school):
    staff = await make_user("staff", name="Mr. Okafor")
    student = await make_user("student", name="Jordan Rivera")
    partner, contact = await partner_contact(school)
    theirs = await make_user("staff", school_id=other_school, name="Ms. Elsewhere")
    _, their_contact = await partner_contact(other_school, "Other Person", "Other Co")
    async with browser_of(make_client, staff) as desk:
        assert 'href="/staff/programs"' in (await desk.get("/staff/partners")).text
        response = await post(desk, "/staff/programs/new", {"name": ""})
        assert response.status_code == 422 and "Enter the program" in response.text
        response = await post(desk, "/staff/programs/new", {"name": "Welding Technology"})
        assert response.status_code == 303
        program = int(re.search(r"/staff/programs/(\d+)", response.headers["location"]).group(1))
        # Members: a contact of this school's partner and staff; another school's are a form error.
        for refused in (f"contact-{their_contact}", f"staff-{theirs.id}", "contact-x", ""):
            response = await post(desk, f"/staff/programs/{program}/members", {"member": refused})
            assert response.status_code == 422 and "Choose a contact at one of the school" in response.text, refused
        for member in (f"contact-{contact}", f"staff-{staff.id}"):
            assert (await post(desk, f"/staff/programs/{program}/members", {"member": member})).status_code == 303
        seats = {m["name"]: m["id"] for m in await board.members(program)}
        # Students in and out, with dates kept.
        response = await post(desk, f"/staff/programs/{program}/students", {"student": str(theirs.id)})
        assert response.status_code == 422
        assert (await post(desk, f"/staff/programs/{program}/students", {"student": str(student.id)})).status_code == 303
        assert "Jordan Rivera" in (await desk.get(f"/staff/programs/{program}")).text
        assert (await post(desk, f"/staff/programs/{program}/students/{student.id}/remove")).status_code == 303
        assert (await ProgramStudent.select(ProgramStudent.ended_on).first())["ended_on"] is not None
        # A meeting: a bad date and a stranger as owner come back with the typed text kept.
        data = {"held_on": "2027-13-01", "place": "Room 114", "minutes": "Reviewed the welding booths.",
                "attendees": [str(seats["Maria Lopez"]), str(seats["Mr. Okafor"])],
                "action_text": "Price two new booths", "action_owner": str(theirs.id), "action_due": "2027-04-30"}
        response = await post(desk, f"/staff/programs/{program}/meetings/new", data)
        assert response.status_code == 422 and "Reviewed the welding booths." in response.text
        assert "Enter the meeting" in response.text and "Choose who owns it" in response.text
        response = await post(desk, f"/staff/programs/{program}/meetings/new",
                              data | {"held_on": "2027-03-01", "action_owner": str(staff.id)})
        assert response.status_code == 303
        meeting_url = response.headers["location"].split("?")[0]
        page = (await desk.get(meeting_url)).text
        assert "Maria Lopez (Tri-County Builders)" in page and "Price two new booths" in page
        action = (await ActionItem.select(ActionItem.id).first())["id"]
        assert (await post(desk, f"/staff/programs/{program}/actions/{action}/status", {"status": "done"})).status_code == 303
        assert (await ActionItem.select(ActionItem.status).first())["status"] == "done"
        # The partner's page lists its board seats.
        partner_page = (await desk.get(f"/staff/partners/{partner}")).text
        assert "Welding Technology advisory board" in partner_page and f'href="/staff/programs/{program}#' in partner_page
        # Without the CSRF token, nothing is done.
        refused = await desk.post(f"/staff/programs/{program}/members", data={"member": f"staff-{staff.id}"})
        assert refused.status_code == 403
    assert await MeetingAttendee.count() == 2
    async with browser_of(make_client, theirs) as other:
        assert (await other.get(f"/staff/programs/{program}")).status_code == 404
        assert (await other.get(f"{meeting_url}/minutes.pdf")).status_code == 404
        assert "0 programs" in (await other.get("/staff/programs")).text
    async with browser_of(make_client, student) as own:
        assert (await own.get(f"/staff/programs/{program}")).status_code == 403


async def test_the_minutes_export_as_a_pdf_with_the_school_s_name(make_user, make_client, school):
    staff = await make_user("staff", name="Mr. Okafor")
    program = await new_program(staff)
    _, contact = await partner_contact(school, "Łukasz Nowak")
    await board.add_member(staff, program, MemberForm(contact=contact))
    seat = (await board.members(program))[0]["id"]
    meeting = await board.record_meeting(staff, program, MeetingForm(
        date(2027, 3, 1), "Welding lab", "1. Booths\n2. Safety", "Partners asked for TIG practice early.",
        "Move TIG to the fall term.", (seat,), ActionForm("Order TIG torches", staff.id, date(2027, 4, 30))))
    async with browser_of(make_client, staff) as desk:
        response = await desk.get(f"/staff/programs/{program}/meetings/{meeting}/minutes.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "no-store" in response.headers["cache-control"] and "minutes-2027-03-01.pdf" in response.headers["content-disposition"]
    text = pdf_text(response.content)
    for expected in ("Test Career Center", "Welding Technology advisory board", "Mar 1, 2027", "Welding lab",
                     "Nowak (Tri-County Builders)", "2. Safety", "Partners asked for TIG practice early.",
                     "Move TIG to the fall term.", "Order TIG torches", "owner Mr. Okafor", "due Apr 30, 2027"):
        assert expected in text, expected
    assert await BoardMeeting.count() == 1


async def test_programs_and_meetings_are_edited_and_an_admin_adds_one_for_a_school(make_user, make_client, school, other_school):
    staff = await make_user("staff", name="Mr. Okafor")
    program = await new_program(staff)
    await board.add_member(staff, program, MemberForm(staff=staff.id))
    seat = (await board.members(program))[0]["id"]
    meeting = await meet(staff, program, date(2027, 2, 1), seat)
    async with browser_of(make_client, staff) as desk:
        response = await post(desk, f"/staff/programs/{program}/edit", {"name": "Welding & Fabrication", "cluster": "999999"})
        assert response.status_code == 422 and "Choose a career cluster" in response.text
        assert (await post(desk, f"/staff/programs/{program}/edit", {"name": "Welding & Fabrication"})).status_code == 303
        form = (await desk.get(f"/staff/programs/{program}/meetings/{meeting}/edit")).text
        assert 'value="2027-02-01"' in form and f'value="{seat}" checked' in form
        data = {"held_on": "2027-02-02", "minutes": "Corrected.", "attendees": []}
        assert (await post(desk, f"/staff/programs/{program}/meetings/{meeting}/edit", data)).status_code == 303
    found = await board.meeting(staff, program, meeting)
    assert (found["held_on"], found["minutes"], found["attendees"]) == (date(2027, 2, 2), "Corrected.", [])
    assert found["program"]["name"] == "Welding & Fabrication"
    # An admin adds a program for a school they name, and sees every school's.
    admin = await make_user("admin")
    async with browser_of(make_client, admin) as district:
        response = await post(district, "/staff/programs/new", {"name": "Health Science: CNA"})
        assert response.status_code == 422 and "Choose the school" in response.text
        response = await post(district, "/staff/programs/new", {"name": "Health Science: CNA", "school": str(other_school)})
        assert response.status_code == 303
        listing = (await district.get("/staff/programs")).text
    assert "Other High School" in listing and "Test Career Center" in listing
    assert [p["name"] for p in await records.listing(staff, TODAY)] == ["Welding & Fabrication"]
