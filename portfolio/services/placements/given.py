"""Evaluations as given, read back: only tables here, so the sharing services may show them (they are imported
by what the placements services import)."""

from __future__ import annotations

from typing import Any

from portfolio.placement_tables import Evaluation, EvaluationScore


async def of_placements(placement_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The evaluations of these placements with their scores, by placement (two queries)."""
    rows = await Evaluation.select().where(Evaluation.placement.is_in(placement_ids or [0]))
    scores = await EvaluationScore.select().where(EvaluationScore.evaluation.is_in([r["id"] for r in rows] or [0])).order_by(
        EvaluationScore.position)
    for row in rows:
        row["scores"] = [s for s in scores if s["evaluation"] == row["id"]]
    return {row["placement"]: row for row in rows}


