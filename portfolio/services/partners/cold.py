"""Partners going cold: active relationships with no interaction and no student activity (entries linked to
the partner) for more days than their school's setting, the quietest first. Derived on every read, in a fixed
number of queries whatever the number of partners."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Max

from portfolio import clock
from portfolio.partner_tables import PartnerSchool
from portfolio.partner_vocabulary import PartnerStatus
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners import interactions
from portfolio.services.partners.scope import visible
from portfolio.tables import Experience
from portfolio.vocabulary import EntryStatus

DEFAULT_DAYS = 120
DAYS_RANGE = (14, 730)
# How many the staff home names; the link opens the rest in the directory.
SHOWN = 3


async def _last_student_activity(partner_ids: list[int], today: date) -> dict[int, date]:
    """The latest date of a student's entry linked to each partner (rejected ones are not activity)."""
    rows = await Experience.select(Experience.partner, Max(Experience.date, alias="last")).where(
        Experience.partner.is_in(partner_ids or [0]) & (Experience.status != EntryStatus.REJECTED)
        # Today somewhere is tomorrow in UTC at most: an entry dated later is not activity yet.
        & (Experience.date <= today + timedelta(days=1))
    ).group_by(Experience.partner)
    return {r["partner"]: interactions.as_date(r["last"]) for r in rows}


async def going_cold(where: Any) -> list[dict[str, Any]]:
    """The active relationships matching `where` (the caller scoped it to the person) that went cold: each with
    its id, name, last activity (None: never) and days since, those never in touch first, then the longest
    silent. Cold means more than the school's number of days since the last activity."""
    rows = await PartnerSchool.select(
        PartnerSchool.id, PartnerSchool.organization.name.as_alias("name"),
        PartnerSchool.school.timezone.as_alias("timezone"), PartnerSchool.school.cold_after_days.as_alias("days"),
    ).where(where & (PartnerSchool.status == PartnerStatus.ACTIVE))
    ids = [r["id"] for r in rows]
    talks = await interactions.last_contacts(ids)
    students = await _last_student_activity(ids, clock.today_at(None))
    cold = []
    for row in rows:
        today = clock.today_at(row["timezone"])
        known = [d for d in (talks.get(row["id"]), students.get(row["id"])) if d is not None and d <= today]
        last = max(known) if known else None
        quiet = (today - last).days if last else None
        if quiet is None or quiet > (row["days"] or DEFAULT_DAYS):
            cold.append({"id": row["id"], "name": row["name"], "last": last, "quiet_days": quiet})
    cold.sort(key=lambda r: (r["quiet_days"] is not None, -(r["quiet_days"] or 0), r["name"].casefold(), r["id"]))
    return cold


async def for_home(user: CurrentUser) -> dict[str, Any]:
    """The staff home's card: how many went cold, and the first few."""
    cold = await going_cold(visible(user))
    return {"count": len(cold), "first": cold[:SHOWN]}
