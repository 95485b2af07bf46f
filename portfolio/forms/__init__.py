"""Typed input at the boundary: each form (and the JSON the API takes) is read here into a dataclass, with
every problem found at once as FormErrors. Services take the dataclasses, never dicts keyed by field names."""

from __future__ import annotations

from datetime import date
from typing import Any, Iterable, Mapping

from portfolio.parse import clean_text


def texts(raw: Mapping[str, Any], names: Iterable[str]) -> dict[str, str]:
    """The named fields as typed (control characters out, trimmed); a missing field is empty."""
    return {name: clean_text(raw.get(name)) for name in names}


def too_long(values: Mapping[str, str], limits: Mapping[str, int]) -> dict[str, str]:
    return {name: f"Use at most {limit} characters." for name, limit in limits.items() if len(values[name]) > limit}


def iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
