"""piccolo tables. Queries live in services; these only say what is kept."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    UUID,
    Array,
    BigInt,
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    SmallInt,
    Text,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

from portfolio.partner_vocabulary import PartnerKind
from portfolio.vocabulary import (
    KIND_LABELS,
    STATUS_LABELS,
    CertificationCheck,
    ConsentMethod,
    Decision,
    DisclosureKind,
    EntryStatus,
    ExperienceKind,
    Method,
    OrganizationKind,
    RequestStatus,
    Role,
    TokenPurpose,
)

# Labels are keyed by the enums in portfolio/vocabulary.py; these names stay for the templates and services.
ROLES = tuple(Role)
EXPERIENCE_KINDS = KIND_LABELS
EXPERIENCE_STATUSES = STATUS_LABELS


class School(Table):
    name = Varchar(length=200)
    timezone = Varchar(length=64, default="America/New_York")
    # The school year starts on this month and day each year (Perkins reporting years run from July 1).
    year_start_month = SmallInt(default=7)
    year_start_day = SmallInt(default=1)
    created_at = Timestamptz()
    # The verified work-based-learning hours a student aims for in a school year; none set: no goal is shown.
    wbl_goal_hours = SmallInt(null=True, default=None)
    # "#rrggbb" whose contrast with white and the page background is AA (forms.people checks it); "": the
    # app's own green.
    accent_colour = Varchar(length=7, default="")
    # A small picture without metadata (services.school_logo); its version (a hash) names it in URLs so
    # that it can be cached for long.
    logo = Bytea(null=True, default=None)
    logo_type = Varchar(length=20, default="")
    logo_version = Varchar(length=16, default="")
    # An active partner with no interaction and no student activity for this many days is "going cold".
    cold_after_days = SmallInt(default=120)
    # A student with no counselor's check-in for longer than this is flagged on the caseload (the school's staff set it).
    check_in_days = SmallInt(default=90)
    # The school's org in the district's SIS (OneRoster sourcedId): a roster import finds it by this, else by name.
    sourced_id = Varchar(length=255, default="")


class Organization(Table):
    """An employer or an industry partner: one record per organization across the district.

    What is true of the organization whichever school works with it lives here (its kind of partner, website,
    address, the clusters it serves), so a correction made by one school serves all and a partner is never
    entered twice. What one school agreed with it (status, what it offers that school, owners, contacts) lives
    on PartnerSchool: another school's staff see none of it."""

    name = Varchar(length=200)
    # Whether it has employer users who review shared portfolios ("employer") or not; unrelated to partner_kind.
    kind = Varchar(length=20, default=OrganizationKind.EMPLOYER, choices=OrganizationKind)
    website = Varchar(length=300, default="")
    created_at = Timestamptz()
    # Empty until a school takes it into its partner directory.
    partner_kind = Varchar(length=30, default="", choices=PartnerKind)
    address = Varchar(length=300, default="")
    updated_at = Timestamptz(null=True, default=None)


class CareerCluster(Table):
    """Career clusters are data (seeded by a migration) so that a state can add its own."""

    code = Varchar(length=60, unique=True)
    name = Varchar(length=120, unique=True)
    position = SmallInt(default=0)
    active = Boolean(default=True)


class User(Table, tablename="app_user"):
    email = Varchar(length=254, unique=True)
    name = Varchar(length=200)
    password_hash = Varchar(length=255, default="")
    roles = Array(base_column=Varchar(length=20))
    school = ForeignKey(references=School, null=True, on_delete=OnDelete.restrict)
    organization = ForeignKey(references=Organization, null=True, on_delete=OnDelete.restrict)
    active = Boolean(default=True)
    created_at = Timestamptz()
    password_changed_at = Timestamptz(null=True, default=None)
    last_sign_in_at = Timestamptz(null=True, default=None)
    # A mentor may take one e-mail a day instead of one per verification request.
    mentor_digest = Boolean(default=False)
    # An employer may take one e-mail a day about new shares instead of one per share; the last one's time.
    employer_digest = Boolean(default=False)
    employer_digest_at = Timestamptz(null=True, default=None)
    # Raised when every session of the user must end (a password changed or reset); a session keeps the
    # number it started with and ends when they differ.
    session_generation = Integer(default=0)
    # The person's record in the district's SIS (OneRoster sourcedId): a roster import finds them again by it.
    # Unique through an index made in a migration (SQLite cannot add a unique column to a table).
    sourced_id = Varchar(length=255, null=True, default=None)
    # A student the roster no longer lists: still signs in and keeps their portfolio; their school's staff
    # reach them until PORTFOLIO_ALUMNI_RETENTION_DAYS after this day (services/alumni.py).
    alumni_since = Date(null=True, default=None)


class StudentProfile(Table):
    """What a student says about themselves; the school stays on User, set by staff."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, unique=True)
    headline = Varchar(length=160, default="")
    about = Text(default="")
    skills = Array(base_column=Varchar(length=60))
    interests = Array(base_column=Varchar(length=60))
    graduation_year = SmallInt(null=True, default=None)
    # Keeps working after graduation, when the school address stops.
    personal_email = Varchar(length=254, default="")
    # Set by staff; sharing outside the school before 18 needs a guardian's consent.
    birth_date = Date(null=True, default=None)
    # Set by staff (until a roster import brings it); opportunities' eligibility reads it, never the student's word.
    grade = SmallInt(null=True, default=None)
    updated_at = Timestamptz()
    # The dashboard's "Get started" card: when the student hid it, and when they set its install step aside
    # (the server cannot see an installed app; the page's own media query can).
    onboarded_at = Timestamptz(null=True, default=None)
    install_skipped_at = Timestamptz(null=True, default=None)


class Experience(Table):
    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    # Made by the client (or the form) so that a retried create returns the first entry.
    # Unique per student through an index made in a migration (piccolo has no composite unique).
    client_uuid = UUID()
    kind = Varchar(length=30, choices=ExperienceKind)
    title = Varchar(length=200)
    organization_name = Varchar(length=200)
    site = Varchar(length=200, default="")
    cluster = ForeignKey(references=CareerCluster, null=True, on_delete=OnDelete.set_null)
    date = Date(index=True)
    start_time = Time(null=True, default=None)
    end_time = Time(null=True, default=None)
    minutes = Integer()
    reflection = Text(default="")
    status = Varchar(length=20, default=EntryStatus.DRAFT, index=True, choices=EntryStatus)
    # SHA-256 over exactly what a verifier sees; a sign-off records it, and any edit changes it.
    content_hash = Varchar(length=64, default="")
    # The one rule's answer (services/verification.py) as a viewer outside the school reads it, kept by every
    # write that can change it, so lists of many students (the employer's) sum and sort hours in SQL.
    shown_verified = Boolean(default=False)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    # The school's partner that hosted it, set from the typed name or by staff merging names. Not part of what a
    # verifier sees or signs: organization_name stays as the student wrote it, and linking never voids anything.
    # A reference object, not a dotted string: piccolo's migration writer reads a string as a table's own name.
    partner = ForeignKey(references=LazyTableReference("PartnerSchool", module_path="portfolio.partner_tables"),
                         null=True, default=None, on_delete=OnDelete.set_null, index=True)
    # The placement whose hours this entry logs (its supervisor confirms them week by week).
    placement = ForeignKey(references=LazyTableReference("Placement", module_path="portfolio.placement_tables"),
                           null=True, default=None, on_delete=OnDelete.set_null, index=True)


class StudentMinutes(Table):
    """Each student's minutes of the entries a portfolio shows (every status but rejected), split by the stored
    answer (Experience.shown_verified): what the employer's list sorts 1,000 students by without summing their
    20,000 entries. Kept by the database itself, by triggers on experience (migration 2026-12-07T16:00:00:000000),
    so no write path, bulk load or repair can leave it behind."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, unique=True)
    verified = Integer(default=0)
    self_reported = Integer(default=0)


class Certification(Table):
    """An industry-recognized certification (IBC) a student earned."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=200)
    issuer = Varchar(length=200)
    credential_id = Varchar(length=100, default="")
    issued_on = Date()
    expires_on = Date(null=True, default=None, index=True)
    verification_url = Varchar(length=500, default="")
    status = Varchar(length=20, default=EntryStatus.DRAFT, index=True, choices=EntryStatus)
    content_hash = Varchar(length=64, default="")
    # The nearest expiry reminder already e-mailed (60 or 14 days before) for the current expiry date;
    # cleared when the expiry date changes, so a renewed certification is reminded again.
    expiry_reminded = SmallInt(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class CertificationSignOff(Table):
    """Staff of the student's school, or an assigned mentor, checked a certification's evidence or its
    issuer's verification link: the decision, with the content hash of exactly what they saw.

    Kept forever: an edit of what was signed voids it (voided_at), never deletes it. A sibling of SignOff
    rather than rows of it: a sign-off there always names an entry and carries a request, a supervisor's
    signature and a receipt, none of which a certification has.
    """

    certification = ForeignKey(references=Certification, on_delete=OnDelete.cascade, index=True)
    verifier = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    verifier_name = Varchar(length=200)
    verifier_title = Varchar(length=200, default="")
    checked = Varchar(length=20, choices=CertificationCheck)
    decision = Varchar(length=20, choices=Decision)
    comment = Text(default="")
    content_hash = Varchar(length=64)
    voided_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class Evidence(Table):
    """A checked file behind an experience or a certification. Only the app writes storage keys."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    experience = ForeignKey(references=Experience, null=True, on_delete=OnDelete.cascade, index=True)
    certification = ForeignKey(references=Certification, null=True, on_delete=OnDelete.cascade, index=True)
    # Sent by the offline queue (and the new-entry form) so that a retried upload stores the file once.
    # Unique per student through an index made in a migration; empty for files added on an entry's page.
    client_uuid = UUID(null=True, default=None)
    storage_key = Varchar(length=200, unique=True)
    thumb_key = Varchar(length=200, default="")
    display_key = Varchar(length=200, default="")
    original_name = Varchar(length=255)
    content_type = Varchar(length=50)
    size = BigInt()
    sha256 = Varchar(length=64)
    width = Integer(null=True, default=None)
    height = Integer(null=True, default=None)
    pages = Integer(null=True, default=None)
    uploaded_at = Timestamptz()


class MentorAssignment(Table):
    """A mentor (teacher, counselor) assigned to a student by staff. Unique per pair (index in a migration)."""

    mentor = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()


class VerificationRequest(Table):
    """A student's request to verify one or more entries: to a mentor's account, to a workplace supervisor
    by e-mailed one-time links (RequestLink), or decided on the spot on the student's phone."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    method = Varchar(length=20, choices=Method)
    mentor = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null, index=True)
    supervisor_name = Varchar(length=200, default="")
    supervisor_title = Varchar(length=200, default="")
    supervisor_organization = Varchar(length=200, default="")
    supervisor_email = Varchar(length=254, default="")
    status = Varchar(length=20, default=RequestStatus.PENDING, index=True, choices=RequestStatus)
    created_at = Timestamptz()
    last_sent_at = Timestamptz(null=True, default=None)
    reminders_sent = SmallInt(default=0)
    notified_at = Timestamptz(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)


class RequestLink(Table):
    """An e-mailed link for a supervisor's request; a reminder sends a new one and the old ones keep
    working until they expire. Any one of them can be used for the request's one decision."""

    request = ForeignKey(references=VerificationRequest, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    expires_at = Timestamptz()
    opened_at = Timestamptz(null=True, default=None)
    used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class RequestItem(Table):
    """One entry of a request, with the content hash it had when it was asked about."""

    request = ForeignKey(references=VerificationRequest, on_delete=OnDelete.cascade, index=True)
    experience = ForeignKey(references=Experience, on_delete=OnDelete.cascade, index=True)
    content_hash = Varchar(length=64)
    decided = Boolean(default=False)


class SignOff(Table):
    """A verifier's decision on an entry, with the content hash of exactly what they saw.

    Kept forever: a later edit voids it (voided_at) but never deletes it.
    """

    experience = ForeignKey(references=Experience, on_delete=OnDelete.cascade, index=True)
    request = ForeignKey(references=VerificationRequest, null=True, on_delete=OnDelete.set_null)
    method = Varchar(length=20, choices=Method)
    verifier = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    verifier_name = Varchar(length=200)
    verifier_title = Varchar(length=200, default="")
    verifier_organization = Varchar(length=200, default="")
    verifier_email = Varchar(length=254, default="")
    decision = Varchar(length=20, choices=Decision)
    comment = Text(default="")
    content_hash = Varchar(length=64)
    # What the verifier attests, which stays exactly as signed (services/attestation.py): the hash of the facts
    # (kind, title, organization, date, hours) and the SHA-256 of each file they saw. The reflection's hash only
    # tells a reflection written afterwards. Empty on sign-offs from before, which attest the whole content_hash.
    facts_hash = Varchar(length=64, null=True, default=None)
    evidence_seen = Array(base_column=Varchar(length=64), default=list)
    reflection_hash = Varchar(length=64, null=True, default=None)
    signature_png = Text(default="")
    signature_typed = Varchar(length=200, default="")
    receipt_token_hash = Varchar(length=64, null=True, default=None, unique=True)
    confirmed_at = Timestamptz(null=True, default=None)
    # Empty when the supervisor confirmed from the receipt; the staff member who confirmed it for them otherwise.
    confirmed_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    disputed_at = Timestamptz(null=True, default=None)
    voided_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class GuardianConsent(Table):
    """A guardian's consent for a student under 18 to share outside the school: recorded by staff, or given
    by the guardian from an e-mailed link (only the link's hash is kept).

    The guardian's address comes from the school: a student may only propose one, and no link exists until
    staff confirm it (confirmed_at), so a student cannot name an address they own and agree for themselves."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    guardian_name = Varchar(length=200)
    guardian_email = Varchar(length=254, default="")
    method = Varchar(length=20, choices=ConsentMethod)
    recorded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    token_hash = Varchar(length=64, null=True, default=None, unique=True)
    expires_at = Timestamptz(null=True, default=None)
    given_at = Timestamptz(null=True, default=None)
    # Withdrawn (after it was given) or declined (before): by revoked_by, or by the guardian when that is empty.
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    # The student who proposed this guardian, when the name and address came from them.
    proposed_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    # The staff member who vouched for the guardian's address (or recorded their paper consent), and when.
    confirmed_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    confirmed_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    # The guardian's sourcedId when a roster import brought them: the school's records are the address's source.
    roster_guardian = Varchar(length=255, null=True, default=None)


class Share(Table):
    """A student's grant: to an employer organization, or to whoever holds a link (only its hash is kept).
    Either everything, or the items in ShareItem."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    organization = ForeignKey(references=Organization, null=True, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, null=True, default=None, unique=True)
    everything = Boolean(default=True)
    label = Varchar(length=100, default="")
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class ShareItem(Table):
    share = ForeignKey(references=Share, on_delete=OnDelete.cascade, index=True)
    experience = ForeignKey(references=Experience, null=True, on_delete=OnDelete.cascade)
    certification = ForeignKey(references=Certification, null=True, on_delete=OnDelete.cascade)


class Disclosure(Table):
    """FERPA's record of disclosures: every view or download of a student's record by anyone but the
    student, their school's staff and their assigned mentors. Shown to the student."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    share = ForeignKey(references=Share, null=True, on_delete=OnDelete.set_null)
    request = ForeignKey(references=VerificationRequest, null=True, on_delete=OnDelete.set_null)
    viewer = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    # The file opened, for a download: one is recorded per file, viewer and day (sharing.disclose_file).
    evidence = ForeignKey(references=Evidence, null=True, on_delete=OnDelete.set_null)
    viewer_name = Varchar(length=200)
    viewer_organization = Varchar(length=200, default="")
    kind = Varchar(length=20, choices=DisclosureKind)
    created_at = Timestamptz(index=True)


class EmployerNote(Table):
    """An employer's private note on a student; visible to that organization only."""

    organization = ForeignKey(references=Organization, on_delete=OnDelete.cascade, index=True)
    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    author = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    text = Text()
    created_at = Timestamptz()


class Shortlist(Table):
    organization = ForeignKey(references=Organization, on_delete=OnDelete.cascade, index=True)
    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    added_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()


class AccountToken(Table):
    """A one-time e-mailed link (password reset or invitation); only its hash is kept."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    purpose = Varchar(length=20, choices=TokenPurpose)
    token_hash = Varchar(length=64, unique=True)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class PortfolioDocument(Table):
    """A PDF of a portfolio that was made: its public check code (in the QR code, /p/{code}), the SHA-256 of
    what it showed, what it covered (to hash the same scope again later) and for whom it was made."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    code = Varchar(length=32, unique=True)
    content_hash = Varchar(length=64)
    # {"everything": bool, "experiences": [ids], "certifications": [ids], "shares": [ids]}
    scope = JSON(default={})
    audience = Varchar(length=200, default="self")
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
