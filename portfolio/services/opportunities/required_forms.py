"""The forms an opportunity needs from each student: staff tick one (a paper form in the office), recorded with
who and when; or a permission slip goes to the guardian the school has on record (a GuardianConsent row staff
confirmed: never an address the student typed) as a one-time link, only its hash kept, which the guardian opens
without an account to sign with their typed name.

Missing forms do not block a sign-up or attendance: they show on the staff's page (and the roster) as a
warning and in the student's reminder, and staff decide at the door."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from portfolio import clock, db
from portfolio.errors import LinkInvalid, NotEditable
from portfolio.forms.opportunities import SlipSignature
from portfolio.opportunity_tables import FormCompletion
from portfolio.opportunity_vocabulary import REQUIRED_FORM_LABELS, FormMethod, RequiredForm
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser, token_hash
from portfolio.services.emails import Emails
from portfolio.services.opportunities import scope, seats
from portfolio.services.opportunities.eligibility import age_on
from portfolio.services.opportunities.timing import local_day
from portfolio.tables import GuardianConsent

SLIP_DAYS = 14
ADULT = 18


async def completions(sign_up_ids: list[int]) -> dict[int, dict[str, dict[str, Any]]]:
    """sign-up id -> form -> its completion row (done or sent), in one query."""
    rows = await FormCompletion.select(
        FormCompletion.sign_up, FormCompletion.form, FormCompletion.method, FormCompletion.signer_name,
        FormCompletion.completed_at, FormCompletion.expires_at, FormCompletion.recorded_by.name.as_alias("recorded_by_name"),
    ).where(FormCompletion.sign_up.is_in(sign_up_ids or [0]))
    found: dict[int, dict[str, dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["sign_up"], {})[row["form"]] = row
    return found


def missing(required: list[str], done: dict[str, dict[str, Any]]) -> list[str]:
    """The labels of the required forms not completed yet."""
    return [REQUIRED_FORM_LABELS[RequiredForm(f)] for f in required if not (done.get(f) or {}).get("completed_at")]


async def tick(staff: CurrentUser, opportunity_id: int, sign_up_id: int, form: RequiredForm) -> None:
    await scope.sign_up(staff, opportunity_id, sign_up_id)
    moment = clock.now()
    async with db.write_transaction():
        where = (FormCompletion.sign_up == sign_up_id) & (FormCompletion.form == form)
        existing = await FormCompletion.select(FormCompletion.id, FormCompletion.completed_at).where(where).first()
        if existing is not None and existing["completed_at"] is not None:
            return
        # Ticked by staff: a link sent earlier stops working.
        values = {FormCompletion.method: FormMethod.STAFF, FormCompletion.recorded_by: staff.id,
                  FormCompletion.completed_at: moment, FormCompletion.token_hash: None, FormCompletion.expires_at: None}
        if existing is None:
            await FormCompletion.insert(FormCompletion(sign_up=sign_up_id, form=form, created_at=moment))
        await FormCompletion.update(values).where(where)


async def guardian_on_record(student_id: int) -> dict[str, Any] | None:
    """The guardian staff confirmed for the student (the latest), with an address; a student's own proposal that
    staff did not confirm is never used."""
    return await GuardianConsent.select(GuardianConsent.guardian_name, GuardianConsent.guardian_email).where(
        (GuardianConsent.student == student_id) & GuardianConsent.confirmed_at.is_not_null()
        & (GuardianConsent.guardian_email != "")
    ).order_by(GuardianConsent.confirmed_at, ascending=False).first()


async def send_slip(emails: Emails, staff: CurrentUser, opportunity_id: int, sign_up_id: int) -> str:
    """E-mail the permission slip to the guardian on record; returns their name."""
    found = await scope.opportunity(staff, opportunity_id)
    sign_up = await scope.sign_up(staff, opportunity_id, sign_up_id)
    if RequiredForm.PERMISSION_SLIP not in found["required_forms"]:
        raise NotEditable("This opportunity needs no permission slip.")
    profile = await seats.profile_of(sign_up["student"])
    first = await seats.first_start(opportunity_id)
    birth = (profile or {}).get("birth_date")
    if birth is not None and first is not None and age_on(birth, local_day(first, found['timezone'])) >= ADULT:
        raise NotEditable("The student is 18 by then: no guardian's permission is needed.")
    guardian = await guardian_on_record(sign_up["student"])
    if guardian is None:
        raise NotEditable("The school has no guardian's address for this student. Confirm one on the student's page first.")
    raw = secrets.token_urlsafe(32)
    moment = clock.now()
    async with db.write_transaction():
        where = (FormCompletion.sign_up == sign_up_id) & (FormCompletion.form == RequiredForm.PERMISSION_SLIP)
        existing = await FormCompletion.select(FormCompletion.completed_at).where(where).first()
        if existing is not None and existing["completed_at"] is not None:
            raise NotEditable("The permission slip is already complete.")
        if existing is None:
            await FormCompletion.insert(FormCompletion(sign_up=sign_up_id, form=RequiredForm.PERMISSION_SLIP, created_at=moment))
        # A new link replaces an earlier one, which stops working.
        await FormCompletion.update({
            FormCompletion.method: FormMethod.LINK, FormCompletion.token_hash: token_hash(raw),
            FormCompletion.expires_at: moment + timedelta(days=SLIP_DAYS), FormCompletion.signer_email: guardian["guardian_email"],
            FormCompletion.recorded_by: staff.id,
        }).where(where)
        details = await seats.details(opportunity_id)
        await emails.permission_slip(
            to=guardian["guardian_email"], guardian=guardian["guardian_name"], student=sign_up["student_name"],
            opportunity=details, sessions=[s for s in details["sessions"] if not s["cancelled"]], token=raw,
            days=SLIP_DAYS, school_id=found["school"], sender_id=staff.id)
    return guardian["guardian_name"]


async def slip(raw: str) -> dict[str, Any]:
    """What the guardian's link shows; LinkInvalid when used, replaced or expired."""
    row = await FormCompletion.select(
        FormCompletion.id, FormCompletion.expires_at, FormCompletion.completed_at, FormCompletion.sign_up,
        FormCompletion.sign_up.student.name.as_alias("student_name"), FormCompletion.sign_up.opportunity.id.as_alias("opportunity"),
    ).where(FormCompletion.token_hash == token_hash(raw)).first()
    if row is None or row["completed_at"] is not None or row["expires_at"] is None or row["expires_at"] <= clock.now():
        raise LinkInvalid("slip")
    row["details"] = await seats.details(row["opportunity"])
    return row


async def sign_slip(raw: str, signature: SlipSignature, ip: str = "") -> dict[str, Any]:
    """The guardian signs, once: the link stops working (its hash is cleared)."""
    found = await slip(raw)
    async with db.write_transaction():
        signed = await FormCompletion.update({
            FormCompletion.completed_at: clock.now(), FormCompletion.signer_name: signature.name, FormCompletion.token_hash: None,
        }).where((FormCompletion.id == found["id"]) & FormCompletion.completed_at.is_null()
                 & (FormCompletion.token_hash == token_hash(raw))).returning(FormCompletion.id)
        if not signed:
            raise LinkInvalid("used")
    await audit.record("opportunity.slip_signed", subject=f"form:{found['id']}", ip=ip)
    return found


async def student_missing(sign_up_id: int, required: list[str]) -> list[str]:
    return missing(required, (await completions([sign_up_id])).get(sign_up_id, {}))

