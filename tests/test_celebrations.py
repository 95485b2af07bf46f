"""Milestones passed within a scope, found in SQL for staff: first internship, the school's hour goal within a
school year, 100 verified hours; dated by the entry that reached it, for the school of that day; the same ones the
student's dashboard shows; a voided sign-off un-earns one; an entry of the year before does not count this year."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from portfolio import clock
from portfolio.services import experiences, progress
from portfolio.services.celebrations import milestones
from portfolio.services.reports import scope
from portfolio.tables import School
from tests import report_factories as rf
from tests.celebration_factories import verified
from tests.factories import as_entry, entry


@pytest.fixture
async def district(make_user, settings, school, other_school):
    # Goals: 12 verified hours a year at A, 20 at B (worked out by hand below).
    await School.update({School.wbl_goal_hours: 12}).where(School.id == school)
    await School.update({School.wbl_goal_hours: 20}).where(School.id == other_school)
    return await rf.hand_district(make_user, settings, school, other_school)


def _named(rows, names) -> set[tuple[str, str, date]]:
    return {(names[row["student"]], row["milestone"], row["date"]) for row in rows}


async def test_milestones_are_dated_by_the_entry_that_reached_them(district, make_user, settings, school):
    # Eve at A: 5 verified days of 24, 24, 24, 24 and 8 hours from 2025-08-01: the goal of 12 hours on the
    # first day, 100 hours (96 + 8) on the fifth.
    eve = await make_user("student", name="Eve", school_id=school)
    await verified(make_user, settings, eve, *[(f"2025-08-0{d}", "job_shadow", h) for d, h in
                                               ((1, "24"), (2, "24"), (3, "24"), (4, "24"), (5, "8"))])
    names = {s.id: n for n, s in district.students.items()} | {eve.id: "Eve"}
    admin = await make_user("admin")
    a = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR, school=district.school_a))
    b = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR, school=district.school_b))
    # Ana: her internship (10 h) is her first; her 2 h visit was the year before, so 10 h this year, short of 12.
    # Cara's internship was verified, then edited: voided, so no first internship.
    assert _named(await milestones.passed(a), names) == {
        ("Ana", "internship", date(2025, 9, 10)),
        ("Eve", "goal", date(2025, 8, 1)), ("Eve", "hours-100", date(2025, 8, 5))}
    # Ben's internship (20 h, at B since his move) is his first and makes 4 + 20 = 24 h of B's goal of 20.
    assert _named(await milestones.passed(b), names) == {
        ("Ben", "internship", date(2026, 3, 1)), ("Ben", "goal", date(2026, 3, 1))}
    # A range of one week: only what was reached in it, though the sums began before it.
    week = await scope.scope_for(admin, scope.Wanted(start=date(2025, 8, 3), end=date(2025, 8, 9)))
    assert _named(await milestones.passed(week), names) == {("Eve", "hours-100", date(2025, 8, 5))}


async def test_the_year_before_does_not_count_toward_this_year_s_goal(make_user, settings, school):
    await School.update({School.wbl_goal_hours: 12}).where(School.id == school)
    student = await make_user("student", name="Fay", school_id=school)
    # 10 h on the last day of 2024-25, 4 h on the first of 2025-26: 14 h ever, only 4 this year; then 8 h more.
    await verified(make_user, settings, student, ("2025-06-30", "job_shadow", "10"), ("2025-07-01", "job_shadow", "4"),
                   ("2025-10-01", "job_shadow", "8"))
    admin = await make_user("admin")
    year = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))
    assert [(r["milestone"], r["date"]) for r in await milestones.passed(year)] == [("goal", date(2025, 10, 1))]


async def test_a_voided_sign_off_un_earns_a_milestone(make_user, settings, school):
    student = await make_user("student", name="Gus", school_id=school)
    [internship] = await verified(make_user, settings, student, ("2025-09-01", "internship", "6"))
    admin = await make_user("admin")
    year = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))
    assert [r["milestone"] for r in await milestones.passed(year)] == ["internship"]
    await experiences.update(student, internship, await as_entry(student, entry(
        date="2025-09-01", kind="internship", hours="6", title="Renamed")), void_ok=True)
    assert await milestones.passed(year) == []


async def test_staff_and_the_student_s_dashboard_agree(make_user, settings, school):
    await School.update({School.wbl_goal_hours: 30}).where(School.id == school)
    student = await make_user("student", name="Hal", school_id=school)
    with clock.fixed(datetime(2026, 3, 15, 17, tzinfo=timezone.utc)):
        await verified(make_user, settings, student, ("2025-05-01", "apprenticeship", "24"),
                       ("2025-07-02", "internship", "20"), ("2025-09-01", "job_shadow", "12"),
                       ("2026-01-05", "site_visit", "24"), ("2026-02-02", "job_shadow", "22"))
        shown = (await progress.glance(student))["milestones"]
    # Hand-worked: first internship (apprenticeship) 2025-05-01; this year's 30 h goal: 20 + 12 on 2025-09-01;
    # 100 h: 24 + 20 + 12 + 24 = 80, + 22 = 102 on 2026-02-02.
    wanted = {("internship", date(2025, 5, 1)), ("goal", date(2025, 9, 1)), ("hours-100", date(2026, 2, 2))}
    assert {(m["key"], m["date"]) for m in shown if m["key"] in {"internship", "goal", "hours-100"}} == wanted
    admin = await make_user("admin")
    ever = await scope.scope_for(admin, scope.Wanted(start=date(2025, 1, 1), end=date(2026, 3, 15)))
    passed = {(r["milestone"], r["date"]) for r in await milestones.passed(ever)}
    # Staff also see the 2024-25 year's goal: 24 h that year is short of 30, so nothing more.
    assert passed == wanted
