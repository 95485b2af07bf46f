"""The counseling part's ids: the owner on a caseload, and a check-in of theirs with a next step."""

from __future__ import annotations

from tests import counseling_factories as cf


async def ids(owner, base: dict[str, int]) -> dict[str, int]:
    caseload_id = await cf.on_caseload(owner, owner)
    check_in_id, step_ids = await cf.check_in(owner, None, steps=("Guard step",))
    return {"caseload_id": caseload_id, "check_in_id": check_in_id, "step_id": step_ids[0]}
