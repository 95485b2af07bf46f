"""piccolo tables of placements: a job shadow, internship or apprenticeship of one student with one partner,
under a workplace supervisor (a partner contact)."""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from portfolio.opportunity_tables import Opportunity
from portfolio.opportunity_vocabulary import PlacementStatus
from portfolio.partner_tables import PartnerContact, PartnerSchool
from portfolio.tables import CareerCluster, School, User
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
