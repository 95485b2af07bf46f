"""Long lists show 25 to a page with a count and links to the pages around, which keep the list's filters and
sort: the student's entries, a student's record (staff and mentors), the mentor's queue and students, and the
employer's shared portfolios and shortlist. A page past the end is the last one; the pages stay each role's own."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from portfolio.forms.verification import DecisionForm
from portfolio.services import experiences, sharing, signoff
from portfolio.vocabulary import Decision
from tests.factories import (
    as_entry,
    assign_mentor,
    browser_of,
    employer_org,
    entry,
    of_age,
    post,
    share_with,
)
from tests.mailbox import emails_for


async def _entries(student, count: int) -> list[int]:
    """`count` one-hour entries of `student`, one a day back from yesterday (newest first in the lists)."""
    ids = []
    for n in range(count):
        raw = entry(title=f"Entry {n:02}", hours="1", date=(date.today() - timedelta(days=n + 1)).isoformat())
        ids.append((await experiences.create(student, await as_entry(student, raw), uuid.uuid4())).entry["id"])
    return ids


def _titles(text: str) -> list[str]:
    return re.findall(r"(Entry \d\d)</", text)


def _pager(text: str) -> str:
    found = re.search(r'<nav class="pager" aria-label="[^"]*">(.*?)</nav>', text, re.S)
    assert found, "no pager"
    return found.group(1)


async def test_all_entries_are_paged_newest_first_with_a_count(make_user, make_client):
    student = await make_user("student")
    await _entries(student, 27)
    async with browser_of(make_client, student) as client:
        first = (await client.get("/student/experiences")).text
        assert _titles(first) == [f"Entry {n:02}" for n in range(25)]
        pager = _pager(first)
        assert "27 entries · page 1 of 2" in pager and 'href="/student/experiences?page=2" rel="next"' in pager
        assert 'rel="prev"' not in pager
        second = (await client.get("/student/experiences?page=2")).text
        assert _titles(second) == ["Entry 25", "Entry 26"]
        assert 'href="/student/experiences?page=1" rel="prev"' in _pager(second) and 'rel="next"' not in _pager(second)
        # Past the end is the last page; a page that is no number is the first.
        assert _titles((await client.get("/student/experiences?page=99")).text) == ["Entry 25", "Entry 26"]
        assert _titles((await client.get("/student/experiences?page=0")).text)[0] == "Entry 00"
        assert (await client.get("/student/experiences?page=x")).status_code in (200, 400)


async def test_a_short_list_has_no_pager(make_user, make_client):
    student = await make_user("student")
    await _entries(student, 3)
    async with browser_of(make_client, student) as client:
        assert 'class="pager"' not in (await client.get("/student/experiences")).text


async def test_a_student_s_record_is_paged_for_staff_and_mentors_and_stays_theirs(make_user, make_client, school, other_school):
    student = await make_user("student")
    ids = await _entries(student, 26)
    staff, mentor = await make_user("staff"), await make_user("mentor")
    await assign_mentor(staff, mentor, student)
    for viewer, base in ((staff, f"/staff/students/{student.id}"), (mentor, f"/mentor/students/{student.id}")):
        async with browser_of(make_client, viewer) as client:
            first = (await client.get(base)).text
            assert len(re.findall(r'<li class="card" id="entry-', first)) == 25
            assert "26 entries · page 1 of 2" in _pager(first) and f'href="{base}?page=2"' in _pager(first)
            second = (await client.get(f"{base}?page=2")).text
            assert len(re.findall(r'<li class="card" id="entry-', second)) == 1 and "Entry 25" in second
            # A link to one entry (from the staff desk, the mentor's history) opens the page holding it.
            assert f'id="entry-{ids[-1]}"' in (await client.get(f"{base}?entry={ids[-1]}")).text
            assert f'id="entry-{ids[0]}"' in (await client.get(f"{base}?entry={ids[0]}")).text
    outsiders = [await make_user("staff", school_id=other_school), await make_user("mentor")]
    for outsider, base in zip(outsiders, ("/staff/students/{}", "/mentor/students/{}")):
        async with browser_of(make_client, outsider) as client:
            assert (await client.get(base.format(student.id) + "?page=2")).status_code == 404


async def test_the_mentor_queue_is_paged_and_verify_all_takes_the_page_only(make_user, make_client, settings):
    mentor = await make_user("mentor")
    staff = await make_user("staff")
    students = [await make_user("student", name=name) for name in ("Ann Early", "Ben Later")]
    for student, count in zip(students, (20, 8)):
        await assign_mentor(staff, mentor, student)
        await signoff.ask_mentor(emails_for(settings), student, await _entries(student, count), mentor.id)
    async with browser_of(make_client, mentor) as client:
        first = (await client.get("/mentor")).text
        assert "28 entries are waiting for you from 2 students, the oldest first, 25 on this page." in first
        assert first.count('name="items" value="') == 25 * 2  # each item's box, and again in "Verify all"
        assert "Verify all 25 entries on this page" in first
        assert "28 entries waiting · page 1 of 2" in _pager(first)
        assert (await client.get("/mentor?page=2")).text.count('<li class="card queue-item') == 3
        shown = re.findall(r'<input type="hidden" name="items" value="(\d+)">', first)
        done = await post(client, "/mentor/decide", {"items": shown, "decision": "verified"})
        assert done.status_code == 303 and done.headers["location"] == "/mentor?done=verified&count=25"
        after = (await client.get("/mentor")).text
        assert "3 entries are waiting for you from" in after and 'class="pager"' not in after
    assert len(await signoff.mentor_queue(mentor)) == 3
    await signoff.decide_as_mentor(emails_for(settings), mentor, [i["id"] for i in await signoff.mentor_queue(mentor)],
                                   DecisionForm(Decision.VERIFIED, ""))


async def test_a_mentor_s_students_are_paged_by_name(make_user, make_client):
    mentor, staff = await make_user("mentor"), await make_user("staff")
    for n in range(27):
        await assign_mentor(staff, mentor, await make_user("student", name=f"Student {n:02}"))
    async with browser_of(make_client, mentor) as client:
        first = (await client.get("/mentor/students")).text
        assert re.findall(r">(Student \d\d)</a>", first) == [f"Student {n:02}" for n in range(25)]
        assert "27 students · page 1 of 2" in _pager(first)
        second = (await client.get("/mentor/students?page=2")).text
        assert re.findall(r">(Student \d\d)</a>", second) == ["Student 25", "Student 26"]


async def test_the_employer_s_list_is_paged_keeping_its_filters_and_sort(make_user, make_client):
    organization, _ = await employer_org()
    employer = await make_user("employer", organization_id=organization)
    ids = []
    for n in range(27):
        student = await make_user("student", name=f"Student {n:02}")
        await of_age(student)
        await _entries(student, 1 + n % 3)
        await share_with(student, organization)
        ids.append(student.id)
    for student_id in ids[:26]:
        await sharing.set_shortlisted(employer, student_id, True)
    whole = [card["id"] for card in await sharing.employer_list(employer, sort="recent")]
    async with browser_of(make_client, employer) as client:
        shown = []
        for page in (1, 2):
            text = (await client.get(f"/employer?sort=recent&certification=&page={page}")).text
            assert "27 portfolios" in text and "27 students · page {} of 2".format(page) in _pager(text)
            shown += [int(i) for i in re.findall(r'class="emp-link" href="/employer/students/(\d+)"', text)]
        assert shown == whole  # every student once, in the list's own order
        assert 'href="/employer?sort=recent&amp;page=2" rel="next"' in _pager(
            (await client.get("/employer?sort=recent")).text)
        filtered = (await client.get("/employer?cluster=construction&shortlist=1&sort=recent")).text
        assert 'href="/employer?cluster=construction&amp;shortlist=1&amp;sort=recent&amp;page=2"' in _pager(filtered)
        listed = (await client.get("/employer/shortlist?page=2")).text
        assert "26 students · page 2 of 2" in _pager(listed) and listed.count('class="emp-link"') == 1
