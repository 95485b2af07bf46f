"""Staff's side of the feedback: every answer of their school by partner and experience, with the student's
name, the counselor's notes and the decision on each comment; adding a note; sharing or withholding a comment.
Another school's feedback reads as none at all."""

from __future__ import annotations

from typing import Any, Mapping

from portfolio import clock, db
from portfolio.errors import FormErrors, NotFound
from portfolio.feedback_tables import CommentReview, CounselorNote, Feedback
from portfolio.forms.feedback import CommentChoice
from portfolio.opportunity_tables import OpportunityPartner
from portfolio.opportunity_vocabulary import FeedbackAbout
from portfolio.placement_tables import Placement
from portfolio.services.accounts import CurrentUser
from portfolio.services.feedback.summary import MIN_STUDENTS, figures, of_partner
from portfolio.services.partners.scope import sees_every_school

NO_PARTNER = (0, "No partner named")


def visible(user: CurrentUser) -> Any:
    if sees_every_school(user):
        return Feedback.id > 0
    return Feedback.school == (user.school_id if user.school_id is not None else -1)


async def _feedback(user: CurrentUser, feedback_id: int) -> dict[str, Any]:
    row = await Feedback.select(Feedback.id, Feedback.learned, Feedback.change).where(
        (Feedback.id == feedback_id) & visible(user)).first()
    if row is None:
        raise NotFound("feedback")
    return row


async def listing(user: CurrentUser, partner: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Partners (name, experiences (title, answers)), in four queries whatever the number of answers. With
    `partner` (a relationship the caller found), only that partner's."""
    where = visible(user) & (of_partner(partner) if partner else Feedback.id > 0)
    rows = await Feedback.select(
        Feedback.id, Feedback.rating, Feedback.recommend, Feedback.learned, Feedback.change, Feedback.created_at,
        Feedback.updated_at, Feedback.student.name.as_alias("student_name"), Feedback.student.as_alias("student_id"),
        Feedback.opportunity, Feedback.opportunity.title.as_alias("opportunity_title"), Feedback.placement,
        Feedback.placement.title.as_alias("placement_title"), Feedback.placement.partner.as_alias("placement_partner"),
        Feedback.placement.partner.organization.name.as_alias("placement_partner_name"),
    ).where(where).order_by(Feedback.created_at, ascending=False)
    ids = [row["id"] for row in rows] or [0]
    hosts = await OpportunityPartner.select(
        OpportunityPartner.opportunity, OpportunityPartner.partner,
        OpportunityPartner.partner.organization.name.as_alias("name"),
    ).where(OpportunityPartner.opportunity.is_in([row["opportunity"] for row in rows if row["opportunity"]] or [0]))
    reviews = await CommentReview.select(
        CommentReview.feedback, CommentReview.field, CommentReview.decision, CommentReview.decided_at,
        CommentReview.decided_by.name.as_alias("decided_by_name"),
    ).where(CommentReview.feedback.is_in(ids))
    notes = await CounselorNote.select(
        CounselorNote.feedback, CounselorNote.text, CounselorNote.created_at,
        CounselorNote.author.name.as_alias("author_name"),
    ).where(CounselorNote.feedback.is_in(ids)).order_by(CounselorNote.created_at)
    partners: dict[tuple[int, str], dict[tuple[str, int], dict[str, Any]]] = {}
    for row in rows:
        row["reviews"] = {r["field"]: r for r in reviews if r["feedback"] == row["id"]}
        row["notes"] = [n for n in notes if n["feedback"] == row["id"]]
        if row["opportunity"]:
            about, item, title = FeedbackAbout.OPPORTUNITY, row["opportunity"], row["opportunity_title"]
            keys = [(h["partner"], h["name"]) for h in hosts if h["opportunity"] == item] or [NO_PARTNER]
        else:
            about, item, title = FeedbackAbout.PLACEMENT, row["placement"], row["placement_title"]
            keys = [(row["placement_partner"], row["placement_partner_name"])]
        if partner:
            keys = [key for key in keys if key[0] == partner["id"]]
        for key in keys:
            experiences = partners.setdefault(key, {})
            experiences.setdefault((about, item), {"about": about, "id": item, "title": title, "answers": []})[
                "answers"].append(row)
    return [{"id": key[0], "name": key[1], "experiences": list(experiences.values())}
            for key, experiences in sorted(partners.items(), key=lambda item: item[0][1].lower())]


async def add_note(user: CurrentUser, feedback_id: int, text: str) -> None:
    await _feedback(user, feedback_id)
    await CounselorNote.insert(CounselorNote(feedback=feedback_id, author=user.id, text=text, created_at=clock.now()))


async def decide(user: CurrentUser, feedback_id: int, choice: CommentChoice) -> None:
    """Share one comment with the partner, or withhold it; a later decision replaces the earlier one."""
    async with db.write_transaction():
        row = await _feedback(user, feedback_id)
        if not row[choice.field.value]:
            raise FormErrors({"form": "There is no comment to share or withhold."})
        # Two staff deciding at once: the later decision replaces the earlier one, never a second row.
        await CommentReview.insert(CommentReview(
            feedback=feedback_id, field=choice.field, decision=choice.decision, decided_by=user.id,
            decided_at=clock.now(),
        )).on_conflict(target=(CommentReview.feedback, CommentReview.field), action="DO UPDATE",
                       values=[CommentReview.decision, CommentReview.decided_by, CommentReview.decided_at])


async def partner_card(user: CurrentUser, partner: Mapping[str, Any]) -> dict[str, Any]:
    """The partner page's "Feedback from students" (the caller found the relationship): counts for staff, and
    whether the partner's summary shows them yet. One query."""
    rows = await Feedback.select(
        Feedback.student, Feedback.opportunity, Feedback.placement, Feedback.rating, Feedback.recommend,
    ).where(of_partner(partner) & visible(user))
    counted = figures(rows)
    return counted | {"shared": counted["students"] >= MIN_STUDENTS, "needed": MIN_STUDENTS}



async def partner_glances(user: CurrentUser, school_id: int, partner_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What students said of each partner, for staff placing the next students (an opportunity's page): its
    figures by partner id. Three queries, whatever the number of partners."""
    wanted = list(partner_ids) or [0]
    events = await OpportunityPartner.select(OpportunityPartner.opportunity, OpportunityPartner.partner).where(
        OpportunityPartner.partner.is_in(wanted))
    placed = await Placement.select(Placement.id, Placement.partner).where(Placement.partner.is_in(wanted))
    rows = await Feedback.select(
        Feedback.student, Feedback.opportunity, Feedback.placement, Feedback.rating, Feedback.recommend,
    ).where((Feedback.school == school_id) & visible(user) & (
        Feedback.opportunity.is_in([e["opportunity"] for e in events] or [0])
        | Feedback.placement.is_in([p["id"] for p in placed] or [0])))
    glances = {}
    for partner_id in partner_ids:
        theirs = {e["opportunity"] for e in events if e["partner"] == partner_id}
        hosted = {p["id"] for p in placed if p["partner"] == partner_id}
        glances[partner_id] = figures([r for r in rows if r["opportunity"] in theirs or r["placement"] in hosted])
    return glances
