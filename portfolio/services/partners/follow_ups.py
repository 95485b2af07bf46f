"""Follow-ups of partner interactions: marked done (or open again), each staff member's own list, what is due
for the staff home, and the daily digest e-mail of what is due or overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from portfolio import clock, db
from portfolio.errors import NotFound
from portfolio.partner_tables import FollowUp, FollowUpDigest, PartnerSchool
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.partners.scope import relationship, visible
from portfolio.vocabulary import Role

# Done follow-ups shown on "My follow-ups": the recent ones are a record of work; older ones stay on the partner.
DONE_SHOWN = 20


@dataclass(frozen=True)
class Mine:
    overdue: list[dict[str, Any]]
    due: list[dict[str, Any]]
    done: list[dict[str, Any]]


async def set_done(user: CurrentUser, partner_id: int, follow_up_id: int, done: bool) -> None:
    """Mark it done (or open again); NotFound unless it is of this relationship, which the person may open."""
    await relationship(user, partner_id)
    found = await FollowUp.exists().where((FollowUp.id == follow_up_id) & (FollowUp.interaction.partner == partner_id))
    if not found:
        raise NotFound("follow-up")
    async with db.write_transaction():
        await FollowUp.update({FollowUp.done_at: clock.now() if done else None,
                               FollowUp.done_by: user.id if done else None}).where(FollowUp.id == follow_up_id)
        await PartnerSchool.update({PartnerSchool.updated_at: clock.now()}).where(PartnerSchool.id == partner_id)


def _columns() -> tuple[Any, ...]:
    return (FollowUp.id, FollowUp.what, FollowUp.due_on, FollowUp.done_at,
            FollowUp.interaction.partner.as_alias("partner_id"),
            FollowUp.interaction.partner.organization.name.as_alias("partner_name"))


async def mine(user: CurrentUser, today: date) -> Mine:
    """The person's follow-ups at partners they may still open: overdue (oldest first), due from today on
    (soonest first) and the latest done."""
    owned = (FollowUp.owner == user.id) & FollowUp.interaction.partner.is_in(PartnerSchool.select(PartnerSchool.id).where(
        visible(user)))
    open_ = await FollowUp.select(*_columns()).where(owned & FollowUp.done_at.is_null()).order_by(
        FollowUp.due_on).order_by(FollowUp.id)
    done = await FollowUp.select(*_columns()).where(owned & FollowUp.done_at.is_not_null()).order_by(
        FollowUp.done_at, ascending=False).limit(DONE_SHOWN)
    return Mine([f for f in open_ if f["due_on"] < today], [f for f in open_ if f["due_on"] >= today], done)


async def due_for(staff_id: int, today: date) -> list[dict[str, Any]]:
    """The staff member's open follow-ups due today or before, oldest first (their home's "What needs you")."""
    return await FollowUp.select(FollowUp.id, FollowUp.interaction.partner.as_alias("partner_id")).where(
        (FollowUp.owner == staff_id) & FollowUp.done_at.is_null() & (FollowUp.due_on <= today)
    ).order_by(FollowUp.due_on).order_by(FollowUp.id)


async def send_digests(emails: Emails, moment: datetime | None = None) -> int:
    """One e-mail a day to each active staff member with follow-ups due today (their school's today) or
    overdue. It names partners and dates, never what was written (free text may name a student). Recorded per
    person and day, so running the daily command twice sends nothing more."""
    moment = moment or clock.now()
    rows = await FollowUp.select(
        FollowUp.due_on, FollowUp.owner.as_alias("staff"), FollowUp.owner.email.as_alias("email"),
        FollowUp.owner.name.as_alias("name"), FollowUp.owner.school.as_alias("school"),
        FollowUp.owner.school.timezone.as_alias("timezone"),
        FollowUp.interaction.partner.organization.name.as_alias("partner_name"),
    ).where(
        FollowUp.done_at.is_null() & (FollowUp.owner.active == True) & FollowUp.owner.roles.any(Role.STAFF)  # noqa: E712
        # Today is somewhere between yesterday and tomorrow in UTC: the exact day is the school's, below.
        & (FollowUp.due_on <= moment.date() + timedelta(days=1))
    ).order_by(FollowUp.due_on)
    by_staff: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["due_on"] <= clock.today_at(row["timezone"], moment):
            by_staff.setdefault(row["staff"], []).append(row)
    sent = 0
    for staff_id, due in by_staff.items():
        first, today = due[0], clock.today_at(due[0]["timezone"], moment)
        async with db.write_transaction():
            if await FollowUpDigest.exists().where((FollowUpDigest.staff == staff_id) & (FollowUpDigest.sent_on == today)):
                continue
            await FollowUpDigest.insert(FollowUpDigest(staff=staff_id, sent_on=today))
            overdue = sum(1 for f in due if f["due_on"] < today)
            await emails.follow_up_digest(
                to=first["email"], name=first["name"], school_id=first["school"], overdue=overdue,
                due_today=len(due) - overdue,
                partners=[{"name": f["partner_name"], "due_on": f["due_on"]} for f in due],
            )
        sent += 1
    return sent
