"""A student's own answer: given once per experience they had, seen and changed for EDIT_DAYS after, and a
changed comment waits for staff again (what staff approved for the partner was the old text)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from portfolio import clock, db
from portfolio.errors import NotEditable
from portfolio.feedback_tables import CommentReview, Feedback
from portfolio.forms.feedback import FeedbackForm
from portfolio.opportunity_vocabulary import CommentField, FeedbackAbout
from portfolio.services.accounts import CurrentUser
from portfolio.services.feedback.experiences import experience

EDIT_DAYS = 14


def _about(about: FeedbackAbout, item_id: int) -> Any:
    column = Feedback.opportunity if about == FeedbackAbout.OPPORTUNITY else Feedback.placement
    return column == item_id


async def _own(student: CurrentUser, about: FeedbackAbout, item_id: int) -> dict[str, Any] | None:
    return await Feedback.select(
        Feedback.id, Feedback.rating, Feedback.learned, Feedback.recommend, Feedback.change, Feedback.created_at,
    ).where((Feedback.student == student.id) & _about(about, item_id)).first()


def editable_until(row: dict[str, Any]) -> Any:
    return row["created_at"] + timedelta(days=EDIT_DAYS)


async def answer_for(student: CurrentUser, about: FeedbackAbout, item_id: int) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The experience (NotFound if the student did not have it or it is not over) and their answer, if any,
    with until when they may change it."""
    found = await experience(student, about, item_id)
    row = await _own(student, about, item_id)
    if row is not None:
        row["editable_until"] = editable_until(row)
        row["editable"] = clock.now() < row["editable_until"]
    return found, row


async def save(student: CurrentUser, about: FeedbackAbout, item_id: int, form: FeedbackForm) -> bool:
    """Give or change the answer; True when it was new. NotEditable after EDIT_DAYS."""
    await experience(student, about, item_id)
    now = clock.now()
    values = {Feedback.rating: form.rating, Feedback.learned: form.learned, Feedback.recommend: form.recommend,
              Feedback.change: form.change, Feedback.updated_at: now}
    async with db.write_transaction():
        row = await _own(student, about, item_id)
        if row is None:
            # The same answer sent twice at once (a double tap): PostgreSQL runs both transactions side by side,
            # and the second insert meets the first's row in the unique index and becomes a change of it.
            column = Feedback.opportunity if about == FeedbackAbout.OPPORTUNITY else Feedback.placement
            made = await Feedback.insert(Feedback(
                school=student.school_id, student=student.id, rating=form.rating, learned=form.learned,
                recommend=form.recommend, change=form.change, created_at=now, updated_at=now, **{about.value: item_id},
            )).on_conflict(target=(Feedback.student, column), action="DO NOTHING").returning(Feedback.id)
            if made:
                return True
            row = await _own(student, about, item_id)
            assert row is not None
        if now >= editable_until(row):
            raise NotEditable(f"Answers can be changed for {EDIT_DAYS} days after they are given.")
        changed = [field for field in CommentField if getattr(form, field.value) != row[field.value]]
        if changed:
            await CommentReview.delete().where(
                (CommentReview.feedback == row["id"]) & CommentReview.field.is_in(changed))
        await Feedback.update(values).where(Feedback.id == row["id"])
        return False


async def given(student: CurrentUser) -> list[dict[str, Any]]:
    """The student's answers, newest first, with what they were on (one query)."""
    rows = await Feedback.select(
        Feedback.id, Feedback.rating, Feedback.recommend, Feedback.created_at, Feedback.opportunity,
        Feedback.opportunity.title.as_alias("opportunity_title"), Feedback.placement,
        Feedback.placement.title.as_alias("placement_title"),
    ).where(Feedback.student == student.id).order_by(Feedback.created_at, ascending=False)
    for row in rows:
        row["about"] = FeedbackAbout.OPPORTUNITY if row["opportunity"] else FeedbackAbout.PLACEMENT
        row["item_id"] = row["opportunity"] or row["placement"]
        row["title"] = row["opportunity_title"] or row["placement_title"]
        row["editable"] = clock.now() < editable_until(row)
    return rows
