"""The words of opportunities, events and placements: how students join, where a sign-up stands, the forms an
opportunity needs, and a placement's stages, as `str` enums with the labels people read keyed by them."""

from __future__ import annotations

from enum import StrEnum


class Enrolment(StrEnum):
    """How students come onto an opportunity."""

    SIGN_UP = "sign_up"  # students sign up themselves, first come first served, then a waitlist
    ASSIGNED = "assigned"  # staff choose and add the students


ENROLMENT_LABELS = {
    Enrolment.SIGN_UP: "Students sign up",
    Enrolment.ASSIGNED: "Staff assign students",
}


class OpportunityStatus(StrEnum):
    DRAFT = "draft"  # staff are still writing it; students do not see it
    OPEN = "open"  # students see it and may sign up until the deadline
    CLOSED = "closed"  # no more sign-ups; sessions still happen
    CANCELLED = "cancelled"


OPPORTUNITY_STATUS_LABELS = {
    OpportunityStatus.DRAFT: "Draft",
    OpportunityStatus.OPEN: "Open",
    OpportunityStatus.CLOSED: "Closed to sign-ups",
    OpportunityStatus.CANCELLED: "Cancelled",
}


class SignUpStatus(StrEnum):
    CONFIRMED = "confirmed"  # holds a seat
    WAITLISTED = "waitlisted"  # waits for a seat, in the order of waitlisted_at
    DECLINED = "declined"  # staff said no
    CANCELLED = "cancelled"  # the student (or staff for them) gave the seat back


SIGN_UP_STATUS_LABELS = {
    SignUpStatus.CONFIRMED: "Confirmed",
    SignUpStatus.WAITLISTED: "On the waitlist",
    SignUpStatus.DECLINED: "Declined",
    SignUpStatus.CANCELLED: "Cancelled",
}


class RequiredForm(StrEnum):
    """A form an opportunity needs from each student before they may go."""

    PERMISSION_SLIP = "permission_slip"  # a guardian's, for a student under 18
    TRANSPORTATION = "transportation"
    BACKGROUND_CHECK = "background_check"
    SAFETY_TRAINING = "safety_training"


REQUIRED_FORM_LABELS = {
    RequiredForm.PERMISSION_SLIP: "Permission slip",
    RequiredForm.TRANSPORTATION: "Transportation form",
    RequiredForm.BACKGROUND_CHECK: "Background check",
    RequiredForm.SAFETY_TRAINING: "Safety training",
}


class FormMethod(StrEnum):
    """How a required form came to be complete."""

    STAFF = "staff"  # staff ticked it (a paper form in the office)
    LINK = "link"  # signed from an e-mailed link (a guardian's, for a permission slip)


class CheckInMethod(StrEnum):
    """How staff marked a student as present."""

    ROSTER = "roster"  # ticked on the session's roster
    QR = "qr"  # scanned the student's personal code
    TYPED = "typed"  # typed the code the student's phone shows


class PlacementStatus(StrEnum):
    """Where a placement stands; it starts only once everyone has signed the agreement."""

    AWAITING_SIGNATURES = "awaiting_signatures"
    ACTIVE = "active"
    ENDED = "ended"
    CANCELLED = "cancelled"


PLACEMENT_STATUS_LABELS = {
    PlacementStatus.AWAITING_SIGNATURES: "Waiting for signatures",
    PlacementStatus.ACTIVE: "Under way",
    PlacementStatus.ENDED: "Ended",
    PlacementStatus.CANCELLED: "Cancelled",
}


# --- Feedback back to the partner ------------------------------------------------------------------------


class FeedbackAbout(StrEnum):
    """What a student's feedback is on: an opportunity they came to, or a placement they had."""

    OPPORTUNITY = "opportunity"
    PLACEMENT = "placement"


class CommentField(StrEnum):
    """The free-text answers of a feedback, each shared with the partner only once staff approved it."""

    LEARNED = "learned"
    CHANGE = "change"


COMMENT_FIELD_LABELS = {
    CommentField.LEARNED: "What they learned",
    CommentField.CHANGE: "What the partner could change",
}


class CommentDecision(StrEnum):
    APPROVED = "approved"  # may go to the partner, without the writer's name
    WITHHELD = "withheld"  # stays with the school


COMMENT_DECISION_LABELS = {
    CommentDecision.APPROVED: "Shared with the partner",
    CommentDecision.WITHHELD: "Withheld from the partner",
}

RATING_LABELS = {
    1: "Poor",
    2: "Fair",
    3: "Good",
    4: "Very good",
    5: "Excellent",
}
# --- placements: the agreement's parties, the supervisor's links, the evaluation's scale -------------------


class AgreementParty(StrEnum):
    """Who signs a placement agreement; a guardian only when the student is (or may be) under 18 on the start."""

    STUDENT = "student"
    GUARDIAN = "guardian"
    SUPERVISOR = "supervisor"
    STAFF = "staff"


AGREEMENT_PARTY_LABELS = {
    AgreementParty.STUDENT: "Student",
    AgreementParty.GUARDIAN: "Parent or guardian",
    AgreementParty.SUPERVISOR: "Workplace supervisor",
    AgreementParty.STAFF: "School staff",
}


class PlacementLinkPurpose(StrEnum):
    """What an e-mailed placement link lets its one addressee do."""

    GUARDIAN_SIGNATURE = "guardian_signature"
    SUPERVISOR_SIGNATURE = "supervisor_signature"
    TIMESHEET = "timesheet"  # confirm, change or reject one week's entries
    EVALUATION = "evaluation"


# The rubric's scale: each criterion names its own four levels; these are the defaults.
RUBRIC_LEVELS = (1, 2, 3, 4)
