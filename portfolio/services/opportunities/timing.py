"""Sessions in words, where the school is ("Wed, Mar 3, 2027, 9:00 AM to 11:30 AM"), and searching text."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.engine.postgres import PostgresEngine

from portfolio import db
from portfolio.clock import DEFAULT_TIMEZONE
from portfolio.formats import nice_date


def _clock(moment: datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def when(starts_at: datetime, ends_at: datetime, tz: str | None) -> str:
    zone = ZoneInfo(tz or DEFAULT_TIMEZONE)
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    return f"{start:%a}, {nice_date(start.date())}, {_clock(start)} to {_clock(end)}"


def local_day(moment: datetime, tz: str | None) -> date:
    return moment.astimezone(ZoneInfo(tz or DEFAULT_TIMEZONE)).date()


def contains(column: Any, text: str) -> Any:
    """The column holds `text`, case aside (SQLite's LIKE already ignores ASCII case; PostgreSQL needs ILIKE),
    with LIKE's wildcards taken out of what was typed."""
    pattern = "%" + "".join(ch for ch in text if ch not in "%_\\") + "%"
    return column.ilike(pattern) if isinstance(db.engine(), PostgresEngine) else column.like(pattern)


def described(sessions: list[dict[str, Any]], tz: str | None) -> list[dict[str, Any]]:
    """Each session row with its `when` in words and whether it is cancelled."""
    return [s | {"when": when(s["starts_at"], s["ends_at"], tz), "cancelled": s.get("cancelled_at") is not None}
            for s in sessions]
