"""Telling an employer organization's people about new shares: at once, or in one e-mail a day for those who
chose it. The messages name no student (mail is less safe than the app)."""

from __future__ import annotations

from datetime import datetime

from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.tables import Organization, Share, User
from portfolio.vocabulary import Role


async def tell_employers(emails: Emails, organization_id: int, student_id: int) -> int:
    """E-mail the organization's active people who want one message per share; inside the caller's
    transaction, so the message exists only if the share does. Returns how many were queued."""
    people = await User.select(User.email, User.name, User.organization.name.as_alias("organization")).where(
        (User.organization == organization_id) & (User.active == True)  # noqa: E712
        & (User.employer_digest == False) & User.roles.any(Role.EMPLOYER)  # noqa: E712
    )
    for person in people:
        await emails.share_notice(to=person["email"], name=person["name"], organization=person["organization"],
                                  student_id=student_id)
    return len(people)


async def send_employer_digests(emails: Emails, moment: datetime | None = None) -> int:
    """One e-mail to each employer who chose the daily digest, counting the live shares to their organization
    made since their last digest (or since they chose it). Run daily, with the reminders."""
    moment = moment or now()
    people = await User.select(User.id, User.email, User.name, User.organization, User.employer_digest_at).where(
        (User.employer_digest == True) & (User.active == True) & User.organization.is_not_null()  # noqa: E712
        & User.roles.any(Role.EMPLOYER)
    )
    if not people:
        return 0
    organizations = sorted({p["organization"] for p in people})
    shares = await Share.select(Share.organization, Share.created_at).where(
        Share.organization.is_in(organizations) & Share.revoked_at.is_null() & (Share.expires_at > moment)
    )
    names = {o["id"]: o["name"] for o in await Organization.select(Organization.id, Organization.name).where(
        Organization.id.is_in(organizations))}
    sent = 0
    for person in people:
        since = person["employer_digest_at"]
        count = sum(1 for s in shares if s["organization"] == person["organization"] and (since is None or s["created_at"] > since))
        if not count:
            continue
        async with write_transaction():
            await User.update({User.employer_digest_at: moment}).where(User.id == person["id"])
            await emails.employer_digest(to=person["email"], name=person["name"],
                                         organization=names[person["organization"]], count=count)
        sent += 1
    return sent


async def set_employer_digest(employer: CurrentUser, on: bool) -> None:
    # From now on: shares told one by one before this are not counted again in the first digest.
    await User.update({User.employer_digest: on, User.employer_digest_at: now()}).where(User.id == employer.id)


async def wants_employer_digest(employer: CurrentUser) -> bool:
    row = await User.select(User.employer_digest).where(User.id == employer.id).first()
    return bool(row and row["employer_digest"])
