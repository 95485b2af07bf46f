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
}


class FirstRunPart(StrEnum):
    """What a student may hide of the dashboard's "Get started" card: all of it, or only its install step."""

    CARD = "card"
    INSTALL = "install"


class PartnerKind(StrEnum):
    """What kind of organization an industry partner of the directory is."""

    EMPLOYER = "employer"
    INTERMEDIARY = "intermediary"
    CHAMBER = "chamber"
    COLLEGE = "college"
    TRAINING_PROVIDER = "training_provider"
    PUBLIC_AGENCY = "public_agency"
    OTHER = "other"


PARTNER_KIND_LABELS = {
    PartnerKind.EMPLOYER: "Employer",
    PartnerKind.INTERMEDIARY: "Industry association or nonprofit intermediary",
    PartnerKind.CHAMBER: "Chamber of commerce",
    PartnerKind.COLLEGE: "Community or technical college",
    PartnerKind.TRAINING_PROVIDER: "Training provider",
    PartnerKind.PUBLIC_AGENCY: "Public agency",
    PartnerKind.OTHER: "Other",
}


class PartnerStatus(StrEnum):
    """Where one school's relationship with a partner stands."""

    PROSPECT = "prospect"
    ACTIVE = "active"
    PAUSED = "paused"
    FORMER = "former"


PARTNER_STATUS_LABELS = {
    PartnerStatus.PROSPECT: "Prospect",
    PartnerStatus.ACTIVE: "Active",
    PartnerStatus.PAUSED: "Paused",
    PartnerStatus.FORMER: "Former",
}


class Offering(StrEnum):
    """What a partner offers a school's students and teachers."""

    GUEST_LECTURE = "guest_lecture"
    JOB_DEMONSTRATION = "job_demonstration"
    SITE_VISIT = "site_visit"
    JOB_SHADOW = "job_shadow"
    INTERNSHIP_PAID = "internship_paid"
    INTERNSHIP_UNPAID = "internship_unpaid"
    APPRENTICESHIP = "apprenticeship"
    MOCK_INTERVIEWS = "mock_interviews"
    RESUME_REVIEW = "resume_review"
    ADVISORY_BOARD_SEAT = "advisory_board_seat"
    EQUIPMENT_OR_FACILITY = "equipment_or_facility"
    SPONSORSHIP = "sponsorship"
    TEACHER_EXTERNSHIP = "teacher_externship"


OFFERING_LABELS = {
    Offering.GUEST_LECTURE: "Guest lecture",
    Offering.JOB_DEMONSTRATION: "Job demonstration",
    Offering.SITE_VISIT: "Site visit",
    Offering.JOB_SHADOW: "Job shadow",
    Offering.INTERNSHIP_PAID: "Internship (paid)",
    Offering.INTERNSHIP_UNPAID: "Internship (unpaid)",
    Offering.APPRENTICESHIP: "Apprenticeship",
    Offering.MOCK_INTERVIEWS: "Mock interviews",
    Offering.RESUME_REVIEW: "Resume review",
    Offering.ADVISORY_BOARD_SEAT: "Advisory board seat",
    Offering.EQUIPMENT_OR_FACILITY: "Equipment or facility",
    Offering.SPONSORSHIP: "Sponsorship or scholarship",
    Offering.TEACHER_EXTERNSHIP: "Teacher externship",
}


class ContactRole(StrEnum):
    """What a partner's contact does for the school."""

    EDUCATION_OUTREACH = "education_outreach"
    HR = "hr"
    SUPERVISOR = "supervisor"
    EXECUTIVE = "executive"


CONTACT_ROLE_LABELS = {
    ContactRole.EDUCATION_OUTREACH: "Education outreach",
    ContactRole.HR: "Human resources",
    ContactRole.SUPERVISOR: "Supervisor",
    ContactRole.EXECUTIVE: "Executive",
}


class ReachBy(StrEnum):
    """How a contact prefers to be reached."""

    EMAIL = "email"
    PHONE = "phone"
    TEXT = "text"
    IN_PERSON = "in_person"


REACH_BY_LABELS = {
    ReachBy.EMAIL: "E-mail",
    ReachBy.PHONE: "Phone call",
    ReachBy.TEXT: "Text message",
    ReachBy.IN_PERSON: "In person",
}


# --- partner interactions and follow-ups -------------------------------------------------------------


class InteractionKind(StrEnum):
    """How the school was in touch with a partner."""

    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    VISIT = "visit"
    EVENT = "event"


INTERACTION_KIND_LABELS = {
    InteractionKind.CALL: "Call",
    InteractionKind.MEETING: "Meeting",
    InteractionKind.EMAIL: "E-mail",
    InteractionKind.VISIT: "Visit",
    InteractionKind.EVENT: "Event",
}


# -- Partner documents (agreements, certificates) -------------------------------------------------------------


class DocumentKind(StrEnum):
    """What an agreement or document on file with a partner is."""

    MOU = "mou"
    INSURANCE = "insurance"
    BACKGROUND_CHECK = "background_check"
    PLACEMENT_TEMPLATE = "placement_template"
    OTHER = "other"


DOCUMENT_KIND_LABELS = {
    DocumentKind.MOU: "Memorandum of understanding (MOU)",
    DocumentKind.INSURANCE: "Insurance certificate",
    DocumentKind.BACKGROUND_CHECK: "Background-check attestation",
    DocumentKind.PLACEMENT_TEMPLATE: "Student placement agreement template",
    DocumentKind.OTHER: "Other",
}


class DocumentState(StrEnum):
    """Where a document stands on a given day; derived from its dates and whether a newer one replaced it."""

    CURRENT = "current"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


DOCUMENT_STATE_LABELS = {
    DocumentState.CURRENT: "Current",
    DocumentState.EXPIRING: "Expires soon",
    DocumentState.EXPIRED: "Expired",
    DocumentState.SUPERSEDED: "Replaced",
}
# Programs of study and their advisory boards.
class ActionStatus(StrEnum):
    """Where a board's action item stands."""

    OPEN = "open"
    DONE = "done"


ACTION_STATUS_LABELS = {ActionStatus.OPEN: "Open", ActionStatus.DONE: "Done"}
