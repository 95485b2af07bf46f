"""A partner's summary of its students' feedback: counts, the average rating, the share who would recommend
it, how many experiences it covers, and the comments staff approved; never a name, a date of one experience or
anything else about one student. Below MIN_STUDENTS different students nothing is shown, counts included: with
three answers, a partner who knows whom it hosted can tell who said what."""

from __future__ import annotations

from typing import Any, Mapping

from portfolio.feedback_tables import CommentReview, Feedback
from portfolio.opportunity_tables import OpportunityPartner
from portfolio.opportunity_vocabulary import CommentDecision, CommentField
from portfolio.placement_tables import Placement

MIN_STUDENTS = 5


def of_partner(partner: Mapping[str, Any]) -> Any:
    """The where-clause of the feedback about one relationship: on an opportunity it took part in (each partner
    of a multi-partner event hears about the event) or on a placement with it, at its school."""
    on_opportunity = Feedback.opportunity.is_in(
        OpportunityPartner.select(OpportunityPartner.opportunity).where(OpportunityPartner.partner == partner["id"]))
    on_placement = Feedback.placement.is_in(Placement.select(Placement.id).where(Placement.partner == partner["id"]))
    return (Feedback.school == partner["school"]) & (on_opportunity | on_placement)


def figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts and averages of feedback rows (rating, recommend, student, opportunity, placement)."""
    answers = len(rows)
    return {
        "answers": answers,
        "students": len({row["student"] for row in rows}),
        "experiences": len({(row["opportunity"], row["placement"]) for row in rows}),
        "average": round(sum(row["rating"] for row in rows) / answers, 1) if answers else None,
        "recommend_percent": round(100 * sum(1 for row in rows if row["recommend"]) / answers) if answers else None,
    }


async def summary(partner: Mapping[str, Any]) -> dict[str, Any]:
    """What the partner may read now (the caller found the relationship). `shown` False: not enough students
    answered, and nothing else is in it."""
    rows = await Feedback.select(
        Feedback.id, Feedback.student, Feedback.opportunity, Feedback.placement, Feedback.rating, Feedback.recommend,
        Feedback.learned, Feedback.change,
    ).where(of_partner(partner))
    counted = figures(rows)
    if counted["students"] < MIN_STUDENTS:
        return {"shown": False, "needed": MIN_STUDENTS}
    approved = await CommentReview.select(CommentReview.feedback, CommentReview.field).where(
        CommentReview.feedback.is_in([row["id"] for row in rows]) & (CommentReview.decision == CommentDecision.APPROVED))
    shared = {(review["feedback"], review["field"]) for review in approved}
    # In the order of their text, not of when they were written: the order must not point at anyone.
    comments = {field.value: sorted(row[field.value] for row in rows
                                    if (row["id"], field.value) in shared and row[field.value])
                for field in CommentField}
    return {"shown": True, "comments": comments, **counted}
