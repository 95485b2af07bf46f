"""The demo shows each stage of a placement on the demo accounts."""

from __future__ import annotations

from portfolio.placement_tables import Evaluation, Placement, TimesheetWeek
from portfolio.services import demo
from portfolio.services.placements import agreement, scope
from portfolio.tables import Experience, User


async def test_the_demo_has_a_placement_at_each_stage(clean_database, hasher, emails):
    assert await demo.seed(hasher, emails) is True
    names = {u["id"]: u["email"] for u in await User.select(User.id, User.email)}
    rows = await Placement.select(Placement.id, Placement.student, Placement.status, Placement.title).order_by(Placement.id)
    stages = [(names[r["student"]], r["status"]) for r in rows]
    assert stages == [("student@demo.example", "active"), ("student2@demo.example", "awaiting_signatures"),
                      ("student@demo.example", "ended")]
    internship, shadow, ended = (r["id"] for r in rows)
    weeks = await TimesheetWeek.select().where(TimesheetWeek.placement == internship).order_by(TimesheetWeek.week_start)
    assert [w["done_at"] is not None for w in weeks] == [True, False]
    statuses = sorted(r["status"] for r in await Experience.select(Experience.status).where(Experience.placement == internship))
    assert statuses == ["draft", "draft", "verified", "verified"]
    waiting = await agreement.state(await scope.by_id(shadow))
    assert waiting["minor"] and not waiting["age_unknown"]
    assert [party for party, signed in waiting["parties"] if not signed] == ["guardian", "supervisor"]
    assert await Evaluation.exists().where(Evaluation.placement == ended)
