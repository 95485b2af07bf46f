"""The participation report (/staff/reports/participation): students who took part in work-based learning under a
chosen report profile, overall, by school and by grade, as a page with charts and as CSV, and the students behind
each number. And the profiles themselves (/staff/reports/profiles): everyone who reports reads them, an admin
adds, edits and retires them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import role
from portfolio.charts import Bar, bar_chart
from portfolio.formats import hours
from portfolio.forms.report_profiles import GRADES, LIMITS, parse_profile, profile_values
from portfolio.report_vocabulary import ACCUMULATION_LABELS, DENOMINATOR_LABELS
from portfolio.routes.common import form_values, go_to, page_number, query_id, redisplay, render
from portfolio.routes.reports import REPORTERS, REPORTS, csv_download, filtered
from portfolio.services.accounts import CurrentUser
from portfolio.services.reports import participation as counting
from portfolio.services.reports import profiles
from portfolio.services.reports.participation import Group, Participation
from portfolio.vocabulary import KIND_LABELS, ExperienceKind

ADMIN = [role("admin")]
REPORTS.append(("/staff/reports/participation", "Participation in work-based learning",
                "Students who met a state's definition, by school and grade, with the students behind each number."))
WORDS = {"kind_labels": KIND_LABELS, "accumulation_labels": ACCUMULATION_LABELS, "denominator_labels": DENOMINATOR_LABELS}
MET = {"yes": True, "no": False}


def headings(profile: dict[str, Any]) -> list[str]:
    """The columns of the page's tables and of the CSV."""
    return ["Group", "Students counted", "Met the definition", "Rate", "Hours counted"] + (
        ["Credits earned"] if profile["credit_hours"] else [])


def table_rows(result: Participation, district: bool) -> list[list[Any]]:
    """The rows the page's tables show, in the order shown: schools (the district's view), grades, all."""
    groups = (result.schools if district else []) + result.grades + [result.total]
    return [[g.label, g.students, g.met, g.percent, hours(g.minutes)]
            + ([f"{g.credits:g}"] if result.profile["credit_hours"] else []) for g in groups]


def _chart(groups: list[Group], chart_id: str, title: str, heading: str) -> Any:
    bars = [Bar(g.label, g.students, f"{g.met} of {g.students}", g.met, g.percent) for g in groups]
    return bar_chart(bars, chart_id=chart_id, title=title, headings=(heading, "Met of counted", "Rate"),
                     legend=("Met the definition", "Counted, not met"))


async def _report(request: Request) -> tuple[Any, dict[str, Any], Participation]:
    found = await filtered(request)
    profile = await counting.profile_for(query_id(request, "profile"))
    result = await counting.participation(request.user, found.scope, profile)
    return found, profile, result


def _query(found: Any, profile: dict[str, Any]) -> str:
    return urlencode({"profile": profile["id"]}) + (f"&{found.query}" if found.query else "")


class ParticipationController(Controller):
    guards = REPORTERS

    @get("/staff/reports/participation")
    async def report(self, request: Request) -> Template:
        found, profile, result = await _report(request)
        choices = await profiles.listing(active_only=True)
        if profile["id"] not in {p["id"] for p in choices}:
            choices.append(profile)  # a retired profile asked for by a link stays chosen
        return render(request, "report_participation", **found.context, profile=profile, choices=choices,
                      result=result, headings=headings(profile), rows=table_rows(result, found.scope.district),
                      link_query=_query(found, profile), filter_query=found.query,
                      school_chart=_chart(result.schools, "by-school", "Participation by school", "School"),
                      grade_chart=_chart(result.grades, "by-grade", "Participation by grade", "Grade"), **WORDS)

    @get("/staff/reports/participation.csv")
    async def download(self, request: Request) -> Response:
        found, profile, result = await _report(request)
        return csv_download(f"participation-{profile['id']}-{found.scope.year or found.scope.start.isoformat()}.csv",
                            headings(profile), table_rows(result, found.scope.district))

    @get("/staff/reports/participation/students")
    async def students(self, request: Request) -> Template:
        found, profile, listing, group, met_text = await _students(request)
        user: CurrentUser = request.user
        query = f"{_query(found, profile)}&" + urlencode({"group": group, "met": met_text})
        return render(request, "report_participation_students", **found.context, profile=profile, listing=listing,
                      group=group, met=met_text, here=f"/staff/reports/participation/students?{query}",
                      csv_query=query + (f"&page={listing.page}" if listing.page > 1 else ""),
                      link_query=_query(found, profile), headings=student_headings(profile),
                      rows=student_rows(profile, listing.rows),
                      linked_school=user.school_id if user.has("staff") else None, **WORDS)

    @get("/staff/reports/participation/students.csv")
    async def students_download(self, request: Request) -> Response:
        found, profile, listing, group, _ = await _students(request)
        return csv_download(f"participation-{profile['id']}-{group}-page-{listing.page}.csv", student_headings(profile),
                            student_rows(profile, listing.rows))


def student_headings(profile: dict[str, Any]) -> list[str]:
    return (["Student", "School", "Grade", "Hours counted"]
            + (["Longest experience (hours)"] if profile["one_experience_min_hours"] else [])
            + (["Credits"] if profile["credit_hours"] else []) + ["Met"])


def student_rows(profile: dict[str, Any], rows: list[dict[str, Any]]) -> list[list[Any]]:
    """A page of students as its table shows them (and its CSV holds them)."""
    return [[r["name"], r["school_name"], r["grade"] if r["grade"] is not None else "–", hours(r["minutes"])]
            + ([hours(r["longest"])] if profile["one_experience_min_hours"] else [])
            + ([f"{r['half'] / 2:g}"] if profile["credit_hours"] else []) + ["Yes" if r["met"] else "No"]
            for r in rows]


async def _students(request: Request) -> tuple[Any, dict[str, Any], Any, str, str]:
    found = await filtered(request)
    profile = await counting.profile_for(query_id(request, "profile"))
    group = str(request.query_params.get("group", "all"))
    met_text = str(request.query_params.get("met", ""))
    listing = await counting.students(request.user, found.scope, profile, group, MET.get(met_text), page_number(request))
    return found, profile, listing, group, met_text


# --- the profiles ---------------------------------------------------------------------------------------

async def _form(request: Request, values: dict[str, Any], errors: dict[str, str], profile_id: int | None = None,
                status_code: int = 200) -> Template:
    profile = await profiles.get(profile_id) if profile_id else None
    return render(request, "report_profile_form", status_code=status_code, values=values, errors=errors,
                  profile=profile, kinds=list(ExperienceKind), grades=GRADES, limits=LIMITS, **WORDS)


async def _new_again(request: Request, problem: Any) -> Template:
    return await _form(request, problem.values, problem.errors, status_code=problem.status)


async def _edit_again(request: Request, problem: Any) -> Template:
    return await _form(request, problem.values, problem.errors, request.path_params["profile_id"], problem.status)


class ProfilesController(Controller):
    guards = REPORTERS

    @get("/staff/reports/profiles")
    async def listing(self, request: Request) -> Template:
        return render(request, "report_profiles", profiles=await profiles.listing(), can_edit=request.user.has("admin"),
                      notice="Saved." if request.query_params.get("done") else "", **WORDS)


class ProfileEditController(Controller):
    """Profiles are the district's definitions: only an admin changes them."""

    guards = ADMIN

    @get("/staff/reports/profiles/new")
    async def new(self, request: Request) -> Template:
        return await _form(request, {"verified_only": True, "accumulation": "school_year",
                                     "denominator": "program_students", "min_hours": "0"}, {})

    @post("/staff/reports/profiles/new", opt=redisplay(_new_again))
    async def create(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        profile_id = await profiles.create(user, parse_profile(await form_values(request)))
        return go_to(request, f"/staff/reports/profiles?done=1#profile-{profile_id}")

    @get("/staff/reports/profiles/{profile_id:int}")
    async def edit(self, request: Request, profile_id: FromPath[int]) -> Template:
        return await _form(request, profile_values(await profiles.get(profile_id)), {}, profile_id)

    @post("/staff/reports/profiles/{profile_id:int}", opt=redisplay(_edit_again))
    async def save(self, request: Request, user: NamedDependency[CurrentUser], profile_id: FromPath[int]) -> Response:
        raw = await form_values(request)
        if "retire" in raw or "restore" in raw:
            await profiles.retire(user, profile_id, "retire" in raw)
        else:
            await profiles.update(user, profile_id, parse_profile(raw))
        return go_to(request, f"/staff/reports/profiles?done=1#profile-{profile_id}")
