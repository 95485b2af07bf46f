"""The one clock. Everything asks `now()`, so a test can fix the time with `fixed(...)` instead of dodging it."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Any, Iterator, Mapping
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "America/New_York"
_fixed: datetime | None = None


def now() -> datetime:
    return _fixed if _fixed is not None else datetime.now(timezone.utc)


def today_at(school: Mapping[str, Any] | str | None, moment: datetime | None = None) -> date:
    """Today's date where the school is (a school row, or a timezone name)."""
    tz = school if isinstance(school, str) else (school or {}).get("timezone")
    return (moment or now()).astimezone(ZoneInfo(tz or DEFAULT_TIMEZONE)).date()


@contextmanager
def fixed(moment: datetime) -> Iterator[datetime]:
    """Within the block, `now()` is `moment` (timezone-aware)."""
    global _fixed
    if moment.tzinfo is None:
        raise ValueError("a fixed moment needs a timezone")
    previous, _fixed = _fixed, moment
    try:
        yield moment
    finally:
        _fixed = previous
