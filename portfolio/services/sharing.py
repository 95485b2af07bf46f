"""Sharing a portfolio outside the school, and the record of every disclosure (FERPA).

Nothing leaves the school without a share the student made (and, under 18, a guardian's consent). A share
names an employer organization or is a link; it holds everything or picked items; it expires and can be
revoked. Every view by anyone but the student, their school's staff and their assigned mentors is recorded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Mapping

from portfolio.db import write_transaction
from portfolio.mail import Mailer, render
from portfolio.parse import int_ids, int_or_none
from portfolio.services import audit, experiences, mentoring
from portfolio.services.accounts import EMAIL_RE, CurrentUser, FormErrors, normalize_email, token_hash
from portfolio.services.signoff import CONFIRM_AFTER, METHOD_LABELS
from portfolio.tables import (
    Certification,
    Disclosure,
    EmployerNote,
    Evidence,
    Experience,
    GuardianConsent,
    Organization,
    Share,
    ShareItem,
    Shortlist,
    SignOff,
    StudentProfile,
    User,
)

DEFAULT_DAYS = 30
MAX_DAYS = 365
ADULT = 18
CONSENT_LINK_DAYS = 14
SHOWN_STATUSES = ("draft", "submitted", "changes_requested", "verified", "voided")  # never rejected ones


def now() -> datetime:
    return datetime.now(timezone.utc)


class NotFound(Exception):
    """No such share, link or consent for this person."""


# --- consent --------------------------------------------------------------------------------------

def age_on(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


async def consent_on_file(student_id: int) -> bool:
    return await GuardianConsent.exists().where(
        (GuardianConsent.student == student_id) & GuardianConsent.given_at.is_not_null()
        & GuardianConsent.revoked_at.is_null()
    )


async def may_share_outside(student: CurrentUser, today: date | None = None) -> bool:
    """18 or older by the birth date staff recorded, or a guardian's consent on file. With no birth date on
    file the student is treated as a minor: most high-school students are."""
    today = today or experiences.today_at(await experiences.school_of(student))
    profile = await StudentProfile.select(StudentProfile.birth_date).where(StudentProfile.student == student.id).first()
    age = age_on(profile["birth_date"] if profile else None, today)
    return (age is not None and age >= ADULT) or await consent_on_file(student.id)


async def record_consent(staff: CurrentUser, student_id: int, form: Mapping[str, Any]) -> None:
    """Staff record a guardian's consent they received (on paper, at enrollment)."""
    student = await User.select(User.id, User.school).where(User.id == student_id).first()
    if student is None or student["school"] != staff.school_id:
        raise NotFound(student_id)
    name = str(form.get("guardian_name", "")).strip()
    if not name or len(name) > 200:
        raise FormErrors({"guardian_name": "Enter the guardian's name."}, {"guardian_name": name})
    await GuardianConsent.insert(
        GuardianConsent(student=student_id, guardian_name=name, method="staff", recorded_by=staff.id, given_at=now())
    )
    await audit.record("consent.recorded", actor_id=staff.id, subject=f"user:{student_id}")


async def ask_guardian(mailer: Mailer, base_url: str, student: CurrentUser, form: Mapping[str, Any]) -> None:
    """E-mail a guardian a link to give consent; nothing changes until they do."""
    name = str(form.get("guardian_name", "")).strip()
    email = normalize_email(str(form.get("guardian_email", "")))
    errors = {}
    if not name or len(name) > 200:
        errors["guardian_name"] = "Enter your parent's or guardian's name."
    if not EMAIL_RE.match(email):
        errors["guardian_email"] = "Enter their e-mail address, like name@example.com."
    elif email == student.email:
        errors["guardian_email"] = "This is your own e-mail. Enter your guardian's."
    if errors:
        raise FormErrors(errors, {"guardian_name": name, "guardian_email": email})
    raw = secrets.token_urlsafe(32)
    await GuardianConsent.insert(
        GuardianConsent(student=student.id, guardian_name=name, guardian_email=email, method="guardian_link",
                        token_hash=token_hash(raw), expires_at=now() + timedelta(days=CONSENT_LINK_DAYS))
    )
    await mailer.send(
        render("guardian_consent", email, f"{student.name} asks your permission to share their career portfolio",
               guardian=name, student=student.name, link=f"{base_url}/consent/{raw}", days=CONSENT_LINK_DAYS)
    )
    await audit.record("consent.requested", actor_id=student.id)


async def consent_request(raw: str) -> dict[str, Any]:
    row = await GuardianConsent.select(
        GuardianConsent.id, GuardianConsent.guardian_name, GuardianConsent.student.name.as_alias("student_name"),
        GuardianConsent.student.school.name.as_alias("school_name"),
    ).where(
        (GuardianConsent.token_hash == token_hash(raw)) & GuardianConsent.given_at.is_null()
        & GuardianConsent.revoked_at.is_null() & (GuardianConsent.expires_at > now())
    ).first()
    if row is None:
        raise NotFound("consent")
    return row


async def give_consent(raw: str, ip: str = "") -> None:
    row = await consent_request(raw)
    given = await GuardianConsent.update({GuardianConsent.given_at: now()}).where(
        (GuardianConsent.id == row["id"]) & GuardianConsent.given_at.is_null()
    ).returning(GuardianConsent.id)
    if not given:
        raise NotFound("consent")
    await audit.record("consent.given", subject=f"consent:{row['id']}", ip=ip)


# --- shares ---------------------------------------------------------------------------------------

async def employer_choices() -> list[dict[str, Any]]:
    return await Organization.select(Organization.id, Organization.name).where(Organization.kind == "employer").order_by(
        Organization.name
    )


async def create(student: CurrentUser, form: Mapping[str, Any]) -> tuple[int, str | None]:
    """A new share; returns its id and, for a link, the token (shown once, never stored)."""
    audience = str(form.get("audience", ""))
    errors: dict[str, str] = {}
    organization = None
    if audience == "organization":
        organization = int_or_none(form.get("organization"))
        if organization not in {o["id"] for o in await employer_choices()}:
            errors["organization"] = "Choose an employer."
    elif audience != "link":
        errors["audience"] = "Choose an employer or a link."
    days = int_or_none(form.get("days") or DEFAULT_DAYS)
    if days is None or not 1 <= days <= MAX_DAYS:
        errors["days"] = f"Choose between 1 and {MAX_DAYS} days."
    everything = str(form.get("scope", "everything")) != "picked"
    picked_entries = int_ids(form.get("experiences"))
    picked_certifications = int_ids(form.get("certifications"))
    if not everything:
        own_entries = {r["id"] for r in await Experience.select(Experience.id).where(Experience.student == student.id)}
        own_certs = {r["id"] for r in await Certification.select(Certification.id).where(Certification.student == student.id)}
        if not set(picked_entries) <= own_entries or not set(picked_certifications) <= own_certs:
            raise NotFound("items")
        if not picked_entries and not picked_certifications:
            errors["scope"] = "Pick at least one entry or certification, or share everything."
    label = str(form.get("label", "")).strip()[:100]
    if not errors and not await may_share_outside(student):
        errors["audience"] = "You are under 18: a parent or guardian must agree before you share outside your school."
    if errors:
        raise FormErrors(errors, {"audience": audience, "organization": str(form.get("organization", "")),
                                  "days": str(form.get("days", "")), "scope": "everything" if everything else "picked",
                                  "label": label, "experiences": picked_entries, "certifications": picked_certifications})
    raw = secrets.token_urlsafe(24) if audience == "link" else None
    async with write_transaction():
        share = await Share.insert(
            Share(student=student.id, organization=organization, token_hash=token_hash(raw) if raw else None,
                  everything=everything, label=label, expires_at=now() + timedelta(days=days))
        ).returning(Share.id)
        share_id = share[0]["id"]
        items = [ShareItem(share=share_id, experience=e) for e in picked_entries]
        items += [ShareItem(share=share_id, certification=c) for c in picked_certifications]
        if not everything:
            await ShareItem.insert(*items)
    await audit.record("share.created", actor_id=student.id, subject=f"share:{share_id}", audience=audience)
    return share_id, raw


async def revoke(student: CurrentUser, share_id: int) -> None:
    changed = await Share.update({Share.revoked_at: now()}).where(
        (Share.id == share_id) & (Share.student == student.id) & Share.revoked_at.is_null()
    ).returning(Share.id)
    if not changed:
        raise NotFound(share_id)
    await audit.record("share.revoked", actor_id=student.id, subject=f"share:{share_id}")


def _state(share: Mapping[str, Any], moment: datetime) -> str:
    if share["revoked_at"]:
        return "revoked"
    return "expired" if share["expires_at"] <= moment else "active"


async def shares_of(student: CurrentUser) -> list[dict[str, Any]]:
    rows = await Share.select(
        Share.id, Share.organization, Share.token_hash, Share.everything, Share.label, Share.expires_at,
        Share.revoked_at, Share.created_at, Share.organization.name.as_alias("organization_name"),
    ).where(Share.student == student.id).order_by(Share.id, ascending=False)
    moment = now()
    counts = await _item_counts([r["id"] for r in rows])
    for row in rows:
        row["state"] = _state(row, moment)
        row["kind"] = "link" if row["token_hash"] else "organization"
        row["items"] = counts.get(row["id"], 0)
        del row["token_hash"]
    return rows


async def share_choices(student: CurrentUser) -> dict[str, list[dict[str, Any]]]:
    """What a student may pick for a share: their entries a portfolio shows (never rejected ones), and their
    certifications."""
    entries = await Experience.select(Experience.id, Experience.title, Experience.date, Experience.status).where(
        (Experience.student == student.id) & Experience.status.is_in(list(SHOWN_STATUSES))
    ).order_by(Experience.date, ascending=False)
    certs = await Certification.select(Certification.id, Certification.name, Certification.issued_on).where(
        Certification.student == student.id
    ).order_by(Certification.issued_on, ascending=False)
    return {"experiences": entries, "certifications": certs}


async def _item_counts(share_ids: list[int]) -> dict[int, int]:
    if not share_ids:
        return {}
    rows = await ShareItem.select(ShareItem.share).where(ShareItem.share.is_in(share_ids))
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["share"]] = counts.get(row["share"], 0) + 1
    return counts


# --- who may see what -----------------------------------------------------------------------------

@dataclass
class Access:
    """What one viewer may see of one student: everything, or these entries and certifications."""

    student_id: int
    everything: bool
    experiences: set[int] = field(default_factory=set)
    certifications: set[int] = field(default_factory=set)
    share_ids: list[int] = field(default_factory=list)

    def includes(self, experience_id: int | None = None, certification_id: int | None = None) -> bool:
        if self.everything:
            return True
        return (experience_id is not None and experience_id in self.experiences) or (
            certification_id is not None and certification_id in self.certifications
        )


async def _access(shares: list[dict[str, Any]], student_id: int) -> Access | None:
    if not shares:
        return None
    access = Access(student_id=student_id, everything=any(s["everything"] for s in shares), share_ids=[s["id"] for s in shares])
    if not access.everything:
        items = await ShareItem.select(ShareItem.experience, ShareItem.certification).where(
            ShareItem.share.is_in(access.share_ids)
        )
        access.experiences = {i["experience"] for i in items if i["experience"]}
        access.certifications = {i["certification"] for i in items if i["certification"]}
    return access


def _active():
    return Share.revoked_at.is_null() & (Share.expires_at > now())


async def employer_access(employer: CurrentUser, student_id: int) -> Access | None:
    """The union of the active shares of this student with the employer's organization, or None."""
    if employer.organization_id is None:
        return None
    shares = await Share.select(Share.id, Share.everything).where(
        (Share.student == student_id) & (Share.organization == employer.organization_id) & _active()
    )
    return await _access(shares, student_id)


async def link_share(raw: str) -> dict[str, Any]:
    share = await Share.select(Share.id, Share.student, Share.everything).where(
        (Share.token_hash == token_hash(raw)) & _active()
    ).first()
    if share is None:
        raise NotFound("link")
    return share


async def student_name(student_id: int) -> str:
    row = await User.select(User.name).where(User.id == student_id).first()
    return row["name"] if row else ""


async def link_access(raw: str) -> Access:
    share = await link_share(raw)
    access = await _access([share], share["student"])
    assert access is not None
    return access


async def share_access(student: CurrentUser, share_id: int) -> Access:
    """What one of the student's own shares shows, whatever its state (for the student's preview)."""
    share = await Share.select(Share.id, Share.student, Share.everything).where(
        (Share.id == share_id) & (Share.student == student.id)
    ).first()
    if share is None:
        raise NotFound(share_id)
    access = await _access([share], student.id)
    assert access is not None
    return access


# A link visitor's grant: after they give their name and organization, a signed cookie stands for it.

@dataclass(frozen=True)
class Visitor:
    share_id: int
    name: str
    organization: str


VISITOR_FIELD_MAX = 200


def visitor_form(form: Mapping[str, Any]) -> tuple[str, str]:
    """The name and organization a link visitor gives; both required."""
    name = " ".join(str(form.get("name", "")).split())
    organization = " ".join(str(form.get("organization", "")).split())
    errors = {}
    if not name or len(name) > VISITOR_FIELD_MAX:
        errors["name"] = "Enter your name."
    if not organization or len(organization) > VISITOR_FIELD_MAX:
        errors["organization"] = "Enter your organization (your company or school)."
    if errors:
        raise FormErrors(errors, {"name": name, "organization": organization})
    return name, organization


def _mac(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), b"share-visitor." + payload.encode(), hashlib.sha256).hexdigest()


def visitor_grant(secret: str, share_id: int, name: str, organization: str, expires: datetime) -> str:
    """A cookie value standing for a visitor of one share link, until `expires`."""
    body = json.dumps([share_id, name, organization, int(expires.timestamp())], separators=(",", ":"))
    payload = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    return f"{payload}.{_mac(secret, payload)}"


def check_visitor_grant(secret: str, value: str | None, share_id: int) -> Visitor | None:
    """The visitor a grant cookie names, if it is genuine, unexpired and for this share; else None."""
    try:
        payload, mac = (value or "").split(".")
        if not hmac.compare_digest(mac.encode(), _mac(secret, payload).encode()):
            return None
        sid, name, organization, expires = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if int(sid) != share_id or int(expires) < now().timestamp() or not name or not organization:
            return None
        return Visitor(int(sid), str(name), str(organization))
    except (ValueError, TypeError, UnicodeError):
        return None


async def is_own_school_or_mentor(actor: CurrentUser, student_id: int) -> bool:
    """The student's school staff and assigned mentors: their views are not disclosures."""
    if actor.id == student_id:
        return True
    if actor.has("mentor") and await mentoring.is_assigned(actor.id, student_id):
        return True
    if actor.has("staff") and actor.school_id is not None:
        return await User.exists().where((User.id == student_id) & (User.school == actor.school_id))
    return False


# --- the portfolio as a viewer sees it -------------------------------------------------------------

async def portfolio(student_id: int, access: Access | None = None, moment: datetime | None = None) -> dict[str, Any]:
    """Everything a viewer may see, in a fixed number of queries whatever the portfolio's size.

    `access` None means everything (the student's own preview of an "everything" share)."""
    moment = moment or now()
    student = await User.select(User.id, User.name, User.school.name.as_alias("school_name")).where(User.id == student_id).first()
    # Only what the student wrote for viewers: never the birth date or the personal e-mail.
    profile = await StudentProfile.select(
        StudentProfile.headline, StudentProfile.about, StudentProfile.skills, StudentProfile.interests,
        StudentProfile.graduation_year,
    ).where(StudentProfile.student == student_id).first() or {}
    entries = await Experience.select(*experiences.ENTRY_COLUMNS).where(
        (Experience.student == student_id) & Experience.status.is_in(list(SHOWN_STATUSES))
    ).order_by(Experience.date, ascending=False)
    certs = await Certification.select().where(Certification.student == student_id).order_by(Certification.issued_on, ascending=False)
    if access is not None and not access.everything:
        entries = [e for e in entries if e["id"] in access.experiences]
        certs = [c for c in certs if c["id"] in access.certifications]
    entry_ids = [e["id"] for e in entries] or [0]
    cert_ids = [c["id"] for c in certs] or [0]
    files = await Evidence.select(
        Evidence.id, Evidence.experience, Evidence.certification, Evidence.original_name, Evidence.content_type,
        Evidence.sha256, Evidence.pages,
    ).where(Evidence.experience.is_in(entry_ids) | Evidence.certification.is_in(cert_ids)).order_by(Evidence.id)
    signoffs = await SignOff.select().where(SignOff.experience.is_in(entry_ids)).order_by(SignOff.id, ascending=False)
    latest: dict[int, dict[str, Any]] = {}
    for row in signoffs:
        latest.setdefault(row["experience"], row)
    verified, self_reported = [], []
    for entry in entries:
        entry["evidence"] = [f for f in files if f["experience"] == entry["id"]]
        current = experiences.content_hash(experiences.fields_of(entry), [f["sha256"] for f in entry["evidence"]])
        signoff = latest.get(entry["id"])
        state = _shown_state(entry, signoff, current, moment)
        entry["state"] = state
        entry["signoff"] = signoff if state.startswith("verified") else None
        entry["method_label"] = METHOD_LABELS.get(signoff["method"], "") if entry["signoff"] else ""
        (verified if state.startswith("verified") else self_reported).append(entry)
    for cert in certs:
        cert["evidence"] = [f for f in files if f["certification"] == cert["id"]]
    return {
        "student": student,
        "profile": profile,
        "verified": verified,
        "self_reported": self_reported,
        "verified_minutes": sum(e["minutes"] for e in verified),
        "self_reported_minutes": sum(e["minutes"] for e in self_reported),
        "certifications": certs,
    }


def _shown_state(entry: Mapping[str, Any], signoff: Mapping[str, Any] | None, current_hash: str, moment: datetime) -> str:
    """The same rule as the student's own pages: the hash is checked every time, a voided sign-off is never shown
    as verified, and an on-the-spot one is marked until confirmed."""
    if entry["status"] != "verified" or signoff is None:
        return "self_reported"
    if signoff["voided_at"] or signoff["decision"] != "verified" or signoff["content_hash"] != current_hash:
        return "self_reported"
    if signoff["method"] == "on_device" and signoff["confirmed_at"] is None and moment - signoff["created_at"] < CONFIRM_AFTER:
        return "verified_pending_confirmation"
    return "verified"


# --- disclosures ----------------------------------------------------------------------------------

async def disclose(student_id: int, kind: str, viewer_name: str, viewer_organization: str = "", *,
                   viewer: int | None = None, share: int | None = None, request: int | None = None) -> None:
    await Disclosure.insert(
        Disclosure(student=student_id, kind=kind, viewer=viewer, viewer_name=viewer_name[:200],
                   viewer_organization=viewer_organization[:200], share=share, request=request)
    )


async def disclosures_of(student: CurrentUser, limit: int = 500) -> list[dict[str, Any]]:
    return await Disclosure.select(
        Disclosure.id, Disclosure.kind, Disclosure.viewer_name, Disclosure.viewer_organization, Disclosure.created_at,
        Disclosure.share.id.as_alias("share_id"), Disclosure.share.label.as_alias("share_label"),
        Disclosure.share.organization.name.as_alias("share_organization"),
    ).where(Disclosure.student == student.id).order_by(Disclosure.id, ascending=False).limit(limit)


# --- the employer's side --------------------------------------------------------------------------

async def shared_with(employer: CurrentUser) -> list[int]:
    """Students with an active share to the employer's organization."""
    if employer.organization_id is None:
        return []
    rows = await Share.select(Share.student).where((Share.organization == employer.organization_id) & _active())
    return sorted({r["student"] for r in rows})


async def shortlist(employer: CurrentUser) -> set[int]:
    rows = await Shortlist.select(Shortlist.student).where(Shortlist.organization == employer.organization_id)
    return {r["student"] for r in rows}


async def set_shortlisted(employer: CurrentUser, student_id: int, on: bool) -> None:
    if on:
        if not await Shortlist.exists().where((Shortlist.organization == employer.organization_id) & (Shortlist.student == student_id)):
            await Shortlist.insert(Shortlist(organization=employer.organization_id, student=student_id, added_by=employer.id))
    else:
        await Shortlist.delete().where((Shortlist.organization == employer.organization_id) & (Shortlist.student == student_id))


async def notes(employer: CurrentUser, student_id: int) -> list[dict[str, Any]]:
    return await EmployerNote.select(
        EmployerNote.id, EmployerNote.text, EmployerNote.created_at, EmployerNote.author.name.as_alias("author_name")
    ).where((EmployerNote.organization == employer.organization_id) & (EmployerNote.student == student_id)).order_by(
        EmployerNote.id, ascending=False
    )


async def add_note(employer: CurrentUser, student_id: int, text: str) -> None:
    text = text.strip()
    if not text or len(text) > 4000:
        raise FormErrors({"note": "Write a note of at most 4000 characters."}, {"note": text})
    await EmployerNote.insert(EmployerNote(organization=employer.organization_id, student=student_id, author=employer.id, text=text))


# --- the employer's list --------------------------------------------------------------------------

async def organization_name(organization_id: int | None) -> str:
    if organization_id is None:
        return ""
    row = await Organization.select(Organization.name).where(Organization.id == organization_id).first()
    return row["name"] if row else ""


async def employer_list(employer: CurrentUser, cluster: str | None = None, min_hours: float | None = None,
                        certification: str = "", shortlist_only: bool = False, sort: str = "hours",
                        moment: datetime | None = None) -> list[dict[str, Any]]:
    """One card per student with an active share to the employer's organization, in a fixed number of queries
    whatever the number of students: name, headline, verified and self-reported minutes, career clusters
    (profile interests and clusters of the shared entries), certification names, when last shared, shortlisted.

    Only what the shares cover counts (picked shares count their picked items), and an entry is verified by the
    same rule as the portfolio (`_shown_state`). Listing is not a disclosure: nothing is recorded here."""
    if employer.organization_id is None:
        return []
    moment = moment or now()
    shares = await Share.select(
        Share.id, Share.student, Share.everything, Share.created_at, Share.student.name.as_alias("student_name"),
    ).where((Share.organization == employer.organization_id) & Share.revoked_at.is_null() & (Share.expires_at > moment))
    if not shares:
        return []
    by_student: dict[int, dict[str, Any]] = {}
    for share in shares:
        card = by_student.setdefault(share["student"], {
            "id": share["student"], "name": share["student_name"], "everything": False, "share_ids": [],
            "shared_at": share["created_at"], "experiences": set(), "certifications": set(),
        })
        card["everything"] = card["everything"] or share["everything"]
        card["share_ids"].append(share["id"])
        card["shared_at"] = max(card["shared_at"], share["created_at"])
    ids = list(by_student)
    picked_shares = [s["id"] for s in shares if not s["everything"]] or [0]
    items = await ShareItem.select(ShareItem.share.student.as_alias("student"), ShareItem.experience,
                                   ShareItem.certification).where(ShareItem.share.is_in(picked_shares))
    for item in items:
        card = by_student[item["student"]]
        if item["experience"]:
            card["experiences"].add(item["experience"])
        if item["certification"]:
            card["certifications"].add(item["certification"])
    profiles = {p["student"]: p for p in await StudentProfile.select(
        StudentProfile.student, StudentProfile.headline, StudentProfile.interests).where(StudentProfile.student.is_in(ids))}
    entries = await Experience.select(*experiences.ENTRY_COLUMNS, Experience.student).where(
        Experience.student.is_in(ids) & Experience.status.is_in(list(SHOWN_STATUSES))
    )
    entries = [e for e in entries if by_student[e["student"]]["everything"] or e["id"] in by_student[e["student"]]["experiences"]]
    files = await Evidence.select(Evidence.experience, Evidence.sha256).where(
        Evidence.student.is_in(ids) & Evidence.experience.is_not_null()
    )
    hashes: dict[int, list[str]] = {}
    for f in files:
        hashes.setdefault(f["experience"], []).append(f["sha256"])
    signoffs = await SignOff.select(
        SignOff.experience, SignOff.method, SignOff.decision, SignOff.content_hash, SignOff.voided_at,
        SignOff.confirmed_at, SignOff.created_at,
    ).where(SignOff.experience.student.is_in(ids)).order_by(SignOff.id, ascending=False)
    latest: dict[int, dict[str, Any]] = {}
    for row in signoffs:
        latest.setdefault(row["experience"], row)
    certs = await Certification.select(Certification.id, Certification.student, Certification.name).where(
        Certification.student.is_in(ids)
    ).order_by(Certification.issued_on, ascending=False)
    names = {c["code"]: c["name"] for c in await experiences.clusters()}
    marked = await shortlist(employer)

    for card in by_student.values():
        profile = profiles.get(card["id"]) or {}
        card["headline"] = profile.get("headline", "")
        card["cluster_codes"] = list(dict.fromkeys(profile.get("interests") or []))
        card["verified_minutes"] = card["self_reported_minutes"] = 0
        card["certification_names"] = []
        card["shortlisted"] = card["id"] in marked
    for entry in entries:
        card = by_student[entry["student"]]
        current = experiences.content_hash(experiences.fields_of(entry), hashes.get(entry["id"], []))
        state = _shown_state(entry, latest.get(entry["id"]), current, moment)
        card["verified_minutes" if state.startswith("verified") else "self_reported_minutes"] += entry["minutes"]
        if entry["cluster_code"] and entry["cluster_code"] not in card["cluster_codes"]:
            card["cluster_codes"].append(entry["cluster_code"])
    for cert in certs:
        card = by_student[cert["student"]]
        if card["everything"] or cert["id"] in card["certifications"]:
            card["certification_names"].append(cert["name"])

    wanted = certification.strip().casefold()
    cards = []
    for card in by_student.values():
        card["clusters"] = [names[c] for c in card["cluster_codes"] if c in names]
        for key in ("everything", "experiences", "certifications"):
            del card[key]
        if cluster and cluster not in card["cluster_codes"]:
            continue
        if min_hours is not None and card["verified_minutes"] < min_hours * 60:
            continue
        if wanted and not any(wanted in name.casefold() for name in card["certification_names"]):
            continue
        if shortlist_only and not card["shortlisted"]:
            continue
        cards.append(card)
    cards.sort(key=lambda c: (c["shared_at"], c["id"]), reverse=True)
    if sort != "recent":
        cards.sort(key=lambda c: c["verified_minutes"], reverse=True)  # stable: newest first among equals
    return cards
