"""An open opportunity of the owner's school, with a session and the owner signed up."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from portfolio.opportunity_tables import Opportunity, OpportunitySession, SignUp


async def ids(owner, base: dict[str, int]) -> dict[str, int]:
    moment = datetime.now(timezone.utc)
    opportunity = await Opportunity.insert(Opportunity(
        school=owner.school_id, kind="site_visit", title="Guard Visit", status="open", created_at=moment,
        updated_at=moment)).returning(Opportunity.id)
    opportunity_id = opportunity[0]["id"]
    session = await OpportunitySession.insert(OpportunitySession(
        opportunity=opportunity_id, starts_at=moment + timedelta(days=30), ends_at=moment + timedelta(days=30, hours=2)
    )).returning(OpportunitySession.id)
    sign_up = await SignUp.insert(SignUp(opportunity=opportunity_id, student=owner.id, status="confirmed",
                                         created_at=moment, updated_at=moment)).returning(SignUp.id)
    return {"opportunity_id": opportunity_id, "session_id": session[0]["id"], "sign_up_id": sign_up[0]["id"]}
