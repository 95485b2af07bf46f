"""Who looks after a school's partners when someone on staff leaves: the hand-off to a colleague chosen when the
account is deactivated (or loses the staff role), and the list of what nobody looks after, derived from the
owners' accounts each time it is read, so it can never disagree with them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portfolio import clock
from portfolio.db import lock_row, write_transaction
from portfolio.errors import FormErrors, NotEditable, NotFound
from portfolio.partner_tables import FollowUp, PartnerHandoff, PartnerOwner, PartnerSchool
from portfolio.partner_vocabulary import PartnerStatus
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners.scope import relationship, sees_every_school, visible
from portfolio.tables import User
from portfolio.vocabulary import Role

# How many of each the homes list; the count says how many there are in all.
SHOWN = 10
NOT_A_COLLEAGUE = "Choose a colleague among the active staff of this school."
TAKEN = "Someone on staff looks after this already. Refresh the page to see who."


@dataclass(frozen=True)
class Handover:
    partners: int = 0
    follow_ups: int = 0

    @property
    def any(self) -> bool:
        return bool(self.partners or self.follow_ups)

    @property
    def words(self) -> str:
        """ "3 partners and 2 open follow-ups" """
        said = [f"{self.partners} partner{'' if self.partners == 1 else 's'}" if self.partners else "",
                f"{self.follow_ups} open follow-up{'' if self.follow_ups == 1 else 's'}" if self.follow_ups else ""]
        return " and ".join(s for s in said if s)


def _active_staff() -> Any:
    return (User.active == True) & User.roles.any(Role.STAFF)  # noqa: E712


def _no_longer_staff(owner: Any) -> Any:
    """Of a follow-up's owner (or a partner owner's account): inactive, or no longer staff."""
    return (owner.active == False) | owner.not_in(User.select(User.id).where(User.roles.any(Role.STAFF)))  # noqa: E712


async def handover(user_id: int) -> Handover:
    """What the account looks after: the partners it owns and its open follow-ups."""
    return Handover(await PartnerOwner.count().where(PartnerOwner.staff == user_id),
                    await FollowUp.count().where((FollowUp.owner == user_id) & FollowUp.done_at.is_null()))


async def colleagues(school_id: int | None, leaving_id: int) -> dict[int, str]:
    """Whom the account's partners may be handed to: the school's other active staff."""
    if school_id is None:
        return {}
    rows = await User.select(User.id, User.name).where(
        (User.school == school_id) & _active_staff() & (User.id != leaving_id)).order_by(User.name)
    return {r["id"]: r["name"] for r in rows}


async def hand_over(actor: CurrentUser, leaving: dict[str, Any], colleague_id: int | None, values: dict[str, Any],
                    ip: str = "") -> Handover:
    """Move the leaving account's partners and open follow-ups to the colleague, within the caller's write
    transaction, and record it per partner and in the audit log. FormErrors when there is something to hand
    over and no colleague chosen (while the school has one), or one who is not active staff of the leaving
    account's school."""
    found = await handover(leaving["id"])
    if not found.any:
        return found
    choices = await colleagues(leaving["school"], leaving["id"])
    if colleague_id is None and not choices:
        # Nobody to hand them to: closing the account must not wait (it may be compromised). They wait on
        # "Partners without an owner" until someone on staff joins and takes them.
        return Handover()
    if colleague_id is None:
        raise FormErrors({"colleague": f"Choose a colleague to hand {found.words} to."}, values)
    if colleague_id not in choices:
        raise FormErrors({"colleague": NOT_A_COLLEAGUE}, values)
    owned = [r["partner"] for r in await PartnerOwner.select(PartnerOwner.partner).where(
        PartnerOwner.staff == leaving["id"])]
    # A partner both already own keeps one owner row: the colleague's.
    await PartnerOwner.delete().where((PartnerOwner.staff == leaving["id"]) & PartnerOwner.partner.is_in(
        PartnerOwner.select(PartnerOwner.partner).where(PartnerOwner.staff == colleague_id)))
    await PartnerOwner.update({PartnerOwner.staff: colleague_id}).where(PartnerOwner.staff == leaving["id"])
    open_ = await FollowUp.select(FollowUp.id, FollowUp.interaction.partner.as_alias("partner")).where(
        (FollowUp.owner == leaving["id"]) & FollowUp.done_at.is_null())
    await FollowUp.update({FollowUp.owner: colleague_id}).where(FollowUp.id.is_in([f["id"] for f in open_] or [0]))
    now = clock.now()
    partners = dict.fromkeys(owned + [f["partner"] for f in open_])
    await PartnerHandoff.insert(*[PartnerHandoff(
        partner=p, from_staff=leaving["id"], to_staff=colleague_id, partners=int(p in owned),
        follow_ups=sum(1 for f in open_ if f["partner"] == p), handed_by=actor.id, handed_at=now) for p in partners])
    await audit.record("partners.handed_over", actor_id=actor.id, subject=f"user:{leaving['id']}", ip=ip,
                       from_user=leaving["id"], to_user=colleague_id, partners=len(owned), follow_ups=len(open_))
    return Handover(len(owned), len(open_))


async def history(partner_id: int) -> list[dict[str, Any]]:
    """The relationship's hand-offs, newest first (the caller scoped the partner)."""
    return await PartnerHandoff.select(
        PartnerHandoff.handed_at, PartnerHandoff.partners, PartnerHandoff.follow_ups,
        PartnerHandoff.from_staff.name.as_alias("from_name"), PartnerHandoff.to_staff.name.as_alias("to_name"),
    ).where(PartnerHandoff.partner == partner_id).order_by(PartnerHandoff.handed_at, ascending=False).order_by(
        PartnerHandoff.id, ascending=False)


# --- what nobody looks after ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ownerless:
    partners: list[dict[str, Any]]
    partner_count: int
    follow_ups: list[dict[str, Any]]
    follow_up_count: int
    # For an administrator: each school's active staff, to choose who takes it.
    staff: dict[int, dict[int, str]]

    @property
    def any(self) -> bool:
        return bool(self.partner_count or self.follow_up_count)


def _ownerless_partners(user: CurrentUser) -> Any:
    """Relationships (but former ones) none of whose owners is active staff."""
    looked_after = PartnerOwner.select(PartnerOwner.partner).where(
        (PartnerOwner.staff.active == True) & PartnerOwner.staff.roles.any(Role.STAFF))  # noqa: E712
    return visible(user) & (PartnerSchool.status != PartnerStatus.FORMER) & PartnerSchool.id.not_in(looked_after)


def _ownerless_follow_ups(user: CurrentUser) -> Any:
    return FollowUp.done_at.is_null() & FollowUp.interaction.partner.is_in(
        PartnerSchool.select(PartnerSchool.id).where(visible(user))) & _no_longer_staff(FollowUp.owner)


async def ownerless(user: CurrentUser) -> Ownerless:
    """Partners of the person's school (an admin: of every school) nobody active on staff looks after, and open
    follow-ups whose owner left, in a fixed number of queries."""
    partners = await PartnerSchool.select(
        PartnerSchool.id, PartnerSchool.school, PartnerSchool.school.name.as_alias("school_name"),
        PartnerSchool.organization.name.as_alias("name"),
    ).where(_ownerless_partners(user)).order_by(PartnerSchool.organization.name).limit(SHOWN)
    follow_ups = await FollowUp.select(
        FollowUp.id, FollowUp.what, FollowUp.due_on, FollowUp.owner.name.as_alias("owner_name"),
        FollowUp.interaction.partner.as_alias("partner_id"),
    ).where(_ownerless_follow_ups(user)).order_by(FollowUp.due_on).order_by(FollowUp.id).limit(SHOWN)
    # Their partners in a query of their own: PostgreSQL's 63-character names would make two deep joins one.
    their = {p["id"]: p for p in await PartnerSchool.select(
        PartnerSchool.id, PartnerSchool.school, PartnerSchool.school.name.as_alias("school_name"),
        PartnerSchool.organization.name.as_alias("partner_name"),
    ).where(PartnerSchool.id.is_in([f["partner_id"] for f in follow_ups] or [0]))}
    for follow_up in follow_ups:
        follow_up |= {k: v for k, v in their[follow_up["partner_id"]].items() if k != "id"}
    staff: dict[int, dict[int, str]] = {}
    if sees_every_school(user):
        schools = {r["school"] for r in partners + follow_ups}
        for row in await User.select(User.id, User.name, User.school).where(
                _active_staff() & User.school.is_in(list(schools) or [0])).order_by(User.name):
            staff.setdefault(row["school"], {})[row["id"]] = row["name"]
    return Ownerless(partners, await PartnerSchool.count().where(_ownerless_partners(user)), follow_ups,
                     await FollowUp.count().where(_ownerless_follow_ups(user)), staff)


async def _taker(user: CurrentUser, school_id: int, chosen: int | None) -> int:
    """Who takes it: the staff member themselves; for an administrator, the staff member they chose, who must
    be active staff of the partner's school."""
    if not sees_every_school(user):
        return user.id
    if chosen is None or not await User.exists().where((User.id == chosen) & _active_staff() & (User.school == school_id)):
        raise FormErrors({"staff": "Choose someone among the active staff of that school."}, {"staff": chosen or ""})
    return chosen


async def take_partner(user: CurrentUser, partner_id: int, chosen: int | None = None, ip: str = "") -> None:
    """Make the person (or, for an admin, the staff member chosen) the owner of a partner nobody looks after;
    the owner rows of those who left go, recorded as a hand-off. NotFound for another school's partner."""
    found = await relationship(user, partner_id)
    taker = await _taker(user, found["school"], chosen)
    async with write_transaction():
        await lock_row(PartnerSchool, partner_id)
        if not await PartnerSchool.exists().where((PartnerSchool.id == partner_id) & _ownerless_partners(user)):
            raise NotEditable(TAKEN, title="Taken already")
        former = await PartnerOwner.select(PartnerOwner.staff).where(PartnerOwner.partner == partner_id).first()
        await PartnerOwner.delete().where(PartnerOwner.partner == partner_id)
        await PartnerOwner.insert(PartnerOwner(partner=partner_id, staff=taker))
        await PartnerHandoff.insert(PartnerHandoff(partner=partner_id, from_staff=former["staff"] if former else None,
                                                   to_staff=taker, partners=1, handed_by=user.id, handed_at=clock.now()))
        await audit.record("partner.taken", actor_id=user.id, subject=f"partner:{partner_id}", ip=ip, to_user=taker)


async def take_follow_up(user: CurrentUser, partner_id: int, follow_up_id: int, chosen: int | None = None,
                         ip: str = "") -> None:
    """Make the person (or the staff member an admin chose) the owner of an open follow-up whose owner left."""
    found = await relationship(user, partner_id)
    taker = await _taker(user, found["school"], chosen)
    async with write_transaction():
        await lock_row(FollowUp, follow_up_id)
        row = await FollowUp.select(FollowUp.owner).where(
            (FollowUp.id == follow_up_id) & (FollowUp.interaction.partner == partner_id)).first()
        if row is None:
            raise NotFound("follow-up")
        if not await FollowUp.exists().where((FollowUp.id == follow_up_id) & _ownerless_follow_ups(user)):
            raise NotEditable(TAKEN, title="Taken already")
        await FollowUp.update({FollowUp.owner: taker}).where(FollowUp.id == follow_up_id)
        await PartnerHandoff.insert(PartnerHandoff(partner=partner_id, from_staff=row["owner"], to_staff=taker,
                                                   follow_ups=1, handed_by=user.id, handed_at=clock.now()))
        await audit.record("follow_up.taken", actor_id=user.id, subject=f"follow_up:{follow_up_id}", ip=ip,
                           to_user=taker)
