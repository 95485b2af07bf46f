"""The summary that may leave staff (/staff/reports/summary): for an advisory board, a school board or a partner,
the reports' figures with no student named and small counts hidden; printable, and as CSV holding the same rows."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.response import Template

from portfolio.routes.common import query_id, render
from portfolio.routes.reports import REPORTERS, REPORTS, csv_download, filtered
from portfolio.services.reports import participation, profiles
from portfolio.services.reports import summary as summing
from portfolio.services.reports.suppression import SMALLEST

REPORTS.append(("/staff/reports/summary", "Summary for a board or a partner",
                "The figures with no student named and counts under 5 hidden, to print or send."))


async def _summary(request: Request) -> tuple[Any, summing.Summary]:
    found = await filtered(request)
    profile = await participation.profile_for(query_id(request, "profile"))
    return found, await summing.summary(request.user, found.scope, profile)


class SummaryController(Controller):
    guards = REPORTERS

    @get("/staff/reports/summary")
    async def summary(self, request: Request) -> Template:
        found, result = await _summary(request)
        return render(request, "report_summary", **found.context, result=result, smallest=SMALLEST,
                      choices=await profiles.listing(active_only=True), carry={"profile": result.profile["id"]})

    @get("/staff/reports/summary.csv")
    async def download(self, request: Request) -> Response:
        found, result = await _summary(request)
        rows = [line.cells() for line in result.lines()]
        rows.append(["Partners", "Active partners (hosted a student or met)", str(result.active_partners), "", ""])
        return csv_download(f"summary-{found.scope.year or found.scope.start.isoformat()}.csv", summing.HEADINGS, rows)
