"""A report's filter as the query string carries it: a school year ("2025-26"), or a date range (from, to), and
for an admin one school. Read leniently: a filter is a link people bookmark and share, so a part that cannot be
read is left out (and said so) rather than refusing the page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from portfolio.forms import iso_date
from portfolio.parse import clean_text, int_or_none
from portfolio.services.reports.scope import Wanted

YEAR_RE = re.compile(r"\d{4}-\d{2}")


@dataclass(frozen=True)
class ReportFilter:
    wanted: Wanted
    errors: dict[str, str] = field(default_factory=dict)


def parse_filter(raw: Mapping[str, Any]) -> ReportFilter:
    year = clean_text(raw.get("year"))
    start_text, end_text = clean_text(raw.get("from")), clean_text(raw.get("to"))
    start, end = iso_date(start_text), iso_date(end_text)
    errors = {}
    if start_text and start is None:
        errors["from"] = "Enter the first day as a date."
    if end_text and end is None:
        errors["to"] = "Enter the last day as a date."
    if (start is None) != (end is None) and not errors:
        errors["to" if end is None else "from"] = "Give both days of the range, or choose a school year."
    if errors:
        start = end = None
    return ReportFilter(Wanted(year=year if YEAR_RE.fullmatch(year) else "", start=start, end=end,
                               school=int_or_none(raw.get("school"))), errors)
