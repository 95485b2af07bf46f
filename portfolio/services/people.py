"""People, as staff and administrators manage them: a person's page, deactivating and reactivating an
account, changing its roles.

An administrator manages anyone; staff manage the people of their own school, never an administrator, and
never give the administrator role. Nobody deactivates or changes themselves, and the last active
administrator stays one. Deactivating keeps every record: it only closes the door (sign-in, open sessions,
outstanding links). The caller ends the person's sessions (portfolio/auth.py) once this has committed.
"""

from __future__ import annotations

from typing import Any

from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.errors import FormErrors, NotEditable, NotFound
from portfolio.forms.people import RoleChange
from portfolio.services import alumni, audit
from portfolio.services.accounts import STAFF_MAY_INVITE, CurrentUser
from portfolio.services.partners import owners
from portfolio.tables import AccountToken, User
from portfolio.vocabulary import Role

SCHOOL_ROLES = frozenset({Role.STUDENT, Role.MENTOR, Role.STAFF})
ONESELF = "You cannot change your own account here. Ask another administrator."
NOT_AN_ADMINS = "Only an administrator can change an administrator's account."
LAST_ADMIN = "This is the last active administrator. Make someone else an administrator first."

_COLUMNS = (
    User.id, User.name, User.email, User.roles, User.active, User.password_hash, User.created_at,
    User.last_sign_in_at, User.school, User.school.name, User.organization, User.organization.name, User.alumni_since,
)


def may_give(actor: CurrentUser) -> tuple[Role, ...]:
    """The roles this person may give or take away."""
    return tuple(Role) if actor.has(Role.ADMIN) else tuple(STAFF_MAY_INVITE)


def _visible_to(actor: CurrentUser, row: dict[str, Any] | None) -> bool:
    if row is None:
        return False
    if actor.has(Role.ADMIN):
        return True
    return (actor.has(Role.STAFF) and actor.school_id is not None and row["school"] == actor.school_id
            and alumni.still_reachable(row["alumni_since"]))


def _may_change(actor: CurrentUser, row: dict[str, Any]) -> str:
    """Why this person may not change that account, or "" when they may."""
    if row["id"] == actor.id:
        return ONESELF
    if Role.ADMIN in (row["roles"] or ()) and not actor.has(Role.ADMIN):
        return NOT_AN_ADMINS
    return ""


async def _row(actor: CurrentUser, user_id: int) -> dict[str, Any]:
    """The account, when this person may see it; another school's reads as no one at all."""
    row = await User.select(*_COLUMNS).where(User.id == user_id).first()
    if not _visible_to(actor, row):
        raise NotFound(user_id)
    assert row is not None
    return row


async def person(actor: CurrentUser, user_id: int) -> dict[str, Any]:
    """What a person's page shows, with what this viewer may do there."""
    row = await _row(actor, user_id)
    refusal = _may_change(actor, row)
    looks_after = await owners.handover(user_id) if not refusal else owners.Handover()
    return {
        "id": row["id"], "name": row["name"], "email": row["email"], "roles": list(row["roles"] or ()),
        "active": row["active"], "joined": bool(row["password_hash"]), "created_at": row["created_at"],
        "last_sign_in_at": row["last_sign_in_at"], "school_id": row["school"], "school": row["school.name"] or "",
        "organization": row["organization.name"] or "", "refusal": refusal, "may_change": not refusal,
        "givable": list(may_give(actor)), "handover": looks_after,
        "colleagues": await owners.colleagues(row["school"], user_id) if looks_after.any else {},
    }


async def listing(school_id: int | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Accounts of one school (or every account when school_id is None): joined or invited, active or not."""
    query = User.select(User.id, User.name, User.email, User.roles, User.password_hash, User.active, User.school.name)
    if school_id is not None:
        # A school's list leaves out its alumni past the retention period, as their pages do.
        query = query.where((User.school == school_id) & alumni.in_reach())
    rows = await query.order_by(User.name).limit(limit)
    return [
        {"id": r["id"], "name": r["name"], "email": r["email"], "roles": r["roles"], "joined": bool(r["password_hash"]),
         "active": r["active"], "school": r["school.name"] or ""}
        for r in rows
    ]


async def refuse_deactivated(email: str, values: dict[str, Any]) -> None:
    """An invitation to a deactivated account would send a link that cannot work: say what to do instead."""
    if await User.exists().where((User.email == email) & (User.active == False)):  # noqa: E712
        raise FormErrors({"email": "This account is deactivated. Reactivate it from the person's page."}, values)


async def _changeable(actor: CurrentUser, user_id: int) -> dict[str, Any]:
    row = await _row(actor, user_id)
    refusal = _may_change(actor, row)
    if refusal:
        raise NotEditable(refusal, title="Not allowed")
    return row


async def _keep_an_admin(leaving_id: int) -> None:
    """Refuse when no other active administrator would remain. The caller holds the write transaction; on
    PostgreSQL the administrators' rows are locked, so two administrators removing each other at the same
    moment are taken one after the other (SQLite's write transaction already is)."""
    query = User.select(User.id).where((User.active == True) & User.roles.any(Role.ADMIN))  # noqa: E712
    if User._meta.db.engine_type != "sqlite":
        query = query.lock_rows()
    others = [row for row in await query if row["id"] != leaving_id]
    if not others:
        raise NotEditable(LAST_ADMIN, title="Not allowed")


async def deactivate(actor: CurrentUser, user_id: int, ip: str = "", colleague: int | None = None,
                     unowned: bool = False) -> None:
    """Close the account: no sign-in, and every outstanding one-time link (reset, invitation) voided in the
    same transaction, and the partners and open follow-ups it looked after handed to the colleague chosen.
    With `unowned` (a roster import, where nobody is there to choose) they are handed to nobody: they wait on
    "Partners without an owner" for staff and administrators to take them. Their records stay. Deactivating an
    inactive account changes nothing."""
    async with write_transaction():
        row = await _changeable(actor, user_id)
        if not row["active"]:
            return
        if Role.ADMIN in row["roles"]:
            await _keep_an_admin(user_id)
        if not unowned:
            await owners.hand_over(actor, row, colleague, {"colleague": colleague or ""}, ip=ip)
        # Raising the generation ends every session of theirs at its next request (auth.SessionMiddleware).
        await User.update({User.active: False, User.session_generation: User.session_generation + 1}).where(
            User.id == user_id
        )
        await AccountToken.update({AccountToken.used_at: now()}).where(
            (AccountToken.user == user_id) & AccountToken.used_at.is_null()
        )
        await audit.record("user.deactivated", actor_id=actor.id, subject=f"user:{user_id}", ip=ip)


async def reactivate(actor: CurrentUser, user_id: int, ip: str = "") -> None:
    """Open the account again. Their old sessions and links stay ended: they sign in afresh (or ask for a new
    link)."""
    async with write_transaction():
        row = await _changeable(actor, user_id)
        if row["active"]:
            return
        await User.update({User.active: True}).where(User.id == user_id)
        await audit.record("user.reactivated", actor_id=actor.id, subject=f"user:{user_id}", ip=ip)


async def set_roles(actor: CurrentUser, user_id: int, change: RoleChange, ip: str = "") -> bool:
    """Give the account these roles (among those the actor may give; any others it has stay). Returns whether
    anything changed: then the caller ends the person's sessions, whose lifetimes followed the old roles."""
    async with write_transaction():
        row = await _changeable(actor, user_id)
        old = set(row["roles"] or ())
        givable = set(may_give(actor))
        new = (set(change.roles) & givable) | (old - givable)
        _check_roles_fit(row, new, change)
        if new == old:
            return False
        if Role.ADMIN in old and Role.ADMIN not in new and row["active"]:
            await _keep_an_admin(user_id)
        if Role.STAFF in old and Role.STAFF not in new and row["active"]:
            # No longer staff, they can no longer open the partners: the same hand-off as leaving.
            await owners.hand_over(actor, row, change.colleague, {"roles": [str(r) for r in change.roles],
                                                                  "colleague": change.colleague or ""}, ip=ip)
        # A session's lifetime follows the roles it started with: a student's month must not carry staff
        # powers, so every session of theirs ends.
        await User.update(
            {User.roles: sorted(str(r) for r in new), User.session_generation: User.session_generation + 1}
        ).where(User.id == user_id)
        await audit.record("user.roles_changed", actor_id=actor.id, subject=f"user:{user_id}", ip=ip,
                           before=sorted(old), after=sorted(str(r) for r in new))
    return True


def _check_roles_fit(row: dict[str, Any], new: set[str], change: RoleChange) -> None:
    """A school role needs a school, an employer an organization, and no account is both."""
    values = {"roles": [str(r) for r in change.roles]}
    if not new:
        raise FormErrors({"roles": "Choose at least one role."}, values)
    if new & SCHOOL_ROLES and Role.EMPLOYER in new:
        raise FormErrors({"roles": "An employer account cannot also be a school account."}, values)
    if new & SCHOOL_ROLES and row["school"] is None:
        raise FormErrors({"roles": "This person belongs to no school, so they cannot have a school role."}, values)
    if Role.EMPLOYER in new and row["organization"] is None:
        raise FormErrors({"roles": "This person belongs to no employer organization."}, values)
