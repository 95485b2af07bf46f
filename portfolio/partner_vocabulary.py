"""The words of the career center's side: partners, contacts, interactions, documents, boards, as `str`
enums with the labels people read keyed by them (the rest of the domain's words are in vocabulary.py)."""

from __future__ import annotations

from enum import StrEnum


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
