"""The directory as a spreadsheet: every partner the filter matches (not only one page), one row per contact,
in the import's columns so that the file can be edited and imported again, and a few read-only columns."""

from __future__ import annotations

from typing import Any

from portfolio.forms.partners import DirectoryFilter
from portfolio.partner_tables import PartnerCluster, PartnerContact, PartnerOffering, PartnerOwner, PartnerSchool
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners import directory, interactions, sheet
from portfolio.services.partners.scope import sees_every_school


def _grouped(rows: list[dict[str, Any]], key: str, value: str) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for row in rows:
        out.setdefault(row[key], []).append(row[value])
    return out


async def rows(user: CurrentUser, wanted: DirectoryFilter) -> tuple[tuple[str, ...], list[list[str]]]:
    """The header and the rows, in a fixed number of queries however many partners match."""
    every_school = sees_every_school(user)
    partners = await PartnerSchool.select(
        PartnerSchool.id, PartnerSchool.status, PartnerSchool.organization,
        PartnerSchool.organization.name.as_alias("name"), PartnerSchool.organization.partner_kind.as_alias("kind"),
        PartnerSchool.organization.website.as_alias("website"), PartnerSchool.organization.address.as_alias("address"),
        PartnerSchool.school.name.as_alias("school_name"),
    ).where(await directory.matching(user, wanted)).order_by(PartnerSchool.organization.name).order_by(PartnerSchool.id)
    ids = [p["id"] for p in partners] or [0]
    organizations = [p["organization"] for p in partners] or [0]
    clusters = _grouped(await PartnerCluster.select(
        PartnerCluster.organization, PartnerCluster.cluster.name.as_alias("name")).where(
        PartnerCluster.organization.is_in(organizations)).order_by(PartnerCluster.cluster.position), "organization", "name")
    offerings = _grouped(await PartnerOffering.select(PartnerOffering.partner, PartnerOffering.offering).where(
        PartnerOffering.partner.is_in(ids)).order_by(PartnerOffering.id), "partner", "offering")
    owners = _grouped(await PartnerOwner.select(PartnerOwner.partner, PartnerOwner.staff.name.as_alias("name")).where(
        PartnerOwner.partner.is_in(ids)).order_by(PartnerOwner.staff.name), "partner", "name")
    contacts: dict[int, list[dict[str, Any]]] = {}
    for contact in await PartnerContact.select().where(PartnerContact.partner.is_in(ids)).order_by(
            PartnerContact.active, ascending=False).order_by(PartnerContact.name).order_by(PartnerContact.id):
        contacts.setdefault(contact["partner"], []).append(contact)
    last = await interactions.last_contacts([p["id"] for p in partners])
    out = []
    for p in partners:
        partner = [p["name"], p["kind"], p["website"], p["address"], p["status"],
                   f"{sheet.LIST} ".join(clusters.get(p["organization"], [])),
                   f"{sheet.LIST} ".join(offerings.get(p["id"], []))]
        after = [", ".join(owners.get(p["id"], [])), last[p["id"]].isoformat() if last.get(p["id"]) else ""]
        after += [p["school_name"]] if every_school else []
        for c in contacts.get(p["id"]) or [None]:
            person = [c["name"], c["title"], c["email"], c["phone"], c["reach_by"], c["role"],
                      "yes" if c["active"] else "no"] if c else [""] * 7
            out.append(partner + person + after)
    header = sheet.COLUMNS + sheet.READ_ONLY[: len(sheet.READ_ONLY) - (0 if every_school else 1)]
    return header, out


async def export(user: CurrentUser, wanted: DirectoryFilter, ip: str = "") -> str:
    header, found = await rows(user, wanted)
    # What was exported, not its content: how many rows, and whether a filter narrowed it.
    await audit.record("partners.exported", actor_id=user.id, subject=f"school:{user.school_id or 'all'}", ip=ip,
                       rows=len(found), filtered=wanted.filtered)
    return "\ufeff" + sheet.write(header, found)
