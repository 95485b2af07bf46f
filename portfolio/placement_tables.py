"""piccolo tables of placements: a job shadow, internship or apprenticeship of one student with one partner,
under a workplace supervisor (a partner contact)."""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    OnDelete,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from portfolio.opportunity_tables import Opportunity
from portfolio.opportunity_vocabulary import AgreementParty, PlacementLinkPurpose, PlacementStatus
from portfolio.partner_tables import PartnerContact, PartnerSchool
from portfolio.tables import CareerCluster, School, Share, User
from portfolio.vocabulary import ExperienceKind


class Placement(Table):
    """A student placed with a partner. It starts (status active) only once the agreement is signed by every
    party; agreement_hash is the SHA-256 of the agreement text each signature was made over."""

    school = ForeignKey(references=School, on_delete=OnDelete.cascade, index=True)
    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    partner = ForeignKey(references=PartnerSchool, on_delete=OnDelete.restrict, index=True)
    supervisor = ForeignKey(references=PartnerContact, null=True, on_delete=OnDelete.set_null, index=True)
    # The opportunity it was offered through, if any.
    opportunity = ForeignKey(references=Opportunity, null=True, on_delete=OnDelete.set_null)
    kind = Varchar(length=30, choices=ExperienceKind)
    title = Varchar(length=200)
    cluster = ForeignKey(references=CareerCluster, null=True, on_delete=OnDelete.set_null)
    starts_on = Date()
    ends_on = Date()
    schedule = Text(default="")
    paid = Boolean(default=False)
    learning_goals = Text(default="")
    status = Varchar(length=30, default=PlacementStatus.AWAITING_SIGNATURES, choices=PlacementStatus, index=True)
    agreement_hash = Varchar(length=64, default="")
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class AgreementSignature(Table):
    """One party's signature of a placement agreement, over the text whose SHA-256 is agreement_hash. A change
    to the placement's facts changes the text: the signatures over the old one are voided (kept, shown)."""

    placement = ForeignKey(references=Placement, on_delete=OnDelete.cascade, index=True)
    party = Varchar(length=20, choices=AgreementParty)
    name = Varchar(length=200)  # as typed by the signer
    email = Varchar(length=254, default="")
    # The signer's account (the student, a staff member); None for a guardian or supervisor signing by link.
    signer = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    agreement_hash = Varchar(length=64)
    ip = Varchar(length=64, default="")
    signed_at = Timestamptz()
    voided_at = Timestamptz(null=True, default=None)


class TimesheetWeek(Table):
    """One week (Monday to Sunday, in the school's timezone) of a placement's entries sent to its supervisor:
    at most one row per placement and week (a unique index), so a week is never e-mailed twice."""

    placement = ForeignKey(references=Placement, on_delete=OnDelete.cascade, index=True)
    week_start = Date()
    sent_at = Timestamptz()
    reminders = SmallInt(default=0)
    last_sent_at = Timestamptz()
    # Every entry of the week decided (confirmed, changed or rejected).
    done_at = Timestamptz(null=True, default=None)


class PlacementLink(Table):
    """An e-mailed link of a placement (only its hash is kept), for one addressee and one purpose: a guardian's
    or a supervisor's signature over one agreement text, a week's timesheet, or the evaluation."""

    placement = ForeignKey(references=Placement, on_delete=OnDelete.cascade, index=True)
    purpose = Varchar(length=30, choices=PlacementLinkPurpose)
    name = Varchar(length=200, default="")
    email = Varchar(length=254)
    agreement_hash = Varchar(length=64, default="")  # a signature link signs this text only
    week = ForeignKey(references=TimesheetWeek, null=True, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True)
    expires_at = Timestamptz()
    opened_at = Timestamptz(null=True, default=None)
    used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class RubricCriterion(Table):
    """One skill of a school's employability rubric, scored 1 to 4; retired ones stay for the evaluations that
    used them (which keep their own copy of the words as given)."""

    school = ForeignKey(references=School, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    description = Text(default="")
    level_1 = Varchar(length=100)
    level_2 = Varchar(length=100)
    level_3 = Varchar(length=100)
    level_4 = Varchar(length=100)
    position = SmallInt(default=0)
    retired_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class Evaluation(Table):
    """The workplace supervisor's evaluation of the student at a placement's end, given from an e-mailed link."""

    placement = ForeignKey(references=Placement, on_delete=OnDelete.cascade, unique=True)
    supervisor_name = Varchar(length=200)
    supervisor_title = Varchar(length=200, default="")
    supervisor_organization = Varchar(length=200, default="")
    supervisor_email = Varchar(length=254, default="")
    comment = Text(default="")
    ip = Varchar(length=64, default="")
    given_at = Timestamptz()


class EvaluationScore(Table):
    """One criterion's score as given: the criterion's words are copied, so a later edit of the rubric never
    changes an evaluation already given."""

    evaluation = ForeignKey(references=Evaluation, on_delete=OnDelete.cascade, index=True)
    criterion = ForeignKey(references=RubricCriterion, null=True, on_delete=OnDelete.set_null)
    name = Varchar(length=100)
    description = Text(default="")
    level_label = Varchar(length=100)
    score = SmallInt()
    comment = Text(default="")
    position = SmallInt(default=0)


class SharedEvaluation(Table):
    """A share (of a chosen scope) that includes a placement's evaluation."""

    share = ForeignKey(references=Share, on_delete=OnDelete.cascade, index=True)
    evaluation = ForeignKey(references=Evaluation, on_delete=OnDelete.cascade, index=True)
