"""Opportunities: who may sign up and why not, seats and the waitlist in order, staff's decisions and assigning,
e-mails with calendar files (confirmed, changed, cancelled), the day-before reminder, and who may see what."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from portfolio import clock
from portfolio.errors import NotEditable, NotFound
from portfolio.mail import Attachment
from portfolio.opportunity_tables import Opportunity, OpportunitySession, SignUp
from portfolio.opportunity_vocabulary import Enrolment, OpportunityStatus
from portfolio.services import demo
from portfolio.services.accounts import load_user
from portfolio.services.opportunities import browse, posting, reminders, seats
from portfolio.services.opportunities.eligibility import judge
from portfolio.services.outbox import Sealer
from portfolio.tables import CareerCluster, User
from tests.factories import browser_of, counting_queries, csrf_headers, post
from tests.mailbox import SmtpServer, deliver
from tests.opportunity_factories import (
    FIRST_DAY,
    NOW,
    TZ,
    events,
    mail_to,
    opportunity_form,
    post_opportunity,
    session_on,
    set_profile,
    status_of,
)
from tests.test_guards import owned_ids, routes


# The sessions posted are in March 2027, after today's real date: the clock runs (the outbox folder's files are
# named by it, in order), and eligibility is judged at NOW where a test says so.
def opening(**changes) -> dict:
    values = dict(status=OpportunityStatus.OPEN, signup_deadline=None, grades=[], minimum_age=None,
                  enrolment=Enrolment.SIGN_UP, timezone=TZ)
    return values | changes


FIRST = datetime(2027, 3, 3, 14, 0, tzinfo=timezone.utc)  # 9 AM in New York


# --- eligibility ------------------------------------------------------------------------------------

def test_each_reason_to_refuse_is_said_in_words():
    profile = {"grade": 10, "birth_date": date(2011, 3, 4)}  # 16 the day after the first session
    verdict = judge(opening(minimum_age=16, grades=[11, 12]), FIRST, profile, NOW)
    assert verdict.reasons == ["For grades 11 and 12.", "You must be 16 on Mar 3."]
    assert not verdict.may_sign_up
    closed = judge(opening(signup_deadline=datetime(2027, 1, 31, 4, 59, tzinfo=timezone.utc)), FIRST, profile, NOW)
    assert closed.reasons == ["Sign-up closed on Jan 30, 2027."]  # 11:59 PM in New York, the day before in UTC
    assert judge(opening(status=OpportunityStatus.CLOSED), FIRST, profile, NOW).reasons == ["Sign-ups are closed."]
    assert judge(opening(grades=[9]), FIRST, profile, NOW).reasons == ["For grade 9."]


def test_a_student_old_enough_on_the_day_and_in_a_listed_grade_may_sign_up():
    profile = {"grade": 11, "birth_date": date(2011, 3, 3)}  # 16 on the day itself
    assert judge(opening(minimum_age=16, grades=[11, 12]), FIRST, profile, NOW).may_sign_up


def test_an_unknown_birth_date_or_grade_asks_the_counselor_and_never_guesses():
    verdict = judge(opening(minimum_age=14, grades=[9, 10]), FIRST, None, NOW)
    assert verdict.reasons == []
    assert verdict.unknown == ["Ask your counselor: your school has no grade for you.",
                               "Ask your counselor: your school has no birth date for you."]
    assert not verdict.may_sign_up
    # Where neither matters, nothing is asked.
    assert judge(opening(), FIRST, None, NOW).may_sign_up


async def test_the_student_s_page_says_why_and_offers_no_button(client, signed_in, make_user):
    staff = await make_user("staff")
    opportunity_id = await post_opportunity(staff, minimum_age=16)
    student = await signed_in("student")
    page = await client.get(f"/student/opportunities/{opportunity_id}")
    assert "Ask your counselor: your school has no birth date for you." in page.text
    assert "/sign-up" not in page.text
    refused = await post(client, f"/student/opportunities/{opportunity_id}/sign-up")
    assert refused.status_code == 409 and await status_of(opportunity_id, student.id) is None
    await set_profile(student.id, birth_date=date(2011, 6, 1))
    page = await client.get(f"/student/opportunities/{opportunity_id}")
    assert "You must be 16 on Mar 3." in page.text and "/sign-up" not in page.text


# --- seats and the waitlist -------------------------------------------------------------------------

async def test_sign_ups_confirm_while_seats_remain_then_wait_in_order_and_a_freed_seat_goes_to_the_first(
        settings, make_user, emails):
    staff = await make_user("staff")
    opportunity_id = await post_opportunity(staff, capacity=2)
    students = [await make_user("student", name=f"Student {n}") for n in range(5)]
    got = [await seats.sign_up(emails, s, opportunity_id) for s in students]
    assert got == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]
    mine = await browse.mine(students[4])
    assert [(m["status"], m["position"]) for m in mine] == [("waitlisted", 3)]
    # Their places on several waitlists are read at once: the same queries for one or three.
    async with counting_queries() as one:
        await browse.mine(students[4])
    for _ in range(2):
        other = await post_opportunity(staff, capacity=0)
        assert await seats.sign_up(emails, students[4], other) == "waitlisted"
    async with counting_queries() as three:
        places = [m["position"] for m in await browse.mine(students[4])]
    assert places == [3, 1, 1] and len(one) == len(three)
    # The first student cancels: the first waiting gets the seat, and an e-mail with the calendar file.
    await seats.cancel_own(emails, students[0], opportunity_id)
    assert [await status_of(opportunity_id, s.id) for s in students] == [
        "cancelled", "confirmed", "confirmed", "waitlisted", "waitlisted"]
    promoted = await mail_to(settings, students[2].email)
    assert [m["subject"] for m in promoted] == ["You are on the waitlist: Site visit: Tri-County Builders",
                                                "A seat freed up, and it is yours: Site visit: Tri-County Builders"]
    method, (event,) = events(promoted[-1])
    assert method == "PUBLISH" and event["SUMMARY"] == "Site visit: Tri-County Builders"
    assert (await mail_to(settings, students[0].email))[-1]["subject"].startswith("You are no longer signed up")
    assert events((await mail_to(settings, students[0].email))[-1])[0] == "CANCEL"
    # Staff decline a confirmed student: the next in line is promoted; waitlisting one sends them to the end.
    sign_up = await seats_row(opportunity_id, students[1].id)
    await seats.decide(emails, staff, opportunity_id, sign_up, "decline")
    assert await status_of(opportunity_id, students[3].id) == "confirmed"
    declined = (await mail_to(settings, students[1].email))[-1]
    assert declined["subject"].startswith("Your sign-up was declined") and events(declined)[0] == "CANCEL"
    await seats.decide(emails, staff, opportunity_id, await seats_row(opportunity_id, students[2].id), "waitlist")
    assert await status_of(opportunity_id, students[4].id) == "confirmed"
    assert await status_of(opportunity_id, students[2].id) == "waitlisted"
    # Full: approving a waiting student is refused until a seat frees up; more seats fill from the waitlist.
    with pytest.raises(NotEditable):
        await seats.decide(emails, staff, opportunity_id, await seats_row(opportunity_id, students[2].id), "approve")
    await posting.update(emails, staff, opportunity_id, opportunity_form(capacity=3))
    assert await status_of(opportunity_id, students[2].id) == "confirmed"
    # A declined student cannot sign themselves up again.
    with pytest.raises(NotEditable):
        await seats.sign_up(emails, students[1], opportunity_id)


async def seats_row(opportunity_id: int, student_id: int) -> int:
    row = await SignUp.select(SignUp.id).where((SignUp.opportunity == opportunity_id) & (SignUp.student == student_id)).first()
    return row["id"]


async def test_where_staff_assign_students_cannot_sign_up_and_staff_add_them(client, signed_in, make_user, make_client):
    staff = await make_user("staff")
    opportunity_id = await post_opportunity(staff, enrolment=Enrolment.ASSIGNED, capacity=1)
    student = await signed_in("student", name="Ana Assigned")
    page = await client.get(f"/student/opportunities/{opportunity_id}")
    assert "Staff choose the students for this one." in page.text and "/sign-up" not in page.text
    assert (await post(client, f"/student/opportunities/{opportunity_id}/sign-up")).status_code == 409
    assert await status_of(opportunity_id, student.id) is None
    other = await make_user("student", name="Ben Second")
    async with browser_of(make_client, staff) as theirs:
        found = await theirs.get(f"/staff/opportunities/{opportunity_id}?q=Ana")
        assert "Ana Assigned" in found.text and "Ben Second" not in found.text
        for who in (student, other):
            added = await post(theirs, f"/staff/opportunities/{opportunity_id}/assign", {"student": str(who.id)})
            assert added.status_code == 303
        page = await theirs.get(f"/staff/opportunities/{opportunity_id}")
        assert page.headers["cache-control"] == "no-store"
    assert await status_of(opportunity_id, student.id) == "confirmed"
    assert await status_of(opportunity_id, other.id) == "waitlisted"


async def test_a_student_signs_up_and_cancels_over_http(client, signed_in, make_user, settings):
    staff = await make_user("staff")
    opportunity_id = await post_opportunity(staff, capacity=5)
    student = await signed_in("student")
    listed = await client.get("/student/opportunities")
    assert "Site visit: Tri-County Builders" in listed.text and "5 seats left" in listed.text
    done = await post(client, f"/student/opportunities/{opportunity_id}/sign-up")
    assert done.status_code == 303 and done.headers["location"].endswith("done=confirmed")
    page = await client.get(f"/student/opportunities/{opportunity_id}")
    assert "You have a seat." in page.text and "Add to calendar" in page.text
    ics = await client.get(f"/student/opportunities/{opportunity_id}/calendar.ics")
    assert ics.headers["content-type"].startswith("text/calendar") and "BEGIN:VEVENT" in ics.text
    assert "My opportunities" in (await client.get("/student/opportunities")).text
    dashboard = await client.get("/student")
    assert f'href="/student/opportunities/{opportunity_id}"' in dashboard.text and "Confirmed" in dashboard.text
    assert (await post(client, f"/student/opportunities/{opportunity_id}/cancel")).status_code == 303
    assert await status_of(opportunity_id, student.id) == "cancelled"
    assert f'href="/student/opportunities/{opportunity_id}"' not in (await client.get("/student")).text


async def test_the_list_filters_by_cluster_and_by_the_student_s_interests(make_user):
    staff = await make_user("staff")
    clusters = {c["name"]: c["id"] for c in await CareerCluster.select(CareerCluster.id, CareerCluster.name)}
    build = await post_opportunity(staff, title="Framing crew visit", clusters=(clusters["Construction"],))
    care = await post_opportunity(staff, title="Hospital tour", clusters=(clusters["Healthcare & Human Services"],))
    robots = await post_opportunity(staff, title="Robotics lab", clusters=())
    student = await make_user("student")
    await set_profile(student.id, interests=["construction", "robotics"])
    assert {r["id"] for r in (await browse.listing(student, None, False, 1)).rows} == {build, care, robots}
    assert {r["id"] for r in (await browse.listing(student, clusters["Construction"], False, 1)).rows} == {build}
    assert {r["id"] for r in (await browse.listing(student, None, True, 1)).rows} == {build, robots}


# --- calendars: changed and cancelled ---------------------------------------------------------------

async def test_a_changed_session_sends_an_updated_calendar_and_a_cancelled_one_a_cancel(settings, make_user, emails):
    staff = await make_user("staff")
    opportunity_id = await post_opportunity(staff, sessions=(session_on(), session_on(FIRST_DAY + timedelta(days=7))))
    student = await make_user("student")
    await seats.sign_up(emails, student, opportunity_id)
    (first,) = await mail_to(settings, student.email)
    method, found = events(first)
    assert method == "PUBLISH" and len(found) == 2 and {int(e["SEQUENCE"]) for e in found} == {0}
    uids = [str(e["UID"]) for e in found]
    assert found[0].decoded("DTSTART") == datetime(2027, 3, 3, 14, 0, tzinfo=timezone.utc)
    assert str(found[0]["LOCATION"]) == "12 Mill Road"
    sessions = await OpportunitySession.select(OpportunitySession.id).where(
        OpportunitySession.opportunity == opportunity_id).order_by(OpportunitySession.starts_at)
    await posting.change_session(emails, staff, opportunity_id, sessions[0]["id"], session_on(start=datetime(2027, 1, 1, 10).time()))
    changed = (await mail_to(settings, student.email))[-1]
    method, found = events(changed)
    assert method == "PUBLISH" and [str(e["UID"]) for e in found] == uids and {int(e["SEQUENCE"]) for e in found} == {1}
    assert found[0].decoded("DTSTART") == datetime(2027, 3, 3, 15, 0, tzinfo=timezone.utc)
    await posting.cancel_session(emails, staff, opportunity_id, sessions[1]["id"])
    method, found = events((await mail_to(settings, student.email))[-1])
    assert method == "CANCEL" and [str(e["UID"]) for e in found] == uids[1:] and int(found[0]["SEQUENCE"]) == 2
    await posting.cancel(emails, staff, opportunity_id)
    last = (await mail_to(settings, student.email))[-1]
    assert last["subject"] == "Cancelled: Site visit: Tri-County Builders" and events(last)[0] == "CANCEL"


async def test_the_calendar_file_reaches_an_smtp_server_as_a_text_calendar_part(settings, make_user, emails):
    staff = await make_user("staff")
    opportunity_id = await post_opportunity(staff)
    student = await make_user("student")
    await seats.sign_up(emails, student, opportunity_id)
    with SmtpServer() as smtp:
        await deliver(dataclasses.replace(settings, smtp_url=smtp.url))
        (message,) = smtp.collector.to(student.email)
    (part,) = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "PUBLISH" and part.get_filename() == "invite.ics"
    parsed = Calendar.from_ical(part.get_content())
    assert [str(e["SUMMARY"]) for e in parsed.walk("VEVENT")] == ["Site visit: Tri-County Builders"]


# --- the day-before reminder ------------------------------------------------------------------------

async def test_the_reminder_goes_the_day_before_to_confirmed_students_once(settings, make_user, emails):
    staff = await make_user("staff")
    opportunity_id = await post_opportunity(staff, capacity=1)
    going, waiting = await make_user("student"), await make_user("student")
    await seats.sign_up(emails, going, opportunity_id)
    await seats.sign_up(emails, waiting, opportunity_id)
    await mail_to(settings, going.email)  # the sign-ups' messages, delivered now
    with clock.fixed(datetime(2027, 3, 1, 12, tzinfo=timezone.utc)):  # two days before: not yet
        assert await reminders.send_reminders(emails) == 0
    with clock.fixed(datetime(2027, 3, 2, 12, tzinfo=timezone.utc)):
        assert await reminders.send_reminders(emails) == 1
        assert await reminders.send_reminders(emails) == 0
        # Delivered while the reminder is due (it was queued at the pinned time).
        assert (await mail_to(settings, going.email))[-1]["subject"] == "Tomorrow: Site visit: Tri-County Builders"
        assert not [m for m in await mail_to(settings, waiting.email) if m["subject"].startswith("Tomorrow")]


# --- who may see what -------------------------------------------------------------------------------

async def test_a_student_never_sees_a_draft_or_another_school_s_opportunity(make_user, other_school, emails):
    staff, theirs = await make_user("staff"), await make_user("staff", school_id=other_school)
    draft = await post_opportunity(staff, status=OpportunityStatus.DRAFT)
    elsewhere = await post_opportunity(theirs)
    student = await make_user("student")
    assert (await browse.listing(student, None, False, 1)).rows == []
    for opportunity_id in (draft, elsewhere):
        with pytest.raises(NotFound):
            await browse.one(student, opportunity_id)
        with pytest.raises(NotFound):
            await seats.sign_up(emails, student, opportunity_id)
    assert await Opportunity.count() == 2


async def test_another_school_s_staff_are_refused_every_opportunity_by_id(settings, make_user, make_client, other_school):
    owner = await make_user("student")
    ids = await owned_ids(owner)
    checked = 0
    async with browser_of(make_client, await make_user("staff", school_id=other_school)) as theirs:
        for path, method, _names, _roles in routes(settings):
            if not path.startswith("/staff/opportunities/{opportunity_id:int}"):
                continue
            url = re.sub(r"\{(\w+):int\}", lambda m: str(ids[m.group(1)]), path)
            response = await theirs.request(method, url, headers=csrf_headers(theirs), data={
                "action": "decline", "form": "transportation", "student": str(owner.id), "date": "2027-03-03",
                "start": "09:00", "end": "10:00"})
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
    assert checked >= 10
    assert await status_of(ids["opportunity_id"], owner.id) == "confirmed"


async def test_staff_post_an_opportunity_with_two_sessions_over_http(client, signed_in, make_user):
    await signed_in("staff")
    form = {"kind": "site_visit", "title": "Senior Days", "place": "Expo Hall", "status": "open", "enrolment": "sign_up",
            "capacity": "40", "grades": ["11", "12"], "required_forms": ["permission_slip"],
            "date_1": "2027-03-03", "start_1": "09:00", "end_1": "12:00",
            "date_2": "2027-03-04", "start_2": "09:00", "end_2": "12:00"}
    bad = await post(client, "/staff/opportunities/new", form | {"end_2": "08:00"})
    assert bad.status_code == 422 and "The session must end after it starts." in bad.text and "Senior Days" in bad.text
    done = await post(client, "/staff/opportunities/new", form)
    assert done.status_code == 303
    opportunity_id = int(done.headers["location"].split("/")[-1].split("?")[0])
    page = await client.get(f"/staff/opportunities/{opportunity_id}")
    assert page.status_code == 200 and "Wed, Mar 3, 2027, 9:00 AM to 12:00 PM" in page.text
    assert page.text.count('href="/staff/sessions/') == 2
    row = await Opportunity.select(Opportunity.grades, Opportunity.capacity).where(Opportunity.id == opportunity_id).first()
    assert row == {"grades": [11, 12], "capacity": 40}
    assert "Senior Days" in (await client.get("/staff/opportunities")).text


async def test_the_demo_shows_each_stage(hasher, emails, clean_database):
    assert await demo.seed(hasher, emails) is True
    jordan = await load_user((await User.select(User.id).where(User.email == "student@demo.example").first())["id"])
    mine = {m["title"]: (m["status"], m["position"]) for m in await browse.mine(jordan)}
    assert mine == {"Site visit: Riverside Health lab": ("confirmed", None),
                    "Job demonstration: Valley Electrical JATC": ("waitlisted", 1)}
    listed = {r["title"]: r for r in (await browse.listing(jordan, None, False, 1)).rows}
    senior = listed["Senior Days with the Tri-County Builders"]
    assert senior["verdict"].may_sign_up and [p["station"] for p in senior["partners"]] == [
        "Main stage, 8:30-9:00", "Table 4", "Table 7"]
    past = await Opportunity.select(Opportunity.id).where(Opportunity.title == "Site visit: Acme Manufacturing plant").first()
    ended = await OpportunitySession.select(OpportunitySession.ends_at).where(OpportunitySession.opportunity == past["id"]).first()
    assert ended["ends_at"] < clock.now() and await status_of(past["id"], jordan.id) == "confirmed"


def test_a_body_sealed_before_attachments_opens_with_none(settings):
    sealer = Sealer(settings.secret_key)
    old = sealer._fernet.encrypt(b'{"text": "t", "html": "h"}').decode()  # what an earlier version queued
    assert sealer.open_all(old) == ("t", "h", ()) and sealer.open(old) == ("t", "h")
    calendar = Attachment("invite.ics", "text/calendar; method=PUBLISH", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    assert sealer.open_all(sealer.seal("t", "h", (calendar,))) == ("t", "h", (calendar,))


async def test_an_admin_chooses_the_school_then_posts_and_edits_there(client, signed_in, school, other_school):
    await signed_in("admin")
    chooser = await client.get("/staff/opportunities/new")
    assert f'href="/staff/opportunities/new?school={other_school}"' in chooser.text
    form = {"kind": "guest_lecture", "title": "Guest lecture: line work", "status": "draft", "enrolment": "assigned",
            "date_1": "2027-03-10", "start_1": "13:00", "end_1": "14:00"}
    done = await post(client, f"/staff/opportunities/new?school={other_school}", form)
    assert done.status_code == 303
    opportunity_id = int(done.headers["location"].split("/")[-1].split("?")[0])
    row = await Opportunity.select(Opportunity.school, Opportunity.status).where(Opportunity.id == opportunity_id).first()
    assert row == {"school": other_school, "status": "draft"}
    # 1 PM in Chicago, the other school's timezone.
    session = await OpportunitySession.select(OpportunitySession.id, OpportunitySession.starts_at).where(
        OpportunitySession.opportunity == opportunity_id).first()
    assert session["starts_at"] == datetime(2027, 3, 10, 19, 0, tzinfo=timezone.utc)
    edit = await client.get(f"/staff/opportunities/{opportunity_id}/edit")
    assert 'value="Guest lecture: line work"' in edit.text
    saved = await post(client, f"/staff/opportunities/{opportunity_id}/edit", form | {"status": "open", "capacity": "8"})
    assert saved.status_code == 303
    moved = await post(client, f"/staff/opportunities/{opportunity_id}/sessions/{session['id']}/edit",
                       {"date": "2027-03-11", "start": "13:00", "end": "14:30"})
    assert moved.status_code == 303
    page = await client.get(f"/staff/opportunities/{opportunity_id}")
    assert "Thu, Mar 11, 2027, 1:00 PM to 2:30 PM" in page.text and "0 of 8 taken" in page.text


async def test_a_student_reaches_only_their_own_sign_up(client, signed_in, make_user, emails):
    staff = await make_user("staff")
    opportunity_id = await post_opportunity(staff, capacity=3)
    first = await make_user("student", name="Casey First")
    await seats.sign_up(emails, first, opportunity_id)
    await signed_in("student")
    assert (await post(client, f"/student/opportunities/{opportunity_id}/cancel")).status_code == 404
    page = await client.get(f"/student/opportunities/{opportunity_id}")
    assert "Casey First" not in page.text and "2 left" in page.text
    assert await status_of(opportunity_id, first.id) == "confirmed"


async def test_staff_cannot_add_another_school_s_student(client, signed_in, make_user, other_school):
    staff = await signed_in("staff")
    opportunity_id = await post_opportunity(staff)
    theirs = await make_user("student", school_id=other_school)
    refused = await post(client, f"/staff/opportunities/{opportunity_id}/assign", {"student": str(theirs.id)})
    assert refused.status_code == 422 and "Choose a student of the school" in refused.text
    assert await status_of(opportunity_id, theirs.id) is None


async def test_the_list_is_soonest_first_25_a_page(make_user):
    staff = await make_user("staff")
    # Posted latest-first: the list still starts with the soonest session.
    ids = [await post_opportunity(staff, title=f"Visit {n:02}", sessions=(session_on(FIRST_DAY + timedelta(days=30 - n)),))
           for n in range(27)]
    student = await make_user("student")
    first, second = await browse.listing(student, None, False, 1), await browse.listing(student, None, False, 2)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (27, 2, 25, 2)
    assert [r["id"] for r in first.rows + second.rows] == ids[::-1]


async def test_the_staff_list_is_paged_with_the_soonest_first(client, signed_in):
    staff = await signed_in("staff")
    for n in range(27):
        await post_opportunity(staff, title=f"Visit {n:02d}", sessions=(session_on(FIRST_DAY + timedelta(days=n)),))
    first = re.sub(r"<[^>]+>", "", (await client.get("/staff/opportunities")).text)
    assert "27 opportunities" in first and "page 1 of 2" in first
    assert "Visit 00" in first and "Visit 24" in first and "Visit 25" not in first
    second = re.sub(r"<[^>]+>", "", (await client.get("/staff/opportunities?page=2")).text)
    assert "Visit 25" in second and "Visit 26" in second and "Visit 00" not in second
    assert (await client.get("/staff/opportunities?status=%22%3E%3Cscript%3E&page=9")).status_code == 200
