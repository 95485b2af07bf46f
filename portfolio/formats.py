"""How numbers and dates read, in pages and e-mails alike."""

from __future__ import annotations

from datetime import date


def hours(minutes: int) -> str:
    """150 -> '2.5'."""
    return f"{minutes / 60:g}"


def nice_date(value: date) -> str:
    return f"{value:%b} {value.day}, {value.year}"
