"""A guardian's consent for a student under 18 to share outside the school: recorded by staff, or given
from an e-mailed link."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from portfolio import clock
from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.errors import LinkInvalid, NotFound
from portfolio.forms.consent import GuardianForm
from portfolio.services import audit, experiences
from portfolio.services.accounts import (
    CurrentUser,
    token_hash,
)
from portfolio.services.emails import Emails
from portfolio.tables import GuardianConsent, StudentProfile, User
from portfolio.vocabulary import ConsentMethod

ADULT = 18


CONSENT_LINK_DAYS = 14


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


async def record_consent(staff: CurrentUser, student_id: int, guardian_name: str) -> None:
    """Staff record a guardian's consent they received (on paper, at enrollment)."""
    student = await User.select(User.id, User.school).where(User.id == student_id).first()
    if student is None or student["school"] != staff.school_id:
        raise NotFound(student_id)
    await GuardianConsent.insert(
        GuardianConsent(student=student_id, guardian_name=guardian_name, method=ConsentMethod.STAFF, recorded_by=staff.id, given_at=now())
    )
    await audit.record("consent.recorded", actor_id=staff.id, subject=f"user:{student_id}")


async def ask_guardian(emails: Emails, student: CurrentUser, guardian: GuardianForm) -> None:
    """E-mail a guardian a link to give consent; nothing changes until they do."""
    name, email = guardian.name, guardian.email
    raw = secrets.token_urlsafe(32)
    async with write_transaction():
        await GuardianConsent.insert(
            GuardianConsent(student=student.id, guardian_name=name, guardian_email=email,
                            method=ConsentMethod.GUARDIAN_LINK, token_hash=token_hash(raw),
                            expires_at=now() + timedelta(days=CONSENT_LINK_DAYS))
        )
        await emails.guardian_consent(to=email, guardian=name, student=student.name, token=raw, days=CONSENT_LINK_DAYS,
                                      school_id=student.school_id, sender_id=student.id)
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
        raise LinkInvalid("consent")
    return row


async def give_consent(raw: str, ip: str = "") -> None:
    row = await consent_request(raw)
    given = await GuardianConsent.update({GuardianConsent.given_at: now()}).where(
        (GuardianConsent.id == row["id"]) & GuardianConsent.given_at.is_null()
    ).returning(GuardianConsent.id)
    if not given:
        raise LinkInvalid("consent")
    await audit.record("consent.given", subject=f"consent:{row['id']}", ip=ip)
