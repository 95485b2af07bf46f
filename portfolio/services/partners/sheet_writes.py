"""Writing a confirmed spreadsheet import: the partners, relationships and contacts its plan lists. Called by
spreadsheet.apply inside its one write transaction, so a failure anywhere leaves nothing written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portfolio import clock
from portfolio.partner_tables import PartnerCluster, PartnerContact, PartnerOffering, PartnerOwner, PartnerSchool
from portfolio.services.accounts import CurrentUser
from portfolio.tables import Organization
from portfolio.vocabulary import OrganizationKind

if TYPE_CHECKING:
    from portfolio.services.partners.spreadsheet import PartnerPlan, Plan


# Rows inserted together at the end, a few hundred a statement (SQLite caps the values one statement takes).
BATCH = 300


class Batch:
    def __init__(self) -> None:
        self.rows: dict[type, list[Any]] = {}

    def add(self, *rows: Any) -> None:
        for row in rows:
            self.rows.setdefault(type(row), []).append(row)

    async def insert(self) -> None:
        for table, rows in self.rows.items():
            for start in range(0, len(rows), BATCH):
                await table.insert(*rows[start:start + BATCH])


async def _organization(found: PartnerPlan, batch: Batch) -> int:
    form, now = found.form, clock.now()
    if found.organization_id is None:
        organization_id = (await Organization.insert(Organization(
            name=form.name, kind=OrganizationKind.PARTNER, partner_kind=form.kind, website=form.website,
            address=form.address, created_at=now, updated_at=now,
        )).returning(Organization.id))[0]["id"]
        missing = list(form.clusters)
    elif found.partner_id is None:
        # Taking up an organization of the district, as records.create does: its kind if it had none, and
        # the clusters this school knows it for; nothing else of the shared record changes.
        organization_id = found.organization_id
        await Organization.update({Organization.partner_kind: form.kind}).where(
            (Organization.id == organization_id) & (Organization.partner_kind == ""))
        known = {r["cluster"] for r in await PartnerCluster.select(PartnerCluster.cluster).where(
            PartnerCluster.organization == organization_id)}
        missing = [c for c in form.clusters if c not in known]
    else:
        organization_id = found.organization_id
        if not found.changed:
            return organization_id
        await Organization.update({Organization.partner_kind: form.kind, Organization.website: form.website,
                                   Organization.address: form.address, Organization.updated_at: now}).where(
            Organization.id == organization_id)
        await PartnerCluster.delete().where(PartnerCluster.organization == organization_id)
        missing = list(form.clusters)
    batch.add(*[PartnerCluster(organization=organization_id, cluster=c) for c in missing])
    return organization_id


async def _relationship(user: CurrentUser, plan: Plan, found: PartnerPlan, organization_id: int, batch: Batch) -> int:
    form, now = found.form, clock.now()
    if found.partner_id is None:
        partner_id = (await PartnerSchool.insert(PartnerSchool(
            organization=organization_id, school=plan.school_id, status=form.status, created_by=user.id,
            created_at=now, updated_at=now,
        )).returning(PartnerSchool.id))[0]["id"]
        batch.add(PartnerOwner(partner=partner_id, staff=plan.owner_id))
    else:
        partner_id = found.partner_id
        if not (found.changed or found.new_contacts or found.changed_contacts):
            return partner_id
        changes = {PartnerSchool.status: form.status} if found.changed else {}
        await PartnerSchool.update(changes | {PartnerSchool.updated_at: now}).where(PartnerSchool.id == partner_id)
        if not found.changed:
            return partner_id
        await PartnerOffering.delete().where(PartnerOffering.partner == partner_id)
    batch.add(*[PartnerOffering(partner=partner_id, offering=o) for o in form.offerings])
    return partner_id


async def _contacts(found: PartnerPlan, partner_id: int, batch: Batch) -> None:
    now = clock.now()
    batch.add(*[PartnerContact(partner=partner_id, name=c.name, title=c.title, email=c.email, phone=c.phone,
                               reach_by=c.reach_by, role=c.role, created_at=now, updated_at=now)
                for c in found.new_contacts])
    for contact_id, c in found.changed_contacts.items():
        await PartnerContact.update({
            PartnerContact.name: c.name, PartnerContact.title: c.title, PartnerContact.email: c.email,
            PartnerContact.phone: c.phone, PartnerContact.reach_by: c.reach_by, PartnerContact.role: c.role,
            PartnerContact.updated_at: now}).where((PartnerContact.id == contact_id) & (PartnerContact.partner == partner_id))


async def write(user: CurrentUser, plan: Plan) -> None:
    batch = Batch()
    for found in plan.partners:
        organization_id = await _organization(found, batch)
        partner_id = await _relationship(user, plan, found, organization_id, batch)
        await _contacts(found, partner_id, batch)
    await batch.insert()
