"""The hours, certifications and partner engagement reports: each a page with a chart and a table, the table as
CSV, and the students behind each number. Staff see their school, an admin the district or one school; a
student's name opens their page only for staff of the school on their account now (that page is theirs)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.response import Template

from portfolio import clock
from portfolio.charts import Bar, bar_chart
from portfolio.formats import hours as shown_hours
from portfolio.formats import nice_date
from portfolio.parse import clean_text, int_or_none
from portfolio.routes.common import render
from portfolio.routes.reports import REPORTERS, REPORTS, csv_download, filtered
from portfolio.services.experiences import school_of
from portfolio.services.reports import certifications, hours, partners

REPORTS.extend([
    ("/staff/reports/hours", "Hours", "Hours by career cluster, school, grade, kind and partner; verified against self-reported."),
    ("/staff/reports/certifications", "Certifications earned",
     "Verified certifications by name and issuer, and by career cluster."),
    ("/staff/reports/partners", "Partner engagement",
     "Students and hours each partner hosted, last contact, and partners going cold."),
])

HOURS_HEADINGS = ["Students", "Hours", "Verified hours", "Self-reported hours"]
CERT_HEADINGS = ["Students", "Certifications"]
HOLDER_HEADINGS = ["Certifications", "Latest issued"]
PARTNER_HEADINGS = ["Partner", "Students hosted", "Hours hosted", "Verified hours", "Interactions",
                    "Last contact", "Going cold"]


def _link(path: str, query: str, **params: str) -> str:
    """A report address with its own parameters first, then the filter's."""
    own = urlencode({k: v for k, v in params.items() if v})
    return path + "?" + "&".join(part for part in (own, query) if part)


def _opens_students(request: Request) -> int | None:
    """The school whose students' pages this reader opens: staff's own; an admin's none (those pages are staff's)."""
    user = request.user
    return user.school_id if user.has("staff") else None


def _hours_rows(report: hours.HoursReport) -> list[list[Any]]:
    return [[g.label, g.students, shown_hours(g.minutes), shown_hours(g.verified), shown_hours(g.self_reported)]
            for g in [*report.groups, report.total]]


async def _hours(request: Request) -> tuple[Any, hours.HoursReport]:
    found = await filtered(request)
    dim = hours.dimension(found.scope, clean_text(request.query_params.get("by")))
    return found, await hours.hours_by(found.scope, dim)


def _certification_rows(report: certifications.CertificationsReport) -> list[list[Any]]:
    if report.by == "name":
        return [[g.name, g.issuer, g.students, g.certifications] for g in [*report.groups, report.total]]
    return [[g.name, g.students, g.certifications] for g in [*report.groups, report.total]]


def _certification_headings(by: str) -> list[str]:
    return (["Certification", "Issuer"] if by == "name" else ["Career cluster (of the student's CTE program)"]) + CERT_HEADINGS


def _partner_rows(report: partners.PartnersReport) -> list[list[Any]]:
    return [[r.name, r.students, shown_hours(r.minutes), shown_hours(r.verified), r.meetings,
             nice_date(r.last) if r.last else "Never", "Yes" if r.going_cold else ""] for r in report.rows]


async def _partners(request: Request) -> tuple[Any, partners.PartnersReport]:
    found = await filtered(request)
    today = clock.today_at(await school_of(request.user))
    return found, await partners.engagement(found.scope, today)


def _page_number(request: Request) -> int:
    return int_or_none(request.query_params.get("page")) or 1


async def _hours_students(request: Request) -> tuple[Any, hours.Dimension, str, str, Any]:
    found = await filtered(request)
    dim = hours.dimension(found.scope, clean_text(request.query_params.get("by")))
    group = clean_text(request.query_params.get("group"))
    label, page = await hours.students_behind(found.scope, dim, group, _page_number(request))
    return found, dim, group, label, page


def _hours_people(page: Any) -> list[tuple[Any, list[str]]]:
    return [(s, [shown_hours(s.minutes), shown_hours(s.verified), shown_hours(s.self_reported)]) for s in page.rows]


async def _holders(request: Request) -> tuple[Any, str, str, str, Any]:
    found = await filtered(request)
    by = certifications.grouping(clean_text(request.query_params.get("by")))
    group = clean_text(request.query_params.get("group"))
    label, page = await certifications.holders(found.scope, by, group, _page_number(request))
    return found, by, group, label, page


def _holder_people(page: Any) -> list[tuple[Any, list[Any]]]:
    return [(s, [s.certifications, nice_date(s.latest)]) for s in page.rows]


class HoursReportController(Controller):
    guards = REPORTERS

    @get("/staff/reports/hours")
    async def hours_page(self, request: Request) -> Template:
        found, report = await _hours(request)
        dim = report.dimension
        chart = bar_chart(
            [Bar(g.label, g.minutes / 60, f"{shown_hours(g.minutes)} h", g.verified / 60, f"{shown_hours(g.verified)} h")
             for g in report.groups],
            chart_id="hours-chart", title=dim.title, headings=[dim.heading, "Hours", "Verified hours"],
            legend=["Verified", "Self-reported"])
        return render(request, "report_hours", report=report, chart=chart, rows=_hours_rows(report),
                      headings=[dim.heading, *HOURS_HEADINGS], dimensions=hours.dimensions(found.scope),
                      hrefs=[_link("/staff/reports/hours/students", found.query, by=dim.key, group=g.group)
                             for g in report.groups],
                      link=_link, carry={"by": dim.key}, **found.context)

    @get("/staff/reports/hours.csv")
    async def hours_csv(self, request: Request) -> Response:
        _, report = await _hours(request)
        return csv_download(f"hours-by-{report.dimension.key}.csv", [report.dimension.heading, *HOURS_HEADINGS],
                            _hours_rows(report))

    @get("/staff/reports/hours/students")
    async def hours_students(self, request: Request) -> Template:
        found, dim, group, label, page = await _hours_students(request)
        return render(request, "report_hours_students", dim=dim, label=label, listing=page, people=_hours_people(page),
                      opens=_opens_students(request), link=_link, group=group, columns=HOURS_HEADINGS[1:],
                      **found.context)

    @get("/staff/reports/hours/students.csv")
    async def hours_students_csv(self, request: Request) -> Response:
        _, dim, _, _, page = await _hours_students(request)
        return csv_download(f"hours-by-{dim.key}-students.csv", ["Student", *HOURS_HEADINGS[1:]],
                            [[s.name, *cells] for s, cells in _hours_people(page)])

    @get("/staff/reports/certifications")
    async def certifications_page(self, request: Request) -> Template:
        found = await filtered(request)
        by = certifications.grouping(clean_text(request.query_params.get("by")))
        report = await certifications.earned(found.scope, by)
        title = certifications.GROUPINGS[by]
        chart = bar_chart([Bar(", ".join(p for p in (g.name, g.issuer) if p), g.certifications, str(g.certifications))
                           for g in report.groups], chart_id="certifications-chart", title=title,
                          headings=["Certification" if by == "name" else "Career cluster", "Certifications"])
        return render(request, "report_certifications", report=report, chart=chart, title=title,
                      rows=_certification_rows(report), headings=_certification_headings(by),
                      groupings=certifications.GROUPINGS, link=_link, carry={"by": by}, hrefs=[
                          _link("/staff/reports/certifications/students", found.query, by=by, group=g.group)
                          for g in report.groups], **found.context)

    @get("/staff/reports/certifications.csv")
    async def certifications_csv(self, request: Request) -> Response:
        found = await filtered(request)
        by = certifications.grouping(clean_text(request.query_params.get("by")))
        report = await certifications.earned(found.scope, by)
        return csv_download(f"certifications-by-{by}.csv", _certification_headings(by), _certification_rows(report))

    @get("/staff/reports/certifications/students")
    async def certification_holders(self, request: Request) -> Template:
        found, by, group, label, page = await _holders(request)
        return render(request, "report_certifications_students", by=by, label=label, listing=page, group=group,
                      people=_holder_people(page), columns=HOLDER_HEADINGS, opens=_opens_students(request), link=_link,
                      **found.context)

    @get("/staff/reports/certifications/students.csv")
    async def certification_holders_csv(self, request: Request) -> Response:
        _, by, _, _, page = await _holders(request)
        return csv_download(f"certifications-by-{by}-students.csv", ["Student", *HOLDER_HEADINGS],
                            [[s.name, *cells] for s, cells in _holder_people(page)])

    @get("/staff/reports/partners")
    async def partners_page(self, request: Request) -> Template:
        found, report = await _partners(request)
        chart = bar_chart(
            [Bar(r.name, r.minutes / 60, f"{shown_hours(r.minutes)} h", r.verified / 60, f"{shown_hours(r.verified)} h")
             for r in report.rows if r.minutes],
            chart_id="partners-chart", title="Hours hosted by partner", headings=["Partner", "Hours", "Verified hours"],
            legend=["Verified", "Self-reported"])
        return render(request, "report_partners", report=report, chart=chart, rows=_partner_rows(report),
                      headings=PARTNER_HEADINGS, link=_link, **found.context)

    @get("/staff/reports/partners.csv")
    async def partners_csv(self, request: Request) -> Response:
        _, report = await _partners(request)
        return csv_download("partner-engagement.csv", PARTNER_HEADINGS, _partner_rows(report))
