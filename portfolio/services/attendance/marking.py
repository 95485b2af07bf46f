"""Marking a student present makes their entry at once, verified by the staff member who marked them (method
"attendance", bound to the entry's content hash and facts hash like any sign-off); unticking undoes it, and
changing a student's hours signs the entry again at its new hash. Each in one write transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from portfolio.clock import now, today_at
from portfolio.db import lock_row, write_transaction
from portfolio.errors import Conflict, FormErrors, NotFound
from portfolio.opportunity_tables import Attendance, OpportunityCluster, OpportunityPartner, OpportunitySession, SignUp
from portfolio.opportunity_vocabulary import CheckInMethod, SignUpStatus
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.attendance.roster import session, student
from portfolio.services.attestation import attestation, content_hash, fields_of
from portfolio.services.experiences import ENTRY_COLUMNS, evidence_hashes, void_after_edit
from portfolio.services.signoff.decisions import record
from portfolio.tables import Evidence, Experience, SignOff
from portfolio.vocabulary import Decision, EntryStatus, Method


@dataclass(frozen=True)
class Marked:
    attendance_id: int
    experience_id: int | None
    created: bool


async def entry_facts(found: dict[str, Any]) -> dict[str, Any]:
    """The entry a session makes: the opportunity's kind and title, its partner (several: "with N partners",
    and no partner linked), its first cluster, the session's date, times and length where the school is."""
    partners = await OpportunityPartner.select(
        OpportunityPartner.partner, OpportunityPartner.partner.organization.name.as_alias("name")
    ).where(OpportunityPartner.opportunity == found["opportunity_id"]).order_by(OpportunityPartner.id)
    cluster = await OpportunityCluster.select(
        OpportunityCluster.cluster, OpportunityCluster.cluster.code.as_alias("code")
    ).where(OpportunityCluster.opportunity == found["opportunity_id"]).order_by(OpportunityCluster.id).first()
    if len(partners) == 1:
        organization, partner = partners[0]["name"], partners[0]["partner"]
    else:
        organization = f"{found['title']} with {len(partners)} partners" if partners else found["title"]
        partner = None
    return {"kind": found["kind"], "title": found["title"], "organization_name": organization[:200], "partner": partner,
            "site": (found["place"] or "")[:200], "cluster": cluster["cluster"] if cluster else None,
            "cluster_code": cluster["code"] if cluster else None, "date": found["local_start"].date(),
            "start_time": found["local_start"].time().replace(tzinfo=None),
            "end_time": found["local_end"].time().replace(tzinfo=None), "minutes": found["minutes"], "reflection": ""}


def _check_markable(found: dict[str, Any]) -> None:
    """Who came is known from the session's day on: a cancelled session, or one still to come, verifies nothing."""
    if found["cancelled_at"] is not None:
        raise FormErrors({"form": "This session was cancelled: nobody can be marked present at it."})
    if found["local_start"].date() > today_at(found["timezone"]):
        raise FormErrors({"form": f"This session is on {found['local_start']:%b %-d}: mark who came on the day."})


def _verifier(staff: CurrentUser) -> dict[str, Any]:
    return {"verifier": staff.id, "verifier_name": staff.name, "verifier_email": staff.email, "verifier_title": "Staff"}


async def _sign(staff: CurrentUser, experience_id: int) -> None:
    """The staff member's sign-off over the entry as it is now; the caller holds the write transaction."""
    row = await Experience.select(*ENTRY_COLUMNS).where(Experience.id == experience_id).first()
    files = await evidence_hashes(experience_id)
    await record(experience_id, None, Method.ATTENDANCE, Decision.VERIFIED, row["content_hash"], _verifier(staff),
                 **attestation(row, files))


async def mark(staff: CurrentUser, session_id: int, student_id: int, method: str = CheckInMethod.ROSTER,
               client_uuid: uuid.UUID | None = None, minutes: int | None = None) -> Marked:
    """Mark a student of the session's school present: once per (session, student), and once per client UUID (a
    mark sent again by a phone that lost its signal answers the first one)."""
    found = await session(staff, session_id)
    await student(found["school"], student_id)
    _check_markable(found)
    async with write_transaction():
        await lock_row(OpportunitySession, session_id)  # one mark of a session at a time
        if client_uuid is not None:
            again = await Attendance.select().where(Attendance.client_uuid == client_uuid).first()
            if again is not None:
                if again["session"] != session_id or again["student"] != student_id:
                    raise Conflict("This mark's id was already used for another student.")
                return Marked(again["id"], again["experience"], created=False)
        existing = await Attendance.select().where(
            (Attendance.session == session_id) & (Attendance.student == student_id)
        ).first()
        if existing is not None:
            return Marked(existing["id"], existing["experience"], created=False)
        facts = await entry_facts(found)
        if minutes is not None:
            facts["minutes"] = minutes
        experience_id = await _kept_entry(student_id, facts)
        if experience_id is not None:
            await _sign(staff, experience_id)
        else:
            experience_id = await _new_entry(staff, student_id, facts)
        sign_up = await SignUp.select(SignUp.id).where(
            (SignUp.opportunity == found["opportunity_id"]) & (SignUp.student == student_id)
            & (SignUp.status == SignUpStatus.CONFIRMED)
        ).first()
        row = await Attendance.insert(Attendance(
            session=session_id, student=student_id, sign_up=sign_up["id"] if sign_up else None,
            experience=experience_id, method=method, client_uuid=client_uuid, marked_by=staff.id, marked_at=now(),
        )).returning(Attendance.id)
    await audit.record("attendance.marked", actor_id=staff.id, subject=f"session:{session_id}", student=student_id)
    return Marked(row[0]["id"], experience_id, created=True)


async def _new_entry(staff: CurrentUser, student_id: int, facts: dict[str, Any]) -> int:
    inserted = await Experience.insert(Experience(
        student=student_id, client_uuid=uuid.uuid4(), kind=facts["kind"], title=facts["title"],
        organization_name=facts["organization_name"], partner=facts["partner"], site=facts["site"],
        cluster=facts["cluster"], date=facts["date"], start_time=facts["start_time"], end_time=facts["end_time"],
        minutes=facts["minutes"], reflection="", status=EntryStatus.DRAFT, content_hash=content_hash(facts),
    )).returning(Experience.id)
    await _sign(staff, inserted[0]["id"])
    return inserted[0]["id"]


async def _kept_entry(student_id: int, facts: dict[str, Any]) -> int | None:
    """The entry an earlier mark of this session made, which an untick left with the student because they had
    added to it: marked again, it is signed again rather than made twice. Only while its facts are still the
    session's: hours or a title the student changed are theirs to ask about, and a new entry is made."""
    made_by_a_mark = SignOff.select(SignOff.experience).where(SignOff.method == Method.ATTENDANCE)
    still_marked = Attendance.select(Attendance.experience).where(Attendance.experience.is_not_null())
    row = await Experience.select(Experience.id).where(
        (Experience.student == student_id) & (Experience.kind == facts["kind"]) & (Experience.title == facts["title"])
        & (Experience.organization_name == facts["organization_name"]) & (Experience.date == facts["date"])
        & (Experience.minutes == facts["minutes"]) & Experience.id.is_in(made_by_a_mark)
        & Experience.id.not_in(still_marked)
    ).first()
    return row["id"] if row else None


async def mark_all(staff: CurrentUser, session_id: int) -> int:
    """Every confirmed student not marked yet, present: a site visit of 30 in one tap. Returns how many."""
    found = await session(staff, session_id)
    _check_markable(found)
    async with write_transaction():
        await lock_row(OpportunitySession, session_id)  # one mark of a session at a time
        marked = {row["student"] for row in await Attendance.select(Attendance.student).where(Attendance.session == session_id)}
        confirmed = await SignUp.select(SignUp.student).where(
            (SignUp.opportunity == found["opportunity_id"]) & (SignUp.status == SignUpStatus.CONFIRMED)
        )
        due = [row["student"] for row in confirmed if row["student"] not in marked]
        for student_id in due:
            await mark(staff, session_id, student_id)
    return len(due)


async def _added_by_student(experience_id: int) -> bool:
    """Whether the student put something of their own on the entry since it was signed: a reflection, a file, a
    cluster of their choosing (anything that moved its content hash from the one signed last)."""
    row = await Experience.select(Experience.content_hash, Experience.reflection).where(Experience.id == experience_id).first()
    latest = await SignOff.select(SignOff.content_hash).where(SignOff.experience == experience_id).order_by(
        SignOff.id, ascending=False).first()
    has_files = await Evidence.exists().where(Evidence.experience == experience_id)
    return bool(row["reflection"] or has_files or latest is None or latest["content_hash"] != row["content_hash"])


async def unmark(staff: CurrentUser, session_id: int, student_id: int) -> str:
    """Undo a mark made by mistake: the entry goes with it, unless the student has added to it (a reflection, a
    photo): then it stays theirs, its verification voided. Returns "removed", "kept" or "" (nothing to undo)."""
    await session(staff, session_id)
    async with write_transaction():
        await lock_row(OpportunitySession, session_id)  # one mark of a session at a time
        row = await Attendance.select().where((Attendance.session == session_id) & (Attendance.student == student_id)).first()
        if row is None:
            return ""
        outcome = "removed"
        if row["experience"] is not None:
            if await _added_by_student(row["experience"]):
                await void_after_edit(row["experience"])
                outcome = "kept"
            else:
                await Experience.delete().where(Experience.id == row["experience"])
        await Attendance.delete().where(Attendance.id == row["id"])
    await audit.record("attendance.unmarked", actor_id=staff.id, subject=f"session:{session_id}", student=student_id,
                       outcome=outcome)
    return outcome


async def set_minutes(staff: CurrentUser, session_id: int, student_id: int, minutes: int) -> Marked:
    """A student's hours for the session: marks them present with these hours if they are not yet; otherwise
    the entry changes and is signed again at its new hash (the old sign-off voided, as an edit does)."""
    await session(staff, session_id)
    async with write_transaction():
        await lock_row(OpportunitySession, session_id)  # one mark of a session at a time
        row = await Attendance.select().where((Attendance.session == session_id) & (Attendance.student == student_id)).first()
        if row is None:
            return await mark(staff, session_id, student_id, minutes=minutes)
        if row["experience"] is None:
            raise NotFound("entry")
        entry = await Experience.select(*ENTRY_COLUMNS).where(Experience.id == row["experience"]).first()
        if entry["minutes"] != minutes:
            await void_after_edit(row["experience"])
            digest = content_hash(fields_of(entry | {"minutes": minutes}), await evidence_hashes(row["experience"]))
            await Experience.update({Experience.minutes: minutes, Experience.content_hash: digest,
                                     Experience.updated_at: now()}).where(Experience.id == row["experience"])
            await _sign(staff, row["experience"])
    await audit.record("attendance.hours", actor_id=staff.id, subject=f"session:{session_id}", student=student_id)
    return Marked(row["id"], row["experience"], created=False)
