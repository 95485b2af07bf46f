"""A school's partners as a list: searched, filtered and paged in a fixed number of queries, however many
partners the district has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from portfolio import db
from portfolio.forms.partners import PAGE_SIZE, DirectoryFilter
from portfolio.partner_tables import PartnerCluster, PartnerContact, PartnerOffering, PartnerOwner, PartnerSchool
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners import cold, interactions
from portfolio.services.partners.scope import sees_every_school, visible


@dataclass(frozen=True)
class Listing:
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def _where(user: CurrentUser, wanted: DirectoryFilter) -> Any:
    where = visible(user)
    if wanted.q:
        name = PartnerSchool.organization.name
        # SQLite's LIKE ignores the case of ASCII letters already; PostgreSQL needs ILIKE.
        where &= name.ilike(f"%{wanted.q}%") if isinstance(db.engine(), PostgresEngine) else name.like(f"%{wanted.q}%")
    if wanted.status:
        where &= PartnerSchool.status == wanted.status
    if wanted.kind:
        where &= PartnerSchool.organization.partner_kind == wanted.kind
    if wanted.cluster is not None:
        where &= PartnerSchool.organization.is_in(
            PartnerCluster.select(PartnerCluster.organization).where(PartnerCluster.cluster == wanted.cluster))
    if wanted.offering:
        where &= PartnerSchool.id.is_in(
            PartnerOffering.select(PartnerOffering.partner).where(PartnerOffering.offering == wanted.offering))
    if wanted.owner is not None:
        where &= PartnerSchool.id.is_in(PartnerOwner.select(PartnerOwner.partner).where(PartnerOwner.staff == wanted.owner))
    if wanted.school is not None and sees_every_school(user):
        where &= PartnerSchool.school == wanted.school
    return where


async def matching(user: CurrentUser, wanted: DirectoryFilter) -> Any:
    """The where-clause of every relationship the filter shows (the export takes all of them, not a page)."""
    where = _where(user, wanted)
    if wanted.cold:
        where &= PartnerSchool.id.is_in([c["id"] for c in await cold.going_cold(where)] or [0])
    return where


def _select(where: Any) -> Any:
    return PartnerSchool.select(
        PartnerSchool.id, PartnerSchool.status, PartnerSchool.updated_at, PartnerSchool.organization,
        PartnerSchool.organization.name.as_alias("name"), PartnerSchool.organization.partner_kind.as_alias("kind"),
        PartnerSchool.school.name.as_alias("school_name"),
    ).where(where)


def _pages(total: int, wanted: DirectoryFilter) -> tuple[int, int]:
    pages = max(1, -(-total // PAGE_SIZE))
    return min(wanted.page, pages), pages


async def _going_cold(where: Any, wanted: DirectoryFilter) -> tuple[list[dict[str, Any]], int, int, int]:
    """The page of partners going cold, in their order (never in touch first, then the longest silent)."""
    found = await cold.going_cold(where)
    page, pages = _pages(len(found), wanted)
    shown = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    rows = {r["id"]: r for r in await _select(PartnerSchool.id.is_in([c["id"] for c in shown] or [0]))}
    for c in shown:
        rows[c["id"]] |= {"quiet_days": c["quiet_days"], "cold": True}
    return [rows[c["id"]] for c in shown], len(found), page, pages


async def listing(user: CurrentUser, wanted: DirectoryFilter) -> Listing:
    where = _where(user, wanted)
    if wanted.cold:
        rows, total, page, pages = await _going_cold(where, wanted)
        return Listing(await _decorated(rows), total, page, pages)
    total = await PartnerSchool.count().where(where)
    page, pages = _pages(total, wanted)
    query = _select(where)
    if wanted.sort == "updated":
        query = query.order_by(PartnerSchool.updated_at, ascending=False)
    query = query.order_by(PartnerSchool.organization.name).order_by(PartnerSchool.id)
    rows = await query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    return Listing(await _decorated(rows), total, page, pages)


async def _decorated(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with its clusters, offerings, owners, active contacts and last contact: five queries a page."""
    ids = [r["id"] for r in rows] or [0]
    organizations = [r["organization"] for r in rows] or [0]
    clusters = await PartnerCluster.select(PartnerCluster.organization, PartnerCluster.cluster.name.as_alias("name")).where(
        PartnerCluster.organization.is_in(organizations)).order_by(PartnerCluster.cluster.position)
    offerings = await PartnerOffering.select(PartnerOffering.partner, PartnerOffering.offering).where(
        PartnerOffering.partner.is_in(ids))
    owners = await PartnerOwner.select(PartnerOwner.partner, PartnerOwner.staff.name.as_alias("name")).where(
        PartnerOwner.partner.is_in(ids)).order_by(PartnerOwner.staff.name)
    contacts = await PartnerContact.select(PartnerContact.partner).where(
        PartnerContact.partner.is_in(ids) & (PartnerContact.active == True))  # noqa: E712
    last_contacts = await interactions.last_contacts([r["id"] for r in rows])
    for row in rows:
        row["last_contact"] = last_contacts.get(row["id"])
        row["clusters"] = [c["name"] for c in clusters if c["organization"] == row["organization"]]
        row["offerings"] = [o["offering"] for o in offerings if o["partner"] == row["id"]]
        row["owners"] = [o["name"] for o in owners if o["partner"] == row["id"]]
        row["contacts"] = sum(1 for c in contacts if c["partner"] == row["id"])
    return rows
