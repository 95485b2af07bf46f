"""Run in the live server's environment (`python -m tests.opportunity_seats ...`), against its database:
`seed N TAKEN CAPACITY` makes an open opportunity of the demo school with CAPACITY seats, TAKEN of them
confirmed already, and N students who may sign up (password: the demo's), and prints the opportunity's id and
the students' e-mails as JSON; `count ID` prints how many sign-ups are in each status, and the waitlist's
order as e-mails."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import datetime, timedelta, timezone

from portfolio import db
from portfolio.opportunity_tables import Opportunity, OpportunitySession, SignUp
from portfolio.services.accounts import create_user
from portfolio.services.demo import DEMO_PASSWORD
from portfolio.services.passwords import Hasher
from portfolio.settings import get_settings
from portfolio.tables import School, User


async def seed(count: int, taken: int, capacity: int) -> dict:
    settings = get_settings()
    hasher = Hasher(settings.argon2_time_cost, settings.argon2_memory_kib)
    school = (await School.select(School.id).order_by(School.id).first())["id"]
    moment = datetime.now(timezone.utc)
    row = await Opportunity.insert(Opportunity(school=school, kind="site_visit", title="The last seats", status="open",
                                               capacity=capacity, created_at=moment, updated_at=moment)).returning(Opportunity.id)
    opportunity_id = row[0]["id"]
    await OpportunitySession.insert(OpportunitySession(opportunity=opportunity_id, starts_at=moment + timedelta(days=20),
                                                       ends_at=moment + timedelta(days=20, hours=2)))
    password = await hasher.hash(DEMO_PASSWORD)
    emails = []
    for n in range(count + taken):
        email = f"seat-{n}@demo.example"
        user_id = await create_user(email, f"Seat Student {n}", ("student",), school_id=school, password_hash=password)
        if n < taken:
            await SignUp.insert(SignUp(opportunity=opportunity_id, student=user_id, status="confirmed", created_at=moment,
                                       updated_at=moment))
        else:
            emails.append(email)
    return {"opportunity_id": opportunity_id, "emails": emails}


async def count(opportunity_id: int) -> dict:
    rows = await SignUp.select(SignUp.status, SignUp.waitlisted_at, SignUp.id, SignUp.student.email.as_alias("email")).where(
        SignUp.opportunity == opportunity_id)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    waiting = sorted((r for r in rows if r["status"] == "waitlisted"), key=lambda r: (r["waitlisted_at"], r["id"]))
    students = await User.count().where(User.email.like("seat-%"))
    return {"counts": counts, "waitlist": [r["email"] for r in waiting], "students": students}


async def main(args: list[str]) -> None:
    await db.open_database()
    try:
        result = await (seed(*map(int, args[1:4])) if args[0] == "seed" else count(int(args[1])))
    finally:
        await db.close_database()
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
