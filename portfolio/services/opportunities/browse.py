"""What a student browses: the open opportunities of their school, 25 a page, by cluster or by their interests,
each with its dates, place, partners, seats left and, when they may not sign up, why; their own upcoming
sign-ups; one opportunity in full.

"Matches my interests": an interest of the student's profile matches an opportunity when it is part of the
name of one of its clusters (or the cluster's name is part of the interest), or part of its title; case aside,
interests shorter than 3 letters ignored."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from portfolio import clock
from portfolio.formats import nice_time
from portfolio.opportunity_tables import (
    Opportunity,
    OpportunityCluster,
    OpportunityPartner,
    OpportunitySession,
    SignUp,
)
from portfolio.opportunity_vocabulary import OpportunityStatus, SignUpStatus
from portfolio.services.accounts import CurrentUser
from portfolio.services.opportunities import required_forms, seats
from portfolio.services.opportunities.eligibility import judge
from portfolio.services.opportunities.scope import COLUMNS, for_student
from portfolio.services.opportunities.timing import contains, described
from portfolio.services.paging import PAGE_SIZE, Page, bounds
from portfolio.tables import CareerCluster, StudentProfile

MIN_INTEREST = 3


async def interests_of(student_id: int) -> list[str]:
    row = await StudentProfile.select(StudentProfile.interests).where(StudentProfile.student == student_id).first()
    return [i.strip().lower() for i in (row or {}).get("interests") or [] if len(i.strip()) >= MIN_INTEREST]


async def clusters() -> dict[int, str]:
    rows = await CareerCluster.select(CareerCluster.id, CareerCluster.name).where(
        CareerCluster.active == True).order_by(CareerCluster.position)  # noqa: E712
    return {r["id"]: r["name"] for r in rows}


async def _matching(interests: list[str], names: dict[int, str]) -> Any:
    """The where-clause of opportunities matching the interests (None: no interests, nothing matches)."""
    if not interests:
        return Opportunity.id < 0
    cluster_ids = [cid for cid, name in names.items()
                   if any(i in name.lower() or name.lower() in i for i in interests)]
    where = Opportunity.id.is_in(
        OpportunityCluster.select(OpportunityCluster.opportunity).where(OpportunityCluster.cluster.is_in(cluster_ids or [0])))
    for interest in interests:
        where |= contains(Opportunity.title, interest)
    return where


async def listing(student: CurrentUser, cluster: int | None, by_interests: bool, wanted_page: int) -> Page:
    """Open opportunities whose sessions are not all over, the soonest next session first, 25 a page: the
    order comes from one query of the matching opportunities' coming sessions, the page's rows from another."""
    moment = clock.now()
    where = (Opportunity.school == (student.school_id or -1)) & (Opportunity.status == OpportunityStatus.OPEN)
    if cluster is not None:
        where &= Opportunity.id.is_in(OpportunityCluster.select(OpportunityCluster.opportunity).where(
            OpportunityCluster.cluster == cluster))
    if by_interests:
        where &= await _matching(await interests_of(student.id), await clusters())
    coming = await OpportunitySession.select(OpportunitySession.opportunity).where(
        (OpportunitySession.ends_at > moment) & OpportunitySession.cancelled_at.is_null()
        & OpportunitySession.opportunity.is_in(Opportunity.select(Opportunity.id).where(where))
    ).order_by(OpportunitySession.starts_at).order_by(OpportunitySession.opportunity)
    ordered = list(dict.fromkeys(r["opportunity"] for r in coming))
    page, pages = bounds(len(ordered), wanted_page)
    wanted = ordered[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    rows = await Opportunity.select(*COLUMNS).where(Opportunity.id.is_in(wanted)) if wanted else []
    rows.sort(key=lambda r: wanted.index(r["id"]))
    await _annotate(student, rows)
    return Page(rows, len(ordered), page, pages)


async def _annotate(student: CurrentUser, rows: list[dict[str, Any]]) -> None:
    """Sessions, partners, seats left, the student's own sign-up and eligibility of each row: five queries for
    the whole page."""
    ids = [r["id"] for r in rows] or [0]
    sessions = await OpportunitySession.select().where(OpportunitySession.opportunity.is_in(ids)).order_by(
        OpportunitySession.starts_at)
    partners = await OpportunityPartner.select(OpportunityPartner.opportunity, OpportunityPartner.station,
                                               OpportunityPartner.partner.organization.name.as_alias("name")).where(
        OpportunityPartner.opportunity.is_in(ids)).order_by(OpportunityPartner.id)
    sign_ups = await SignUp.select(SignUp.opportunity, SignUp.student, SignUp.status, SignUp.id, SignUp.waitlisted_at).where(
        SignUp.opportunity.is_in(ids) & SignUp.status.is_in([SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED]))
    profile = await seats.profile_of(student.id)
    moment = clock.now()
    for row in rows:
        mine = [s for s in sessions if s["opportunity"] == row["id"]]
        row["sessions"] = described(mine, row["timezone"])
        live = [s for s in mine if s["cancelled_at"] is None]
        row["first"] = live[0]["starts_at"] if live else None
        row["partners"] = [p for p in partners if p["opportunity"] == row["id"]]
        taken = sum(1 for s in sign_ups if s["opportunity"] == row["id"] and s["status"] == SignUpStatus.CONFIRMED)
        row["seats_left"] = None if row["capacity"] is None else max(0, row["capacity"] - taken)
        row["mine"] = next((s for s in sign_ups if s["opportunity"] == row["id"] and s["student"] == student.id), None)
        row["verdict"] = judge(row, row["first"], profile, moment)


async def mine(student: CurrentUser) -> list[dict[str, Any]]:
    """The student's upcoming confirmed and waitlisted opportunities, with their place on the waitlist."""
    moment = clock.now()
    upcoming = OpportunitySession.select(OpportunitySession.opportunity).where(
        (OpportunitySession.ends_at > moment) & OpportunitySession.cancelled_at.is_null())
    rows = await SignUp.select(SignUp.id, SignUp.status, SignUp.waitlisted_at, SignUp.opportunity,
                               SignUp.opportunity.title.as_alias("title")).where(
        (SignUp.student == student.id) & SignUp.status.is_in([SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED])
        & SignUp.opportunity.is_in(upcoming) & (SignUp.opportunity.status != OpportunityStatus.CANCELLED)
    ).order_by(SignUp.id)
    places = await seats.positions(rows)
    for row in rows:
        row["position"] = places.get(row["id"])
    return rows


DASHBOARD_ROWS = 3
# Built once (the dashboard asks every visit): piccolo copies every column of the opportunity for each
# `SignUp.opportunity.<column>` read.
_TITLE = SignUp.opportunity.title.as_alias("title")
_OPPORTUNITY_STATUS = SignUp.opportunity.status


async def coming_up(student: CurrentUser) -> list[dict[str, Any]]:
    """The dashboard's card: the student's next few confirmed or waitlisted opportunities, in one query."""
    upcoming = OpportunitySession.select(OpportunitySession.opportunity).where(
        (OpportunitySession.ends_at > clock.now()) & OpportunitySession.cancelled_at.is_null())
    # The status is chosen here, not in SQL: asked for there, SQLite (with no statistics) reads every confirmed
    # sign-up of the district through the status index, where the student's few come from the student index.
    rows = await SignUp.select(SignUp.status, SignUp.opportunity, _TITLE).where(
        (SignUp.student == student.id) & SignUp.opportunity.is_in(upcoming)
        & (_OPPORTUNITY_STATUS != OpportunityStatus.CANCELLED)
    ).order_by(SignUp.id)
    return [row for row in rows if row["status"] in (SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED)][:DASHBOARD_ROWS]


async def one(student: CurrentUser, opportunity_id: int) -> dict[str, Any]:
    """The opportunity as the student sees it, with their sign-up, waitlist place and missing forms."""
    row = await for_student(student, opportunity_id)
    await _annotate(student, [row])
    own = await SignUp.select(SignUp.id, SignUp.status, SignUp.waitlisted_at).where(
        (SignUp.opportunity == opportunity_id) & (SignUp.student == student.id)).first()
    row["own"] = own
    row["position"] = await seats.position(opportunity_id, own) if own else None
    row["missing"] = await required_forms.student_missing(own["id"], row["required_forms"]) if own else []
    deadline = row["signup_deadline"]
    row["deadline_words"] = nice_time(deadline, ZoneInfo(row["timezone"] or clock.DEFAULT_TIMEZONE)) if deadline else ""
    row["cluster_names"] = [c["name"] for c in await OpportunityCluster.select(
        OpportunityCluster.cluster.name.as_alias("name")).where(OpportunityCluster.opportunity == opportunity_id)]
    return row
