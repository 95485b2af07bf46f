"""A supervisor's evaluation in what a student shares: a share of everything includes the student's evaluations;
a share of picked items includes the evaluations picked (SharedEvaluation). Employers see each as the
supervisor's evaluation, given by the supervisor from the school's e-mailed link."""

from __future__ import annotations

from typing import Any, Iterable

from portfolio.errors import NotFound
from portfolio.placement_tables import Evaluation, SharedEvaluation
from portfolio.services.placements.given import of_placements


async def choices(student_id: int) -> list[dict[str, Any]]:
    """The student's evaluations, to pick for a share."""
    return await Evaluation.select(Evaluation.id, Evaluation.supervisor_name, Evaluation.supervisor_organization,
                                   Evaluation.placement.title.as_alias("title"), Evaluation.given_at).where(
        Evaluation.placement.student == student_id).order_by(Evaluation.given_at, ascending=False)


async def include(student_id: int, share_id: int, evaluation_ids: Iterable[int]) -> None:
    """Inside the share's write transaction: the picked evaluations, each the student's own (else NotFound)."""
    wanted = set(evaluation_ids)
    if not wanted:
        return
    own = {row["id"] for row in await choices(student_id)}
    if not wanted <= own:
        raise NotFound("items")
    await SharedEvaluation.insert(*[SharedEvaluation(share=share_id, evaluation=e) for e in sorted(wanted)])


async def picked(share_ids: list[int]) -> set[int]:
    rows = await SharedEvaluation.select(SharedEvaluation.evaluation).where(SharedEvaluation.share.is_in(share_ids or [0]))
    return {row["evaluation"] for row in rows}


async def shown(student_id: int, everything: bool, evaluation_ids: set[int]) -> list[dict[str, Any]]:
    """The evaluations a viewer may see (two or three queries, whatever their number)."""
    rows = await Evaluation.select(Evaluation.id, Evaluation.placement).where(Evaluation.placement.student == student_id)
    placements = [row["placement"] for row in rows if everything or row["id"] in evaluation_ids]
    found = await of_placements(placements) if placements else {}
    return sorted(found.values(), key=lambda e: e["given_at"], reverse=True)
