"""How often boards meet: every program should have a board that meets two or three times a year, so a board
with no meeting in the last six months is flagged."""

from __future__ import annotations

from datetime import date

from portfolio.program_tables import BoardMeeting

MONTHS = 6


def months_before(day: date, months: int = MONTHS) -> date:
    """The same day `months` earlier (the month's last day when it is shorter: 31 August -> 28 or 29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


async def last_meetings(program_ids: list[int], today: date) -> dict[int, date]:
    """Each program's latest meeting held by today (a planned one has not happened yet)."""
    rows = await BoardMeeting.select(BoardMeeting.program, BoardMeeting.held_on).where(
        BoardMeeting.program.is_in(program_ids or [0]) & (BoardMeeting.held_on <= today))
    latest: dict[int, date] = {}
    for row in rows:
        latest[row["program"]] = max(row["held_on"], latest.get(row["program"], row["held_on"]))
    return latest


def overdue(last: date | None, today: date) -> bool:
    return last is None or last < months_before(today)
