"""A placement of the owner at the school's partner, one of its e-mailed links, and a rubric criterion."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from portfolio.placement_tables import Placement, PlacementLink, RubricCriterion


async def ids(owner, base: dict[str, int]) -> dict[str, int]:
    moment = datetime.now(timezone.utc)
    placement = await Placement.insert(Placement(
        school=owner.school_id, student=owner.id, partner=base["partner_id"], supervisor=base["contact_id"],
        kind="internship", title="Guard Internship", starts_on=date.today(), ends_on=date.today() + timedelta(days=30),
        created_at=moment, updated_at=moment)).returning(Placement.id)
    link = await PlacementLink.insert(PlacementLink(
        placement=placement[0]["id"], purpose="timesheet", email="s@example.com", token_hash="g" * 64,
        expires_at=moment + timedelta(days=1), created_at=moment)).returning(PlacementLink.id)
    criterion = await RubricCriterion.insert(RubricCriterion(
        school=owner.school_id, name="C", level_1="1", level_2="2", level_3="3", level_4="4", created_at=moment)
    ).returning(RubricCriterion.id)
    return {"placement_id": placement[0]["id"], "link_id": link[0]["id"], "criterion_id": criterion[0]["id"]}
