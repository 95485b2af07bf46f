"""Verifying certifications: staff of the student's school, or a mentor assigned to the student, check the
certificate file or the issuer's verification link and sign off with the content hash of exactly what their
page showed. The same rule as entries: a later edit of the certification or its files voids the sign-off,
and the state is read from the hash every time, so a changed certification never shows as verified."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from portfolio import clock
from portfolio.db import write_transaction
from portfolio.errors import Conflict, FormErrors, NotFound
from portfolio.forms.certification import CertificationCheckForm
from portfolio.services import audit, certifications, mentoring
from portfolio.services.accounts import CurrentUser
from portfolio.tables import Certification, CertificationSignOff, Evidence, User
from portfolio.vocabulary import CHECK_LABELS, CertificationCheck, Decision, EntryStatus, Role, Shown

VERIFIER_TITLES = {Role.STAFF: "School staff", Role.MENTOR: "Mentor"}


def certification_state(cert: Mapping[str, Any], latest: Mapping[str, Any] | None, current_hash: str) -> str:
    """What to show for a certification. The hash is checked every time: a mismatch is never verified."""
    status = cert["status"]
    if status != EntryStatus.VERIFIED:
        return status
    if latest is None or latest["voided_at"] or latest["decision"] != Decision.VERIFIED or latest["content_hash"] != current_hash:
        return EntryStatus.VOIDED
    return EntryStatus.VERIFIED


def shown_certification_state(cert: Mapping[str, Any], latest: Mapping[str, Any] | None, current_hash: str) -> str:
    """What a viewer outside the school reads: verified, or self-reported (everything else)."""
    state = certification_state(cert, latest, current_hash)
    return state if state == EntryStatus.VERIFIED else Shown.SELF_REPORTED


def current_hash(cert: Mapping[str, Any], files: list[Mapping[str, Any]]) -> str:
    return certifications.content_hash(cert, [f["sha256"] for f in files])


async def latest_signoffs(certification_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Every sign-off of each certification, newest first. One query."""
    rows = await CertificationSignOff.select().where(
        CertificationSignOff.certification.is_in(list(certification_ids) or [0])
    ).order_by(CertificationSignOff.id, ascending=False)
    found: dict[int, list[dict[str, Any]]] = {cert_id: [] for cert_id in certification_ids}
    for row in rows:
        row["check_label"] = CHECK_LABELS.get(row["checked"], row["checked"])
        found.setdefault(row["certification"], []).append(row)
    return found


async def student_certifications(student_id: int, today: date | None = None) -> list[dict[str, Any]]:
    """A student's certifications as their school's staff and mentors see them: each with its files, the
    hash it has now (what a verifier signs), its state, every sign-off and whether it has expired. Three
    queries, whatever the number."""
    certs = await Certification.select().where(Certification.student == student_id).order_by(
        Certification.issued_on, ascending=False
    ).order_by(Certification.id, ascending=False)
    ids = [c["id"] for c in certs]
    files = await Evidence.select(
        Evidence.id, Evidence.certification, Evidence.original_name, Evidence.content_type, Evidence.pages, Evidence.sha256
    ).where(Evidence.certification.is_in(ids or [0])).order_by(Evidence.id)
    history = await latest_signoffs(ids)
    today = today or clock.today_at(None)
    for cert in certs:
        cert["evidence"] = [f for f in files if f["certification"] == cert["id"]]
        cert["current_hash"] = current_hash(cert, cert["evidence"])
        cert["history"] = history[cert["id"]]
        cert["state"] = certification_state(cert, cert["history"][0] if cert["history"] else None, cert["current_hash"])
        cert["expired"] = bool(cert["expires_on"] and cert["expires_on"] < today)
    return certs


async def _may_verify(verifier: CurrentUser, as_role: Role, student: Mapping[str, Any]) -> bool:
    """Staff of the student's school, or a mentor assigned to them; never the student themselves."""
    if verifier.id == student["id"]:
        return False
    if as_role == Role.STAFF:
        return verifier.has(Role.STAFF) and verifier.school_id is not None and student["school"] == verifier.school_id
    if as_role == Role.MENTOR:
        return verifier.has(Role.MENTOR) and await mentoring.is_assigned(verifier.id, student["id"])
    return False


async def verify_certification(
    verifier: CurrentUser, as_role: Role, student_id: int, certification_id: int, answer: CertificationCheckForm
) -> dict[str, Any]:
    """Record a verifier's decision on what their page showed. NotFound for anyone who may not verify this
    student's certification (whatever the reason, so ids cannot be probed); Conflict when it changed since
    the page was opened; FormErrors when what they say they checked is not there."""
    async with write_transaction():
        student = await User.select(User.id, User.school).where(User.id == student_id).first()
        cert = await Certification.select().where(
            (Certification.id == certification_id) & (Certification.student == student_id)
        ).first()
        if student is None or cert is None or not await _may_verify(verifier, as_role, student):
            raise NotFound(certification_id)
        files = await Evidence.select(Evidence.sha256).where(Evidence.certification == certification_id)
        if answer.content_hash != current_hash(cert, files):
            raise Conflict("The student changed this certification after you opened it. Look at it again before deciding.",
                           title="Changed since you opened it")
        if answer.checked == CertificationCheck.EVIDENCE and not files:
            raise FormErrors({"checked": "There is no certificate file to check: use the issuer's link, or ask for one."})
        if answer.checked == CertificationCheck.ISSUER_LINK and not cert["verification_url"]:
            raise FormErrors({"checked": "There is no verification link to check: look at the certificate file."})
        await CertificationSignOff.insert(CertificationSignOff(
            certification=certification_id, verifier=verifier.id, verifier_name=verifier.name,
            verifier_title=VERIFIER_TITLES[as_role], checked=answer.checked, decision=answer.decision,
            comment=answer.comment, content_hash=answer.content_hash,
        ))
        await Certification.update({Certification.status: EntryStatus(answer.decision)}).where(
            Certification.id == certification_id
        )
    await audit.record(f"certification.{answer.decision}", actor_id=verifier.id, subject=f"certification:{certification_id}",
                       role=str(as_role), checked=str(answer.checked))
    return cert
