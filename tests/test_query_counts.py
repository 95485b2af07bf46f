"""Pages that list a student's entries take a fixed number of queries whatever the number of entries: the
student record (staff and mentors), the mentor queue, a mentor's students and history, a supervisor's request,
the student's pending list, the student's dashboard and all their entries; the employer's list whatever the
number of students shared; and what needs a staff member's attention, whatever the size of the school. The long
lists show 25 to a page (tests/test_paging.py), so their pages are counted here too."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from portfolio.forms.interactions import parse_interaction
from portfolio.forms.partners import parse_contact, parse_filter, parse_partner
from portfolio.forms.programs import ActionForm, MeetingForm, MemberForm, ProgramForm
from portfolio.forms.verification import DecisionForm, SupervisorForm
from portfolio.services import attention, experiences, mentor_overview, sharing, signoff
from portfolio.services.partners import cold, contacts, directory, engagement, interactions, owners, records
from portfolio.services.programs import board
from portfolio.services.programs import records as programs
from portfolio.tables import Evidence, MentorAssignment, User
from portfolio.vocabulary import Decision
from tests.factories import as_entry, browser_of, counting_queries, employer_org, needing_attention, of_age, share_with
from tests.mailbox import deliver, emails_for


async def _student_asking(make_user, settings, count: int):
    """A student with `count` entries (each with a file), all sent to their mentor and to a supervisor."""
    mentor = await make_user("mentor")
    student = await make_user("student")
    await MentorAssignment.insert(MentorAssignment(mentor=mentor.id, student=student.id))
    ids = []
    for n in range(count):
        body = {"kind": "job_shadow", "title": f"Entry {n}", "organization": "Acme", "hours": "1",
                "date": (date.today() - timedelta(days=n + 1)).isoformat(), "cluster": "construction"}
        entry_id = (await experiences.create(student, await as_entry(student, body), uuid.uuid4())).entry["id"]
        await Evidence.insert(Evidence(student=student.id, experience=entry_id, original_name="a.jpg",
                                       storage_key=f"evidence/{uuid.uuid4().hex}/a.jpg", content_type="image/jpeg",
                                       size=1, sha256=f"{n:064x}"))
        await experiences.refresh_hash(entry_id)
        ids.append(entry_id)
    emails = emails_for(settings)
    half = len(ids) // 2 or 1
    await signoff.ask_mentor(emails, student, ids[:half], mentor.id)
    supervisor = SupervisorForm("Pat Boss", "", "", "pat@acme.example")
    supervisor_request = await signoff.ask_supervisor(emails, student, ids[half:] or ids[:1], supervisor) \
        if ids[half:] else None
    return student, mentor, supervisor_request


async def _queries(call) -> int:
    async with counting_queries() as seen:
        await call()
    return len(seen)


async def assert_same_queries(call, small, large) -> None:
    """`call` on the small case and on the large one takes the same number of queries."""
    counts = [await _queries(lambda subject=subject: call(subject)) for subject in (small, large)]
    assert counts[0] == counts[1] > 0, counts


async def test_the_student_record_takes_the_same_queries_for_1_or_20_entries(make_user, settings):
    small, _, _ = await _student_asking(make_user, settings, 1)
    large, _, _ = await _student_asking(make_user, settings, 20)
    await assert_same_queries(signoff.student_record, small, large)
    record = await signoff.student_record(large)
    assert len(record["entries"]) == 20 and all(e["verification"]["state"] == "submitted" for e in record["entries"])


async def test_the_mentor_queue_takes_the_same_queries_for_1_or_20_entries(make_user, settings):
    _, small, _ = await _student_asking(make_user, settings, 2)
    _, large, _ = await _student_asking(make_user, settings, 40)
    await assert_same_queries(signoff.mentor_queue, small, large)
    queue = await signoff.mentor_queue(large)
    assert len(queue) == 20 and all(len(item["entry"]["evidence"]) == 1 for item in queue)


async def test_a_request_and_the_pending_list_take_the_same_queries_for_1_or_20_entries(make_user, settings):
    small, _, small_request = await _student_asking(make_user, settings, 2)
    large, _, large_request = await _student_asking(make_user, settings, 40)
    await assert_same_queries(signoff.request_view, small_request, large_request)
    view = await signoff.request_view(large_request)
    assert len(view["items"]) == 20 and all(item["unchanged"] for item in view["items"])
    await assert_same_queries(signoff.pending_for_student, small, large)
    assert sorted(len(r["entries"]) for r in await signoff.pending_for_student(large)) == [20, 20]


async def test_the_students_dashboard_takes_the_same_queries_for_1_or_20_entries(make_user, make_client, settings):
    small, _, _ = await _student_asking(make_user, settings, 1)
    large, _, _ = await _student_asking(make_user, settings, 20)
    async with browser_of(make_client, small) as small_client, browser_of(make_client, large) as large_client:
        await assert_same_queries(lambda client: client.get("/student"), small_client, large_client)
        page = await large_client.get("/student")
    assert page.status_code == 200 and "All entries (20)" in page.text
    assert '<li class="split-waiting"><span>Waiting for an answer</span> <strong>20 h</strong>' in page.text


async def test_what_needs_staff_takes_the_same_queries_for_a_small_or_a_large_school(make_user, settings, school, other_school):
    small, large = await make_user("staff", school_id=school), await make_user("staff", school_id=other_school)
    await needing_attention(make_user, settings, school, small, count=1)
    await needing_attention(make_user, settings, other_school, large, count=6)
    await assert_same_queries(lambda staff: attention.for_staff(staff.school_id, staff.id, date.today()), small, large)
    counts = await attention.for_staff(other_school, large.id, date.today())
    assert (counts.guardians.count, counts.unconfirmed.count, counts.disputed.count, counts.failed_invitations.count,
            counts.without_mentor.count, counts.expiring.count) == (6, 6, 6, 6, 6, 6)


async def test_a_mentor_s_students_and_history_take_the_same_queries_for_few_or_many(make_user, settings):
    _, small, _ = await _student_asking(make_user, settings, 2)
    _, large, _ = await _student_asking(make_user, settings, 40)
    for _ in range(3):  # and more students, each with entries of their own
        other = await make_user("student")
        await MentorAssignment.insert(MentorAssignment(mentor=large.id, student=other.id))
        body = {"kind": "job_shadow", "title": "More", "organization": "Acme", "hours": "2",
                "date": (date.today() - timedelta(days=1)).isoformat(), "cluster": "construction"}
        await experiences.create(other, await as_entry(other, body), uuid.uuid4())
    for mentor in (small, large):
        items = [item["id"] for item in await signoff.mentor_queue(mentor)]
        await signoff.decide_as_mentor(emails_for(settings), mentor, items, DecisionForm(Decision.VERIFIED, ""))
    await assert_same_queries(mentor_overview.students, small, large)
    students = (await mentor_overview.students(large)).rows
    assert len(students) == 4 and sum(s["hours"].verified for s in students) == 20 * 60
    await assert_same_queries(lambda mentor: mentor_overview.decisions(mentor, 1), small, large)
    assert len((await mentor_overview.decisions(large, 1))["items"]) == 20


async def test_the_partner_directory_takes_the_same_queries_for_1_or_30_partners(make_user, school, other_school):
    small, large = await make_user("staff", school_id=school), await make_user("staff", school_id=other_school)
    for staff, count in ((small, 1), (large, 30)):
        choices = await records.choices(staff)
        for n in range(count):
            raw = {"name": f"Partner {staff.id}-{n}", "kind": "employer", "status": "active", "owners": str(staff.id),
                   "offerings": ["job_shadow", "site_visit"], "clusters": [str(c) for c in list(choices.clusters)[:2]]}
            partner = await records.create(staff, parse_partner(raw, choices), raw)
            await contacts.add(staff, partner, parse_contact({"contact_name": "Pat", "email": "pat@example.org",
                                                              "reach_by": "email", "role": "hr"}))
    await assert_same_queries(lambda staff: directory.listing(staff, parse_filter({})), small, large)
    listing = await directory.listing(large, parse_filter({}))
    assert listing.total == 30 and all(r["contacts"] == 1 and len(r["clusters"]) == 2 for r in listing.rows)


async def test_a_partner_s_engagement_takes_the_same_queries_for_1_or_20_linked_entries(make_user, school):
    staff = await make_user("staff", school_id=school)
    partners = {}
    for name, count in (("Small Partner", 1), ("Large Partner", 20)):
        raw = {"name": name, "kind": "employer", "status": "active", "owners": str(staff.id), "offerings": [], "clusters": []}
        partners[count] = await records.create(staff, parse_partner(raw, await records.choices(staff)), raw)
        for n in range(count):
            student = await make_user("student", school_id=school)
            body = {"kind": "job_shadow", "title": f"Entry {n}", "organization": name, "hours": "1",
                    "date": (date.today() - timedelta(days=n % 3 + 1)).isoformat(), "cluster": "construction"}
            await experiences.create(student, await as_entry(student, body), uuid.uuid4())

    async def partner_page(partner_id):
        return await engagement.engagement(await records.page(staff, partner_id))

    await assert_same_queries(partner_page, partners[1], partners[20])
    found = await partner_page(partners[20])
    assert found.this_year.student_count + found.before.student_count == 20
    assert found.this_year.minutes + found.before.minutes == 20 * 60


# --- programs and boards --------------------------------------------------------------------------

async def test_programs_and_a_board_take_the_same_queries_for_few_or_many(make_user, school, other_school):
    small, large = await make_user("staff", school_id=school), await make_user("staff", school_id=other_school)
    boards = {}
    for staff, count in ((small, 1), (large, 12)):
        ids = [await programs.create(staff, ProgramForm(f"Program {n}", None)) for n in range(count)]
        student = await make_user("student", school_id=staff.school_id)
        partner = await records.create(staff, parse_partner(
            raw := {"name": f"Board partner {staff.id}", "kind": "employer", "status": "active", "owners": str(staff.id)},
            await records.choices(staff)), raw)
        for n in range(count):
            contact = await contacts.add(staff, partner, parse_contact({"contact_name": f"Pat {n}", "email": "p@example.org",
                                                                        "reach_by": "email", "role": "hr"}))
            await board.add_member(staff, ids[0], MemberForm(contact=contact))
            await programs.add_student(staff, ids[0], student.id, date.today())
        seats = tuple(m["id"] for m in await board.members(ids[0]))
        for n in range(count):
            await board.record_meeting(staff, ids[n], MeetingForm(date.today() - timedelta(days=n), "", "", "", "", seats,
                                                                  ActionForm(f"Do {n}", staff.id, None)))
        boards[staff.id] = ids[0]
    await assert_same_queries(lambda staff: programs.listing(staff, date.today()), small, large)
    await assert_same_queries(lambda staff: board.page(staff, boards[staff.id], date.today()), small, large)
    await assert_same_queries(lambda staff: board.seats(staff, partner), large, large)
    page = await board.page(large, boards[large.id], date.today())
    assert len(page["members"]) == 12 and page["meetings"][0]["attendees"] == 12 and not page["overdue"]


async def test_partners_without_an_owner_and_going_cold_take_the_same_queries_for_1_or_30(make_user, school,
                                                                                          other_school):
    small, large = await make_user("staff", school_id=school), await make_user("staff", school_id=other_school)
    for staff, count in ((small, 1), (large, 30)):
        leaver = await make_user("staff", school_id=staff.school_id)
        choices = await records.choices(leaver)
        for n in range(count):
            raw = {"name": f"Quiet {staff.id}-{n}", "kind": "employer", "status": "active", "owners": str(leaver.id)}
            partner = await records.create(leaver, parse_partner(raw, choices), raw)
            _, people = await interactions.choices(leaver, partner)
            old = (date.today() - timedelta(days=200 + n)).isoformat()
            form = {"kind": "call", "happened_on": old, "staff": str(leaver.id), "summary": "Hello.",
                    "follow_up": "Call back", "owner": str(leaver.id), "due_on": date.today().isoformat()}
            await interactions.add(leaver, partner, parse_interaction(form, people, date.today()))
        await User.update({User.active: False}).where(User.id == leaver.id)
    await assert_same_queries(owners.ownerless, small, large)
    await assert_same_queries(cold.for_home, small, large)
    await assert_same_queries(lambda staff: directory.listing(staff, parse_filter({"cold": "1"})), small, large)
    found = await owners.ownerless(large)
    assert found.partner_count == found.follow_up_count == 30 and len(found.partners) == owners.SHOWN
    assert (await cold.for_home(large))["count"] == 30


# --- the long lists, as pages -----------------------------------------------------------------------

async def _page_queries(make_client, pages) -> list[int]:
    """How many queries each (user, path) takes as a page, the user signed in on their own browser."""
    counts = []
    for user, path in pages:
        async with browser_of(make_client, user) as client:
            async with counting_queries() as seen:
                assert (await client.get(path)).status_code == 200, path
            counts.append(len(seen))
    return counts


async def test_all_entries_the_record_and_the_queue_as_pages_take_the_same_queries_for_2_or_60_entries(
        make_user, make_client, settings):
    staff = await make_user("staff")
    (small, small_mentor, _), (large, large_mentor, _) = [await _student_asking(make_user, settings, n) for n in (2, 60)]
    await deliver(settings)  # or the app's own mail worker would send the requests' e-mails while queries are counted
    for path, users in (("/student/experiences", (small, large)), ("/mentor", (small_mentor, large_mentor)),
                        ("/mentor/students", (small_mentor, large_mentor))):
        counts = await _page_queries(make_client, [(user, path) for user in users])
        assert counts[0] == counts[1] > 0, (path, counts)
    for viewer, base in ((staff, "/staff/students/{}"), (None, "/mentor/students/{}")):
        pairs = [(viewer or mentor, base.format(student.id)) for student, mentor in ((small, small_mentor), (large, large_mentor))]
        counts = await _page_queries(make_client, pairs + [(viewer or large_mentor, base.format(large.id) + "?page=3")])
        assert counts[0] == counts[1] == counts[2] > 0, (base, counts)


async def test_the_employer_s_list_and_shortlist_take_the_same_queries_for_2_or_30_students(make_user, make_client, settings):
    employers = []
    for count in (2, 30):
        organization, _ = await employer_org()
        employer = await make_user("employer", organization_id=organization)
        for n in range(count):
            student = await make_user("student", name=f"Student {n:02}")
            await of_age(student)
            body = {"kind": "job_shadow", "title": "Shadowing", "organization": "Acme", "hours": "2",
                    "date": (date.today() - timedelta(days=1)).isoformat(), "cluster": "construction"}
            await experiences.create(student, await as_entry(student, body), uuid.uuid4())
            await share_with(student, organization)
            if n < 2 or n % 3 == 0:
                await sharing.set_shortlisted(employer, student.id, True)
        employers.append(employer)
    await deliver(settings)
    for path in ("/employer", "/employer?cluster=construction&sort=recent", "/employer/shortlist"):
        counts = await _page_queries(make_client, [(employer, path) for employer in employers])
        assert counts[0] == counts[1] > 0, (path, counts)
