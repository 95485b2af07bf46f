"""piccolo tables of students' feedback after an opportunity or a placement: the answer itself, staff's
decision on sharing each free-text comment with the partner, the counselor's notes from the review
conversation, and every summary link sent to a partner contact."""

from __future__ import annotations

from piccolo.columns import Boolean, ForeignKey, OnDelete, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from portfolio.opportunity_tables import Opportunity
from portfolio.opportunity_vocabulary import CommentDecision, CommentField
from portfolio.partner_tables import PartnerContact, PartnerInteraction, PartnerSchool
from portfolio.placement_tables import Placement
from portfolio.tables import School, User


class Feedback(Table):
    """A student's answer on one experience they had: an opportunity (attended) or a placement (ended); exactly
    one of the two is set. One per student and experience (unique indexes in the migration)."""

    school = ForeignKey(references=School, on_delete=OnDelete.cascade, index=True)
    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    opportunity = ForeignKey(references=Opportunity, null=True, on_delete=OnDelete.cascade, index=True)
    placement = ForeignKey(references=Placement, null=True, on_delete=OnDelete.cascade, index=True)
    rating = SmallInt()  # 1 to 5
    learned = Text(default="")
    recommend = Boolean()
    change = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class CommentReview(Table):
    """Staff's decision on one free-text comment of a feedback (a comment can identify its writer, so none goes
    to the partner without one). One per feedback and field (index in the migration); the student changing
    the comment removes it, so the new text waits for a decision again."""

    feedback = ForeignKey(references=Feedback, on_delete=OnDelete.cascade, index=True)
    field = Varchar(length=20, choices=CommentField)
    decision = Varchar(length=20, choices=CommentDecision)
    decided_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    decided_at = Timestamptz()


class CounselorNote(Table):
    """What a counselor noted from the review conversation with the student; staff only."""

    feedback = ForeignKey(references=Feedback, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    text = Text()
    created_at = Timestamptz()


class SummaryLink(Table):
    """A partner's summary sent to one of its contacts as an e-mailed link (only the token's hash is kept); the
    page shows the summary as it is when read, until the link expires."""

    partner = ForeignKey(references=PartnerSchool, on_delete=OnDelete.cascade, index=True)
    contact = ForeignKey(references=PartnerContact, null=True, on_delete=OnDelete.set_null)
    recipient = Varchar(length=254)
    token_hash = Varchar(length=64, unique=True)
    expires_at = Timestamptz()
    interaction = ForeignKey(references=PartnerInteraction, null=True, on_delete=OnDelete.set_null)
    sent_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    sent_at = Timestamptz()
    opened_at = Timestamptz(null=True, default=None)
