"""The district's partner directory: organizations (the employers among them), each school's relationships
with them, their clusters, offerings, owners and contacts, and the history of interactions and follow-ups."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from portfolio.partner_tables import (
    FollowUp,
    InteractionContact,
    InteractionStaff,
    PartnerCluster,
    PartnerContact,
    PartnerInteraction,
    PartnerOffering,
    PartnerOwner,
    PartnerSchool,
)
from portfolio.partner_vocabulary import ContactRole, InteractionKind, Offering, PartnerKind, ReachBy
from portfolio.services.district import names
from portfolio.services.district.bulk import SCHOOLS, insert
from portfolio.services.district.people import District
from portfolio.tables import Organization
from portfolio.vocabulary import OrganizationKind

# The first school is the largest career center: it works with three times as many partners as the others.
SCHOOL_WEIGHTS = [3] + [1] * (SCHOOLS - 1)
STATUSES = (("active", 6), ("prospect", 2), ("paused", 1), ("former", 1))
INTERACTIONS_PER_PARTNER = 6
SUMMARIES = (
    "Talked about hosting job shadows next semester.", "Planned the spring career fair booth.",
    "Reviewed the internship schedule and supervisors.", "Asked them to speak to the second-year class.",
    "Toured the site with two teachers.", "Followed up on the equipment donation.",
)


async def directory(district: District) -> list[int]:
    """Every partner record; returns the employer organizations' ids (the first of them the README's employer)."""
    rng, now, sizes = district.rng, district.now, district.sizes
    count = -(-sizes.partners * 9 // 10)  # a tenth of the relationships are a second school's with the same organization
    employers = min(sizes.employers, count)
    kinds = [k for k in PartnerKind if k != PartnerKind.EMPLOYER]
    drawn = names.organizations(rng, count)
    organizations = await insert(Organization, ("name", "kind", "partner_kind", "website", "created_at"), (
        (name, OrganizationKind.EMPLOYER if n < employers else OrganizationKind.PARTNER,
         PartnerKind.EMPLOYER if n < employers or rng.random() < 0.5 else rng.choice(kinds),
         f"https://{name.split()[0].lower()}{n}.example", now)
        for n, name in enumerate(drawn)), ids=True)
    named = dict(zip(organizations, drawn))
    await insert(PartnerCluster, ("organization", "cluster"), (
        (org, cluster) for org in organizations
        for cluster, _ in rng.sample(district.clusters, rng.randint(1, 2))))
    pairs = []
    for n, org in enumerate(organizations):
        school = n if n < SCHOOLS else rng.choices(range(SCHOOLS), SCHOOL_WEIGHTS)[0]
        pairs.append((org, school))
        if n < sizes.partners - count:
            pairs.append((org, (school + 1 + rng.randrange(SCHOOLS - 1)) % SCHOOLS))
    statuses, weights = zip(*STATUSES)
    ids = await insert(PartnerSchool, ("organization", "school", "status", "created_by", "created_at", "updated_at"), (
        (org, district.schools[school], rng.choices(statuses, weights)[0], district.staff[school][0][0],
         now - timedelta(days=400), now - timedelta(days=rng.randint(0, 300))) for org, school in pairs), ids=True)
    district.partners = [[] for _ in range(SCHOOLS)]
    owners: dict[int, list[int]] = {}
    for partner, (org, school) in zip(ids, pairs):
        district.partners[school].append((partner, named[org]))
        # The first staff member of each school looks after half of its partners.
        staff = [s for s, _ in district.staff[school]]
        owners[partner] = [staff[0]] if rng.random() < 0.5 else rng.sample(staff[1:], rng.randint(1, 2))
    await insert(PartnerOffering, ("partner", "offering"), (
        (partner, offering) for partner in ids for offering in rng.sample(list(Offering), rng.randint(1, 4))))
    await insert(PartnerOwner, ("partner", "staff"), ((p, s) for p, staff in owners.items() for s in staff))
    await _contacts(district, ids)
    await _interactions(district, owners)
    return organizations[:employers]


async def _contacts(district: District, partners: list[int]) -> None:
    rng, now = district.rng, district.now
    chosen = [rng.choice(partners) for _ in range(district.sizes.contacts)]
    rows = []
    for partner in chosen:
        name = names.person(rng)
        rows.append((partner, name, rng.choice(names.TITLES), f"{name.split()[0].lower()}.{partner}@partner.example",
                     f"555-01{rng.randint(0, 99):02d}-{rng.randint(0, 9999):04d}", rng.choice(list(ReachBy)),
                     rng.choice(list(ContactRole)), rng.random() < 0.9, now, now))
    ids = await insert(PartnerContact, ("partner", "name", "title", "email", "phone", "reach_by", "role", "active",
                                        "created_at", "updated_at"), rows, ids=True)
    for contact, partner in zip(ids, chosen):
        district.contacts.setdefault(partner, []).append(contact)


async def _interactions(district: District, owners: dict[int, list[int]]) -> None:
    """About six per partner over the last year and a half; a third of them with a follow-up, the older ones done."""
    rng, today = district.rng, district.today
    partners = list(owners)
    chosen = [rng.choice(partners) for _ in range(len(partners) * INTERACTIONS_PER_PARTNER)]
    rows = []
    for partner in chosen:
        happened = today - timedelta(days=rng.randint(1, 540))
        rows.append((partner, rng.choice(list(InteractionKind)), happened, rng.choice(SUMMARIES), owners[partner][0],
                     datetime.combine(happened, time(15), timezone.utc)))
    ids = await insert(PartnerInteraction, ("partner", "kind", "happened_on", "summary", "created_by", "created_at"),
                       rows, ids=True)
    await insert(InteractionStaff, ("interaction", "staff"), ((i, row[4]) for i, row in zip(ids, rows)))
    await insert(InteractionContact, ("interaction", "contact"), (
        (i, rng.choice(district.contacts[partner])) for i, partner in zip(ids, chosen) if partner in district.contacts))
    follow_ups = []
    for interaction, (_, _, happened, _, owner, _) in zip(ids, rows):
        if rng.random() < 1 / 3:
            due = happened + timedelta(days=14)
            done = datetime.combine(due, time(12), timezone.utc) if due < today - timedelta(days=7) else None
            follow_ups.append((interaction, "Send them the dates we agreed on", owner, due, done, owner if done else None))
    await insert(FollowUp, ("interaction", "what", "owner", "due_on", "done_at", "done_by"), follow_ups)
