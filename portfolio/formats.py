"""How numbers and dates read, in pages and e-mails alike."""

from __future__ import annotations

from datetime import date, datetime, tzinfo


def hours(minutes: int) -> str:
    """150 -> '2.5'."""
    return f"{minutes / 60:g}"


def nice_date(value: date) -> str:
    return f"{value:%b} {value.day}, {value.year}"


def nice_time(value: datetime, zone: tzinfo) -> str:
    """A moment as a person there reads it: 'Dec 5, 2026, 3:05 PM'."""
    local = value.astimezone(zone)
    return f"{nice_date(local)}, {local.hour % 12 or 12}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"
