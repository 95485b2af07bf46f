"""The portfolio as a viewer outside the school sees it, in a fixed number of queries."""

from __future__ import annotations

from typing import Any

from portfolio.services import attestation, experiences
from portfolio.services.placements import sharing as placement_sharing
from portfolio.services.sharing.access import Access
from portfolio.services.signoff.certifications import current_hash as certification_hash
from portfolio.services.signoff.certifications import latest_signoffs, shown_certification_state
from portfolio.services.signoff.state import shown_state, signoff_warning
from portfolio.tables import (
    Certification,
    Evidence,
    Experience,
    SignOff,
    StudentProfile,
    User,
)
from portfolio.vocabulary import METHOD_LABELS, EntryStatus

SHOWN_STATUSES = tuple(s for s in EntryStatus if s != EntryStatus.REJECTED)  # never rejected ones


async def portfolio(student_id: int, access: Access | None = None) -> dict[str, Any]:
    """Everything a viewer may see, in a fixed number of queries whatever the portfolio's size.

    `access` None means everything (the student's own preview of an "everything" share)."""
    student = await User.select(User.id, User.name, User.school.name.as_alias("school_name"),
                                User.school.accent_colour.as_alias("school_accent")).where(User.id == student_id).first()
    # Only to compare with verifiers' addresses: it never reaches the viewer.
    student_email = (await User.select(User.email).where(User.id == student_id).first() or {}).get("email", "")
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
    signoffs = await SignOff.select(
        *SignOff.all_columns(), SignOff.confirmed_by.name.as_alias("confirmed_by_name")
    ).where(SignOff.experience.is_in(entry_ids)).order_by(SignOff.id, ascending=False)
    latest: dict[int, dict[str, Any]] = {}
    for row in signoffs:
        latest.setdefault(row["experience"], row)
    files_of: dict[tuple[str, int], list[dict[str, Any]]] = {}  # each file once, not once per entry
    for file in files:
        files_of.setdefault(("entry", file["experience"]) if file["experience"] else ("cert", file["certification"]), []).append(file)
    verified, self_reported = [], []
    for entry in entries:
        entry["evidence"] = files_of.get(("entry", entry["id"]), [])
        signoff = latest.get(entry["id"])
        state = shown_state(entry, signoff, [f["sha256"] for f in entry["evidence"]])
        entry["state"] = state
        entry["signoff"] = signoff if state == EntryStatus.VERIFIED else None
        entry["method_label"] = METHOD_LABELS.get(signoff["method"], "") if entry["signoff"] else ""
        entry["warning"] = signoff_warning(signoff, student_email) if entry["signoff"] else ""
        _mark_added_after(entry)
        (verified if state == EntryStatus.VERIFIED else self_reported).append(entry)
    cert_signoffs = await latest_signoffs([c["id"] for c in certs])
    for cert in certs:
        cert["evidence"] = files_of.get(("cert", cert["id"]), [])
        latest_cert = cert_signoffs[cert["id"]][0] if cert_signoffs[cert["id"]] else None
        cert["state"] = shown_certification_state(cert, latest_cert, certification_hash(cert, cert["evidence"]))
        cert["signoff"] = latest_cert if cert["state"] == EntryStatus.VERIFIED else None
    return {
        "student": student,
        "profile": profile,
        "verified": verified,
        "self_reported": self_reported,
        "verified_minutes": sum(e["minutes"] for e in verified),
        "self_reported_minutes": sum(e["minutes"] for e in self_reported),
        "certifications": certs,
        "evaluations": await placement_sharing.shown(
            student_id, access is None or access.everything, access.evaluations if access is not None else set()),
    }



def _mark_added_after(entry: dict[str, Any]) -> None:
    """Files and a reflection the student added after the verification: shown as theirs, never as verified."""
    signed = entry["signoff"]
    seen = set(signed["evidence_seen"] or ()) if signed and signed["facts_hash"] else None
    for file in entry["evidence"]:
        file["added_after"] = seen is not None and file["sha256"] not in seen
    entry["reflection_added_after"] = bool(
        seen is not None and entry["reflection"] and attestation.text_hash(entry["reflection"]) != signed["reflection_hash"]
    )
