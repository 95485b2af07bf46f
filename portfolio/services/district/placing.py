"""Each school's opportunities (past and coming, some with several partners), their sessions and sign-ups (seats
taken, then a waitlist in order), who came to the past ones, and placements at each stage with their agreements
signed over the text the app makes: enough for the staff's lists, the students' Explore page, the rosters and the
placement pages to be measured at district size. Attendance rows name the staff member who marked them; the
entries a mark makes are not generated again here (the students' entries are already a district's history)."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from portfolio.opportunity_tables import (
    Attendance,
    Opportunity,
    OpportunityCluster,
    OpportunityPartner,
    OpportunitySession,
    SignUp,
)
from portfolio.opportunity_vocabulary import (
    AgreementParty,
    CheckInMethod,
    OpportunityStatus,
    PlacementStatus,
    SignUpStatus,
)
from portfolio.partner_tables import PartnerContact
from portfolio.placement_tables import AgreementSignature, Placement
from portfolio.services.district import names
from portfolio.services.district.bulk import SCHOOLS, insert
from portfolio.services.district.people import District
from portfolio.services.placements.agreement import hash_of, text_of
from portfolio.tables import CareerCluster
from portfolio.vocabulary import ExperienceKind

OPPORTUNITIES = 320  # at scale 1.0: forty a school, over a school year
PLACEMENTS = 1_500
KINDS = (ExperienceKind.SITE_VISIT, ExperienceKind.GUEST_LECTURE, ExperienceKind.JOB_SHADOW, ExperienceKind.CAREER_FAIR,
         ExperienceKind.MOCK_INTERVIEW)
PLACED = (ExperienceKind.JOB_SHADOW, ExperienceKind.INTERNSHIP, ExperienceKind.APPRENTICESHIP)


async def placing(district: District) -> None:
    await _opportunities(district)
    await _placements(district)


async def _opportunities(district: District) -> None:
    rng, now = district.rng, district.now
    count = max(SCHOOLS, district.sizes.of(OPPORTUNITIES))
    made = []  # (school, kind, capacity, starts, partners)
    for n in range(count):
        school = n % SCHOOLS
        partners = district.partners[school]
        hosts = rng.sample(partners, min(len(partners), 6 if rng.random() < 0.1 else 1)) if partners else []
        starts = datetime.combine(district.today + timedelta(days=rng.randint(-180, 120)), time(rng.choice((9, 10, 13))),
                                  timezone.utc)
        made.append((school, rng.choice(KINDS), rng.choice((None, 12, 20, 30, 40)), starts, hosts))
    ids = await insert(Opportunity, ("school", "kind", "title", "place", "status", "capacity", "created_by", "created_at",
                                     "updated_at"), (
        (district.schools[school], kind, f"{names.ENTRY_TITLES[kind].format(trade=rng.choice(names.TRADES).lower())}",
         hosts[0][1] if hosts else "Career center", OpportunityStatus.OPEN if starts > now else OpportunityStatus.CLOSED,
         capacity, district.staff[school][0][0], starts - timedelta(days=30), starts - timedelta(days=30))
        for school, kind, capacity, starts, hosts in made), ids=True)
    await insert(OpportunityPartner, ("opportunity", "partner", "station"), (
        (opportunity, partner, f"Table {n + 1}" if len(hosts) > 1 else "")
        for opportunity, (_, _, _, _, hosts) in zip(ids, made) for n, (partner, _name) in enumerate(hosts)))
    await insert(OpportunityCluster, ("opportunity", "cluster"), (
        (opportunity, rng.choice(district.clusters)[0]) for opportunity in ids))
    sessions = await insert(OpportunitySession, ("opportunity", "starts_at", "ends_at"), (
        (opportunity, starts, starts + timedelta(hours=2)) for opportunity, (_, _, _, starts, _) in zip(ids, made)), ids=True)
    await _sign_ups(district, ids, made, sessions)


async def _sign_ups(district: District, ids: list[int], made: list[tuple], sessions: list[int]) -> None:
    """Students of the school sign up: the first `capacity` take seats, the rest wait in order; at a past session
    staff marked four in five of those with seats."""
    rng = district.rng
    by_school: dict[int, list[int]] = {}
    for student in district.students:
        by_school.setdefault(student.school, []).append(student.id)
    rows, came = [], []
    for opportunity, session, (school, _, capacity, starts, _) in zip(ids, sessions, made):
        wanted = min(len(by_school.get(school, [])), (capacity or 25) + rng.randint(0, 8))
        for n, student in enumerate(rng.sample(by_school.get(school, []), wanted)):
            moment = starts - timedelta(days=20, minutes=-n)
            seated = capacity is None or n < capacity
            rows.append((opportunity, student, SignUpStatus.CONFIRMED if seated else SignUpStatus.WAITLISTED,
                         None if seated else moment, moment, moment))
            if seated and starts < district.now and rng.random() < 0.8:
                came.append((session, student, school, starts))
    await insert(SignUp, ("opportunity", "student", "status", "waitlisted_at", "created_at", "updated_at"), rows)
    await insert(Attendance, ("session", "student", "method", "marked_by", "marked_at"), (
        (session, student, CheckInMethod.ROSTER, district.staff[school][0][0], starts)
        for session, student, school, starts in came))


async def _placements(district: District) -> None:
    """Placements of adults at the school's partners with a contact: a tenth waiting for signatures, most under
    way, some ended; the agreement's hash is the app's own over the text it renders, and every party signed it."""
    rng, now = district.rng, district.now
    contacts = {row["id"]: row for row in await PartnerContact.select(
        PartnerContact.id, PartnerContact.name, PartnerContact.title).where(
        PartnerContact.id.is_in([c for ids in district.contacts.values() for c in ids] or [0]))}
    cluster_names = {row["id"]: row["name"] for row in await CareerCluster.select(CareerCluster.id, CareerCluster.name)}
    adults = [s for s in district.students if s.adult and district.partners[s.school]]
    rows, signers = [], []
    for student in rng.sample(adults, min(len(adults), district.sizes.of(PLACEMENTS))):
        with_contact = [p for p in district.partners[student.school] if district.contacts.get(p[0])]
        if not with_contact:
            continue
        partner, partner_name = rng.choice(with_contact)
        supervisor = contacts[rng.choice(district.contacts[partner])]
        kind = rng.choice(PLACED)
        cluster = rng.choice(district.clusters)[0]
        starts = district.today + timedelta(days=rng.randint(-200, 20))
        ends = starts + timedelta(days=rng.choice((5, 60, 120)))
        facts = {"school_name": names.SCHOOLS[student.school], "student_name": student.name, "partner_name": partner_name,
                 "supervisor_name": supervisor["name"], "supervisor_title": supervisor["title"], "kind": kind,
                 "title": f"{rng.choice(names.TRADES)} {'intern' if kind == ExperienceKind.INTERNSHIP else 'placement'}",
                 "cluster_name": cluster_names.get(cluster, ""), "starts_on": starts, "ends_on": ends,
                 "schedule": "Weekdays, 1 to 4 pm", "paid": kind != ExperienceKind.JOB_SHADOW, "learning_goals": "Work safely."}
        digest = hash_of(text_of(facts, minor=False))
        status = (PlacementStatus.AWAITING_SIGNATURES if rng.random() < 0.1 else
                  PlacementStatus.ENDED if ends < district.today else PlacementStatus.ACTIVE)
        made = datetime.combine(starts - timedelta(days=14), time(12), timezone.utc)
        rows.append((district.schools[student.school], student.id, partner, supervisor["id"], kind, facts["title"], cluster,
                     starts, ends, facts["schedule"], facts["paid"], facts["learning_goals"], status, digest,
                     district.staff[student.school][0][0], made, min(made + timedelta(days=3), now)))
        signers.append((student, supervisor, digest, status, made))
    ids = await insert(Placement, ("school", "student", "partner", "supervisor", "kind", "title", "cluster", "starts_on",
                                   "ends_on", "schedule", "paid", "learning_goals", "status", "agreement_hash", "created_by",
                                   "created_at", "updated_at"), rows, ids=True)
    signatures = []
    for placement, (student, supervisor, digest, status, made), row in zip(ids, signers, rows):
        signed = [(AgreementParty.STUDENT, student.name, student.id)]
        if status != PlacementStatus.AWAITING_SIGNATURES:
            signed += [(AgreementParty.SUPERVISOR, supervisor["name"], None), (AgreementParty.STAFF, "School staff", row[14])]
        signatures += [(placement, party, name, signer, digest, made + timedelta(days=1)) for party, name, signer in signed]
    await insert(AgreementSignature, ("placement", "party", "name", "signer", "agreement_hash", "signed_at"), signatures)
