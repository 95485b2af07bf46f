"""The pages of placing students take the same number of queries for a little data and for more: the staff's
opportunity list and page, the students' Explore list, the placement list and page, and the feedback review."""

from __future__ import annotations

from datetime import timedelta

from portfolio.services.opportunities import seats
from tests.factories import browser_of, counting_queries
from tests.feedback_factories import answered
from tests.feedback_factories import opportunity as ended_opportunity
from tests.feedback_factories import partner as feedback_partner
from tests.opportunity_factories import post_opportunity
from tests.placement_factories import activate, last_week, log_at_placement, make_placement


async def _queries(client, url: str) -> int:
    async with counting_queries() as seen:
        response = await client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(seen)


async def _grow(make_user, emails, staff, opportunities: int, students: int) -> list[int]:
    """`opportunities` open ones, each with `students` signed up (the last few on the waitlist)."""
    made = []
    for n in range(opportunities):
        opportunity_id = await post_opportunity(staff, title=f"Visit {n}", capacity=max(1, students - 2))
        for s in range(students):
            await seats.sign_up(emails, await make_user("student", name=f"Student {n}-{s}"), opportunity_id)
        made.append(opportunity_id)
    return made


async def test_the_opportunity_pages_take_the_same_queries_for_more_sign_ups(make_user, make_client, emails):
    staff = await make_user("staff")
    student = await make_user("student")
    small = await _grow(make_user, emails, staff, 1, 1)
    async with browser_of(make_client, staff) as theirs, browser_of(make_client, student) as mine:
        counts = [await _queries(theirs, "/staff/opportunities"), await _queries(theirs, f"/staff/opportunities/{small[0]}"),
                  await _queries(mine, "/student/opportunities"), await _queries(mine, "/student")]
        large = await _grow(make_user, emails, staff, 4, 6)
        for opportunity_id in large:
            await seats.sign_up(emails, student, opportunity_id)
        again = [await _queries(theirs, "/staff/opportunities"), await _queries(theirs, f"/staff/opportunities/{large[0]}"),
                 await _queries(mine, "/student/opportunities"), await _queries(mine, "/student")]
    assert counts == again


async def test_the_placement_pages_take_the_same_queries_for_more_placements_and_hours(make_user, make_client, settings):
    staff = await make_user("staff")
    student = await make_user("student")
    first = await make_placement(settings, staff, student)
    await activate(first, student, staff)
    async with browser_of(make_client, staff) as theirs, browser_of(make_client, student) as mine:
        urls = [(theirs, "/staff/placements"), (theirs, f"/staff/placements/{first}"), (mine, "/student/placements"),
                (mine, f"/student/placements/{first}")]
        counts = [await _queries(client, url) for client, url in urls]
        for n in range(4):
            other = await make_user("student", name=f"Intern {n}")
            placement_id = await make_placement(settings, staff, other, title=f"Intern {n}")
            await activate(placement_id, other, staff)
            for day in range(3):
                await log_at_placement(other, last_week() + timedelta(days=day), title=f"Shift {day}")
        for day in range(3):
            await log_at_placement(student, last_week() + timedelta(days=day), title=f"My shift {day}")
        again = [await _queries(client, url) for client, url in urls]
    assert counts == again


async def test_the_feedback_review_takes_the_same_queries_for_more_answers(make_user, make_client):
    staff = await make_user("staff")
    host = await feedback_partner(staff.school_id)

    async def answers(count: int, title: str) -> None:
        visit = await ended_opportunity(staff.school_id, [host["id"]], title=title)
        for n in range(count):
            student = await make_user("student", name=f"{title} {n}")
            await answered(student, visit["id"], learned=f"Learned {n}", change=f"Change {n}")

    # Five students: enough for the partner's summary to show (below that it shows nothing and asks less).
    await answers(5, "First visit")
    async with browser_of(make_client, staff) as theirs:
        urls = ["/staff/feedback", f"/staff/feedback/partners/{host['id']}", f"/staff/partners/{host['id']}"]
        counts = [await _queries(theirs, url) for url in urls]
        await answers(6, "Second visit")
        await answers(3, "Third visit")
        again = [await _queries(theirs, url) for url in urls]
    assert counts == again

