"""A guardian's consent by e-mailed link. The address comes from the school: a student's proposal waits for
staff to confirm it, and only then is the link sent; staff may also record a guardian and send it at once.

The guardian agrees from the link, keeps it (in a receipt e-mail) to withdraw later, and staff are told both
times. The link is stored only as its hash; it agrees only while unanswered and unexpired, and withdraws for
as long as the consent stands."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.errors import FormErrors, LinkInvalid, NotFound
from portfolio.forms.consent import GuardianForm
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser, token_hash
from portfolio.services.emails import Emails
from portfolio.services.sharing.consent import end_shares_without_consent, school_student
from portfolio.tables import GuardianConsent, User
from portfolio.vocabulary import ConsentMethod

CONSENT_LINK_DAYS = 14


async def _refuse_student_address(guardian: GuardianForm, field: str) -> None:
    """A student's account address is never a guardian's, whoever typed it."""
    row = await User.select(User.roles).where(User.email == guardian.email).first()
    if row is not None and "student" in (row["roles"] or []):
        name_field = field.replace("email", "name")
        raise FormErrors({field: "This address belongs to a student. Enter the guardian's own address."},
                         {name_field: guardian.name, field: guardian.email})


async def propose(student: CurrentUser, guardian: GuardianForm) -> None:
    """A student names a guardian. Nothing is e-mailed: the school confirms the address first."""
    await _refuse_student_address(guardian, "guardian_email")
    async with write_transaction():
        # One open proposal at a time: a new one replaces the student's earlier unconfirmed one.
        await GuardianConsent.update({GuardianConsent.revoked_at: now(), GuardianConsent.revoked_by: student.id}).where(
            (GuardianConsent.student == student.id) & GuardianConsent.confirmed_at.is_null() & GuardianConsent.revoked_at.is_null() & GuardianConsent.given_at.is_null()
        )
        row = await GuardianConsent.insert(
            GuardianConsent(student=student.id, guardian_name=guardian.name, guardian_email=guardian.email,
                            method=ConsentMethod.GUARDIAN_LINK, proposed_by=student.id)
        ).returning(GuardianConsent.id)
    await audit.record("consent.proposed", actor_id=student.id, subject=f"consent:{row[0]['id']}")


def _new_link() -> tuple[str, str, datetime]:
    """The raw token (e-mailed, never stored), its hash and when it stops agreeing."""
    raw = secrets.token_urlsafe(32)
    return raw, token_hash(raw), now() + timedelta(days=CONSENT_LINK_DAYS)


async def confirm(emails: Emails, staff: CurrentUser, student_id: int, consent_id: int) -> None:
    """Staff vouch for the address a student proposed, or ask a guardian a roster import brought (an address
    from the school's records, confirmed already); only now is the guardian e-mailed the link."""
    student = await school_student(staff, student_id)
    raw, hashed, expires = _new_link()
    async with write_transaction():
        confirmed = await GuardianConsent.update({
            GuardianConsent.confirmed_by: staff.id, GuardianConsent.confirmed_at: now(),
            GuardianConsent.token_hash: hashed, GuardianConsent.expires_at: expires,
        }).where(
            (GuardianConsent.id == consent_id) & (GuardianConsent.student == student_id)
            & (GuardianConsent.confirmed_at.is_null() | (GuardianConsent.roster_guardian.is_not_null()
                                                         & GuardianConsent.token_hash.is_null()))
            & GuardianConsent.revoked_at.is_null() & GuardianConsent.given_at.is_null()
        ).returning(GuardianConsent.guardian_name, GuardianConsent.guardian_email)
        if not confirmed:
            raise NotFound(consent_id)
        await emails.guardian_consent(to=confirmed[0]["guardian_email"], guardian=confirmed[0]["guardian_name"],
                                      student=student["name"], token=raw, days=CONSENT_LINK_DAYS, school_id=staff.school_id,
                                      sender_id=staff.id)
    await audit.record("consent.confirmed", actor_id=staff.id, subject=f"consent:{consent_id}")


async def send_link(emails: Emails, staff: CurrentUser, student_id: int, guardian: GuardianForm) -> None:
    """Staff record a guardian from the school's records and e-mail them the link at once."""
    student = await school_student(staff, student_id)
    await _refuse_student_address(guardian, "school_guardian_email")
    raw, hashed, expires = _new_link()
    async with write_transaction():
        row = await GuardianConsent.insert(
            GuardianConsent(student=student_id, guardian_name=guardian.name, guardian_email=guardian.email,
                            method=ConsentMethod.GUARDIAN_LINK, confirmed_by=staff.id, confirmed_at=now(),
                            token_hash=hashed, expires_at=expires)
        ).returning(GuardianConsent.id)
        await emails.guardian_consent(to=guardian.email, guardian=guardian.name, student=student["name"], token=raw,
                                      days=CONSENT_LINK_DAYS, school_id=staff.school_id, sender_id=staff.id)
    await audit.record("consent.requested", actor_id=staff.id, subject=f"consent:{row[0]['id']}")


def _link_is(raw: str):
    return (GuardianConsent.token_hash == token_hash(raw)) & GuardianConsent.revoked_at.is_null()


def _open():
    return GuardianConsent.given_at.is_null() & (GuardianConsent.expires_at > now())


async def consent_request(raw: str) -> dict[str, Any]:
    """What a guardian's link shows: the request while it is open, or the consent they gave (to withdraw)."""
    row = await GuardianConsent.select(
        GuardianConsent.id, GuardianConsent.guardian_name, GuardianConsent.given_at,
        GuardianConsent.student.name.as_alias("student_name"), GuardianConsent.student.school.name.as_alias("school_name"),
        GuardianConsent.student.school.id.as_alias("school_id"),
    ).where(_link_is(raw) & (_open() | GuardianConsent.given_at.is_not_null())).first()
    if row is None:
        raise LinkInvalid("consent")
    return row


async def _tell_staff(emails: Emails, consent_id: int, withdrawn: bool) -> None:
    """E-mail the staff member who confirmed the guardian or, when they are gone, the school's staff."""
    row = await GuardianConsent.select(
        GuardianConsent.student, GuardianConsent.guardian_name, GuardianConsent.confirmed_by,
        GuardianConsent.student.name.as_alias("student_name"), GuardianConsent.student.school.as_alias("school_id"),
    ).where(GuardianConsent.id == consent_id).first()
    staff = await User.select(User.id, User.name, User.email, User.roles).where(
        (User.school == row["school_id"]) & (User.active == True)  # noqa: E712
    )
    staff = [s for s in staff if "staff" in (s["roles"] or [])]
    confirmer = [s for s in staff if s["id"] == row["confirmed_by"]]
    for person in confirmer or staff:
        await emails.staff_consent(to=person["email"], name=person["name"], student=row["student_name"],
                                   student_id=row["student"], guardian=row["guardian_name"], withdrawn=withdrawn,
                                   school_id=row["school_id"])


async def give_consent(emails: Emails, raw: str, ip: str = "") -> dict[str, Any]:
    async with write_transaction():
        given = await GuardianConsent.update({GuardianConsent.given_at: now()}).where(_link_is(raw) & _open()).returning(
            GuardianConsent.id, GuardianConsent.guardian_name, GuardianConsent.guardian_email,
        )
        if not given:
            raise LinkInvalid("consent")
        row = await consent_request(raw)
        await emails.guardian_receipt(to=given[0]["guardian_email"], guardian=row["guardian_name"],
                                      student=row["student_name"], token=raw, school_id=row["school_id"])
        await _tell_staff(emails, row["id"], withdrawn=False)
    await audit.record("consent.given", subject=f"consent:{row['id']}", ip=ip)
    return row


async def withdraw_by_guardian(emails: Emails, raw: str, ip: str = "") -> dict[str, Any]:
    """The guardian takes their consent back; the student's shares outside the school end at once."""
    async with write_transaction():
        row = await consent_request(raw)
        withdrawn = await GuardianConsent.update({GuardianConsent.revoked_at: now()}).where(
            _link_is(raw) & GuardianConsent.given_at.is_not_null()
        ).returning(GuardianConsent.id, GuardianConsent.student)
        if not withdrawn:
            raise LinkInvalid("consent")
        ended = await end_shares_without_consent(withdrawn[0]["student"])
        await _tell_staff(emails, row["id"], withdrawn=True)
    await audit.record("consent.withdrawn", subject=f"consent:{row['id']}", ip=ip, shares_ended=ended)
    return row
