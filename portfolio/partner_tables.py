"""piccolo tables of the partner directory: a school's relationship with an organization, its offerings, owners
and contacts, the interactions and follow-ups, and the agreements on file."""

from __future__ import annotations

from piccolo.columns import (
    UUID,
    BigInt,
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

from portfolio.partner_vocabulary import ContactRole, DocumentKind, InteractionKind, Offering, PartnerStatus, ReachBy
from portfolio.tables import CareerCluster, Organization, School, User


class PartnerCluster(Table):
    """A career cluster an organization serves (a fact about its industry, the same for every school). This and
    the other partner link tables are unique per pair through indexes made in their migration (piccolo's Unique
    constraint is added by ALTER TABLE, which SQLite cannot do)."""

    organization = ForeignKey(references=Organization, on_delete=OnDelete.cascade, index=True)
    cluster = ForeignKey(references=CareerCluster, on_delete=OnDelete.cascade, index=True)


class PartnerSchool(Table):
    """One school's relationship with a partner organization: the partner as that school's staff see it.
    Contacts, owners, offerings (and later interactions, agreements, board seats) hang from it, so they belong
    to the school and outlast any one member of its staff."""

    organization = ForeignKey(references=Organization, on_delete=OnDelete.restrict, index=True)
    school = ForeignKey(references=School, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=20, default=PartnerStatus.PROSPECT, index=True, choices=PartnerStatus)
    # Made when the add form is shown, so that a form sent twice adds the partner once.
    client_uuid = UUID(null=True, default=None, unique=True)
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    updated_at = Timestamptz(index=True)
    # The school's own notes on the relationship: never shown to another school's staff.
    notes = Text(default="")


class PartnerOffering(Table):
    """Something a partner offers this school (a hospital may host one school's job shadows and only speak at
    another's), hence on the relationship and not on the organization."""

    partner = ForeignKey(references=PartnerSchool, on_delete=OnDelete.cascade, index=True)
    offering = Varchar(length=30, choices=Offering, index=True)


class PartnerOwner(Table):
    """A staff member of the school who looks after the relationship; a partner has one or more."""

    partner = ForeignKey(references=PartnerSchool, on_delete=OnDelete.cascade, index=True)
    staff = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)


class PartnerContact(Table):
    """A person at the partner whom this school deals with; other schools never see them. One who left is
    marked inactive and kept, so the history of who the school talked to stays whole."""

    partner = ForeignKey(references=PartnerSchool, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=200)
    title = Varchar(length=120, default="")
    email = Varchar(length=254, default="")
    phone = Varchar(length=40, default="")
    reach_by = Varchar(length=20, default=ReachBy.EMAIL, choices=ReachBy)
    role = Varchar(length=30, default=ContactRole.EDUCATION_OUTREACH, choices=ContactRole)
    active = Boolean(default=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class PartnerHandoff(Table):
    """A relationship handed from one staff member to a colleague (when the first left or stopped being staff):
    what the partner's page shows as "Handed from A to B", kept even if either account goes."""

    partner = ForeignKey(references=PartnerSchool, on_delete=OnDelete.cascade, index=True)
    from_staff = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    to_staff = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    partners = SmallInt(default=0)  # 1 when the relationship itself moved, 0 when only follow-ups did
    follow_ups = SmallInt(default=0)
    handed_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    handed_at = Timestamptz()


# --- partner interactions and follow-ups -------------------------------------------------------------


class PartnerInteraction(Table):
    """A call, meeting, e-mail, visit or event between the school and a partner: the relationship's history,
    kept with the relationship so it outlasts whoever logged it."""

    partner = ForeignKey(references=PartnerSchool, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20, choices=InteractionKind)
    happened_on = Date(index=True)
    summary = Text()
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()


class InteractionStaff(Table):
    """Who from the school took part (staff of the relationship's school)."""

    interaction = ForeignKey(references=PartnerInteraction, on_delete=OnDelete.cascade, index=True)
    staff = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)


class InteractionContact(Table):
    """Which of the relationship's contacts took part."""

    interaction = ForeignKey(references=PartnerInteraction, on_delete=OnDelete.cascade, index=True)
    contact = ForeignKey(references=PartnerContact, on_delete=OnDelete.cascade, index=True)


class FollowUp(Table):
    """What someone on staff promised to do after an interaction, and by when. Its own row (not columns of the
    interaction) so that open follow-ups can be listed per owner and handed on when the owner leaves."""

    interaction = ForeignKey(references=PartnerInteraction, on_delete=OnDelete.cascade, index=True)
    what = Varchar(length=300)
    owner = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    due_on = Date(index=True)
    done_at = Timestamptz(null=True, default=None)
    done_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)


class FollowUpDigest(Table):
    """The day (the school's date) a staff member was sent their follow-ups digest: unique per person and day,
    by an index made in the migration, so a second run of the daily command the same day sends nothing."""

    staff = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    sent_on = Date()
# -- Partner documents ------------------------------------------------------------------------------------------


class PartnerDocument(Table):
    """An agreement or document one school keeps on file with a partner (an MOU, an insurance certificate ...),
    its file in the evidence store. A renewal is a new row; the one it replaces keeps `replaced_by`, so the
    history stays and only the newest counts for expiry. Only the app writes storage keys."""

    partner = ForeignKey(references=PartnerSchool, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=30, choices=DocumentKind)
    title = Varchar(length=200)
    signed_on = Date(null=True, default=None)
    expires_on = Date(null=True, default=None, index=True)
    replaced_by = ForeignKey(references="self", null=True, default=None, on_delete=OnDelete.set_null, index=True)
    storage_key = Varchar(length=200, unique=True)
    original_name = Varchar(length=255)
    content_type = Varchar(length=50)
    size = BigInt()
    sha256 = Varchar(length=64)
    uploaded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    uploaded_at = Timestamptz()
