"""Staff and admins: post and change opportunities and their sessions, and run their sign-ups (approve, waitlist,
decline, assign students, tick required forms, send a permission slip to the guardian). The services scope
everything to the person's school; this module parses and renders."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import role
from portfolio.errors import FormErrors, NotFound
from portfolio.forms.opportunities import (
    GRADES,
    LIMITS,
    SESSION_ROWS,
    parse_form_name,
    parse_opportunity,
    parse_session,
    parse_student,
    session_values,
)
from portfolio.opportunity_vocabulary import (
    ENROLMENT_LABELS,
    OPPORTUNITY_STATUS_LABELS,
    REQUIRED_FORM_LABELS,
    SIGN_UP_STATUS_LABELS,
)
from portfolio.routes.common import form_values, go_to, page_number, query_id, redisplay, render
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.feedback import review as feedback_review
from portfolio.services.opportunities import pages, posting, required_forms, seats
from portfolio.services.opportunities.scope import opportunity, session
from portfolio.vocabulary import KIND_LABELS

STAFF = [role("staff", "admin")]
NOTICES = {"added": "Opportunity posted.", "saved": "Changes saved.", "session": "Session saved. Confirmed students were e-mailed the new calendar file.",
           "session_cancelled": "Session cancelled. Confirmed students were e-mailed.", "cancelled": "Opportunity cancelled. Confirmed students were e-mailed.",
           "approve": "Approved: the student has a seat.", "waitlist": "Moved to the end of the waitlist.",
           "decline": "Declined. The student was e-mailed.", "cancel": "Seat cancelled.", "assigned": "Student added.",
           "form": "Form ticked.", "slip": "Permission slip e-mailed to the guardian on record."}
WORDS = {"limits": LIMITS, "kinds": KIND_LABELS, "statuses": OPPORTUNITY_STATUS_LABELS, "enrolments": ENROLMENT_LABELS,
         "form_labels": REQUIRED_FORM_LABELS, "sign_up_labels": SIGN_UP_STATUS_LABELS, "grades": GRADES,
         "session_rows": SESSION_ROWS}


def _base(opportunity_id: int) -> str:
    return f"/staff/opportunities/{opportunity_id}"


async def _form(request: Request, school: dict[str, Any], values: dict[str, Any], errors: dict[str, str],
                opportunity_id: int | None = None, status_code: int = 200) -> Template:
    choices = await posting.choices(request.user, school["id"])
    return render(request, "opportunity_form", status_code=status_code, values=values, errors=errors, choices=choices,
                  school=school, opportunity_id=opportunity_id, every_school=request.user.has("admin"), **WORDS)


async def _new_again(request: Request, problem: FormErrors) -> Template:
    school = await posting.school_for_new(request.user, query_id(request, "school"))
    if school is None:
        raise NotFound("school")
    return await _form(request, school, problem.values, problem.errors, status_code=problem.status)


async def _edit_again(request: Request, problem: FormErrors) -> Template:
    found = await opportunity(request.user, request.path_params["opportunity_id"])
    school = {"id": found["school"], "name": found["school_name"], "timezone": found["timezone"]}
    return await _form(request, school, problem.values, problem.errors, found["id"], problem.status)


async def _page(request: Request, opportunity_id: int, errors: dict[str, str] | None = None,
                values: dict[str, Any] | None = None, status_code: int = 200) -> Template:
    user: CurrentUser = request.user
    found = await pages.page(user, opportunity_id)
    search = str(request.query_params.get("q", ""))[:100]
    students = await seats.school_students(found["school"], search) if search or request.query_params.get("find") else {}
    said = await feedback_review.partner_glances(user, found["school"], [p["partner"] for p in found["partners"]])
    return render(request, "opportunity", status_code=status_code, opportunity=found, errors=errors or {},
                  values=values or {}, search=search, students=students, partner_feedback=said,
                  notice=NOTICES.get(request.query_params.get("done", ""), ""), every_school=user.has("admin"), **WORDS)


async def _page_again(request: Request, problem: Any) -> Template:
    return await _page(request, request.path_params["opportunity_id"], problem.field_errors,
                       getattr(problem, "values", {}), problem.status)


async def _session_form(request: Request, opportunity_id: int, session_id: int, values: dict[str, Any],
                        errors: dict[str, str], status_code: int = 200) -> Template:
    found = await opportunity(request.user, opportunity_id)
    return render(request, "opportunity_session_form", status_code=status_code, opportunity=found, session_id=session_id,
                  values=values, errors=errors)


async def _session_again(request: Request, problem: Any) -> Template:
    return await _session_form(request, request.path_params["opportunity_id"], request.path_params["session_id"],
                               getattr(problem, "values", {}), problem.field_errors, problem.status)


class OpportunitiesController(Controller):
    guards = STAFF

    @get("/staff/opportunities")
    async def listing(self, request: Request, user: NamedDependency[CurrentUser]) -> Template:
        status = str(request.query_params.get("status", ""))
        found = await pages.listing(user, status or None, page_number(request))
        return render(request, "opportunities", listing=found, opportunities=found.rows, status=status,
                      every_school=user.has("admin"), **WORDS)

    @get("/staff/opportunities/new")
    async def new(self, request: Request, user: NamedDependency[CurrentUser]) -> Template:
        school = await posting.school_for_new(user, query_id(request, "school"))
        if school is None:  # an admin chooses the school first
            return render(request, "opportunity_school", schools=await posting.schools(user))
        return await _form(request, school, {"status": "draft", "enrolment": "sign_up"}, {})

    @post("/staff/opportunities/new", opt=redisplay(_new_again))
    async def add(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        school = await posting.school_for_new(user, query_id(request, "school"))
        if school is None:
            raise NotFound("school")
        form = parse_opportunity(await form_values(request), await posting.choices(user, school["id"]), school["timezone"], True)
        opportunity_id = await posting.create(user, school["id"], form)
        return go_to(request, f"{_base(opportunity_id)}?done=added")

    @get("/staff/opportunities/{opportunity_id:int}")
    async def page(self, request: Request, opportunity_id: FromPath[int]) -> Template:
        return await _page(request, opportunity_id)

    @get("/staff/opportunities/{opportunity_id:int}/edit")
    async def edit(self, request: Request, user: NamedDependency[CurrentUser], opportunity_id: FromPath[int]) -> Template:
        found = await opportunity(user, opportunity_id)
        school = {"id": found["school"], "name": found["school_name"], "timezone": found["timezone"]}
        return await _form(request, school, posting.as_form(found, await posting.links(opportunity_id)), {}, opportunity_id)

    @post("/staff/opportunities/{opportunity_id:int}/edit", opt=redisplay(_edit_again))
    async def save(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                   opportunity_id: FromPath[int]) -> Response:
        found = await opportunity(user, opportunity_id)
        form = parse_opportunity(await form_values(request), await posting.choices(user, found["school"]), found["timezone"], False)
        await posting.update(emails, user, opportunity_id, form)
        return go_to(request, f"{_base(opportunity_id)}?done=saved")

    @post("/staff/opportunities/{opportunity_id:int}/cancel", opt=redisplay(_page_again))
    async def cancel(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                     opportunity_id: FromPath[int]) -> Response:
        await posting.cancel(emails, user, opportunity_id)
        return go_to(request, f"{_base(opportunity_id)}?done=cancelled")

    # --- sessions ---------------------------------------------------------------------------------

    @post("/staff/opportunities/{opportunity_id:int}/sessions", opt=redisplay(_page_again))
    async def add_session(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                          opportunity_id: FromPath[int]) -> Response:
        found = await opportunity(user, opportunity_id)
        await posting.add_session(emails, user, opportunity_id, parse_session(await form_values(request), found["timezone"]))
        return go_to(request, f"{_base(opportunity_id)}?done=session#sessions-heading")

    @get("/staff/opportunities/{opportunity_id:int}/sessions/{session_id:int}/edit")
    async def edit_session(self, request: Request, user: NamedDependency[CurrentUser], opportunity_id: FromPath[int],
                           session_id: FromPath[int]) -> Template:
        found = await session(user, opportunity_id, session_id)
        tz = (await opportunity(user, opportunity_id))["timezone"]
        return await _session_form(request, opportunity_id, session_id, session_values(found["starts_at"], found["ends_at"], tz), {})

    @post("/staff/opportunities/{opportunity_id:int}/sessions/{session_id:int}/edit", opt=redisplay(_session_again))
    async def save_session(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                           opportunity_id: FromPath[int], session_id: FromPath[int]) -> Response:
        found = await opportunity(user, opportunity_id)
        times = parse_session(await form_values(request), found["timezone"])
        await posting.change_session(emails, user, opportunity_id, session_id, times)
        return go_to(request, f"{_base(opportunity_id)}?done=session#sessions-heading")

    @post("/staff/opportunities/{opportunity_id:int}/sessions/{session_id:int}/cancel", opt=redisplay(_page_again))
    async def cancel_session(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                             opportunity_id: FromPath[int], session_id: FromPath[int]) -> Response:
        await posting.cancel_session(emails, user, opportunity_id, session_id)
        return go_to(request, f"{_base(opportunity_id)}?done=session_cancelled#sessions-heading")

    # --- sign-ups ---------------------------------------------------------------------------------

    @post("/staff/opportunities/{opportunity_id:int}/assign", opt=redisplay(_page_again))
    async def assign(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                     opportunity_id: FromPath[int]) -> Response:
        await opportunity(user, opportunity_id)
        await seats.assign(emails, user, opportunity_id, parse_student(await form_values(request)))
        return go_to(request, f"{_base(opportunity_id)}?done=assigned#sign-ups-heading")

    @post("/staff/opportunities/{opportunity_id:int}/sign-ups/{sign_up_id:int}", opt=redisplay(_page_again))
    async def decide(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                     opportunity_id: FromPath[int], sign_up_id: FromPath[int]) -> Response:
        await opportunity(user, opportunity_id)
        action = str((await form_values(request)).get("action", ""))
        if action not in seats.STAFF_ACTIONS:
            raise FormErrors({"form": "Choose approve, waitlist, decline or cancel."})
        await seats.decide(emails, user, opportunity_id, sign_up_id, action)
        return go_to(request, f"{_base(opportunity_id)}?done={action}#sign-up-{sign_up_id}")

    @post("/staff/opportunities/{opportunity_id:int}/sign-ups/{sign_up_id:int}/forms", opt=redisplay(_page_again))
    async def tick_form(self, request: Request, user: NamedDependency[CurrentUser], opportunity_id: FromPath[int],
                        sign_up_id: FromPath[int]) -> Response:
        found = await opportunity(user, opportunity_id)
        form = parse_form_name(await form_values(request), tuple(found["required_forms"]))
        await required_forms.tick(user, opportunity_id, sign_up_id, form)
        return go_to(request, f"{_base(opportunity_id)}?done=form#sign-up-{sign_up_id}")

    @post("/staff/opportunities/{opportunity_id:int}/sign-ups/{sign_up_id:int}/slip", opt=redisplay(_page_again))
    async def send_slip(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                        opportunity_id: FromPath[int], sign_up_id: FromPath[int]) -> Response:
        await required_forms.send_slip(emails, user, opportunity_id, sign_up_id)
        return go_to(request, f"{_base(opportunity_id)}?done=slip#sign-up-{sign_up_id}")
