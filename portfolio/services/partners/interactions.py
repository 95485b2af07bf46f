"""A relationship's interaction log: calls, meetings, e-mails, visits and events, newest first, each with who
took part on both sides and an optional follow-up. Read in a fixed number of queries per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from piccolo.query.functions.aggregate import Max

from portfolio import clock, db
from portfolio.forms.interactions import InteractionChoices, InteractionForm
from portfolio.partner_tables import (
    FollowUp,
    InteractionContact,
    InteractionStaff,
    PartnerContact,
    PartnerInteraction,
    PartnerSchool,
)
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners.scope import relationship
from portfolio.tables import User
from portfolio.vocabulary import Role

# What the partner's page shows; the rest is on the "all interactions" page.
RECENT = 5
PAGE_SIZE = 25


@dataclass(frozen=True)
class Log:
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


async def choices(user: CurrentUser, partner_id: int) -> tuple[dict[str, Any], InteractionChoices]:
    """The relationship, and whom its form may name: its school's active staff and its own contacts (those who
    left too, marked so: an interaction may be logged late)."""
    found = await relationship(user, partner_id)
    staff = await User.select(User.id, User.name).where(
        (User.school == found["school"]) & User.roles.any(Role.STAFF) & (User.active == True)  # noqa: E712
    ).order_by(User.name)
    contacts = await PartnerContact.select(PartnerContact.id, PartnerContact.name, PartnerContact.active).where(
        PartnerContact.partner == partner_id).order_by(PartnerContact.active, ascending=False).order_by(PartnerContact.name)
    return found, InteractionChoices(
        {s["id"]: s["name"] for s in staff},
        {c["id"]: c["name"] + ("" if c["active"] else " (left)") for c in contacts},
    )


async def add(user: CurrentUser, partner_id: int, form: InteractionForm) -> int:
    """Log it (the form was parsed against this relationship's choices); its id."""
    await relationship(user, partner_id)
    now = clock.now()
    async with db.write_transaction():
        interaction_id = (await PartnerInteraction.insert(PartnerInteraction(
            partner=partner_id, kind=form.kind, happened_on=form.happened_on, summary=form.summary,
            created_by=user.id, created_at=now,
        )).returning(PartnerInteraction.id))[0]["id"]
        await InteractionStaff.insert(*[InteractionStaff(interaction=interaction_id, staff=s) for s in form.staff])
        if form.contacts:
            await InteractionContact.insert(*[InteractionContact(interaction=interaction_id, contact=c)
                                              for c in form.contacts])
        if form.follow_up:
            await FollowUp.insert(FollowUp(interaction=interaction_id, what=form.follow_up, owner=form.owner,
                                           due_on=form.due_on))
        await PartnerSchool.update({PartnerSchool.updated_at: now}).where(PartnerSchool.id == partner_id)
    return interaction_id


async def _rows(where: Any, limit: int, offset: int = 0) -> list[dict[str, Any]]:
    rows = await PartnerInteraction.select(
        PartnerInteraction.id, PartnerInteraction.kind, PartnerInteraction.happened_on, PartnerInteraction.summary,
    ).where(where).order_by(PartnerInteraction.happened_on, ascending=False).order_by(
        PartnerInteraction.id, ascending=False).limit(limit).offset(offset)
    ids = [r["id"] for r in rows] or [0]
    staff = await InteractionStaff.select(InteractionStaff.interaction, InteractionStaff.staff.name.as_alias("name")).where(
        InteractionStaff.interaction.is_in(ids)).order_by(InteractionStaff.staff.name)
    contacts = await InteractionContact.select(
        InteractionContact.interaction, InteractionContact.contact.name.as_alias("name"),
    ).where(InteractionContact.interaction.is_in(ids)).order_by(InteractionContact.contact.name)
    follow_ups = await FollowUp.select(
        FollowUp.id, FollowUp.interaction, FollowUp.what, FollowUp.due_on, FollowUp.done_at,
        FollowUp.owner.name.as_alias("owner_name"),
    ).where(FollowUp.interaction.is_in(ids))
    for row in rows:
        row["staff"] = [s["name"] for s in staff if s["interaction"] == row["id"]]
        row["contacts"] = [c["name"] for c in contacts if c["interaction"] == row["id"]]
        row["follow_up"] = next((f for f in follow_ups if f["interaction"] == row["id"]), None)
    return rows


async def recent(user: CurrentUser, partner_id: int) -> tuple[list[dict[str, Any]], int]:
    """The newest RECENT interactions, and how many there are in all."""
    await relationship(user, partner_id)
    where = PartnerInteraction.partner == partner_id
    return await _rows(where, RECENT), await PartnerInteraction.count().where(where)


async def log(user: CurrentUser, partner_id: int, page: int) -> Log:
    await relationship(user, partner_id)
    where = PartnerInteraction.partner == partner_id
    total = await PartnerInteraction.count().where(where)
    pages = max(1, -(-total // PAGE_SIZE))
    page = max(1, min(page, pages))
    return Log(await _rows(where, PAGE_SIZE, (page - 1) * PAGE_SIZE), total, page, pages)


async def last_contacts(partner_ids: list[int]) -> dict[int, date]:
    """The date of each relationship's latest interaction, in one query (the caller scoped the ids)."""
    rows = await PartnerInteraction.select(
        PartnerInteraction.partner, Max(PartnerInteraction.happened_on, alias="last"),
    ).where(PartnerInteraction.partner.is_in(partner_ids or [0])).group_by(PartnerInteraction.partner)
    return {r["partner"]: as_date(r["last"]) for r in rows}


def as_date(value: Any) -> date:
    # SQLite hands an aggregate back as the stored text, not through the column's converter.
    return date.fromisoformat(value) if isinstance(value, str) else value
