"""The reports' ids: a participation definition (the seeded ones stay between tests, as the migration made them)."""

from __future__ import annotations

from portfolio.report_tables import ReportProfile


async def ids(owner, base: dict[str, int]) -> dict[str, int]:
    first = await ReportProfile.select(ReportProfile.id).order_by(ReportProfile.id).first()
    return {"profile_id": first["id"]}
