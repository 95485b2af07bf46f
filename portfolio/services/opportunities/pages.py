"""What staff read: the list of opportunities (upcoming first, by status) and one opportunity with its sessions,
partners and sign-ups (confirmed, the waitlist in order, declined, cancelled) with each student's forms."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from portfolio import clock
from portfolio.formats import nice_time
from portfolio.opportunity_tables import Opportunity, OpportunitySession, SignUp
from portfolio.opportunity_vocabulary import OpportunityStatus, SignUpStatus
from portfolio.services.accounts import CurrentUser
from portfolio.services.opportunities import posting, required_forms
from portfolio.services.opportunities.scope import opportunity, visible
from portfolio.services.opportunities.timing import described, when
from portfolio.services.paging import Page, cut

SIGN_UP_ORDER = (SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED, SignUpStatus.DECLINED, SignUpStatus.CANCELLED)
FAR_FUTURE = datetime.max.replace(tzinfo=clock.now().tzinfo)


async def listing(user: CurrentUser, status: str | None, wanted_page: int = 1) -> Page:
    """A page of the opportunities with their next session and seats taken, upcoming first (then the ones whose
    sessions are all past, latest first); three queries whatever the count. The order comes from the sessions,
    so the page is cut from the sorted list and only its 25 are rendered."""
    query = Opportunity.select(Opportunity.id, Opportunity.title, Opportunity.kind, Opportunity.status, Opportunity.capacity,
                               Opportunity.school.name.as_alias("school_name"), Opportunity.school.timezone.as_alias("timezone"),
                               ).where(visible(user))
    if status in OpportunityStatus.__members__.values():
        query = query.where(Opportunity.status == status)
    rows = await query.order_by(Opportunity.id, ascending=False)
    ids = [r["id"] for r in rows] or [0]
    sessions = await OpportunitySession.select(OpportunitySession.opportunity, OpportunitySession.starts_at,
                                               OpportunitySession.ends_at).where(
        OpportunitySession.opportunity.is_in(ids) & OpportunitySession.cancelled_at.is_null()).order_by(OpportunitySession.starts_at)
    confirmed = await SignUp.select(SignUp.opportunity, SignUp.status).where(
        SignUp.opportunity.is_in(ids) & SignUp.status.is_in([SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED]))
    moment = clock.now()
    for row in rows:
        mine = [s for s in sessions if s["opportunity"] == row["id"]]
        upcoming = [s for s in mine if s["ends_at"] > moment]
        shown = upcoming[0] if upcoming else (mine[-1] if mine else None)
        row["next"] = when(shown["starts_at"], shown["ends_at"], row["timezone"]) if shown else "No sessions yet"
        row["upcoming"] = bool(upcoming)
        row["sort_at"] = shown["starts_at"] if shown else FAR_FUTURE
        row["taken"] = sum(1 for c in confirmed if c["opportunity"] == row["id"] and c["status"] == SignUpStatus.CONFIRMED)
        row["waiting"] = sum(1 for c in confirmed if c["opportunity"] == row["id"] and c["status"] == SignUpStatus.WAITLISTED)
    upcoming_rows = sorted((r for r in rows if r["upcoming"] or r["sort_at"] == FAR_FUTURE), key=lambda r: r["sort_at"])
    past_rows = sorted((r for r in rows if not r["upcoming"] and r["sort_at"] != FAR_FUTURE), key=lambda r: r["sort_at"], reverse=True)
    return cut(upcoming_rows + past_rows, wanted_page)


async def page(user: CurrentUser, opportunity_id: int) -> dict[str, Any]:
    found = await opportunity(user, opportunity_id)
    found |= await posting.links(opportunity_id)
    sessions = await OpportunitySession.select().where(OpportunitySession.opportunity == opportunity_id).order_by(
        OpportunitySession.starts_at)
    found["sessions"] = described(sessions, found["timezone"])
    sign_ups = await SignUp.select(
        SignUp.id, SignUp.status, SignUp.waitlisted_at, SignUp.created_at, SignUp.student,
        SignUp.student.name.as_alias("name"), SignUp.decided_by.name.as_alias("decided_by_name"),
    ).where(SignUp.opportunity == opportunity_id).order_by(SignUp.waitlisted_at).order_by(SignUp.created_at).order_by(SignUp.id)
    done = await required_forms.completions([s["id"] for s in sign_ups])
    zone = ZoneInfo(found["timezone"] or clock.DEFAULT_TIMEZONE)
    found["deadline_words"] = nice_time(found["signup_deadline"], zone) if found["signup_deadline"] else ""
    for forms in done.values():
        for form in forms.values():
            form["completed_words"] = nice_time(form["completed_at"], zone) if form["completed_at"] else ""
    for row in sign_ups:
        row["forms"] = done.get(row["id"], {})
        row["missing"] = required_forms.missing(found["required_forms"], row["forms"])
    found["groups"] = {status: [s for s in sign_ups if s["status"] == status] for status in SIGN_UP_ORDER}
    found["taken"] = len(found["groups"][SignUpStatus.CONFIRMED])
    return found
