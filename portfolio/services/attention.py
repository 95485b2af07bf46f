"""What needs a staff member's attention in their school, counted for the top of their home page.

Each count is read in a fixed number of queries whatever the size of the school, and only ever over the
school's own students (or, for invitations, over what this person sent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portfolio.clock import now
from portfolio.program_tables import Program
from portfolio.record_tables import OutboxMessage
from portfolio.services.partners import documents, follow_ups
from portfolio.services.programs import cadence
from portfolio.tables import Certification, GuardianConsent, MentorAssignment, SignOff, User
from portfolio.vocabulary import Decision, EmailKind, EntryStatus, Method, OutboxState

# An on-the-spot sign-off the supervisor has not confirmed for this long is worth a call to them.
UNCONFIRMED_DAYS = 3
EXPIRY_DAYS = 60


@dataclass(frozen=True)
class Count:
    """How many, and where to start (the longest waiting): its student and the entry or certification."""

    count: int = 0
    student: int | None = None
    item: int | None = None


@dataclass(frozen=True)
class Attention:
    guardians: Count
    unconfirmed: Count
    disputed: Count
    failed_invitations: Count
    without_mentor: Count
    expiring: Count
    # --- partners ---
    follow_ups: Count = Count()
    # Partner documents (agreements, insurance) expired or expiring within 60 days
    partner_documents: Count = Count()
    # Programs whose advisory board has not met in six months (the first one's id in `item`).
    boards: Count = Count()

    @property
    def nothing(self) -> bool:
        return not any(c.count for c in (self.guardians, self.unconfirmed, self.disputed, self.failed_invitations,
                                         self.without_mentor, self.expiring, self.follow_ups,
                                         self.partner_documents, self.boards))


def _count(found: list[tuple[int, int | None]]) -> Count:
    return Count(len(found), *found[0]) if found else Count()


async def _guardians(school_id: int) -> Count:
    rows = await GuardianConsent.select(GuardianConsent.student).where(
        (GuardianConsent.student.school == school_id) & GuardianConsent.confirmed_at.is_null()
        & GuardianConsent.revoked_at.is_null() & GuardianConsent.given_at.is_null()
    ).order_by(GuardianConsent.id)
    return _count([(r["student"], None) for r in rows])


async def _unconfirmed(school_id: int) -> Count:
    """Entries verified on the spot whose supervisor has not confirmed (nor disputed) for UNCONFIRMED_DAYS."""
    rows = await SignOff.select(SignOff.experience, SignOff.experience.student.id.as_alias("student")).where(
        (SignOff.experience.student.school == school_id) & (SignOff.method == Method.ON_DEVICE)
        & (SignOff.decision == Decision.VERIFIED) & SignOff.confirmed_at.is_null() & SignOff.disputed_at.is_null()
        & SignOff.voided_at.is_null() & (SignOff.created_at < now() - timedelta(days=UNCONFIRMED_DAYS))
    ).order_by(SignOff.created_at)
    return _count([(r["student"], r["experience"]) for r in rows])


async def _disputed(school_id: int) -> Count:
    """Entries voided because the supervisor said "this was not me", not signed off again since."""
    disputed = await SignOff.select(
        SignOff.id, SignOff.experience, SignOff.experience.student.id.as_alias("student"),
    ).where(
        (SignOff.experience.student.school == school_id) & SignOff.disputed_at.is_not_null()
        & (SignOff.experience.status == EntryStatus.VOIDED)
    ).order_by(SignOff.disputed_at)
    later = await SignOff.select(SignOff.id, SignOff.experience).where(
        SignOff.experience.is_in([r["experience"] for r in disputed] or [0]))
    latest: dict[int, int] = {}
    for row in later:
        latest[row["experience"]] = max(row["id"], latest.get(row["experience"], 0))
    return _count([(r["student"], r["experience"]) for r in disputed if latest[r["experience"]] == r["id"]])


async def _failed_invitations(sender_id: int) -> Count:
    """Invitations this person sent that failed for good, to people who have not joined, not sent again since."""
    failed = await OutboxMessage.select(OutboxMessage.id, OutboxMessage.invitee).where(
        (OutboxMessage.sender == sender_id) & (OutboxMessage.kind == EmailKind.INVITE)
        & (OutboxMessage.state == OutboxState.FAILED) & OutboxMessage.invitee.is_not_null()
        & (OutboxMessage.invitee.password_hash == "")
    )
    invites = await OutboxMessage.select(OutboxMessage.id, OutboxMessage.invitee).where(
        (OutboxMessage.kind == EmailKind.INVITE) & OutboxMessage.invitee.is_in([r["invitee"] for r in failed] or [0]))
    newest: dict[int, int] = {}
    for row in invites:
        newest[row["invitee"]] = max(row["id"], newest.get(row["invitee"], 0))
    return Count(sum(1 for r in failed if newest[r["invitee"]] == r["id"]))


async def _without_mentor(school_id: int) -> Count:
    students = await User.select(User.id).where(
        (User.school == school_id) & User.roles.any("student") & (User.active == True)  # noqa: E712
    )
    ids = [s["id"] for s in students]
    assigned = {a["student"] for a in await MentorAssignment.select(MentorAssignment.student).where(
        MentorAssignment.student.is_in(ids or [0]))}
    return Count(sum(1 for i in ids if i not in assigned))


async def _expiring(school_id: int, today: date) -> Count:
    rows = await Certification.select(Certification.id, Certification.student).where(
        (Certification.student.school == school_id) & (Certification.student.active == True)  # noqa: E712
        & (Certification.expires_on >= today) & (Certification.expires_on <= today + timedelta(days=EXPIRY_DAYS))
    ).order_by(Certification.expires_on)
    return _count([(r["student"], r["id"]) for r in rows])


async def _follow_ups(staff_id: int, today: date) -> Count:
    """Partner follow-ups this person owns that are due today or overdue; `item` is the oldest one's partner."""
    due = await follow_ups.due_for(staff_id, today)
    return Count(len(due), None, due[0]["partner_id"]) if due else Count()


async def _boards(school_id: int, today: date) -> Count:
    """Programs of the school whose board has not met in the last six months."""
    programs = await Program.select(Program.id).where(Program.school == school_id).order_by(Program.name)
    last = await cadence.last_meetings([p["id"] for p in programs], today)
    return _count([(None, p["id"]) for p in programs if cadence.overdue(last.get(p["id"]), today)])


async def for_staff(school_id: int | None, sender_id: int, today: date) -> Attention:
    """What needs a staff member of `school_id` today; `sender_id`'s own undelivered invitations too."""
    if school_id is None:
        return Attention(Count(), Count(), Count(), await _failed_invitations(sender_id), Count(), Count())
    return Attention(
        guardians=await _guardians(school_id),
        unconfirmed=await _unconfirmed(school_id),
        disputed=await _disputed(school_id),
        failed_invitations=await _failed_invitations(sender_id),
        without_mentor=await _without_mentor(school_id),
        expiring=await _expiring(school_id, today),
        follow_ups=await _follow_ups(sender_id, today),
        partner_documents=Count(await documents.count_expiring(school_id, today)),
        boards=await _boards(school_id, today),
    )


async def for_admin(sender_id: int) -> Attention:
    """An administrator acts on no school's records from their home, only on the invitations they sent."""
    return Attention(Count(), Count(), Count(), await _failed_invitations(sender_id), Count(), Count())
