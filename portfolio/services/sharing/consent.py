"""A guardian's consent for a student under 18 to share outside the school, and the school's side of it.

The guardian's address comes from the school, never from the student alone: a student may propose a guardian,
but no link is e-mailed until staff confirm the address (guardians.py), so a student cannot name an address
they own and agree for themselves. Staff may also record a guardian and send the link, or record a consent
received on paper. Staff and the guardian can withdraw consent; the student's shares outside the school end
in the same transaction, so an employer or a link's visitor loses the portfolio at their next request."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Mapping

from portfolio import clock
from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.errors import NotFound
from portfolio.services import alumni, audit, experiences
from portfolio.services.accounts import CurrentUser, load_user
from portfolio.services.sharing.access import active_share
from portfolio.tables import GuardianConsent, Share, StudentProfile, User
from portfolio.vocabulary import ConsentMethod, ConsentState

ADULT = 18


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
    today = today or clock.today_at(await experiences.school_of(student))
    profile = await StudentProfile.select(StudentProfile.birth_date).where(StudentProfile.student == student.id).first()
    age = age_on(profile["birth_date"] if profile else None, today)
    return (age is not None and age >= ADULT) or await consent_on_file(student.id)


def consent_state(row: Mapping[str, Any], moment: datetime) -> ConsentState:
    if row["revoked_at"]:
        return ConsentState.WITHDRAWN if row["given_at"] else ConsentState.DECLINED
    if row["given_at"]:
        return ConsentState.GIVEN
    if row["confirmed_at"] is None:
        return ConsentState.PROPOSED
    return ConsentState.WAITING if row["expires_at"] and row["expires_at"] > moment else ConsentState.EXPIRED


async def school_student(staff: CurrentUser, student_id: int) -> dict[str, Any]:
    """A student of the staff member's own school; anyone else reads as no one."""
    row = await User.select(User.id, User.name, User.email, User.school, User.roles).where(User.id == student_id).first()
    if row is None or not await alumni.staff_reach(staff, student_id):
        raise NotFound(student_id)
    return row


async def record_consent(staff: CurrentUser, student_id: int, guardian_name: str) -> None:
    """Staff record a guardian's consent they received (on paper, at enrollment)."""
    await school_student(staff, student_id)
    moment = now()
    await GuardianConsent.insert(
        GuardianConsent(student=student_id, guardian_name=guardian_name, method=ConsentMethod.STAFF, recorded_by=staff.id,
                        confirmed_by=staff.id, confirmed_at=moment, given_at=moment)
    )
    await audit.record("consent.recorded", actor_id=staff.id, subject=f"user:{student_id}")


async def end_shares_without_consent(student_id: int) -> int:
    """Inside the transaction that ended a consent: when the student may no longer share outside the school,
    every active share ends now instead of at its expiry. Returns how many ended."""
    student = await load_user(student_id)
    if student is not None and await may_share_outside(student):
        return 0
    ended = await Share.update({Share.revoked_at: now()}).where((Share.student == student_id) & active_share()).returning(Share.id)
    return len(ended)


async def withdraw(staff: CurrentUser, student_id: int, consent_id: int) -> None:
    """Staff withdraw a consent, turn down a student's proposal, or cancel a link not yet answered."""
    await school_student(staff, student_id)
    async with write_transaction():
        changed = await GuardianConsent.update(
            {GuardianConsent.revoked_at: now(), GuardianConsent.revoked_by: staff.id}
        ).where(
            (GuardianConsent.id == consent_id) & (GuardianConsent.student == student_id) & GuardianConsent.revoked_at.is_null()
        ).returning(GuardianConsent.id)
        if not changed:
            raise NotFound(consent_id)
        ended = await end_shares_without_consent(student_id)
    await audit.record("consent.withdrawn", actor_id=staff.id, subject=f"consent:{consent_id}", shares_ended=ended)


async def guardians_of(staff: CurrentUser, student_id: int) -> list[dict[str, Any]]:
    """Every guardian named for a student, newest first, with its state and who proposed and confirmed it."""
    await school_student(staff, student_id)
    rows = await GuardianConsent.select(
        GuardianConsent.id, GuardianConsent.guardian_name, GuardianConsent.guardian_email, GuardianConsent.method,
        GuardianConsent.proposed_by, GuardianConsent.confirmed_at, GuardianConsent.expires_at, GuardianConsent.given_at,
        GuardianConsent.revoked_at, GuardianConsent.revoked_by, GuardianConsent.created_at,
        GuardianConsent.roster_guardian, GuardianConsent.confirmed_by.name.as_alias("confirmed_by_name"),
        GuardianConsent.revoked_by.name.as_alias("revoked_by_name"),
    ).where(GuardianConsent.student == student_id).order_by(GuardianConsent.id, ascending=False)
    moment = now()
    for row in rows:
        row["state"] = consent_state(row, moment)
        link = row["method"] == ConsentMethod.GUARDIAN_LINK
        # The name and address came from the student (a proposal, or a link asked for before staff confirmed).
        row["from_student"] = row["proposed_by"] is not None or (link and row["confirmed_at"] is None)
        # A link consent from before the school confirmed addresses: the student may have typed their own.
        row["unconfirmed"] = link and row["given_at"] is not None and row["confirmed_at"] is None
        # A guardian a roster import brought, not asked yet: staff send the link when consent is needed.
        row["on_file"] = bool(row["roster_guardian"]) and row["expires_at"] is None and row["state"] == ConsentState.EXPIRED
    return rows


async def guardian_status(student_id: int) -> dict[str, Any] | None:
    """What the student's sharing page says about their guardian: the newest guardian still open (proposed,
    waiting or expired) or, when none is, the newest consent given or withdrawn."""
    rows = await GuardianConsent.select(
        GuardianConsent.id, GuardianConsent.guardian_name, GuardianConsent.confirmed_at, GuardianConsent.expires_at,
        GuardianConsent.given_at, GuardianConsent.revoked_at,
    ).where(GuardianConsent.student == student_id).order_by(GuardianConsent.id, ascending=False)
    moment = now()
    states = [(consent_state(row, moment), row) for row in rows]
    for wanted in ({ConsentState.PROPOSED, ConsentState.WAITING, ConsentState.GIVEN}, {ConsentState.WITHDRAWN, ConsentState.EXPIRED}):
        for state, row in states:
            if state in wanted:
                return {"state": state, "guardian": row["guardian_name"], "when": row["revoked_at"] or row["given_at"]}
    return None


async def proposals_to_confirm(school_id: int | None) -> list[dict[str, Any]]:
    """Guardians students of this school proposed that no one at the school has confirmed or turned down."""
    if school_id is None:
        return []
    return await GuardianConsent.select(
        GuardianConsent.id, GuardianConsent.student, GuardianConsent.guardian_name,
        GuardianConsent.student.name.as_alias("student_name"),
    ).where(
        # Every row without a confirmation or an answer is a proposal (paper consents are given when recorded).
        (GuardianConsent.student.school == school_id) & GuardianConsent.confirmed_at.is_null() & GuardianConsent.revoked_at.is_null() & GuardianConsent.given_at.is_null()
    ).order_by(GuardianConsent.id)
