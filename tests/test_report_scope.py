"""Which entries and students a report counts: each entry for the school its student was at on its date (a move
mid-year splits a student's hours between the schools, the day of the move counting for the new one), the
school year's bounds, rejected entries never, voided sign-offs as self-reported; staff only their own school."""

from __future__ import annotations

from datetime import date

import pytest

from portfolio.errors import FormErrors, NotFound
from portfolio.services.reports import scope
from portfolio.tables import Experience
from tests import report_factories as rf


async def _sums(the_scope: scope.Scope) -> dict[int, tuple[int, int]]:
    sql, args = scope.counted_entries(the_scope)
    rows = await Experience.raw(sql + "SELECT school, SUM(minutes) AS minutes, SUM(verified * minutes) AS verified "
                                      "FROM counted GROUP BY school", *args)
    return {row["school"]: (int(row["minutes"]), int(row["verified"])) for row in rows}


async def _students(the_scope: scope.Scope) -> dict[int, set[int]]:
    sql, args = scope.students_in_scope(the_scope)
    found: dict[int, set[int]] = {}
    for row in await Experience.raw(sql + "SELECT student, school FROM enrolled", *args):
        found.setdefault(row["school"], set()).add(row["student"])
    return found


@pytest.fixture
async def district(make_user, settings, school, other_school):
    return await rf.hand_district(make_user, settings, school, other_school, records=True, participation=True)


async def test_entries_count_for_the_school_of_their_date(district, make_user):
    admin = await make_user("admin")
    year = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))
    assert (year.start, year.end, year.district) == (date(2025, 7, 1), date(2026, 6, 30), True)
    sums = await _sums(year)
    a, b = rf.HAND["school_a"], rf.HAND["school_b"]
    assert sums == {district.school_a: (a["minutes"], a["verified"]), district.school_b: (b["minutes"], b["verified"])}
    names = {s.id: name for name, s in district.students.items()}
    students = await _students(year)
    assert {k: {names[i] for i in v} for k, v in students.items()} == {
        district.school_a: a["students"], district.school_b: b["students"]}


async def test_a_range_crossing_the_year_boundary(district, make_user):
    admin = await make_user("admin")
    # 2025-06-01..2025-09-30: Ana's visit of the year before and her internship of this one, both at A.
    spanning = await scope.scope_for(admin, scope.Wanted(start=date(2025, 6, 1), end=date(2025, 9, 30)))
    assert await _sums(spanning) == {district.school_a: (720, 720)}
    # The day before Ben's move counts nothing at B, the day of it his draft (school_on picks the latest begun).
    day_before = await scope.scope_for(admin, scope.Wanted(start=rf.MOVED_ON.replace(day=14), end=rf.MOVED_ON.replace(day=14)))
    assert await _sums(day_before) == {}
    move_day = await scope.scope_for(admin, scope.Wanted(start=rf.MOVED_ON, end=rf.MOVED_ON))
    assert await _sums(move_day) == {district.school_b: (300, 0)}


async def test_staff_see_only_their_school(district, make_user, other_school):
    staff = await make_user("staff")
    own = await scope.scope_for(staff, scope.Wanted(year=rf.YEAR))
    assert own.schools == (district.school_a,) and not own.district
    assert set(await _sums(own)) == {district.school_a}
    with pytest.raises(NotFound):
        await scope.scope_for(staff, scope.Wanted(year=rf.YEAR, school=other_school))
    with pytest.raises(FormErrors):
        await scope.scope_for(staff, scope.Wanted(start=date(2026, 2, 1), end=date(2026, 1, 1)))
    # An unknown year is this school year, never an error.
    this_year = await scope.scope_for(staff, scope.Wanted())
    assert (await scope.scope_for(staff, scope.Wanted(year="1999-00"))) == this_year
    assert this_year.start <= date.today() <= this_year.end
