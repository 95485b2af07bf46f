"""Consent to publish a student's name beyond the school (an awards-night program that leaves the building).

It takes the student's own opt-in and, under 18 (or with no birth date on file), a guardian's agreement too.
Only staff record a guardian's agreement, as they record a guardian's paper consent to share, so a minor can
never complete it alone. Either party's withdrawal ends it at once: the next program no longer names them."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable

from portfolio import clock
from portfolio.celebration_tables import PublicationConsent
from portfolio.celebration_vocabulary import Party
from portfolio.clock import now
from portfolio.db import lock_row, write_transaction
from portfolio.errors import NotFound
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.counseling.scope import school_student
from portfolio.services.experiences import school_of
from portfolio.services.sharing.consent import ADULT, age_on
from portfolio.tables import StudentProfile, User

ACTIVE = PublicationConsent.withdrawn_at.is_null()


async def _active(student_ids: Iterable[int]) -> dict[int, set[str]]:
    """The parties whose consent stands, by student."""
    ids = list(student_ids)
    if not ids:
        return {}
    rows = await PublicationConsent.select(PublicationConsent.student, PublicationConsent.party).where(
        PublicationConsent.student.is_in(ids) & ACTIVE)
    found: dict[int, set[str]] = {}
    for row in rows:
        found.setdefault(row["student"], set()).add(row["party"])
    return found


async def publishable(student_ids: Iterable[int], today: date) -> set[int]:
    """Of these students, the ones whose name may be published today: their own opt-in, and a guardian's when
    they are under 18 or their birth date is not on file (most high-school students are minors). Two queries."""
    ids = list(set(student_ids))
    parties = await _active(ids)
    opted = [i for i in ids if Party.STUDENT in parties.get(i, set())]
    if not opted:
        return set()
    births = {row["student"]: row["birth_date"] for row in await StudentProfile.select(
        StudentProfile.student, StudentProfile.birth_date).where(StudentProfile.student.is_in(opted))}
    allowed = set()
    for student_id in opted:
        age = age_on(births.get(student_id), today)
        if (age is not None and age >= ADULT) or Party.GUARDIAN in parties[student_id]:
            allowed.add(student_id)
    return allowed


async def status(student_id: int, today: date) -> dict[str, Any]:
    """What the student's page and staff's page say: the student's opt-in and the guardian's agreement standing
    (with when), whether a guardian's is needed, and whether the name may be published."""
    rows = await PublicationConsent.select(
        PublicationConsent.id, PublicationConsent.party, PublicationConsent.guardian_name, PublicationConsent.given_at,
    ).where((PublicationConsent.student == student_id) & ACTIVE).order_by(PublicationConsent.id, ascending=False)
    own = next((r for r in rows if r["party"] == Party.STUDENT), None)
    guardian = next((r for r in rows if r["party"] == Party.GUARDIAN), None)
    profile = await StudentProfile.select(StudentProfile.birth_date).where(StudentProfile.student == student_id).first()
    age = age_on(profile["birth_date"] if profile else None, today)
    needs_guardian = age is None or age < ADULT
    return {"own": own, "guardian": guardian, "needs_guardian": needs_guardian,
            "complete": own is not None and (guardian is not None or not needs_guardian)}


async def student_status(student: CurrentUser) -> dict[str, Any]:
    return await status(student.id, clock.today_at(await school_of(student)))


async def opt_in(student: CurrentUser) -> None:
    """The student agrees to their name being published. A second tap finds it given and adds nothing."""
    async with write_transaction():
        await lock_row(User, student.id)
        if await PublicationConsent.exists().where(
                (PublicationConsent.student == student.id) & (PublicationConsent.party == Party.STUDENT) & ACTIVE):
            return
        await PublicationConsent.insert(PublicationConsent(student=student.id, party=Party.STUDENT,
                                                           recorded_by=student.id, given_at=now()))
    await audit.record("publication.opted_in", actor_id=student.id, subject=f"user:{student.id}")


async def opt_out(student: CurrentUser) -> None:
    """The student withdraws their opt-in; it ends now."""
    async with write_transaction():
        await PublicationConsent.update({PublicationConsent.withdrawn_at: now(),
                                         PublicationConsent.withdrawn_by: student.id}).where(
            (PublicationConsent.student == student.id) & (PublicationConsent.party == Party.STUDENT) & ACTIVE)
    await audit.record("publication.withdrawn", actor_id=student.id, subject=f"user:{student.id}")


async def record_guardian(staff: CurrentUser, student_id: int, guardian_name: str) -> None:
    """Staff record a guardian's agreement they received (on paper, at enrollment); it replaces an earlier one."""
    await school_student(staff, student_id)
    async with write_transaction():
        await lock_row(User, student_id)
        await PublicationConsent.update({PublicationConsent.withdrawn_at: now(),
                                         PublicationConsent.withdrawn_by: staff.id}).where(
            (PublicationConsent.student == student_id) & (PublicationConsent.party == Party.GUARDIAN) & ACTIVE)
        await PublicationConsent.insert(PublicationConsent(student=student_id, party=Party.GUARDIAN,
                                                           guardian_name=guardian_name, recorded_by=staff.id,
                                                           given_at=now()))
    await audit.record("publication.guardian_recorded", actor_id=staff.id, subject=f"user:{student_id}")


async def withdraw_guardian(staff: CurrentUser, student_id: int, consent_id: int) -> None:
    """Staff record that the guardian withdrew; it ends now."""
    await school_student(staff, student_id)
    async with write_transaction():
        ended = await PublicationConsent.update({PublicationConsent.withdrawn_at: now(),
                                                 PublicationConsent.withdrawn_by: staff.id}).where(
            (PublicationConsent.id == consent_id) & (PublicationConsent.student == student_id)
            & (PublicationConsent.party == Party.GUARDIAN) & ACTIVE).returning(PublicationConsent.id)
    if not ended:
        raise NotFound(consent_id)
    await audit.record("publication.guardian_withdrawn", actor_id=staff.id, subject=f"user:{student_id}")
