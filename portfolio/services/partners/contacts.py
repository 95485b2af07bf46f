"""A school's contacts at a partner: only that school's staff (and admins) see or change them. A contact who
left is marked so, never deleted."""

from __future__ import annotations

from typing import Any

from portfolio import clock, db
from portfolio.errors import NotFound
from portfolio.forms.partners import ContactForm
from portfolio.partner_tables import PartnerContact, PartnerSchool
from portfolio.program_tables import BoardMember
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners.scope import relationship
from portfolio.tables import School


def _fields(form: ContactForm) -> dict[Any, Any]:
    return {PartnerContact.name: form.name, PartnerContact.title: form.title, PartnerContact.email: form.email,
            PartnerContact.phone: form.phone, PartnerContact.reach_by: form.reach_by, PartnerContact.role: form.role}


async def _touch(partner_id: int) -> None:
    await PartnerSchool.update({PartnerSchool.updated_at: clock.now()}).where(PartnerSchool.id == partner_id)


async def add(user: CurrentUser, partner_id: int, form: ContactForm) -> int:
    await relationship(user, partner_id)
    now = clock.now()
    async with db.write_transaction():
        row = await PartnerContact.insert(PartnerContact(
            partner=partner_id, name=form.name, title=form.title, email=form.email, phone=form.phone,
            reach_by=form.reach_by, role=form.role, created_at=now, updated_at=now,
        )).returning(PartnerContact.id)
        await _touch(partner_id)
    return row[0]["id"]


async def get(user: CurrentUser, partner_id: int, contact_id: int) -> dict[str, Any]:
    """The contact of this relationship, or NotFound (another school's, or another partner's)."""
    await relationship(user, partner_id)
    row = await PartnerContact.select().where(
        (PartnerContact.id == contact_id) & (PartnerContact.partner == partner_id)).first()
    if row is None:
        raise NotFound("contact")
    return row


async def edit(user: CurrentUser, partner_id: int, contact_id: int, form: ContactForm) -> None:
    await get(user, partner_id, contact_id)
    async with db.write_transaction():
        await PartnerContact.update(_fields(form) | {PartnerContact.updated_at: clock.now()}).where(
            PartnerContact.id == contact_id)
        await _touch(partner_id)


async def set_active(user: CurrentUser, partner_id: int, contact_id: int, active: bool) -> None:
    """Mark a contact as having left (or back): kept either way, with what the school knew of them. One who
    left no longer sits on the school's boards: their open seats end today, in the same transaction. One who
    comes back is not seated again by it: staff decide that on the board's page."""
    found = await get(user, partner_id, contact_id)
    async with db.write_transaction():
        await PartnerContact.update({PartnerContact.active: active, PartnerContact.updated_at: clock.now()}).where(
            PartnerContact.id == contact_id)
        if not active and found["active"]:
            school = await School.select(School.timezone).where(School.id.is_in(PartnerSchool.select(
                PartnerSchool.school).where(PartnerSchool.id == partner_id))).first()
            await BoardMember.update({BoardMember.ended_on: clock.today_at(school)}).where(
                (BoardMember.contact == contact_id) & BoardMember.ended_on.is_null())
        await _touch(partner_id)


def as_form(row: dict[str, Any]) -> dict[str, str]:
    return {"contact_name": row["name"], "title": row["title"], "email": row["email"], "phone": row["phone"],
            "reach_by": row["reach_by"], "role": row["role"]}


