"""Accounts: who someone is, signing in, e-mailed one-time links (reset and invitation)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count
from piccolo.query.functions.string import Lower

from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.errors import FormErrors, LinkInvalid, NotFound, TooMuchMail
from portfolio.forms.accounts import Invitation, InviteChoices, NewEmployer
from portfolio.parse import clean_name, normalize_email
from portfolio.services import audit, outbox_listing
from portfolio.services.emails import Emails
from portfolio.services.passwords import Hasher, password_problem
from portfolio.tables import ROLES, AccountToken, Organization, School, User
from portfolio.vocabulary import OrganizationKind, Role, TokenPurpose

# Where a user lands after sign-in: the most powerful role first.
LANDING_ORDER = (Role.ADMIN, Role.STAFF, Role.MENTOR, Role.EMPLOYER, Role.STUDENT)
STAFF_MAY_INVITE = (Role.STUDENT, Role.MENTOR, Role.STAFF)
MOVE_REFUSED = "This address cannot be invited here. If it is the right one, ask an administrator."


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class CurrentUser:
    id: int
    email: str
    name: str
    roles: frozenset[str]
    school_id: int | None
    organization_id: int | None
    # Sessions started under another generation have ended (a password was changed or reset since).
    session_generation: int = 0
    # The school's name and accent colour for the header ("" outside a school or with no accent of its own).
    school_name: str = ""
    school_accent: str = ""
    school_logo_version: str = ""

    def has(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def landing_role(self) -> str:
        return next(role for role in LANDING_ORDER if role in self.roles)



def _current(row: dict[str, Any]) -> CurrentUser:
    return CurrentUser(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        roles=frozenset(row["roles"] or ()),
        school_id=row["school"],
        organization_id=row["organization"],
        session_generation=row["session_generation"],
        school_name=row.get("school_name") or "",
        school_accent=row.get("school_accent") or "",
        school_logo_version=row.get("school_logo_version") or "",
    )


# What every signed-in request reads of its user, with the school's name and colour for the header of every page.
# Built once: piccolo copies every column of the school for each `User.school.<column>` it is asked for, and
# that was most of the time this query took to build.
_CURRENT_COLUMNS = (
    User.id, User.email, User.name, User.roles, User.school, User.organization, User.session_generation,
    User.school.name.as_alias("school_name"), User.school.accent_colour.as_alias("school_accent"),
    User.school.logo_version.as_alias("school_logo_version"),
)


async def load_user(user_id: int) -> CurrentUser | None:
    row = await User.select(*_CURRENT_COLUMNS).where((User.id == user_id) & (User.active == True)).first()  # noqa: E712
    if row is None or not row["roles"]:
        return None
    return _current(row)


async def admin_by_email(email: str) -> CurrentUser | None:
    """An active administrator, by address (the one a command acts as)."""
    row = await User.select(User.id).where((User.email == normalize_email(email)) & User.roles.any(Role.ADMIN)).first()
    return await load_user(row["id"]) if row else None


async def authenticate(hasher: Hasher, email: str, password: str) -> CurrentUser | None:
    row = await User.select().where(User.email == normalize_email(email)).first()
    usable = row is not None and row["active"] and row["password_hash"]
    ok = await hasher.verify(password, row["password_hash"] if usable else "")
    if not (ok and usable):
        return None
    await User.update({User.last_sign_in_at: now()}).where(User.id == row["id"])
    return _current(row)


async def create_user(
    email: str,
    name: str,
    roles: list[str] | tuple[str, ...],
    *,
    school_id: int | None = None,
    organization_id: int | None = None,
    password_hash: str = "",
) -> int:
    row = (
        await User.insert(
            User(
                email=normalize_email(email),
                name=clean_name(name),
                roles=sorted(set(roles)),
                school=school_id,
                organization=organization_id,
                password_hash=password_hash,
            )
        ).returning(User.id)
    )[0]
    return row["id"]


async def issue_token(user_id: int, purpose: str, lifetime: timedelta) -> str:
    raw = secrets.token_urlsafe(32)
    await AccountToken.insert(
        AccountToken(user=user_id, purpose=purpose, token_hash=token_hash(raw), expires_at=now() + lifetime)
    )
    return raw


async def token_holder(raw: str, purpose: str) -> dict[str, Any] | None:
    """The user a link is for, if the link is valid, unused and unexpired. Changes nothing."""
    return (
        await AccountToken.select(AccountToken.id, AccountToken.user.id, AccountToken.user.email, AccountToken.user.name)
        .where(
            (AccountToken.token_hash == token_hash(raw))
            & (AccountToken.purpose == purpose)
            & AccountToken.used_at.is_null()
            & (AccountToken.expires_at > now())
            & (AccountToken.user.active == True)  # noqa: E712 - a deactivated account's links never work
        )
        .first()
    )


async def set_password_with_token(
    hasher: Hasher, emails: Emails, raw: str, purpose: str, password: str, ip: str = ""
) -> CurrentUser:
    """Use a one-time link to set a password. Raises LinkInvalid, or FormErrors when the password is not good.
    A reset ends every session of the account and tells its owner; the caller signs this browser in."""
    holder = await token_holder(raw, purpose)
    if holder is None:
        raise LinkInvalid(purpose)
    check_new_password(holder["user.email"], password)
    password_hash = await hasher.hash(password)
    async with write_transaction():
        # The used_at guard makes the link single-use even when two requests race.
        used = await (
            AccountToken.update({AccountToken.used_at: now()})
            .where((AccountToken.id == holder["id"]) & AccountToken.used_at.is_null())
            .returning(AccountToken.id)
        )
        if not used:
            raise LinkInvalid(purpose)
        await _replace_password(emails if purpose == TokenPurpose.RESET else None, holder["user.id"], password_hash)
    await audit.record(f"{purpose}.completed", actor_id=holder["user.id"], ip=ip)
    user = await load_user(holder["user.id"])
    if user is None:
        raise LinkInvalid(purpose)
    return user


async def _replace_password(emails: Emails | None, user_id: int, password_hash: str) -> None:
    """Store a new password hash, end every session and every e-mailed link of the user, and (given
    `emails`) tell the owner. The caller holds the write transaction."""
    changed = await User.update(
        {
            User.password_hash: password_hash,
            User.password_changed_at: now(),
            User.session_generation: User.session_generation + 1,
        }
    ).where(User.id == user_id).returning(User.email, User.name, User.school)
    # A new password ends every other link too: a reset link someone else asked for no longer works.
    await AccountToken.update({AccountToken.used_at: now()}).where(
        (AccountToken.user == user_id) & AccountToken.used_at.is_null()
    )
    if emails is not None and changed:
        row = changed[0]
        await emails.password_changed(to=row["email"], name=row["name"], school_id=row["school"])


def check_new_password(email: str, password: str) -> None:
    """Raises FormErrors when the password may not be used (checked before anything costly is counted)."""
    problem = password_problem(password, email)
    if problem:
        raise FormErrors({"password": problem})


async def request_password_reset(emails: Emails, email: str, lifetime: timedelta, ip: str = "") -> None:
    """E-mail a reset link if the account exists; the caller says the same thing either way."""
    row = await User.select(User.id, User.name, User.email, User.active, User.school).where(
        User.email == normalize_email(email)
    ).first()
    if row is None or not row["active"]:
        return
    try:
        async with write_transaction():
            raw = await issue_token(row["id"], TokenPurpose.RESET, lifetime)
            await emails.password_reset(to=row["email"], name=row["name"], token=raw,
                                        minutes=int(lifetime.total_seconds() // 60), school_id=row["school"])
    except TooMuchMail:
        # Said to nobody: saying it would tell whoever typed the address that the account exists.
        await audit.record("reset.limited", actor_id=row["id"], ip=ip)
        return
    await audit.record("reset.requested", actor_id=row["id"], ip=ip)


async def change_password(hasher: Hasher, emails: Emails, user: CurrentUser, current: str, new: str, ip: str = "") -> CurrentUser:
    """Raises FormErrors when `current` is not the password or `new` is not good. Ends every session of the
    user (the caller starts a new one for this browser) and e-mails the owner. Returns the user as now."""
    check_new_password(user.email, new)
    row = await User.select(User.password_hash).where(User.id == user.id).first()
    if row is None or not await hasher.verify(current, row["password_hash"]):
        await audit.record("password.change_failed", actor_id=user.id, ip=ip)
        raise FormErrors({"current": "That is not your current password."})
    password_hash = await hasher.hash(new)
    async with write_transaction():
        await _replace_password(emails, user.id, password_hash)
    await audit.record("password.changed", actor_id=user.id, ip=ip)
    changed = await load_user(user.id)
    if changed is None:
        raise NotFound(user.id)
    return changed


async def invite_choices(inviter: CurrentUser) -> InviteChoices:
    """The roles, schools and organizations an inviter may choose from."""
    if inviter.has("admin"):
        schools = await School.select(School.id, School.name).order_by(School.name)
        organizations = await Organization.select(Organization.id, Organization.name).order_by(Organization.name)
        return InviteChoices(list(ROLES), schools, organizations, picks_school=True)
    schools = await School.select(School.id, School.name).where(School.id == inviter.school_id)
    return InviteChoices(list(STAFF_MAY_INVITE), schools)


async def invite(emails: Emails, inviter: CurrentUser, invitation: Invitation, lifetime: timedelta, ip: str = "") -> int:
    """Create an account without a password and e-mail a link that sets it. The invitation was read within
    `invite_choices(inviter)`. Raises FormErrors when the person has joined already."""
    existing = await User.select(User.id, User.password_hash, User.school, User.organization).where(
        User.email == invitation.email
    ).first()
    if existing and existing["password_hash"]:
        raise FormErrors({"email": "This person already has an account."}, invitation.values)
    if existing and (existing["school"], existing["organization"]) != (invitation.school_id, invitation.organization_id):
        # Someone elsewhere invited this address and it has not joined: an invitation never moves an
        # account to another school or organization, and the answer does not say where it is.
        raise FormErrors({"email": MOVE_REFUSED}, invitation.values)
    async with write_transaction():
        return await _invite_user(emails, inviter, existing, invitation, lifetime, ip)


async def _invite_user(
    emails: Emails,
    inviter: CurrentUser,
    existing: dict[str, Any] | None,
    invitation: Invitation,
    lifetime: timedelta,
    ip: str,
) -> int:
    """Create (or refresh, if never joined, within the same school or organization) the account, and e-mail
    the link that sets its password. The
    caller holds the write transaction: the account, its link and the e-mail exist together or not at all."""
    email, name, roles = invitation.email, invitation.name, invitation.roles
    school_id, organization_id = invitation.school_id, invitation.organization_id
    if existing:
        user_id = existing["id"]
        await User.update(
            {User.name: name, User.roles: sorted(set(roles)), User.school: school_id, User.organization: organization_id}
        ).where(User.id == user_id)
    else:
        user_id = await create_user(email, name, roles, school_id=school_id, organization_id=organization_id)
    await send_invitation(emails, inviter, user_id, email, name, school_id, lifetime, ip)
    return user_id


async def send_invitation(emails: Emails, inviter: CurrentUser, user_id: int, email: str, name: str,
                          school_id: int | None, lifetime: timedelta, ip: str = "") -> None:
    """The link that sets the password of an account without one, e-mailed through the outbox (also to the
    people a roster import adds). The caller holds the write transaction."""
    raw = await issue_token(user_id, TokenPurpose.INVITE, lifetime)
    # An employer has no school: the inviting staff member's school sees the message.
    await emails.invitation(to=email, name=name, inviter=inviter.name, token=raw, days=lifetime.days,
                            school_id=school_id if school_id is not None else inviter.school_id,
                            sender_id=inviter.id, invitee_id=user_id)
    await audit.record("invite.sent", actor_id=inviter.id, subject=f"user:{user_id}", ip=ip)


async def resend_invitation(emails: Emails, inviter: CurrentUser, message_id: int, lifetime: timedelta, ip: str = "") -> None:
    """Send a failed invitation again, with a new link (the first one's link was never delivered, and its
    body is gone). Only its sender may, once, and only while the invitee has not joined: NotFound otherwise."""
    async with write_transaction():
        found = await outbox_listing.invitation(message_id, inviter.id)
        if found is None:
            raise NotFound(message_id)
        raw = await issue_token(found["invitee_id"], TokenPurpose.INVITE, lifetime)
        await emails.invitation(
            to=found["email"], name=found["name"], inviter=inviter.name, token=raw, days=lifetime.days,
            school_id=found["school_id"], sender_id=inviter.id, invitee_id=found["invitee_id"],
        )
    await audit.record("invite.resent", actor_id=inviter.id, subject=f"user:{found['invitee_id']}", ip=ip)


async def school_name(school_id: int | None) -> str:
    if school_id is None:
        return ""
    row = await School.select(School.name).where(School.id == school_id).first()
    return row["name"] if row else ""


async def invite_employer(emails: Emails, inviter: CurrentUser, employer: NewEmployer, lifetime: timedelta, ip: str = "") -> int:
    """Staff add an employer organization and invite its first user. Raises FormErrors."""
    errors: dict[str, str] = {}
    if await Organization.exists().where(Lower(Organization.name) == employer.organization_name.lower()):
        errors["organization_name"] = "This employer is already here. Ask an administrator to add people to it."
    if await User.exists().where(User.email == employer.email):
        errors["email"] = "This person already has an account."
    if errors:
        raise FormErrors(errors, asdict(employer))
    async with write_transaction():
        organization = await Organization.insert(
            Organization(name=employer.organization_name, kind=OrganizationKind.EMPLOYER, website=employer.website)
        ).returning(Organization.id)
        organization_id = organization[0]["id"]
        await audit.record("organization.created", actor_id=inviter.id, subject=f"organization:{organization_id}", ip=ip)
        invitation = Invitation(employer.email, employer.name, [Role.EMPLOYER], None, organization_id)
        return await _invite_user(emails, inviter, None, invitation, lifetime, ip)


async def employers() -> list[dict[str, Any]]:
    """Employer organizations with how many people each has."""
    rows = await Organization.select(Organization.id, Organization.name, Organization.website).where(
        Organization.kind == "employer"
    ).order_by(Organization.name)
    counts = await User.select(User.organization, Count().as_alias("n")).where(
        User.organization.is_not_null()
    ).group_by(User.organization)
    people = {row["organization"]: row["n"] for row in counts}
    for row in rows:
        row["people"] = people.get(row["id"], 0)
    return rows
