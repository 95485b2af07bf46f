"""Which relationships a person may see: their own school's; an admin, every school's."""

from __future__ import annotations

from typing import Any

from portfolio.errors import NotFound
from portfolio.partner_tables import PartnerSchool
from portfolio.services.accounts import CurrentUser
from portfolio.vocabulary import Role


def sees_every_school(user: CurrentUser) -> bool:
    return user.has(Role.ADMIN)


def visible(user: CurrentUser) -> Any:
    """The where-clause of the relationships the person may open."""
    if sees_every_school(user):
        return PartnerSchool.id > 0
    return PartnerSchool.school == (user.school_id if user.school_id is not None else -1)


async def relationship(user: CurrentUser, partner_id: int) -> dict[str, Any]:
    """The relationship with its organization, or NotFound: another school's reads as none at all."""
    row = await PartnerSchool.select(
        PartnerSchool.id, PartnerSchool.status, PartnerSchool.school, PartnerSchool.school.name.as_alias("school_name"),
        PartnerSchool.organization, PartnerSchool.created_at, PartnerSchool.updated_at, PartnerSchool.notes,
        PartnerSchool.organization.name.as_alias("name"), PartnerSchool.organization.website.as_alias("website"),
        PartnerSchool.organization.address.as_alias("address"),
        PartnerSchool.organization.partner_kind.as_alias("kind"),
    ).where((PartnerSchool.id == partner_id) & visible(user)).first()
    if row is None:
        raise NotFound("partner")
    return row
