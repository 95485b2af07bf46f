"""The placements' part of the daily job (`portfolio remind`): the weeks' timesheets and their reminders, then
the evaluation requests (and placements past their end marked ended)."""

from __future__ import annotations

from portfolio.services.emails import Emails
from portfolio.services.placements import evaluations, timesheets


async def daily(emails: Emails) -> int:
    return await timesheets.send_weekly(emails) + await evaluations.send_requests(emails)
