"""A student asks for verification: from a mentor, from a workplace supervisor by e-mail, or on the spot."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from portfolio.auth import role
from portfolio.errors import FormErrors
from portfolio.forms.verification import parse_supervisor
from portfolio.parse import int_ids
from portfolio.routes.common import form_values, go_to, redisplay, render
from portfolio.services import experiences, mentoring, signoff
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails

SUPERVISOR_FIELDS = ("supervisor_name", "supervisor_title", "supervisor_organization", "supervisor_email")


async def _new_page(
    request: Request, chosen: list[int], values: dict[str, Any], errors: dict[str, str], status_code: int = 200
) -> Template:
    student: CurrentUser = request.user
    entries = await experiences.recent(student, limit=1000, statuses=signoff.REQUESTABLE)
    return render(
        request,
        "verify_new",
        status_code=status_code,
        entries=entries,
        chosen=set(chosen),
        mentors=await mentoring.mentors_of(student),
        values=values,
        errors=errors,
    )


async def _new_page_again(request: Request, problem: FormErrors) -> Template:
    form = await form_values(request)
    values = {name: str(form.get(name, "")).strip() for name in ("mentor", *SUPERVISOR_FIELDS)}
    return await _new_page(request, int_ids(form.get("entries")), values | problem.values, problem.errors, 422)


class RequestController(Controller):
    path = "/student/verify"
    guards = [role("student")]

    @get("/")
    async def requests(
        self, request: Request, student: NamedDependency[CurrentUser], sent: FromQuery[str] = "", resent: FromQuery[bool] = False, cancelled: FromQuery[bool] = False
    ) -> Template:
        return render(
            request,
            "verify_requests",
            pending=await signoff.pending_for_student(student),
            sent=sent if sent in ("mentor", "supervisor") else "",
            resent=resent,
            cancelled=cancelled,
        )

    @get("/new")
    async def new(self, request: Request) -> Template:
        return await _new_page(request, int_ids(request.query_params.getall("entries", [])), {}, {})

    async def _ask(self, request: Request, way: str, emails: Emails) -> Response:
        student: CurrentUser = request.user
        form = await form_values(request)
        chosen = int_ids(form.get("entries"))
        if way == "mentor":
            await signoff.ask_mentor(emails, student, chosen, form.get("mentor"))
        else:
            await signoff.ask_supervisor(emails, student, chosen, parse_supervisor(form, student.email))
        return go_to(request, f"/student/verify?sent={way}")

    @post("/mentor", opt=redisplay(_new_page_again))
    async def ask_mentor(self, request: Request, emails: NamedDependency[Emails]) -> Response:
        return await self._ask(request, "mentor", emails)

    @post("/supervisor", opt=redisplay(_new_page_again))
    async def ask_supervisor(self, request: Request, emails: NamedDependency[Emails]) -> Response:
        return await self._ask(request, "supervisor", emails)

    @post("/onsite")
    async def on_the_spot(self, request: Request, student: NamedDependency[CurrentUser]) -> Response:
        """The same choice of entries, handed to the on-the-spot sign-off page (which checks them again)."""
        form = await form_values(request)
        chosen = int_ids(form.get("entries"))
        values = {name: str(form.get(name, "")).strip() for name in ("mentor", *SUPERVISOR_FIELDS)}
        error = ""
        if not chosen:
            error = "Choose at least one entry to verify."
        for entry_id in chosen:
            entry = await experiences.get(student, entry_id)
            if entry["status"] not in signoff.REQUESTABLE:
                error = "Only drafts, entries sent back for changes, and voided entries can be sent for verification."
        if error:
            return await _new_page(request, chosen, values, {"entries": error}, status_code=422)
        return go_to(request, "/v/onsite?" + urlencode([("entries", entry_id) for entry_id in sorted(set(chosen))]))

    @post("/{request_id:int}/resend")
    async def resend(
        self, request: Request, student: NamedDependency[CurrentUser], request_id: FromPath[int], emails: NamedDependency[Emails]
    ) -> Response:
        await signoff.resend(emails, student, request_id)
        return go_to(request, "/student/verify?resent=1")

    @post("/{request_id:int}/cancel")
    async def cancel(self, request: Request, student: NamedDependency[CurrentUser], request_id: FromPath[int]) -> Response:
        await signoff.cancel(student, request_id)
        return go_to(request, "/student/verify?cancelled=1")
