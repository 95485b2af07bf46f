"""Reports: the index with its filter (a school year or a date range; for an admin, the district or one school),
and what every report page shares: reading the filter into a scope, carrying it in links, and CSV downloads that
hold the same rows as the page. Staff see their own school; an admin the district."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any, Iterable, Sequence
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.response import Template

from portfolio import clock
from portfolio.auth import role
from portfolio.errors import FormErrors
from portfolio.forms.reports import parse_filter
from portfolio.routes.common import render
from portfolio.services.experiences import school_of
from portfolio.services.reports.scope import Scope, Wanted, school_years, scope_for
from portfolio.storage import content_disposition
from portfolio.tables import School

REPORTERS = [role("staff", "admin")]
CSV = "text/csv; charset=utf-8"
# The reports the index lists: address, title, what it answers. Each report page takes the same filter.
REPORTS: list[tuple[str, str, str]] = []


@dataclass(frozen=True)
class Filtered:
    """A report request's scope, with what the filter form shows: the choices, the values as asked, and any
    part of the filter that could not be used (the report then shows this school year)."""

    scope: Scope
    context: dict[str, Any]

    @property
    def query(self) -> str:
        """The filter as a query string for links to other reports and to the students behind a number."""
        return self.context["query"]


async def filtered(request: Request) -> Filtered:
    """The scope the user asked for and may see. Another school's id is not found (404) for staff."""
    parsed = parse_filter(request.query_params)
    errors = dict(parsed.errors)
    try:
        scope = await scope_for(request.user, parsed.wanted)
    except FormErrors as problem:
        errors |= problem.errors
        scope = await scope_for(request.user, Wanted(school=parsed.wanted.school))
    school = await school_of(request.user)
    years = school_years(school, clock.today_at(school))
    schools = (await School.select(School.id, School.name).order_by(School.name)
               if request.user.has("admin") else [])
    asked = {"year": scope.year, "from": parsed.wanted.start.isoformat() if parsed.wanted.start and not scope.year else "",
             "to": parsed.wanted.end.isoformat() if parsed.wanted.end and not scope.year else "",
             "school": "" if scope.district or not schools else str(scope.schools[0])}
    query = urlencode({k: v for k, v in asked.items() if v})
    return Filtered(scope, {"scope": scope, "years": years, "schools": schools, "asked": asked,
                            "filter_errors": errors, "query": query})


def csv_download(filename: str, headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A table as CSV, the same rows and headings as the page shows. A cell that a spreadsheet would read as a
    formula starts with an apostrophe (CSV injection: a partner's name is typed by people outside staff)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return Response(content=out.getvalue().encode(), media_type=CSV, headers={
        "Content-Disposition": content_disposition("attachment", filename), "Cache-Control": "private, no-store"})


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class ReportsController(Controller):
    guards = REPORTERS

    @get("/staff/reports")
    async def index(self, request: Request) -> Template:
        found = await filtered(request)
        return render(request, "reports", reports=REPORTS, **found.context)
