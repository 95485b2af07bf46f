"""The day-before reminder: each session that starts tomorrow (or later today, had the daily job not run the
day before) where its school is, to its confirmed students, once (OpportunitySession.reminded_at is claimed
by a conditional update, so two runs never both send)."""

from __future__ import annotations

from datetime import timedelta

from portfolio import clock, db
from portfolio.opportunity_tables import OpportunitySession, SignUp
from portfolio.opportunity_vocabulary import OpportunityStatus, SignUpStatus
from portfolio.services.emails import Emails
from portfolio.services.opportunities import required_forms, seats
from portfolio.services.opportunities.timing import local_day, when

# A session more than two days off cannot be tomorrow anywhere.
LOOK_AHEAD = timedelta(days=2)


async def send_reminders(emails: Emails) -> int:
    moment = clock.now()
    candidates = await OpportunitySession.select(
        OpportunitySession.id, OpportunitySession.opportunity, OpportunitySession.starts_at, OpportunitySession.ends_at,
        OpportunitySession.opportunity.school.timezone.as_alias("timezone"),
    ).where((OpportunitySession.starts_at > moment) & (OpportunitySession.starts_at < moment + LOOK_AHEAD)
            & OpportunitySession.reminded_at.is_null() & OpportunitySession.cancelled_at.is_null()
            & OpportunitySession.opportunity.status.is_in([OpportunityStatus.OPEN, OpportunityStatus.CLOSED]))
    sent = 0
    for session in candidates:
        if local_day(session["starts_at"], session["timezone"]) > clock.today_at(session["timezone"], moment) + timedelta(days=1):
            continue
        async with db.write_transaction():
            claimed = await OpportunitySession.update({OpportunitySession.reminded_at: moment}).where(
                (OpportunitySession.id == session["id"]) & OpportunitySession.reminded_at.is_null()
            ).returning(OpportunitySession.id)
            if not claimed:
                continue
            found = await seats.details(session["opportunity"])
            students = await SignUp.select(SignUp.id, SignUp.student.email.as_alias("email"),
                                           SignUp.student.name.as_alias("name")).where(
                (SignUp.opportunity == session["opportunity"]) & (SignUp.status == SignUpStatus.CONFIRMED))
            done = await required_forms.completions([s["id"] for s in students])
            words = {"when": when(session["starts_at"], session["ends_at"], session["timezone"])}
            for student in students:
                await emails.opportunity_reminder(
                    to=student["email"], name=student["name"], opportunity=found, session=words,
                    missing=required_forms.missing(found["required_forms"], done.get(student["id"], {})),
                    school_id=found["school"])
                sent += 1
    return sent
