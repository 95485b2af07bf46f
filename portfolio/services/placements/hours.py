"""Hours logged against a placement: an entry of the placement's partner, dated within the placement, while it
is under way, belongs to it (Experience.placement), whether saved from the placement's pre-filled form or from
the phone's offline queue. Only the Placement table here, so services/experiences may ask it."""

from __future__ import annotations

from datetime import date
from typing import Any

from portfolio.opportunity_vocabulary import PlacementStatus
from portfolio.placement_tables import Placement


async def placement_for_entry(student_id: int, partner_id: int | None, day: date) -> int | None:
    if partner_id is None:
        return None
    row = await Placement.select(Placement.id).where(
        (Placement.student == student_id) & (Placement.partner == partner_id) & (Placement.status == PlacementStatus.ACTIVE)
        & (Placement.starts_on <= day) & (Placement.ends_on >= day)).first()
    return row["id"] if row else None


def entry_values(placement: dict[str, Any], today: date) -> dict[str, str]:
    """The entry form pre-filled from the placement: kind, title, partner's name, cluster and a day within it."""
    day = min(max(today, placement["starts_on"]), placement["ends_on"])
    return {"kind": placement["kind"], "title": placement["title"], "organization": placement["partner_name"],
            "cluster": placement["cluster_code"] or "", "date": day.isoformat()}
