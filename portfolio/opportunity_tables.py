"""piccolo tables of opportunities and events: what staff post (with its partners, clusters, programs and
sessions), students' sign-ups and the forms each needs, and who came to each session."""

from __future__ import annotations

from piccolo.columns import (
    UUID,
    Array,
    ForeignKey,
    Integer,
    OnDelete,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from portfolio.opportunity_vocabulary import (
    CheckInMethod,
    Enrolment,
    FormMethod,
    OpportunityStatus,
    RequiredForm,
    SignUpStatus,
)
from portfolio.partner_tables import PartnerSchool
from portfolio.program_tables import Program
from portfolio.tables import CareerCluster, Experience, School, User
from portfolio.vocabulary import ExperienceKind


class Opportunity(Table):
    """Something a school offers its students: a guest lecture, a site visit, a job shadow, a multi-partner
    event (a career fair of twenty companies). Its link tables are unique per pair through indexes made in the
    migration, as the partner tables are."""

    school = ForeignKey(references=School, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=30, choices=ExperienceKind)
    title = Varchar(length=200)
    description = Text(default="")
    place = Varchar(length=200, default="")
    status = Varchar(length=20, default=OpportunityStatus.DRAFT, choices=OpportunityStatus, index=True)
    enrolment = Varchar(length=20, default=Enrolment.SIGN_UP, choices=Enrolment)
    # Seats; None: as many as come.
    capacity = Integer(null=True, default=None)
    signup_deadline = Timestamptz(null=True, default=None)
    # Eligibility: the grades it is open to (empty: every grade), and the age a student must have reached on
    # the first session's date (None: any age).
    grades = Array(base_column=SmallInt(), default=list)
    minimum_age = SmallInt(null=True, default=None)
    required_forms = Array(base_column=Varchar(length=30, choices=RequiredForm), default=list)
    # iCalendar's SEQUENCE of every session's event: raised at each change a student's calendar must take.
    sequence = Integer(default=0)
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class OpportunityPartner(Table):
    """A partner taking part, with its table or time slot at a multi-partner event ("Table 12", "10:30-11:15")."""

    opportunity = ForeignKey(references=Opportunity, on_delete=OnDelete.cascade, index=True)
    partner = ForeignKey(references=PartnerSchool, on_delete=OnDelete.cascade, index=True)
    station = Varchar(length=200, default="")


class OpportunityCluster(Table):
    opportunity = ForeignKey(references=Opportunity, on_delete=OnDelete.cascade, index=True)
    cluster = ForeignKey(references=CareerCluster, on_delete=OnDelete.cascade, index=True)


class OpportunityProgram(Table):
    opportunity = ForeignKey(references=Opportunity, on_delete=OnDelete.cascade, index=True)
    program = ForeignKey(references=Program, on_delete=OnDelete.cascade, index=True)


class OpportunitySession(Table):
    """One date and time of an opportunity; a site visit has one, a four-week workshop several. A cancelled
    session stays, so a calendar that has it can be told."""

    opportunity = ForeignKey(references=Opportunity, on_delete=OnDelete.cascade, index=True)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    cancelled_at = Timestamptz(null=True, default=None)
    # When the day-before reminder went to the students confirmed for it.
    reminded_at = Timestamptz(null=True, default=None)


class SignUp(Table):
    """A student on an opportunity; one row per pair (index in the migration). A seat is held while confirmed;
    the waitlist is served in the order of waitlisted_at."""

    opportunity = ForeignKey(references=Opportunity, on_delete=OnDelete.cascade, index=True)
    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    status = Varchar(length=20, choices=SignUpStatus, index=True)
    waitlisted_at = Timestamptz(null=True, default=None)
    # Staff who assigned, approved, waitlisted or declined; empty when the student signed up themselves.
    decided_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class FormCompletion(Table):
    """A required form of one sign-up: ticked by staff, or signed from an e-mailed link (only its hash is kept;
    a permission slip's link goes to the guardian the school has on record, never to an address the student
    types). One row per sign-up and form (index in the migration)."""

    sign_up = ForeignKey(references=SignUp, on_delete=OnDelete.cascade, index=True)
    form = Varchar(length=30, choices=RequiredForm)
    method = Varchar(length=20, choices=FormMethod, default=FormMethod.STAFF)
    signer_name = Varchar(length=200, default="")
    signer_email = Varchar(length=254, default="")
    token_hash = Varchar(length=64, null=True, default=None, unique=True)
    expires_at = Timestamptz(null=True, default=None)
    recorded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    completed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class Attendance(Table):
    """A student who came to a session, marked by staff; the entry it made, verified by that staff member.
    One row per session and student (index in the migration); client_uuid makes a mark sent again by a phone
    that lost its signal count once."""

    session = ForeignKey(references=OpportunitySession, on_delete=OnDelete.cascade, index=True)
    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    sign_up = ForeignKey(references=SignUp, null=True, on_delete=OnDelete.set_null)
    experience = ForeignKey(references=Experience, null=True, on_delete=OnDelete.set_null)
    method = Varchar(length=20, choices=CheckInMethod)
    client_uuid = UUID(null=True, default=None, unique=True)
    marked_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    marked_at = Timestamptz()
