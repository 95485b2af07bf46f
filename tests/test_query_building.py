"""The quicker ForeignKey attribute reads (portfolio/db.py) build the very SQL piccolo's own method builds, and the
joined columns the hot pages build once at import stay unchanged however often the queries using them are built."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from piccolo.columns.column_types import ForeignKey
from piccolo.query.methods.select import Count

from portfolio.opportunity_tables import Attendance, SignUp
from portfolio.placement_tables import Placement
from portfolio.services.accounts import load_user
from portfolio.services.experiences import school_of
from portfolio.services.feedback import experiences as feedback_experiences
from portfolio.services.signoff.mentor_queue import _STUDENT, _items, _waiting
from portfolio.tables import RequestItem, School, User

SHAPES: dict[str, Callable[[], object]] = {
    "two joins, aliased": lambda: Attendance.select(
        Attendance.session.opportunity.id.as_alias("id"), Attendance.session.opportunity.title,
    ).where((Attendance.student == 3) & Attendance.session.opportunity.id.not_in([1, 2])),
    "three joins, ordered": lambda: Placement.select(
        Placement.id, Placement.partner.organization.name.as_alias("partner_name"), Placement.school.timezone,
    ).where(Placement.student == 5).order_by(Placement.partner.organization.name),
    "a key of a key, compared": lambda: RequestItem.select(RequestItem.request.student.id).where(
        (RequestItem.request.mentor == 4) & RequestItem.request.student.is_in([7]) & (SignUp.opportunity.status != "x")),
    "count distinct over a join": lambda: RequestItem.count(distinct=[RequestItem.request.student]).where(
        RequestItem.request.status == "pending"),
    "every column of a joined table": lambda: User.select(*User.school.all_columns()).where(User.id == 1),
    "aggregate": lambda: RequestItem.select(Count(RequestItem.id)).where(RequestItem.request.mentor.name == "x"),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_the_quicker_foreign_keys_build_the_same_sql_as_piccolo(shape):
    quicker = ForeignKey.__getattribute__
    assert quicker.quicker
    made = str(SHAPES[shape]())
    ForeignKey.__getattribute__ = quicker.piccolos
    try:
        assert str(SHAPES[shape]()) == made
    finally:
        ForeignKey.__getattribute__ = quicker


def test_columns_built_once_are_not_changed_by_the_queries_that_use_them():
    first = str(_items(_waiting(4)))
    str(RequestItem.count(distinct=[_STUDENT]).where(_waiting(5)))
    assert str(_items(_waiting(4))) == first
    assert '$student"."name" AS "student_name"' in first
    def attended() -> str:
        return str(Attendance.select(*feedback_experiences._ATTENDED_COLUMNS).where(
            feedback_experiences._OPPORTUNITY_ID.not_in([1, 2])))

    assert attended() == attended()


async def test_the_user_of_a_request_comes_with_their_school_and_not_once_deactivated(make_user, school):
    await School.update({School.accent_colour: "#0a5c36"}).where(School.id == school)
    user = await make_user("student", "mentor", name="Ada Lovelace")
    loaded = await load_user(user.id)
    assert (loaded.name, loaded.roles, loaded.school_id, loaded.school_name, loaded.school_accent) == (
        "Ada Lovelace", frozenset({"student", "mentor"}), school, "Test Career Center", "#0a5c36")
    await User.update({User.active: False}).where(User.id == user.id)
    assert await load_user(user.id) is None


async def test_the_school_a_page_reads_leaves_its_logo_behind(make_user, school):
    await School.update({School.logo: b"\x89PNG" + bytes(50_000), School.logo_type: "image/png",
                         School.wbl_goal_hours: 40}).where(School.id == school)
    row = await school_of(await make_user("student"))
    assert "logo" not in row
    assert (row["timezone"], row["wbl_goal_hours"], row["logo_type"]) == ("America/New_York", 40, "image/png")
