"""A partner as one school has it: adding one (warning first about a similar organization already in the
district), its page, and changing it."""

from __future__ import annotations

import re
from typing import Any

from portfolio import clock, db
from portfolio.errors import FormErrors, NotFound
from portfolio.forms.partners import PartnerChoices, PartnerForm, tel_uri, website_host
from portfolio.partner_tables import PartnerCluster, PartnerContact, PartnerOffering, PartnerOwner, PartnerSchool
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners.scope import relationship, sees_every_school
from portfolio.tables import CareerCluster, Organization, School, User
from portfolio.vocabulary import OrganizationKind, Role

# Words that do not tell two organizations apart: "Acme Manufacturing, Inc." is "acme manufacturing".
LEGAL_WORDS = {"inc", "incorporated", "llc", "ltd", "limited", "co", "corp", "corporation", "company", "the", "pllc",
               "lp", "llp"}


def name_key(name: str) -> str:
    words = re.sub(r"[^0-9a-z]+", " ", name.casefold().replace("&", " and ")).split()
    return " ".join(w for w in words if w not in LEGAL_WORDS)


class PossibleDuplicate(FormErrors):
    """An organization with a similar name or the same website is already in the district: the add form
    comes back offering to use it, or to add a new one anyway; the edit form, to save anyway."""

    def __init__(self, matches: list[dict[str, Any]], values: dict[str, Any], editing: bool = False) -> None:
        message = ("The new name or website matches another organization in the district's directory. Check it "
                   "is a different organization, then save anyway." if editing else
                   "This partner may already be in the district's directory. Use the existing record, or add a "
                   "new one anyway.")
        super().__init__({"form": message}, values)
        self.matches = matches


async def choices(user: CurrentUser, school_id: int | None = None) -> PartnerChoices:
    """The clusters, the staff who may own a partner (of the person's school; an admin: of every school, or of
    the one named) and, for an admin, the schools."""
    clusters = await CareerCluster.select(CareerCluster.id, CareerCluster.name).where(
        CareerCluster.active == True  # noqa: E712
    ).order_by(CareerCluster.position)
    staff = User.select(User.id, User.name, User.school.name.as_alias("school_name")).where(
        User.roles.any(Role.STAFF) & (User.active == True)  # noqa: E712
    ).order_by(User.name)
    schools: dict[int, str] = {}
    if sees_every_school(user):
        schools = {s["id"]: s["name"] for s in await School.select(School.id, School.name).order_by(School.name)}
        if school_id is not None:
            staff = staff.where(User.school == school_id)
        else:
            staff = staff.where(User.school.is_not_null())
    else:
        staff = staff.where(User.school == (user.school_id if user.school_id is not None else -1))
    owners = {s["id"]: s["name"] + (f" ({s['school_name']})" if schools else "") for s in await staff}
    return PartnerChoices({c["id"]: c["name"] for c in clusters}, owners, schools)


async def similar(name: str, website: str, excluding: int | None = None) -> list[dict[str, Any]]:
    """Organizations of the district whose name reads the same (case, punctuation and "Inc"/"LLC" aside) or
    whose website has the same host."""
    key, host = name_key(name), website_host(website)
    found = []
    for org in await Organization.select(Organization.id, Organization.name, Organization.website):
        if org["id"] != excluding and ((key and name_key(org["name"]) == key) or (host and website_host(org["website"]) == host)):
            found.append(org)
    return found


def _school_of(user: CurrentUser, form: PartnerForm) -> int:
    school_id = form.school_id if sees_every_school(user) else user.school_id
    if school_id is None:
        raise NotFound("school")
    return school_id


async def create(user: CurrentUser, form: PartnerForm, values: dict[str, Any]) -> int:
    """This school's relationship with a new or an existing organization; its id. A form sent twice (the same
    client UUID), or a school taking up an organization it already has, gives the relationship it made first."""
    school_id = _school_of(user, form)
    # An admin chose among every school's staff: the owners must work at the partner's school.
    if await User.count().where(User.id.is_in(list(form.owners)) & (User.school != school_id)):
        raise FormErrors({"owners": "Choose owners among the staff of that school."}, values)
    async with db.write_transaction():
        if form.client_uuid is not None:
            again = await PartnerSchool.select(PartnerSchool.id).where(
                (PartnerSchool.client_uuid == form.client_uuid) & (PartnerSchool.school == school_id)).first()
            if again:
                return again["id"]
        organization_id = form.existing
        if organization_id is not None:
            if not await Organization.exists().where(Organization.id == organization_id):
                raise NotFound("organization")
            await Organization.update({Organization.partner_kind: form.kind}).where(
                (Organization.id == organization_id) & (Organization.partner_kind == ""))
            # The clusters this school knows it for join those already recorded; nothing else of the record changes.
            known = {r["cluster"] for r in await PartnerCluster.select(PartnerCluster.cluster).where(
                PartnerCluster.organization == organization_id)}
            if missing := [c for c in form.clusters if c not in known]:
                await PartnerCluster.insert(*[PartnerCluster(organization=organization_id, cluster=c) for c in missing])
        else:
            if not form.confirmed_new and (matches := await similar(form.name, form.website)):
                raise PossibleDuplicate(matches, values)
            now = clock.now()
            organization_id = (await Organization.insert(Organization(
                name=form.name, kind=OrganizationKind.PARTNER, partner_kind=form.kind, website=form.website,
                address=form.address, created_at=now, updated_at=now,
            )).returning(Organization.id))[0]["id"]
            await _set_clusters(organization_id, form.clusters)
        existing = await PartnerSchool.select(PartnerSchool.id).where(
            (PartnerSchool.organization == organization_id) & (PartnerSchool.school == school_id)).first()
        if existing:
            return existing["id"]
        now = clock.now()
        partner_id = (await PartnerSchool.insert(PartnerSchool(
            organization=organization_id, school=school_id, status=form.status, client_uuid=form.client_uuid,
            created_by=user.id, created_at=now, updated_at=now, notes=form.notes,
        )).returning(PartnerSchool.id))[0]["id"]
        await _set_relationship(partner_id, form)
    return partner_id


async def update(user: CurrentUser, partner_id: int, form: PartnerForm, values: dict[str, Any] | None = None) -> None:
    """The organization's facts (shared by every school that works with it) and this school's relationship.
    A new name or website that matches another organization warns first, as adding does, unless confirmed."""
    found = await relationship(user, partner_id)
    renamed = name_key(form.name) != name_key(found["name"])
    moved = website_host(form.website) != website_host(found["website"])
    if (renamed or moved) and not form.confirmed_new:
        matches = await similar(form.name if renamed else "", form.website if moved else "", found["organization"])
        if matches:
            raise PossibleDuplicate(matches, values or {}, editing=True)
    async with db.write_transaction():
        now = clock.now()
        await Organization.update({
            Organization.name: form.name, Organization.partner_kind: form.kind, Organization.website: form.website,
            Organization.address: form.address, Organization.updated_at: now,
        }).where(Organization.id == found["organization"])
        await _set_clusters(found["organization"], form.clusters)
        await PartnerSchool.update({PartnerSchool.status: form.status, PartnerSchool.notes: form.notes,
                                    PartnerSchool.updated_at: now}).where(PartnerSchool.id == partner_id)
        await _set_relationship(partner_id, form)


async def _set_clusters(organization_id: int, clusters: tuple[int, ...]) -> None:
    await PartnerCluster.delete().where(PartnerCluster.organization == organization_id)
    if clusters:
        await PartnerCluster.insert(*[PartnerCluster(organization=organization_id, cluster=c) for c in clusters])


async def _set_relationship(partner_id: int, form: PartnerForm) -> None:
    await PartnerOffering.delete().where(PartnerOffering.partner == partner_id)
    if form.offerings:
        await PartnerOffering.insert(*[PartnerOffering(partner=partner_id, offering=o) for o in form.offerings])
    await PartnerOwner.delete().where(PartnerOwner.partner == partner_id)
    await PartnerOwner.insert(*[PartnerOwner(partner=partner_id, staff=s) for s in form.owners])


async def owner_choices_for(user: CurrentUser, partner_id: int) -> tuple[dict[str, Any], PartnerChoices]:
    """A relationship and what its edit form may choose: the owners are its own school's staff."""
    found = await relationship(user, partner_id)
    found_choices = await choices(user, found["school"])
    # An admin edits a relationship of the school it belongs to: no school to choose.
    return found, PartnerChoices(found_choices.clusters, found_choices.owners, {})


async def page(user: CurrentUser, partner_id: int) -> dict[str, Any]:
    """Everything the partner's page shows, in a fixed number of queries. The other schools working with the
    organization are named and nothing more: their contacts, status and owners are theirs."""
    found = await relationship(user, partner_id)
    clusters = await PartnerCluster.select(PartnerCluster.cluster.name.as_alias("name"), PartnerCluster.cluster).where(
        PartnerCluster.organization == found["organization"]).order_by(PartnerCluster.cluster.position)
    offerings = await PartnerOffering.select(PartnerOffering.offering).where(PartnerOffering.partner == partner_id)
    owners = await PartnerOwner.select(PartnerOwner.staff.as_alias("id"), PartnerOwner.staff.name.as_alias("name")).where(
        PartnerOwner.partner == partner_id).order_by(PartnerOwner.staff.name)
    contacts = await PartnerContact.select().where(PartnerContact.partner == partner_id).order_by(
        PartnerContact.active, ascending=False).order_by(PartnerContact.name)
    for contact in contacts:
        contact["tel"] = tel_uri(contact["phone"]) if contact["phone"] else ""
    others = await PartnerSchool.select(PartnerSchool.school.name.as_alias("name")).where(
        (PartnerSchool.organization == found["organization"]) & (PartnerSchool.id != partner_id)
    ).order_by(PartnerSchool.school.name)
    return found | {
        "clusters": clusters, "offerings": [o["offering"] for o in offerings], "owners": owners,
        "contacts": contacts, "also_with": [o["name"] for o in others],
    }


def as_form(found: dict[str, Any]) -> dict[str, Any]:
    """A partner page's data as the edit form's values."""
    return {"name": found["name"], "kind": found["kind"], "website": found["website"], "address": found["address"],
            "status": found["status"], "clusters": [str(c["cluster"]) for c in found["clusters"]],
            "offerings": list(found["offerings"]), "owners": [str(o["id"]) for o in found["owners"]],
            "notes": found["notes"]}
