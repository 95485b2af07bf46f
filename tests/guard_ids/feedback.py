"""The feedback part's ids: an answer of the owner on an opportunity of their school they came to, and a
placement of theirs that ended (so the student routes and the staff routes by feedback id have real rows)."""

from __future__ import annotations

from tests import feedback_factories as ff


async def ids(owner, base: dict[str, int]) -> dict[str, int]:
    over = await ff.opportunity(owner.school_id, [base["partner_id"]], title="Guard visit")
    feedback_id = await ff.answered(owner, over["id"], learned="L", change="C")
    placement_id = await ff.placement(owner, base["partner_id"], title="Guard placement")
    return {"feedback_id": feedback_id, "opportunity_id": over["id"], "placement_id": placement_id}
