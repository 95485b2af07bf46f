"""Staff assign mentors within their school; mentors decide their students' requests, in batches; everyone
else is refused; staff read each entry's sign-off history with its warnings."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from portfolio.forms.verification import DecisionForm
from portfolio.services import experiences, mentoring, signoff
from portfolio.tables import (
    Evidence,
    Experience,
    MentorAssignment,
    RequestItem,
    SignOff,
    VerificationRequest,
)
from portfolio.vocabulary import Decision
from tests import samples
from tests.factories import (
    assign_mentor,
    browser_of,
    csrf_headers,
    entry,
    mentor_for,
    new_entries,
    new_entry,
    post,
    queue_ids,
    status_of,
)
from tests.mailbox import link_in, outbox

# --- helpers --------------------------------------------------------------------------------------

async def mentor_with_student(make_user, school_id=-1):
    """A staff member, a mentor and a student of one school; the mentor assigned to the student by staff."""
    staff = await make_user("staff", school_id=school_id)
    mentor = await make_user("mentor", school_id=school_id, name=f"Ms. Mentor {uuid.uuid4().hex[:4]}")
    student = await make_user("student", school_id=school_id, name=f"Sam Student {uuid.uuid4().hex[:4]}")
    assert await assign_mentor(staff, mentor, student) == 1
    return staff, mentor, student


# --- staff assign mentors -------------------------------------------------------------------------

async def test_staff_assign_and_unassign_mentors(client, signed_in, make_user, school):
    staff = await signed_in("staff")
    mentor = await make_user("mentor", name="Mr. Assigned Mentor")
    first = await make_user("student", name="Ada Assigned")
    second = await make_user("student", name="Ben Assigned")

    people = await client.get("/staff")
    assert 'href="/staff/mentors"' in people.text
    assert f'href="/staff/students/{first.id}"' in people.text
    assert f'href="/staff/students/{mentor.id}"' not in people.text  # only students have a student page

    page = await client.get("/staff/mentors")
    assert page.status_code == 200
    assert f'<option value="{mentor.id}"' in page.text and "Mr. Assigned Mentor" in page.text
    assert f'name="students" value="{first.id}"' in page.text

    done = await post(client, "/staff/mentors", {"mentor": str(mentor.id), "students": [str(first.id), str(second.id)]})
    assert done.status_code == 303 and done.headers["location"] == "/staff/mentors?assigned=2"
    shown = await client.get(done.headers["location"])
    assert "2 assignments added." in shown.text
    assert [m["id"] for m in await mentoring.mentors_of(first)] == [mentor.id]
    assert set(await mentoring.students_of(mentor.id)) == {first.id, second.id}

    # The same again adds nothing and makes no duplicates.
    again = await post(client, "/staff/mentors", {"mentor": str(mentor.id), "students": str(first.id)})
    assert again.headers["location"] == "/staff/mentors?assigned=0"
    assert await MentorAssignment.count().where(MentorAssignment.mentor == mentor.id) == 2

    by_mentor = await client.get("/staff/mentors?by=mentor")
    assert "Mr. Assigned Mentor" in by_mentor.text and f'href="/staff/students/{second.id}"' in by_mentor.text

    [row] = [a for a in await mentoring.assignments(school) if a["student_id"] == second.id and a["mentor_id"] == mentor.id]
    removed = await post(client, f"/staff/mentors/{row['id']}/delete")
    assert removed.status_code == 303 and removed.headers["location"] == "/staff/mentors?removed=1"
    assert await mentoring.students_of(mentor.id) == [first.id]
    assert (await post(client, f"/staff/mentors/{row['id']}/delete")).status_code == 404
    assert staff.school_id == school


async def test_staff_cannot_assign_across_schools(client, signed_in, make_user, make_client, other_school):
    await signed_in("staff")
    mentor = await make_user("mentor")
    student = await make_user("student")
    far_mentor = await make_user("mentor", school_id=other_school)
    far_student = await make_user("student", school_id=other_school)
    before = await MentorAssignment.count()

    wrong_mentor = await post(client, "/staff/mentors", {"mentor": str(far_mentor.id), "students": str(student.id)})
    assert wrong_mentor.status_code == 422
    assert "Choose a mentor of your school." in wrong_mentor.text
    assert f'name="students" value="{student.id}" checked' in wrong_mentor.text  # what was chosen is kept

    wrong_student = await post(client, "/staff/mentors", {"mentor": str(mentor.id), "students": [str(student.id), str(far_student.id)]})
    assert wrong_student.status_code == 422
    assert "Choose one or more students of your school." in wrong_student.text
    assert f'<option value="{mentor.id}" selected' in wrong_student.text

    nobody = await post(client, "/staff/mentors", {"mentor": str(mentor.id)})
    assert nobody.status_code == 422 and "Choose one or more students" in nobody.text
    assert await MentorAssignment.count() == before  # nothing saved, not even the good student

    # Staff of the other school can neither see nor remove this school's assignments.
    far_staff = await make_user("staff", school_id=other_school)
    assert await assign_mentor(far_staff, far_mentor, far_student) == 1
    ours = await make_user("staff")
    await assign_mentor(ours, mentor, student)
    [row] = [a for a in await mentoring.assignments(ours.school_id) if a["student_id"] == student.id]
    async with browser_of(make_client, far_staff) as far:
        page = await far.get("/staff/mentors")
        assert page.status_code == 200 and f"/staff/mentors/{row['id']}/delete" not in page.text
        assert (await post(far, f"/staff/mentors/{row['id']}/delete")).status_code == 404
    assert await MentorAssignment.exists().where(MentorAssignment.id == row["id"])


# --- mentors decide -------------------------------------------------------------------------------

async def timesheet(signed_in, make_user):
    """Tia Timesheet, signed in, with two entries of a week at the garage; Ms. Batch is her mentor."""
    student = await signed_in("student", name="Tia Timesheet")
    mentor = await mentor_for(make_user, student, name="Ms. Batch")
    monday, tuesday = await new_entries(student, "Monday at the garage", "Tuesday at the garage")
    return mentor, student, monday, tuesday


async def test_a_timesheet_goes_to_the_mentor_in_one_request(client, signed_in, make_user, settings):
    mentor, student, monday, tuesday = await timesheet(signed_in, make_user)
    form = await client.get(f"/student/verify/new?entries={monday}")
    assert form.status_code == 200
    assert f'name="entries" value="{monday}" checked' in form.text
    assert f'name="entries" value="{tuesday}">' in form.text  # offered, not preselected
    assert f'<option value="{mentor.id}"' in form.text and "Ms. Batch" in form.text

    asked = await post(client, "/student/verify/mentor", {"entries": [str(monday), str(tuesday)], "mentor": str(mentor.id)})
    assert asked.status_code == 303 and asked.headers["location"] == "/student/verify?sent=mentor"
    assert [await status_of(i) for i in (monday, tuesday)] == ["submitted", "submitted"]
    [mail] = await outbox(settings.var_dir, mentor.email)
    assert "Tia Timesheet asks you to verify 2 entries" in mail["Subject"]
    assert link_in(mail) == "/mentor"
    pending = await client.get("/student/verify")
    assert "Ms. Batch" in pending.text and "Monday at the garage" in pending.text and "Tuesday at the garage" in pending.text
    entry_page = await client.get(f"/student/experiences/{monday}")
    assert "Awaiting verification" in entry_page.text and "Waiting for Ms. Batch" in entry_page.text
    assert "Ask for verification</a>" not in entry_page.text


async def test_the_mentor_verifies_a_timesheet_in_one_batch(client, signed_in, make_user, make_client, settings):
    mentor, student, monday, tuesday = await timesheet(signed_in, make_user)
    asked = await post(client, "/student/verify/mentor", {"entries": [str(monday), str(tuesday)], "mentor": str(mentor.id)})
    assert asked.status_code == 303

    async with browser_of(make_client, mentor) as desk:
        queue = await desk.get("/mentor")
        assert queue.status_code == 200
        assert queue.text.index("Tuesday at the garage") < queue.text.index("Monday at the garage")  # newest first
        assert "Tia Timesheet" in queue.text
        items = await queue_ids(mentor)
        assert set(items) == {monday, tuesday}
        for item_id in items.values():
            assert f'name="items" value="{item_id}"' in queue.text
        decided = await post(desk, "/mentor/decide", {"items": [str(i) for i in items.values()], "decision": "verified"})
        assert decided.status_code == 303
        after = await desk.get(decided.headers["location"])
        assert "2 entries verified." in after.text
        assert "No entries are waiting for you" in after.text

    assert [await status_of(i) for i in (monday, tuesday)] == ["verified", "verified"]
    rows = await SignOff.select().where(SignOff.experience.is_in([monday, tuesday])).order_by(SignOff.experience)
    assert [r["method"] for r in rows] == ["mentor", "mentor"]
    assert [r["decision"] for r in rows] == ["verified", "verified"]
    assert all(r["verifier"] == mentor.id and r["verifier_name"] == "Ms. Batch" for r in rows)
    for row in rows:
        current = await experiences.get(student, row["experience"])
        assert row["content_hash"] == current["content_hash"]
        assert row["content_hash"] == (await signoff.entry_for_verifier(row["experience"]))["current_hash"]
    request = await VerificationRequest.select().where(VerificationRequest.student == student.id).first()
    assert request["status"] == "decided"
    [told] = await outbox(settings.var_dir, student.email)
    assert told["Subject"] == "Your entries were verified"
    assert "2 of your entries were verified." in told.get_body(preferencelist=("plain",)).get_content()

    shown = await client.get(f"/student/experiences/{monday}")
    assert "Verified by a mentor" in shown.text and "Ms. Batch" in shown.text
    assert "Ask for verification</a>" not in shown.text
    assert (await client.get("/student/verify")).text.count("Cancel request</button>") == 0


async def test_changes_requested_then_verified_keeps_both_signoffs(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    mentor = await mentor_for(make_user, student, name="Mr. Careful")
    [entry_id] = await new_entries(student, "Shadowed a nurse")
    assert (await post(client, "/student/verify/mentor", {"entries": str(entry_id), "mentor": str(mentor.id)})).status_code == 303

    async with browser_of(make_client, mentor) as desk:
        item = (await queue_ids(mentor))[entry_id]
        silent = await post(desk, "/mentor/decide", {"items": str(item), "decision": "changes_requested"})
        assert silent.status_code == 422
        assert "Say what should change, or why" in silent.text
        assert f'name="items" value="{item}" checked' in silent.text  # the choice is kept
        assert await status_of(entry_id) == "submitted"
        sent_back = await post(desk, "/mentor/decide", {"items": str(item), "decision": "changes_requested",
                                                         "comment": "Add what you did in the afternoon."})
        assert sent_back.status_code == 303 and sent_back.headers["location"] == "/mentor?done=changes_requested&count=1"
    assert await status_of(entry_id) == "changes_requested"

    page = await client.get(f"/student/experiences/{entry_id}")
    assert "Changes requested" in page.text
    assert "Add what you did in the afternoon." in page.text and "Mr. Careful asked for changes" in page.text
    assert f'href="/student/verify/new?entries={entry_id}"' in page.text
    edited = await post(client, f"/student/experiences/{entry_id}", entry(title="Shadowed a nurse", hours="1",
                                                                           reflection="Afternoon: charting."))
    assert edited.status_code == 303
    again = await post(client, "/student/verify/mentor", {"entries": str(entry_id), "mentor": str(mentor.id)})
    assert again.status_code == 303 and await status_of(entry_id) == "submitted"

    async with browser_of(make_client, mentor) as desk:
        queue = await desk.get("/mentor")
        assert "Afternoon: charting." in queue.text  # the mentor sees the new version
        item = (await queue_ids(mentor))[entry_id]
        assert (await post(desk, "/mentor/decide", {"items": str(item), "decision": "verified"})).status_code == 303
    assert await status_of(entry_id) == "verified"

    rows = await SignOff.select().where(SignOff.experience == entry_id).order_by(SignOff.id)
    assert [r["decision"] for r in rows] == ["changes_requested", "verified"]
    assert rows[0]["content_hash"] != rows[1]["content_hash"]  # each records what was seen then
    page = await client.get(f"/student/experiences/{entry_id}")
    history = page.text[page.text.index("Verification history"):]
    assert "Changes requested" in history and "Add what you did in the afternoon." in history and "Verified" in history


async def test_rejection_needs_a_comment(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    mentor = await mentor_for(make_user, student)
    [entry_id] = await new_entries(student, "Made it up")
    await post(client, "/student/verify/mentor", {"entries": str(entry_id), "mentor": str(mentor.id)})
    async with browser_of(make_client, mentor) as desk:
        item = (await queue_ids(mentor))[entry_id]
        bare = await post(desk, "/mentor/decide", {"items": str(item), "decision": "rejected", "comment": "  "})
        assert bare.status_code == 422 and "Say what should change, or why" in bare.text
        nothing = await post(desk, "/mentor/decide", {"decision": "verified"})
        assert nothing.status_code == 422 and "Choose at least one entry." in nothing.text
        odd = await post(desk, "/mentor/decide", {"items": str(item), "decision": "approve-everything"})
        assert odd.status_code == 422
        assert await status_of(entry_id) == "submitted"
        done = await post(desk, "/mentor/decide", {"items": str(item), "decision": "rejected",
                                                    "comment": "You were not at this site that day."})
        assert done.headers["location"] == "/mentor?done=rejected&count=1"
        assert "1 entry rejected." in (await desk.get(done.headers["location"])).text
    assert await status_of(entry_id) == "rejected"
    page = await client.get(f"/student/experiences/{entry_id}")
    assert "Rejected" in page.text and "You were not at this site that day." in page.text
    assert "Ask for verification</a>" not in page.text


async def test_nobody_else_sees_or_decides_the_request(client, signed_in, make_user, make_client, other_school):
    staff, mentor, student = await mentor_with_student(make_user)
    [entry_id] = await new_entries(student, "Private timesheet")
    # Evidence first (it is part of what is signed), uploaded as the student does.
    async with browser_of(make_client, student) as phone:
        added = await phone.post(f"/student/experiences/{entry_id}/evidence",
                                 files=[("file", ("site.jpg", samples.jpeg_plain(), "image/jpeg"))], headers=csrf_headers(phone))
        assert added.status_code == 303
        asked = await post(phone, "/student/verify/mentor", {"entries": str(entry_id), "mentor": str(mentor.id)})
        assert asked.status_code == 303
    evidence_id = (await Evidence.select(Evidence.id).where(Evidence.experience == entry_id).first())["id"]
    item = (await queue_ids(mentor))[entry_id]

    # The assigned mentor sees the entry with its thumbnail, and may open the file.
    async with browser_of(make_client, mentor) as desk:
        queue = await desk.get("/mentor")
        assert "Private timesheet" in queue.text and f"/evidence/{evidence_id}/thumb" in queue.text
        assert (await desk.get(f"/evidence/{evidence_id}/thumb")).status_code == 200

    outsiders = {
        "a mentor of another school": await make_user("mentor", school_id=other_school),
        "an unassigned mentor of the same school": await make_user("mentor"),
    }
    for who, outsider in outsiders.items():
        async with browser_of(make_client, outsider) as other:
            queue = await other.get("/mentor")
            assert queue.status_code == 200 and "Private timesheet" not in queue.text, who
            assert await signoff.mentor_queue(outsider) == [], who
            refused = await post(other, "/mentor/decide", {"items": str(item), "decision": "verified"})
            assert refused.status_code == 404, who
            assert (await other.get(f"/evidence/{evidence_id}/thumb")).status_code == 404, who
            assert (await other.get(f"/evidence/{evidence_id}")).status_code == 404, who

    employer = await make_user("employer")
    other_student = await make_user("student")
    # Not a mentor at all: the mentor pages refuse (403); the file and the entry are simply not there (404).
    for who, outsider, entry_page in (("an employer", employer, 403), ("another student", other_student, 404)):
        async with browser_of(make_client, outsider) as other:
            assert (await other.get("/mentor")).status_code == 403, who
            assert (await post(other, "/mentor/decide", {"items": str(item), "decision": "verified"})).status_code == 403, who
            assert (await other.get(f"/evidence/{evidence_id}/thumb")).status_code == 404, who
            assert (await other.get(f"/student/experiences/{entry_id}")).status_code == entry_page, who

    assert await status_of(entry_id) == "submitted"
    assert not await SignOff.exists().where(SignOff.experience == entry_id)
    assert not (await RequestItem.select(RequestItem.decided).where(RequestItem.id == item).first())["decided"]

    # Once staff remove the assignment, the mentor loses the request and the files too.
    [row] = [a for a in await mentoring.assignments(staff.school_id) if a["mentor_id"] == mentor.id]
    assert await mentoring.unassign(staff, row["id"])
    async with browser_of(make_client, mentor) as desk:
        assert "Private timesheet" not in (await desk.get("/mentor")).text
        assert (await post(desk, "/mentor/decide", {"items": str(item), "decision": "verified"})).status_code == 404
        assert (await desk.get(f"/evidence/{evidence_id}/thumb")).status_code == 404


async def test_the_queue_warns_when_an_entry_changed_after_it_was_asked(client, signed_in, make_user, make_client, emails):
    staff, mentor, student = await mentor_with_student(make_user)
    [entry_id] = await new_entries(student, "Changed behind the mentor's back")
    await signoff.ask_mentor(emails, student, [entry_id], mentor.id)
    await Experience.update({Experience.minutes: 600}).where(Experience.id == entry_id)
    item = (await queue_ids(mentor))[entry_id]
    async with browser_of(make_client, mentor) as desk:
        queue = await desk.get("/mentor")
        assert "This entry changed after" in queue.text
        assert f'name="items" value="{item}" disabled' in queue.text
        decided = await post(desk, "/mentor/decide", {"items": str(item), "decision": "verified"})
        assert decided.headers["location"] == "/mentor?done=verified&count=0"
    assert await status_of(entry_id) == "submitted"
    assert not await SignOff.exists().where(SignOff.experience == entry_id)


async def test_the_daily_digest_sends_one_email_for_several_requests(client, signed_in, make_user, make_client, settings, emails):
    staff = await make_user("staff")
    mentor = await make_user("mentor", name="Ms. Digest")
    student = await signed_in("student")
    await assign_mentor(staff, mentor, student)
    async with browser_of(make_client, mentor) as desk:
        assert 'name="digest"' not in (await desk.get("/mentor")).text  # a setting: on the Account page
        page = await desk.get("/account")
        assert 'action="/mentor/digest"' in page.text and 'action="/employer/digest"' not in page.text
        assert 'name="digest" value="on">' in page.text  # off by default
        chose = await post(desk, "/mentor/digest", {"digest": "on"})
        assert chose.status_code == 303 and chose.headers["location"] == "/account?digest=on"
        page = await desk.get(chose.headers["location"])
        assert 'name="digest" value="on" checked' in page.text and "E-mail preference saved." in page.text
    assert await signoff.wants_digest(mentor)

    first, second = await new_entries(student, "Digest one", "Digest two")
    for entry_id in (first, second):
        assert (await post(client, "/student/verify/mentor", {"entries": str(entry_id), "mentor": str(mentor.id)})).status_code == 303
    assert await outbox(settings.var_dir, mentor.email) == []  # nothing per request

    assert await signoff.send_digests(emails) >= 1
    [digest] = await outbox(settings.var_dir, mentor.email)
    assert digest["Subject"] == "2 new verification requests" and link_in(digest) == "/mentor"
    requests = await VerificationRequest.select(VerificationRequest.notified_at).where(VerificationRequest.mentor == mentor.id)
    assert len(requests) == 2 and all(r["notified_at"] is not None for r in requests)
    assert await signoff.send_digests(emails) == 0
    assert len(await outbox(settings.var_dir, mentor.email)) == 1  # told once

    async with browser_of(make_client, mentor) as desk:
        assert (await post(desk, "/mentor/digest", {})).headers["location"] == "/account?digest=off"
    assert not await signoff.wants_digest(mentor)


# --- staff read the history -----------------------------------------------------------------------

async def test_staff_see_each_signoff_with_its_warnings(client, signed_in, make_user, make_client, other_school):
    staff = await signed_in("staff")
    student = await make_user("student", name="Wes Warning")
    [free_mail, own_mail, company] = await new_entries(student, "Signed from gmail", "Signed by myself", "Signed properly")
    rows = {
        free_mail: ("email_link", "Pat Boss", "pat.boss@gmail.com"),
        own_mail: ("on_device", "Wes Friend", student.email.upper()),
        company: ("email_link", "Lee Manager", "lee@brightsparks.example"),
    }
    for entry_id, (method, name, email) in rows.items():
        current = await experiences.get(student, entry_id)
        await SignOff.insert(SignOff(experience=entry_id, method=method, verifier_name=name, verifier_email=email,
                                     verifier_title="Manager", decision="verified", content_hash=current["content_hash"]))
        await Experience.update({Experience.status: "verified"}).where(Experience.id == entry_id)
    await signoff.refresh_shown(rows)  # as every sign-off the app records does

    page = await client.get(f"/staff/students/{student.id}")
    assert page.status_code == 200
    assert "Wes Warning" in page.text
    assert "gmail.com is a free e-mail service, not a company address." in page.text
    assert "This is the student&#39;s own e-mail address." in page.text
    assert "by a supervisor, from an e-mailed link" in page.text and "on the spot" in page.text
    assert "e-mail at brightsparks.example" in page.text and "e-mail at gmail.com" in page.text
    assert page.text.count("Check this:") == 2  # the company address has no warning
    assert "Pat Boss" in page.text and "Lee Manager" in page.text

    assert (await client.get(f"/staff/students/{staff.id}")).status_code == 404  # not a student
    assert (await client.get("/staff/students/999999999")).status_code == 404
    far_staff = await make_user("staff", school_id=other_school)
    async with browser_of(make_client, far_staff) as far:
        assert (await far.get(f"/staff/students/{student.id}")).status_code == 404


async def test_a_mentor_sees_how_an_assigned_students_entries_were_verified(client, signed_in, make_user, make_client):
    from portfolio.tables import SignOff

    staff = await make_user("staff")
    mentor = await make_user("mentor", name="Mr. Record")
    other_mentor = await make_user("mentor")
    student = await signed_in("student", name="Rae Record")
    await assign_mentor(staff, mentor, student)
    [entry_id] = await new_entries(student, "Weekend at the vet clinic")
    row = await experiences.get(student, entry_id)
    await Experience.update({Experience.status: "verified"}).where(Experience.id == entry_id)
    await SignOff.insert(SignOff(experience=entry_id, method="email_link", verifier_name="Dr. Vet", verifier_title="Owner",
                                 verifier_email="drvet@gmail.com", decision="verified", content_hash=row["content_hash"]))
    await signoff.refresh_shown([entry_id])  # as every sign-off the app records does
    async with browser_of(make_client, mentor) as desk:
        page = await desk.get(f"/mentor/students/{student.id}")
        assert page.status_code == 200
        assert "Dr. Vet" in page.text and "gmail.com is a free e-mail service" in page.text
        assert 'class="back" href="/mentor/students"' in page.text and "Assign mentors" not in page.text
    async with browser_of(make_client, other_mentor) as stranger:
        assert (await stranger.get(f"/mentor/students/{student.id}")).status_code == 404


async def test_the_queue_is_grouped_by_student_with_one_bar_of_decisions(make_user, make_client, emails):
    staff, mentor, first = await mentor_with_student(make_user)
    second = await make_user("student", name=f"Tess Second {uuid.uuid4().hex[:4]}")
    assert await assign_mentor(staff, mentor, second) == 1
    older, newer, newest = await new_entries(first, "First older", "First newer", "First newest")
    [other] = await new_entries(second, "Second only")
    await signoff.ask_mentor(emails, first, [older], mentor.id)
    await signoff.ask_mentor(emails, second, [other], mentor.id)
    await signoff.ask_mentor(emails, first, [newer, newest], mentor.id)
    async with browser_of(make_client, mentor) as desk:
        page = (await desk.get("/mentor")).text
    # The student who has waited longest comes first; within a student, the newest entry first.
    assert page.index(f'id="student-{first.id}"') < page.index(f'id="student-{second.id}"')
    assert f'{first.name} <span class="count">3 waiting</span>' in page
    assert f'{second.name} <span class="count">1 waiting</span>' in page
    group = page[page.index(f'id="student-{first.id}"'):page.index(f'id="student-{second.id}"')]
    assert group.index("First newest") < group.index("First older") and group.index("First newer") < group.index("First older")
    assert "Second only" not in group
    assert "4 entries are waiting for you from 2 students" in page
    # One bar of decisions for the whole queue, inside the one form that works without JavaScript.
    assert page.count('class="action-bar"') == 1 and page.count('name="comment"') == 1
    assert page.count('value="verified" class="primary">Verify selected') == 1
    assert page.index('class="action-bar"') > page.index("Second only")


# --- the mentor's students and history ------------------------------------------------------------

async def test_a_mentor_s_students_page_lists_only_their_students_with_this_year_s_hours(make_user, make_client, emails):
    staff, mentor, student = await mentor_with_student(make_user)
    other_mentor = await make_user("mentor", name="Mr. Someone Else")
    stranger = await make_user("student", name="Nadia Notmine")
    await assign_mentor(staff, other_mentor, stranger, student)  # a student may have several mentors
    verified, waiting, asked_elsewhere = await new_entries(student, "Verified one", "Waiting one", "Waiting elsewhere")
    await new_entries(stranger, "Not the mentor's")
    await signoff.ask_mentor(emails, student, [verified, waiting], mentor.id)
    await signoff.decide_as_mentor(emails, mentor, [(await queue_ids(mentor))[verified]], DecisionForm(Decision.VERIFIED, ""))
    await signoff.ask_mentor(emails, student, [asked_elsewhere], other_mentor.id)  # waits, but not for this mentor
    async with browser_of(make_client, mentor) as desk:
        page = await desk.get("/mentor/students")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert student.name in page.text and f'href="/mentor/students/{student.id}"' in page.text
    assert "Nadia Notmine" not in page.text and f"/mentor/students/{stranger.id}" not in page.text
    assert "<strong>1</strong> verified" in page.text and "· 2 waiting for an answer" in page.text
    assert "1 waiting for you" in page.text
    async with browser_of(make_client, other_mentor) as theirs:
        page = (await theirs.get("/mentor/students")).text
    assert "Nadia Notmine" in page and student.name in page
    assert page.count("1 waiting for you") == 1  # the entry asked of them, not the two decided or waiting elsewhere


async def test_a_mentor_with_no_students_is_told_how_they_come(make_user, make_client):
    async with browser_of(make_client, await make_user("mentor")) as desk:
        page = await desk.get("/mentor/students")
    assert page.status_code == 200 and "No students are assigned to you yet." in page.text


async def test_the_history_shows_only_this_mentor_s_decisions_newest_first_25_a_page(make_user, make_client, emails):
    staff, mentor, student = await mentor_with_student(make_user)
    other_mentor = await make_user("mentor")
    await assign_mentor(staff, other_mentor, student)
    titles = [f"Entry {n:02}" for n in range(27)]
    titles += ["Another mentor decided", "Sent back", "Turned down"]
    # A day each: one day holds at most 24 hours.
    ids = [await new_entry(student, title=title, hours="1", date=(date.today() - timedelta(days=n + 1)).isoformat())
           for n, title in enumerate(titles)]
    await signoff.ask_mentor(emails, student, ids[:27] + ids[28:], mentor.id)
    items = await queue_ids(mentor)
    for entry_id in ids[:27]:  # one by one, so newest first is a real order
        await signoff.decide_as_mentor(emails, mentor, [items[entry_id]], DecisionForm(Decision.VERIFIED, ""))
    await signoff.decide_as_mentor(emails, mentor, [items[ids[28]]], DecisionForm(Decision.CHANGES_REQUESTED, "Add the hours."))
    await signoff.decide_as_mentor(emails, mentor, [items[ids[29]]], DecisionForm(Decision.REJECTED, "Not there."))
    await signoff.ask_mentor(emails, student, [ids[27]], other_mentor.id)
    await signoff.decide_as_mentor(emails, other_mentor, list((await queue_ids(other_mentor)).values()), DecisionForm(Decision.VERIFIED, ""))

    async with browser_of(make_client, mentor) as desk:
        first = await desk.get("/mentor/history")
        second = await desk.get("/mentor/history?page=2")
        beyond = await desk.get("/mentor/history?page=99")
    assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
    shown = re.findall(r'<span class="entry-title">([^<]+)</span>', first.text)
    assert shown[:3] == ["Turned down", "Sent back", "Entry 26"] and len(shown) == 25
    assert "Rejected" in first.text and "Asked for changes" in first.text and "Not there." in first.text
    assert f'href="/mentor/students/{student.id}?entry={ids[29]}#entry-{ids[29]}">{student.name}</a>' in first.text
    assert 'href="/mentor/history?page=2" rel="next"' in first.text and 'rel="prev"' not in first.text
    assert re.findall(r'<span class="entry-title">([^<]+)</span>', second.text) == ["Entry 03", "Entry 02", "Entry 01", "Entry 00"]
    assert 'href="/mentor/history?page=1" rel="prev"' in second.text and 'rel="next"' not in second.text
    assert "Another mentor decided" not in first.text + second.text
    assert beyond.status_code == 200 and "There is nothing on this page." in beyond.text
    async with browser_of(make_client, other_mentor) as theirs:
        page = (await theirs.get("/mentor/history")).text
    assert re.findall(r'<span class="entry-title">([^<]+)</span>', page) == ["Another mentor decided"]
    # A student no longer assigned stays in the history, named but not linked.
    await MentorAssignment.delete().where((MentorAssignment.mentor == other_mentor.id) & (MentorAssignment.student == student.id))
    async with browser_of(make_client, other_mentor) as theirs:
        page = (await theirs.get("/mentor/history")).text
    assert student.name in page and f"/mentor/students/{student.id}" not in page
