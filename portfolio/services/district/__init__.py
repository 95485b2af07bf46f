"""A made-up school district at full size, for feeling and measuring the app's speed (`portfolio seed-district`,
PORTFOLIO_DEMO=1 only): 8 schools, 20,000 students with 400,000 entries and their sign-offs, files, certifications,
mentors, shares with 50 employers, 600 partner records with 3,000 contacts, programs with boards, and 320
opportunities with their sign-ups and attendance and 1,500 placements.

Always the same district for the same seed and scale. Built with multi-row INSERTs in one transaction; every
account takes the demo password, hashed once."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from piccolo.table import Table

from portfolio import clock
from portfolio.db import write_transaction
from portfolio.opportunity_tables import Attendance, Opportunity, SignUp
from portfolio.partner_tables import FollowUp, PartnerContact, PartnerInteraction, PartnerSchool
from portfolio.placement_tables import Placement
from portfolio.program_tables import BoardMeeting, BoardMember, Program
from portfolio.services.district import entries, partners, people, placing, records
from portfolio.services.district.bulk import Sizes
from portfolio.services.district.people import ADMIN, EMPLOYER, MENTOR, STAFF, STUDENT, District
from portfolio.storage import EvidenceStore
from portfolio.tables import (
    CareerCluster,
    Certification,
    CertificationSignOff,
    Evidence,
    Experience,
    MentorAssignment,
    Organization,
    School,
    Share,
    SignOff,
    User,
    VerificationRequest,
)

# Raised whenever what the generator makes changes, so that a district kept for measuring is made again.
VERSION = 2
ACCOUNTS = {"staff": STAFF, "mentor": MENTOR, "student": STUDENT, "employer": EMPLOYER, "admin": ADMIN}
COUNTED: dict[str, type[Table]] = {
    "schools": School, "users": User, "entries": Experience, "sign-offs": SignOff, "verification requests": VerificationRequest,
    "evidence files": Evidence, "certifications": Certification, "certification sign-offs": CertificationSignOff,
    "mentor assignments": MentorAssignment, "organizations": Organization, "shares": Share, "partners": PartnerSchool,
    "contacts": PartnerContact, "interactions": PartnerInteraction, "follow-ups": FollowUp, "programs": Program,
    "board seats": BoardMember, "board meetings": BoardMeeting, "opportunities": Opportunity, "sign-ups": SignUp,
    "attendance marks": Attendance, "placements": Placement,
}


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    seconds: float


async def seed(password_hash: str, store: EvidenceStore | None, scale: float = 1.0, seed: int = 2026) -> Summary | None:
    """Make the district in a database without users (None, and nothing made, otherwise). `password_hash` is the
    demo password's; with no `store` the evidence rows name files that are not there."""
    started = time.monotonic()
    district = District(random.Random(seed), Sizes(scale), clock.now(), password_hash)
    async with write_transaction():
        if await User.count() > 0:
            return None
        district.clusters = [(row["id"], row["code"]) for row in await CareerCluster.select(
            CareerCluster.id, CareerCluster.code).where(CareerCluster.active == True).order_by(CareerCluster.id)]  # noqa: E712
        await people.schools_and_people(district)
        employers = await partners.directory(district)
        await people.employers_and_shares(district, employers)
        await entries.entries(district, store)
        await records.certifications(district)
        await records.programs(district)
        await placing.placing(district)
    if User._meta.db.engine_type == "postgres":
        # A bulk load leaves PostgreSQL's planner without statistics until autovacuum comes round (never, where it
        # is off): the reports' joins of entries and enrollments would be planned as nested loops, seconds long.
        await User.raw("ANALYZE")
    counts = {label: await table.count() for label, table in COUNTED.items()}
    return Summary(counts, time.monotonic() - started)
