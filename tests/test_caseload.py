"""A counselor's caseload: each flag worked out right against hand-made students (an entry dated the day before
the school year started counts for nothing this year), filters by flag, 25 a page, and the same number of
queries for a caseload of 2 or of 30."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from portfolio import clock
from portfolio.counseling_vocabulary import CaseloadFlag
from portfolio.errors import FormErrors
from portfolio.forms.counseling import CaseloadAssignment
from portfolio.opportunity_vocabulary import PlacementStatus
from portfolio.services.counseling import caseload
from portfolio.services.experiences import school_of, school_year_start
from portfolio.tables import Certification, Experience, VerificationRequest
from tests import counseling_factories as cf
from tests import feedback_factories as ff
from tests.factories import browser_of, counting_queries, new_entry, post

F = CaseloadFlag


async def _certification(student, name: str, expires_on: date | None) -> None:
    moment = datetime.now(timezone.utc)
    await Certification.insert(Certification(student=student.id, name=name, issuer="I", issued_on=date(2025, 1, 1),
                                             expires_on=expires_on, created_at=moment, updated_at=moment))


async def _request(student, status: str) -> None:
    await VerificationRequest.insert(VerificationRequest(student=student.id, method="email_link", supervisor_name="S",
                                                         supervisor_email="s@example.com", status=status))


@pytest.fixture
async def hand_made(make_user, school, other_school):
    """A counselor and students each made to have (or just miss) one flag."""
    counselor = await make_user("staff", name="Casey Counselor")
    school_row = await school_of(counselor)
    today = clock.today_at(school_row)
    start = school_year_start(school_row, today)
    people = {}
    for name in ("clear", "before_year", "rejected_only", "waiting", "expiring", "unsigned", "never_checked"):
        people[name] = await make_user("student", name=name)
        await cf.on_caseload(counselor, people[name])
    for name, student in people.items():
        if name not in ("before_year", "rejected_only"):
            await new_entry(student, date=start.isoformat(), title="First day of the year")
        if name != "never_checked":
            # 90 days ago is recent still; 91 is not.
            await cf.check_in(student, counselor, held_on=today - timedelta(days=91 if name == "before_year" else 90))
    await new_entry(people["before_year"], date=(start - timedelta(days=1)).isoformat(), title="Day before the year")
    rejected = await new_entry(people["rejected_only"], date=today.isoformat())
    await Experience.update({Experience.status: "rejected"}).where(Experience.id == rejected)
    await _request(people["waiting"], "pending")
    await _request(people["waiting"], "pending")
    await _request(people["clear"], "decided")
    await _certification(people["expiring"], "Due in 60 days", today + timedelta(days=60))
    await _certification(people["clear"], "Due in 61 days", today + timedelta(days=61))
    await _certification(people["clear"], "Expired yesterday", today - timedelta(days=1))
    partner = await ff.partner(counselor.school_id)
    await ff.placement(people["unsigned"], partner["id"], status=PlacementStatus.AWAITING_SIGNATURES)
    await ff.placement(people["clear"], partner["id"], status=PlacementStatus.ACTIVE)
    # Another school's student on the caseload (behind the app's back) never shows.
    stranger = await make_user("student", school_id=other_school, name="stranger")
    await cf.on_caseload(counselor, stranger)
    return counselor, people


def _flags(found) -> dict[str, dict]:
    return {row["name"]: {f: v for f, v in row["flags"].items() if v} for row in found.page.rows}


@pytest.mark.behind_the_apps_back
async def test_each_flag_is_computed_against_a_hand_made_caseload(hand_made):
    counselor, _ = hand_made
    found = await caseload.caseload(counselor, None, 1)
    assert _flags(found) == {
        "before_year": {F.NO_WBL: True, F.NO_CHECK_IN: True},
        "clear": {},
        "expiring": {F.EXPIRING: 1},
        "never_checked": {F.NO_CHECK_IN: True},
        "rejected_only": {F.NO_WBL: True},
        "unsigned": {F.UNSIGNED: 1},
        "waiting": {F.VERIFICATIONS: 2},
    }
    assert found.size == 7 and found.counts == {F.NO_WBL: 2, F.NO_CHECK_IN: 2, F.VERIFICATIONS: 1, F.EXPIRING: 1,
                                                F.UNSIGNED: 1}
    only = await caseload.caseload(counselor, F.NO_CHECK_IN, 1)
    assert [row["name"] for row in only.page.rows] == ["before_year", "never_checked"]


@pytest.mark.behind_the_apps_back
async def test_the_caseload_page_shows_and_filters_the_flags(hand_made, make_client):
    counselor, _ = hand_made
    async with browser_of(make_client, counselor) as browser:
        page = await browser.get("/staff/caseload")
        assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
        assert "before_year" in page.text and "stranger" not in page.text
        assert "2 verifications waiting" in page.text
        filtered = await browser.get("/staff/caseload?flag=unsigned")
        assert "unsigned" in filtered.text and "waiting</a>" not in filtered.text and "before_year" not in filtered.text
        # An unknown flag is no filter at all.
        assert "before_year" in (await browser.get("/staff/caseload?flag=nonsense")).text
        home = await browser.get("/staff")
        assert 'href="/staff/caseload"' in home.text


async def _caseload_of(make_user, counselor, size: int) -> None:
    for n in range(size):
        student = await make_user("student", name=f"Student {n:02d}")
        await cf.on_caseload(counselor, student)
        await new_entry(student)
        await cf.check_in(student, counselor, steps=("Step",))
        await _request(student, "pending")


async def test_the_caseload_takes_the_same_queries_for_2_or_30_students_and_pages_by_25(make_user):
    small, large = await make_user("staff"), await make_user("staff")
    await _caseload_of(make_user, small, 2)
    await _caseload_of(make_user, large, 30)
    counts = []
    for counselor in (small, large):
        async with counting_queries() as seen:
            await caseload.caseload(counselor, F.VERIFICATIONS, 1)
        counts.append(len(seen))
    assert counts[0] == counts[1] > 0, counts
    first, second = await caseload.caseload(large, None, 1), await caseload.caseload(large, None, 2)
    assert len(first.page.rows) == 25 and len(second.page.rows) == 5 and first.page.pages == 2
    assert first.page.rows[0]["name"] == "Student 00" and second.page.rows[-1]["name"] == "Student 29"


async def test_staff_put_only_their_own_school_s_students_on_their_own_school_s_counselors(make_user, make_client,
                                                                                            other_school):
    staff, counselor = await make_user("staff"), await make_user("staff")
    student = await make_user("student", name="Sam Ours")
    theirs = await make_user("student", school_id=other_school)
    their_counselor = await make_user("staff", school_id=other_school)
    for form in (CaseloadAssignment(counselor.id, [theirs.id]), CaseloadAssignment(their_counselor.id, [student.id]),
                 CaseloadAssignment(student.id, [student.id])):
        with pytest.raises(FormErrors):
            await caseload.assign(staff, form)
    assert await caseload.assign(staff, CaseloadAssignment(counselor.id, [student.id])) == 1
    assert await caseload.assign(staff, CaseloadAssignment(counselor.id, [student.id])) == 0
    (row,) = await caseload.assignments(staff.school_id)
    async with browser_of(make_client, their_counselor) as other:
        assert (await post(other, f"/staff/counselors/{row['id']}/delete")).status_code == 404
        assert "Sam Ours" not in (await other.get("/staff/counselors")).text.split("<h2 id=\"current-heading\">")[1]
    async with browser_of(make_client, staff) as ours:
        refused = await post(ours, "/staff/counselors", {"counselor": str(counselor.id), "students": str(theirs.id)})
        assert refused.status_code == 422 and "Choose one or more students of your school." in refused.text
        assert (await post(ours, f"/staff/counselors/{row['id']}/delete")).status_code == 303
    assert await caseload.assignments(staff.school_id) == []


@pytest.mark.behind_the_apps_back
async def test_the_school_sets_how_long_a_check_in_stays_recent(hand_made, make_client):
    """Staff of the school change the window on their school's page: at 120 days the check-in of 91 days ago is
    recent again, at 60 the one of 90 days is not; a window out of bounds is refused, keeping what was saved."""
    counselor, _ = hand_made
    async with browser_of(make_client, counselor) as browser:
        assert 'name="check_in_days"' in (await browser.get("/staff/school")).text
        assert (await post(browser, "/staff/school/counseling", {"check_in_days": "120"})).status_code == 303
        found = await caseload.caseload(counselor, F.NO_CHECK_IN, 1)
        assert [row["name"] for row in found.page.rows] == ["never_checked"] and found.check_in_days == 120
        await post(browser, "/staff/school/counseling", {"check_in_days": "60"})
        assert len((await caseload.caseload(counselor, F.NO_CHECK_IN, 1)).page.rows) == 7
        refused = await post(browser, "/staff/school/counseling", {"check_in_days": "3"})
        assert refused.status_code == 422 and "from 7 (a week) to 730 (two years)" in refused.text
        assert (await caseload.caseload(counselor, None, 1)).check_in_days == 60
        assert "in the last 60 days" in (await browser.get("/staff/caseload")).text
