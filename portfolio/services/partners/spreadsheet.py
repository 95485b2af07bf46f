"""Importing partners and contacts from a spreadsheet. `plan` is the dry run: row by row, what would be created,
changed or left alone, and why a row cannot be taken; it writes nothing. `apply` makes the plan again inside
one write transaction and writes it only when it has no error and is the very plan the person saw (its
fingerprint), so a confirmed import writes all of it or nothing, and never something unseen.

Rows are judged by the partner forms' own parsers (parse_partner, parse_contact), so a row obeys exactly the
rules of the web forms. Partners are matched in the whole district by name (as records.similar reads names)
or website host; contacts only among this school's contacts of that partner, so another school's contacts
are never read, let alone shown."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from portfolio import db
from portfolio.errors import FormErrors, NotFound
from portfolio.forms.partners import (
    ContactForm,
    PartnerChoices,
    PartnerForm,
    parse_contact,
    parse_partner,
    website_host,
)
from portfolio.parse import normalize_email
from portfolio.partner_tables import PartnerCluster, PartnerContact, PartnerOffering, PartnerSchool
from portfolio.partner_vocabulary import (
    CONTACT_ROLE_LABELS,
    OFFERING_LABELS,
    PARTNER_KIND_LABELS,
    PARTNER_STATUS_LABELS,
    REACH_BY_LABELS,
    ContactRole,
    Offering,
    PartnerKind,
    PartnerStatus,
    ReachBy,
)
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners import sheet
from portfolio.services.partners.records import name_key
from portfolio.services.partners.scope import sees_every_school
from portfolio.services.partners.sheet_writes import write
from portfolio.tables import CareerCluster, Organization, User
from portfolio.vocabulary import Role

# A cell may hold a choice's value (as the export writes it) or its label (as the forms show it).
ENUMS: dict[str, tuple[type[StrEnum], dict[Any, str], str]] = {
    "kind": (PartnerKind, PARTNER_KIND_LABELS, "a partner kind"),
    "status": (PartnerStatus, PARTNER_STATUS_LABELS, "a partner status"),
    "reach_by": (ReachBy, REACH_BY_LABELS, "a way to reach someone"),
    "role": (ContactRole, CONTACT_ROLE_LABELS, "a contact role"),
}
CONTACT_COLUMNS = ("contact_name", "title", "email", "phone", "reach_by", "role")


@dataclass
class RowResult:
    number: int
    organization: str
    outcome: str = "same"  # create, update, same or error
    notes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class PartnerPlan:
    organization_id: int | None  # None: a new organization
    partner_id: int | None  # this school's relationship; None: a new one
    form: PartnerForm
    first_row: int
    changed: bool = False
    new_contacts: list[ContactForm] = field(default_factory=list)
    changed_contacts: dict[int, ContactForm] = field(default_factory=dict)
    # This school's contacts there, to match rows against (read, never written by the plan).
    known_contacts: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Plan:
    school_id: int
    school_name: str
    owner_id: int
    rows: list[RowResult] = field(default_factory=list)
    partners: list[PartnerPlan] = field(default_factory=list)
    problem: str = ""  # the file as a whole could not be read
    ignored: list[str] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return bool(self.problem) or any(r.errors for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows), "errors": sum(1 for r in self.rows if r.errors),
            "partners_created": sum(1 for p in self.partners if p.partner_id is None),
            "partners_updated": sum(1 for p in self.partners if p.changed),
            "contacts_created": sum(len(p.new_contacts) for p in self.partners),
            "contacts_updated": sum(len(p.changed_contacts) for p in self.partners),
        }

    @property
    def writes(self) -> bool:
        counts = self.counts
        return any(counts[k] for k in ("partners_created", "partners_updated", "contacts_created", "contacts_updated"))

    @property
    def fingerprint(self) -> str:
        seen = repr((self.school_id, self.owner_id, [(p.organization_id, p.partner_id, p.form, p.changed,
                                                      p.new_contacts, sorted(p.changed_contacts.items()))
                                                     for p in self.partners]))
        return hashlib.sha256(seen.encode()).hexdigest()


async def target(user: CurrentUser, owner_id: int | None) -> tuple[int, str, int]:
    """The school the import goes to and the owner of the partners it adds: for staff, their own school and
    themselves; an admin names the owner among a school's staff, and the import goes to that school."""
    owner = user.id if not sees_every_school(user) else owner_id
    row = await User.select(User.id, User.school, User.school.name.as_alias("school_name")).where(
        (User.id == (owner or 0)) & User.roles.any(Role.STAFF) & (User.active == True)  # noqa: E712
        & User.school.is_not_null()).first()
    if row is None:
        if sees_every_school(user):
            raise FormErrors({"owner": "Choose the staff member who will own the partners it adds."}, {})
        raise NotFound("school")
    return row["school"], row["school_name"], row["id"]


async def _state(school_id: int) -> dict[str, Any]:
    """What matching needs, in a fixed number of queries however long the file."""
    clusters = await CareerCluster.select(CareerCluster.id, CareerCluster.name, CareerCluster.code).where(
        CareerCluster.active == True)  # noqa: E712
    ours = PartnerSchool.select(PartnerSchool.id).where(PartnerSchool.school == school_id)
    relationships = await PartnerSchool.select(PartnerSchool.id, PartnerSchool.organization, PartnerSchool.status).where(
        PartnerSchool.school == school_id)
    offerings = await PartnerOffering.select(PartnerOffering.partner, PartnerOffering.offering).where(
        PartnerOffering.partner.is_in(ours))
    contacts = await PartnerContact.select().where(PartnerContact.partner.is_in(ours)).order_by(PartnerContact.id)
    organizations = await Organization.select(Organization.id, Organization.name, Organization.website,
                                              Organization.address, Organization.partner_kind).order_by(Organization.id)
    org_clusters: dict[int, list[int]] = {}
    for row in await PartnerCluster.select(PartnerCluster.organization, PartnerCluster.cluster):
        org_clusters.setdefault(row["organization"], []).append(row["cluster"])
    offered: dict[int, list[str]] = {}
    for row in offerings:
        offered.setdefault(row["partner"], []).append(row["offering"])
    people: dict[int, list[dict[str, Any]]] = {}
    for row in contacts:
        people.setdefault(row["partner"], []).append(row)
    by_org = {r["organization"]: r | {"offerings": offered.get(r["id"], []), "contacts": people.get(r["id"], [])}
              for r in relationships}
    names = {c["name"].casefold(): c["id"] for c in clusters} | {c["code"].casefold(): c["id"] for c in clusters}
    state = {"clusters": {c["id"]: c["name"] for c in clusters}, "cluster_names": names, "by_key": {}, "by_host": {},
             "org_clusters": org_clusters, "relationships": by_org, "planned": {}}
    for org in organizations:
        _index(state, org)
    return state


def _index(state: dict[str, Any], org: dict[str, Any]) -> None:
    """The organization found again by its name read as records.similar reads it, and by its website's host."""
    if key := name_key(org["name"]):
        state["by_key"].setdefault(key, []).append(org)
    if host := website_host(org["website"]):
        state["by_host"].setdefault(host, []).append(org)


def _error(result: RowResult, column: str, message: str) -> None:
    result.errors.append(f"Row {result.number}, column '{column}': {message}")


def _vocabulary(result: RowResult, cells: dict[str, str]) -> dict[str, Any]:
    """The cells in the forms' terms: a kind, status, offering written as its value or its label, clusters by
    name or code. A word none of them is gets an error naming the choices."""
    out: dict[str, Any] = {}
    for column, (enum, labels, what) in ENUMS.items():
        if cells[column]:
            out[column] = _choose(result, column, cells[column], enum, labels, what)
    offerings = [_choose(result, "offerings", o, Offering, OFFERING_LABELS, "an offering")
                 for o in sheet.split_list(cells["offerings"])]
    out["offerings"] = [o for o in offerings if o]
    return out


def _choose(result: RowResult, column: str, cell: str, enum: type[StrEnum], labels: dict[Any, str], what: str) -> str:
    wanted = cell.casefold().strip()
    for member in enum:
        if wanted in (member.value, labels.get(member, "").casefold()):
            return member.value
    _error(result, column, f"'{cell}' is not {what}; choose one of {', '.join(m.value for m in enum)}.")
    return ""


def _clusters(result: RowResult, state: dict[str, Any], cell: str) -> list[int]:
    found = []
    for name in sheet.split_list(cell):
        if (cluster := state["cluster_names"].get(name.casefold())) is None:
            _error(result, "clusters", f"'{name}' is not a career cluster; use the names listed on the import page.")
        else:
            found.append(cluster)
    return found


def _match(result: RowResult, state: dict[str, Any], name: str, website: str) -> dict[str, Any] | None:
    key, host = name_key(name), website_host(website if "//" in website else f"https://{website}")
    named = state["by_key"].get(key, []) if key else []
    hosted = state["by_host"].get(host, []) if host else []
    # A name of one organization and the website of another: which one the row means is for a person to say.
    candidates = [o for o in named if o in hosted] or named + [o for o in hosted if o not in named]
    if len({o["id"] for o in candidates}) > 1:
        _error(result, "organization", "it matches more than one organization in the district's directory ("
               + "; ".join(o["name"] for o in candidates) + "): make the name or the website tell them apart.")
        return None
    return candidates[0] if candidates else None


def _same_site(a: str, b: str) -> bool:
    def key(url: str) -> str:
        rest = url.split("//", 1)[-1].lower().removeprefix("www.")
        return rest.rstrip("/")
    return key(a) == key(b)


def _partner_form(result: RowResult, state: dict[str, Any], plan: Plan, cells: dict[str, str], words: dict[str, Any],
                  base: dict[str, Any]) -> PartnerForm | None:
    raw = dict(base)
    for column in ("website", "address"):
        if cells[column]:
            raw[column] = cells[column]
    for column in ("kind", "status"):
        if words.get(column):
            raw[column] = words[column]
    if cells["clusters"]:
        raw["clusters"] = [str(c) for c in _clusters(result, state, cells["clusters"])]
    if cells["offerings"]:
        raw["offerings"] = words["offerings"]
    raw["owners"] = str(plan.owner_id)
    choices = PartnerChoices(state["clusters"], {plan.owner_id: ""}, {})
    try:
        return parse_partner(raw, choices)
    except FormErrors as problem:
        taken = {e.split("'")[1] for e in result.errors}
        for name, message in problem.errors.items():
            column = sheet.FIELD_COLUMNS.get(name, name)
            if column not in taken:
                _error(result, column, message)
        return None


def _recorded(org: dict[str, Any], state: dict[str, Any], relationship: dict[str, Any] | None) -> dict[str, Any]:
    return {"name": org["name"], "kind": org["partner_kind"], "website": org["website"], "address": org["address"],
            "clusters": [str(c) for c in state["org_clusters"].get(org["id"], [])],
            "status": relationship["status"] if relationship else "prospect",
            "offerings": relationship["offerings"] if relationship else []}


def _changes(before: PartnerForm, after: PartnerForm) -> list[str]:
    changed = [name for name in ("kind", "address", "status") if getattr(before, name) != getattr(after, name)]
    if not _same_site(before.website, after.website):
        changed.append("website")
    changed += [name for name in ("clusters", "offerings") if set(getattr(before, name)) != set(getattr(after, name))]
    return changed


def _partner(result: RowResult, state: dict[str, Any], plan: Plan, cells: dict[str, str],
             words: dict[str, Any]) -> PartnerPlan | None:
    org = _match(result, state, cells["organization"], cells["website"])
    if result.errors and org is None:
        return None
    planned: PartnerPlan | None = state["planned"].get(org["id"]) if org else None
    if planned is not None:
        base = {f: getattr(planned.form, f) for f in ("name", "website", "address")} | {
            "kind": planned.form.kind.value, "status": planned.form.status.value,
            "clusters": [str(c) for c in planned.form.clusters], "offerings": [o.value for o in planned.form.offerings]}
        form = _partner_form(result, state, plan, cells, words, base)
        if form is not None and (differ := _changes(planned.form, form)):
            _error(result, differ[0], f"this partner's details differ from row {planned.first_row}'s. Give them "
                                      "once, or the same on every row of the partner.")
        return planned
    relationship = state["relationships"].get(org["id"]) if org else None
    base = _recorded(org, state, relationship) if org else {"name": cells["organization"], "status": "prospect"}
    form = _partner_form(result, state, plan, cells, words, base)
    if form is None:
        return None
    if org is None:
        found = PartnerPlan(None, None, form, result.number)
        result.notes.append("New partner.")
        org = {"id": -len(plan.partners) - 1, "name": form.name, "website": form.website}
        _index(state, org)
    elif relationship is None:
        found = PartnerPlan(org["id"], None, form, result.number)
        result.notes.append("Already in the district's directory: your school's relationship with it is added.")
    else:
        recorded = _partner_form(result, state, plan, {c: "" for c in sheet.COLUMNS}, {}, base)
        differ = _changes(recorded, form) if recorded else []
        if "website" not in differ:
            form = replace(form, website=org["website"])  # the address as recorded, not another spelling of it
        found = PartnerPlan(org["id"], relationship["id"], form, result.number, changed=bool(differ))
        found.known_contacts = relationship["contacts"]
        result.notes.append(("Partner exists: changes " + ", ".join(differ) + ".") if differ else
                            "Partner exists, nothing to change.")
    state["planned"][org["id"]] = found
    plan.partners.append(found)
    return found


def _contact_base(cells: dict[str, str], match: dict[str, Any] | None) -> dict[str, str]:
    if match:
        return {"contact_name": match["name"], "title": match["title"], "email": match["email"],
                "phone": match["phone"], "reach_by": match["reach_by"], "role": match["role"]}
    reach = "email" if cells["email"] else "phone" if cells["phone"] else "in_person"
    return {"reach_by": reach, "role": ContactRole.EDUCATION_OUTREACH.value}


def _contact(result: RowResult, partner: PartnerPlan, cells: dict[str, str], words: dict[str, Any]) -> None:
    if not any(cells[c] for c in CONTACT_COLUMNS):
        return
    known = partner.known_contacts
    email, name = normalize_email(cells["email"]), " ".join(cells["contact_name"].split()).casefold()
    same = [c for c in known if (c["email"] == email if email else not c["email"] and c["name"].casefold() == name)]
    taken = [c for c in partner.new_contacts if (c.email == email if email else c.name.casefold() == name)]
    raw = _contact_base(cells, same[0] if same else None)
    raw |= {c: cells[c] for c in CONTACT_COLUMNS if cells[c] and c not in ENUMS}
    raw |= {c: words[c] for c in ("reach_by", "role") if words.get(c)}
    try:
        form = parse_contact(raw)
    except FormErrors as problem:
        taken_columns = {e.split("'")[1] for e in result.errors}
        for column, message in problem.errors.items():
            if column not in taken_columns:
                _error(result, column, message)
        return
    if taken:
        if taken[0] != form:
            _error(result, "contact_name", "the same contact is on an earlier row with other details.")
        return
    if not same:
        partner.new_contacts.append(form)
        result.notes.append(f"New contact: {form.name}.")
        return
    recorded = parse_contact(_contact_base(cells, same[0]))
    differ = [f for f in ("name", "title", "email", "phone", "reach_by", "role") if getattr(recorded, f) != getattr(form, f)]
    if differ:
        partner.changed_contacts[same[0]["id"]] = form
        result.notes.append(f"Contact {form.name}: changes {', '.join(differ)}.")
    else:
        result.notes.append(f"Contact {form.name} already there, nothing changed.")


async def plan(user: CurrentUser, content: bytes, owner_id: int | None = None) -> Plan:
    school_id, school_name, owner = await target(user, owner_id)
    found = Plan(school_id, school_name, owner)
    try:
        read = sheet.read(content)
    except sheet.SheetProblem as problem:
        found.problem = str(problem)
        return found
    found.ignored = read.ignored
    state = await _state(school_id)
    for number, cells in read.rows:
        result = RowResult(number, cells["organization"])
        words = _vocabulary(result, cells)
        partner = _partner(result, state, found, cells, words)
        if partner is not None:
            _contact(result, partner, cells, words)
        found.rows.append(result)
        if result.errors:
            result.outcome = "error"
        elif any(n.startswith(("New", "Already")) for n in result.notes):
            result.outcome = "create"
        elif any("changes" in n for n in result.notes):
            result.outcome = "update"
    return found


async def apply(user: CurrentUser, content: bytes, owner_id: int | None, fingerprint: str, ip: str = "") -> tuple[Plan, bool]:
    """The plan made again and written, in one transaction, if it has no error and is the one seen (else the
    new plan, unwritten, to be shown)."""
    async with db.write_transaction():
        found = await plan(user, content, owner_id)
        if found.blocked or found.fingerprint != fingerprint or not found.writes:
            return found, False
        await write(user, found)
        # Counts only: the file's names and addresses stay out of the audit trail.
        await audit.record("partners.imported", actor_id=user.id, subject=f"school:{found.school_id}", ip=ip,
                           **found.counts)
    return found, True
