"""Sending a partner its summary: an e-mailed link to one of its active contacts (only the token's hash is
kept), which shows the summary as it is when read until it expires. Sending is a disclosure decision, aggregate
and de-identified as the summary is: it is audited, and logged in the partner's history as an e-mail."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from portfolio import clock, db
from portfolio.errors import LinkInvalid
from portfolio.feedback_tables import SummaryLink
from portfolio.partner_tables import (
    InteractionContact,
    InteractionStaff,
    PartnerContact,
    PartnerInteraction,
    PartnerSchool,
)
from portfolio.partner_vocabulary import InteractionKind
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser, token_hash
from portfolio.services.emails import Emails
from portfolio.services.feedback.summary import summary
from portfolio.services.partners.scope import relationship
from portfolio.tables import School

LINK_DAYS = 60
HISTORY = 20


async def contacts(partner_id: int) -> dict[int, str]:
    """The relationship's contacts a summary may go to: active, with an e-mail address (the caller found it)."""
    rows = await PartnerContact.select(PartnerContact.id, PartnerContact.name, PartnerContact.email).where(
        (PartnerContact.partner == partner_id) & (PartnerContact.active == True) & (PartnerContact.email != "")  # noqa: E712
    ).order_by(PartnerContact.name)
    return {row["id"]: f"{row['name']} <{row['email']}>" for row in rows}


async def sent(partner_id: int) -> list[dict[str, Any]]:
    """The newest links sent for the relationship: who sent one to whom, when, and whether it was opened."""
    return await SummaryLink.select(
        SummaryLink.id, SummaryLink.recipient, SummaryLink.sent_at, SummaryLink.expires_at, SummaryLink.opened_at,
        SummaryLink.contact.name.as_alias("contact_name"), SummaryLink.sent_by.name.as_alias("sent_by_name"),
    ).where(SummaryLink.partner == partner_id).order_by(SummaryLink.sent_at, ascending=False).limit(HISTORY)


async def send(emails: Emails, user: CurrentUser, partner_id: int, contact_id: int, ip: str = "") -> int:
    """E-mail the contact a link to the summary (the form checked the contact against `contacts`); its id."""
    found = await relationship(user, partner_id)
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    async with db.write_transaction():
        contact = await PartnerContact.select(PartnerContact.name, PartnerContact.email).where(
            (PartnerContact.id == contact_id) & (PartnerContact.partner == partner_id)
            & (PartnerContact.active == True) & (PartnerContact.email != "")  # noqa: E712
        ).first()
        if contact is None:
            raise LinkInvalid("contact")
        today = clock.today_at(await school_timezone(found["school"]))
        interaction_id = (await PartnerInteraction.insert(PartnerInteraction(
            partner=partner_id, kind=InteractionKind.EMAIL, happened_on=today, created_by=user.id, created_at=now,
            summary=f"Sent the students' feedback summary (a link for {LINK_DAYS} days) to {contact['name']}.",
        )).returning(PartnerInteraction.id))[0]["id"]
        await InteractionStaff.insert(InteractionStaff(interaction=interaction_id, staff=user.id))
        await InteractionContact.insert(InteractionContact(interaction=interaction_id, contact=contact_id))
        link_id = (await SummaryLink.insert(SummaryLink(
            partner=partner_id, contact=contact_id, recipient=contact["email"], token_hash=token_hash(raw),
            expires_at=now + timedelta(days=LINK_DAYS), interaction=interaction_id, sent_by=user.id, sent_at=now,
        )).returning(SummaryLink.id))[0]["id"]
        await PartnerSchool.update({PartnerSchool.updated_at: now}).where(PartnerSchool.id == partner_id)
        await emails.feedback_summary(
            to=contact["email"], name=contact["name"], partner=found["name"], school=found["school_name"],
            sender=user.name, token=raw, days=LINK_DAYS, school_id=found["school"], sender_id=user.id,
        )
        await audit.record("feedback.summary_sent", actor_id=user.id, subject=f"partner:{partner_id}", ip=ip,
                           contact=contact_id, link=link_id)
    return link_id


async def school_timezone(school_id: int) -> str | None:
    row = await School.select(School.timezone).where(School.id == school_id).first()
    return row["timezone"] if row else None


async def read(raw: str, ip: str = "") -> dict[str, Any]:
    """The summary a link shows, as it is now: the partner's and school's names and the summary. Raises
    LinkInvalid for a link that is not ours or has expired."""
    link = await SummaryLink.select(
        SummaryLink.id, SummaryLink.partner, SummaryLink.expires_at, SummaryLink.opened_at,
        SummaryLink.partner.school.as_alias("school"), SummaryLink.partner.school.name.as_alias("school_name"),
        SummaryLink.partner.organization.name.as_alias("name"),
        SummaryLink.partner.school.timezone.as_alias("timezone"),
    ).where(SummaryLink.token_hash == token_hash(raw)).first()
    if link is None or link["expires_at"] <= clock.now():
        raise LinkInvalid("link")
    if link["opened_at"] is None:
        await SummaryLink.update({SummaryLink.opened_at: clock.now()}).where(SummaryLink.id == link["id"])
        await audit.record("feedback.summary_opened", subject=f"partner:{link['partner']}", ip=ip, link=link["id"])
    partner = {"id": link["partner"], "school": link["school"]}
    return {"partner_name": link["name"], "school_name": link["school_name"], "expires_at": link["expires_at"],
            "timezone": link["timezone"], "summary": await summary(partner)}
