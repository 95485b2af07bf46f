"""The domain's words: every status, decision, method, role and audience the app stores, as `str` enums (the
columns take them as `choices=`), with the labels people read keyed by them."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    STUDENT = "student"
    MENTOR = "mentor"
    EMPLOYER = "employer"
    STAFF = "staff"
    ADMIN = "admin"


class ExperienceKind(StrEnum):
    GUEST_LECTURE = "guest_lecture"
    SITE_VISIT = "site_visit"
    JOB_SHADOW = "job_shadow"
    INTERNSHIP = "internship"
    APPRENTICESHIP = "apprenticeship"
    CAREER_FAIR = "career_fair"
    MOCK_INTERVIEW = "mock_interview"
    INDUSTRY_PROJECT = "industry_project"
    VOLUNTEER = "volunteer"
    OTHER = "other"


class EntryStatus(StrEnum):
    """An experience's or a certification's status as stored."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    VERIFIED = "verified"
    REJECTED = "rejected"
    VOIDED = "voided"


class Shown(StrEnum):
    """What a verification reads as, beyond the stored statuses (never stored)."""

    # Signed on the student's phone; it counts once the supervisor confirms from their own address.
    PENDING_CONFIRMATION = "awaiting_confirmation"
    SELF_REPORTED = "self_reported"


class Decision(StrEnum):
    VERIFIED = "verified"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"


class Method(StrEnum):
    """How a verification was asked for and made."""

    MENTOR = "mentor"
    EMAIL_LINK = "email_link"
    ON_DEVICE = "on_device"
    ATTENDANCE = "attendance"  # staff marked the student present at an opportunity's session
    TIMESHEET = "timesheet"  # a placement's supervisor confirmed the week's entries from one e-mailed link


class CertificationCheck(StrEnum):
    """What a verifier of a certification checked."""

    EVIDENCE = "evidence"  # the certificate file the student uploaded
    ISSUER_LINK = "issuer_link"  # the issuer's own verification page


CHECK_LABELS = {
    CertificationCheck.EVIDENCE: "checked the certificate file",
    CertificationCheck.ISSUER_LINK: "checked with the issuer's verification link",
}


class Expiry(StrEnum):
    """Where a certification stands against its expiry date (computed, never stored)."""

    VALID = "valid"
    SOON = "soon"  # within 60 days
    EXPIRED = "expired"
    NONE = "none"  # it does not expire


EXPIRY_LABELS = {
    Expiry.VALID: "Valid",
    Expiry.SOON: "Expires soon",
    Expiry.EXPIRED: "Expired",
    Expiry.NONE: "Does not expire",
}


class RequestStatus(StrEnum):
    PENDING = "pending"
    DECIDED = "decided"
    CANCELLED = "cancelled"


class ConsentMethod(StrEnum):
    STAFF = "staff"
    GUARDIAN_LINK = "guardian_link"


class ConsentState(StrEnum):
    """Where one guardian's consent stands (computed from its row, not stored)."""

    PROPOSED = "proposed"  # a student named the guardian; the school has not confirmed the address
    WAITING = "waiting"  # confirmed and e-mailed; the guardian has not answered
    EXPIRED = "expired"  # the link ran out unanswered
    GIVEN = "given"
    WITHDRAWN = "withdrawn"  # given, then withdrawn by the guardian or staff
    DECLINED = "declined"  # ended before it was given: a proposal staff turned down, a link they cancelled


CONSENT_STATE_LABELS = {
    ConsentState.PROPOSED: "Proposed by the student: not confirmed",
    ConsentState.WAITING: "Link sent: waiting for the guardian",
    ConsentState.EXPIRED: "Link expired unanswered",
    ConsentState.GIVEN: "Consent given",
    ConsentState.WITHDRAWN: "Withdrawn",
    ConsentState.DECLINED: "Not confirmed or cancelled",
}


class Audience(StrEnum):
    """Whom a share is for."""

    ORGANIZATION = "organization"
    LINK = "link"


class OrganizationKind(StrEnum):
    EMPLOYER = "employer"
    PARTNER = "partner"


class TokenPurpose(StrEnum):
    RESET = "reset"
    INVITE = "invite"


ROLE_LABELS = {
    Role.STUDENT: "Student",
    Role.MENTOR: "Mentor",
    Role.EMPLOYER: "Employer",
    Role.STAFF: "Staff",
    Role.ADMIN: "Administrator",
}

KIND_LABELS = {
    ExperienceKind.GUEST_LECTURE: "Guest lecture",
    ExperienceKind.SITE_VISIT: "Site visit",
    ExperienceKind.JOB_SHADOW: "Job shadow",
    ExperienceKind.INTERNSHIP: "Internship",
    ExperienceKind.APPRENTICESHIP: "Apprenticeship",
    ExperienceKind.CAREER_FAIR: "Career fair",
    ExperienceKind.MOCK_INTERVIEW: "Mock interview",
    ExperienceKind.INDUSTRY_PROJECT: "Industry project",
    ExperienceKind.VOLUNTEER: "Volunteer",
    ExperienceKind.OTHER: "Other",
}

STATUS_LABELS = {
    EntryStatus.DRAFT: "Draft",
    EntryStatus.SUBMITTED: "Awaiting verification",
    EntryStatus.CHANGES_REQUESTED: "Changes requested",
    EntryStatus.VERIFIED: "Verified",
    EntryStatus.REJECTED: "Rejected",
    EntryStatus.VOIDED: "Verification voided",
    Shown.PENDING_CONFIRMATION: "Waiting for the supervisor to confirm",
}

METHOD_LABELS = {
    Method.MENTOR: "by a mentor",
    Method.EMAIL_LINK: "by a supervisor, from an e-mailed link",
    Method.ON_DEVICE: "on the spot",
    Method.ATTENDANCE: "by staff, who marked the student present",
    Method.TIMESHEET: "by the workplace supervisor, on the weekly timesheet",
}

# A decision as the mentor who made it reads it in their history.
DECISION_LABELS = {
    Decision.VERIFIED: "Verified",
    Decision.CHANGES_REQUESTED: "Asked for changes",
    Decision.REJECTED: "Rejected",
}

# The words a student reads about a decision on their entries.
DECISION_WORDS = {
    Decision.VERIFIED: "verified",
    Decision.CHANGES_REQUESTED: "sent back for changes",
    Decision.REJECTED: "rejected",
}


class DisclosureKind(StrEnum):
    VIEW = "view"
    DOWNLOAD = "download"
    PDF = "pdf"
    VERIFICATION_LINK = "verification_link"
    # Named in something printed that leaves the school (an awards-night program), with the student's consent.
    PUBLICATION = "publication"


class OutboxState(StrEnum):
    """Where an e-mail is on its way (services/outbox.py)."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


OUTBOX_STATE_LABELS = {
    OutboxState.QUEUED: "Waiting to be sent",
    OutboxState.SENDING: "Sending",
    OutboxState.SENT: "Sent",
    OutboxState.FAILED: "Not delivered",
}


class EmailKind(StrEnum):
    """Every message the app sends: one method of services/emails.py and one template pair each."""

    INVITE = "invite"
    RESET = "reset"
    PASSWORD_CHANGED = "password_changed"
    MENTOR_REQUEST = "mentor_request"
    MENTOR_DIGEST = "mentor_digest"
    SUPERVISOR_REQUEST = "supervisor_request"
    SUPERVISOR_RECEIPT = "supervisor_receipt"
    STUDENT_DECISION = "student_decision"
    STAFF_DISPUTE = "staff_dispute"
    STUDENT_DISPUTE = "student_dispute"
    GUARDIAN_CONSENT = "guardian_consent"
    SHARE_NOTICE = "share_notice"
    EMPLOYER_DIGEST = "employer_digest"
    GUARDIAN_RECEIPT = "guardian_receipt"
    STAFF_CONSENT = "staff_consent"
    CERTIFICATION_EXPIRY = "certification_expiry"
    FOLLOW_UP_DIGEST = "follow_up_digest"
    FEEDBACK_SUMMARY = "feedback_summary"
    # Opportunities: a sign-up's news (confirmed, waitlisted, a seat from the waitlist, declined, cancelled), a
    # change to its sessions, the day-before reminder, and a permission slip sent to a guardian.
    OPPORTUNITY_SIGN_UP = "opportunity_sign_up"
    OPPORTUNITY_CHANGE = "opportunity_change"
    OPPORTUNITY_REMINDER = "opportunity_reminder"
    PERMISSION_SLIP = "permission_slip"
    # Placements
    PLACEMENT_SIGNATURE = "placement_signature"
    TIMESHEET = "timesheet"
    EVALUATION_REQUEST = "evaluation_request"
    TIMESHEET_DECISION = "timesheet_decision"


EMAIL_KIND_LABELS = {
    EmailKind.INVITE: "Invitation",
    EmailKind.RESET: "Password reset",
    EmailKind.PASSWORD_CHANGED: "Password changed",
    EmailKind.MENTOR_REQUEST: "Verification request to a mentor",
    EmailKind.MENTOR_DIGEST: "Mentor's daily digest",
    EmailKind.SUPERVISOR_REQUEST: "Verification request to a supervisor",
    EmailKind.SUPERVISOR_RECEIPT: "Receipt of an on-the-spot sign-off",
    EmailKind.STUDENT_DECISION: "Verification decision to a student",
    EmailKind.STAFF_DISPUTE: "Disputed sign-off",
    EmailKind.STUDENT_DISPUTE: "Disputed sign-off, to the student",
    EmailKind.GUARDIAN_CONSENT: "Guardian consent request",
    EmailKind.SHARE_NOTICE: "New share to an employer",
    EmailKind.EMPLOYER_DIGEST: "Employer's daily digest",
    EmailKind.GUARDIAN_RECEIPT: "Guardian's consent receipt",
    EmailKind.STAFF_CONSENT: "Guardian consent given or withdrawn",
    EmailKind.CERTIFICATION_EXPIRY: "A certification expires soon",
    EmailKind.FOLLOW_UP_DIGEST: "Staff member's daily follow-ups",
    EmailKind.FEEDBACK_SUMMARY: "Students' feedback summary to a partner",
    EmailKind.OPPORTUNITY_SIGN_UP: "Opportunity sign-up news",
    EmailKind.OPPORTUNITY_CHANGE: "Opportunity changed or cancelled",
    EmailKind.OPPORTUNITY_REMINDER: "Opportunity reminder, the day before",
    EmailKind.PERMISSION_SLIP: "Permission slip to a guardian",
    EmailKind.PLACEMENT_SIGNATURE: "Placement agreement to sign",
    EmailKind.TIMESHEET: "Weekly timesheet to a supervisor",
    EmailKind.EVALUATION_REQUEST: "Placement evaluation request",
    EmailKind.TIMESHEET_DECISION: "Timesheet change, to the student",
}


class FirstRunPart(StrEnum):
    """What a student may hide of the dashboard's "Get started" card: all of it, or only its install step."""

    CARD = "card"
    INSTALL = "install"
