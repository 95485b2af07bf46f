"""Workplace supervisors, without an account: the e-mailed link, the on-the-spot sign-off on the student's
phone, and the receipt of an on-the-spot sign-off.

The e-mailed token is the authorization, so it is used once, at GET /v/{token}: that only records that the
link was opened (mail scanners open links too) and trades the token for a short-lived cookie scoped to the
one request, so the token leaves the address bar and never reaches a later URL or Referer.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import MutableScopeHeaders
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from portfolio import clock
from portfolio.auth import link_token, public, role
from portfolio.errors import FormErrors, LinkInvalid, NotFound
from portfolio.forms.verification import parse_link_decision, parse_on_the_spot, parse_receipt_answer
from portfolio.parse import as_list, int_or_none
from portfolio.routes.common import (
    client_ip,
    form_values,
    redirect_with_grant,
    redisplay,
    render,
)
from portfolio.routes.evidence import send_thumb, send_view
from portfolio.services import evidence, experiences, sharing, signoff
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.settings import Settings
from portfolio.storage import EvidenceStore
from portfolio.vocabulary import Method

GRANT_COOKIE = "portfolio_link"
GRANT_MINUTES = 30
# Tokens ride in the path of these pages, and the pages show a student's record: no Referer, no caching.
LINK_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
CHOOSE_ENTRIES = "/student/verify/new"


class LinkHeadersMiddleware:
    """Every /v response, error pages included, gets LINK_HEADERS (replacing a looser value)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in LINK_HEADERS.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


def _grant_path(request_id: int) -> str:
    return f"/v/r/{request_id}"


def _invalid(reason: str = "link", request_id: int | None = None) -> Template:
    """The friendly "this link no longer works" page; it changes nothing. For a grant (request_id given) it
    also drops the cookie, and says the same whatever was wrong with it, so request ids cannot be probed."""
    if request_id is not None:
        reason = "grant"
    response = Template(
        template_name="pages/supervisor_invalid.html",
        context={"reason": reason, "grant_minutes": GRANT_MINUTES},
        status_code=410,
    )
    if request_id is not None:
        response.delete_cookie(GRANT_COOKIE, path=_grant_path(request_id))
    return response


async def _link_invalid(request: Request, problem: LinkInvalid) -> Template:
    return _invalid(problem.reason or "link", request.path_params.get("request_id"))


async def _decision_again(request: Request, problem: FormErrors) -> Template:
    form = await form_values(request)
    values = {name: str(form.get(name, "")).strip() for name in ("name", "title", "comment")}
    return await _request_page(request, request.path_params["request_id"], values, problem.errors, status_code=422)


async def _receipt_again(request: Request, problem: FormErrors) -> Template:
    token = request.path_params["token"]
    view = await signoff.receipt_request(token)
    return render(request, "supervisor_receipt", view=view, action=f"/v/receipt/{token}", answer="",
                  error=problem.message)


async def _request_page(
    request: Request, request_id: int, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    view = await signoff.request_view(request_id)
    if values is None:  # the name and title the student gave, for the supervisor to confirm or correct
        values = {"name": view["supervisor_name"], "title": view["supervisor_title"], "comment": ""}
    return render(
        request, "supervisor_request", status_code=status_code, view=view, values=values,
        action=_grant_path(request_id), evidence_base=f"{_grant_path(request_id)}/evidence", errors=errors or {},
    )


async def _onsite_entries(request: Request, ids: list[str]) -> list[dict[str, Any]]:
    """The student's own entries that may be verified now, as a verifier sees them; NotFound otherwise."""
    student = request.user
    entries = []
    for value in dict.fromkeys(ids):
        entry = await experiences.get(student, int_or_none(value) or 0)
        if entry["status"] not in signoff.REQUESTABLE:
            raise NotFound()
        entries.append(await signoff.entry_for_verifier(entry["id"]))
    return entries


def _onsite_page(
    request: Request, entries: list[dict[str, Any]], values: dict[str, Any], errors: dict[str, str], status_code: int = 200
) -> Template:
    return render(
        request, "onsite_form", status_code=status_code, entries=entries, values=values, errors=errors,
        evidence_base="/evidence", student=request.user,
    )


async def _onsite_again(request: Request, problem: FormErrors) -> Template:
    form = await form_values(request)
    ids = as_list(form.get("entries"))
    fields = ("supervisor_name", "supervisor_title", "supervisor_organization", "supervisor_email",
              "signature_typed", "signature_png")
    values = {name: str(form.get(name, "")).strip() for name in fields}
    if "signature" in problem.errors:
        values["signature_png"] = ""  # a drawing that could not be read is not shown again
    try:
        entries = await _onsite_entries(request, ids) if ids else []
    except NotFound:
        entries = []  # verified meanwhile (this form sent twice): nothing to show the form for
    if not entries:
        message = problem.errors.get("entries") or "These entries cannot be verified now."
        return render(request, "error", status_code=422, title="Nothing to verify", message=message, back=CHOOSE_ENTRIES)
    return _onsite_page(request, entries, values, problem.errors, status_code=422)


class VerifyController(Controller):
    path = "/v"
    # Links stand in for accounts here; each handler checks its link or grant, and the on-the-spot pages
    # add role("student") (handler guards add to this one).
    guards = [public, link_token]
    middleware = [LinkHeadersMiddleware]
    # A used, expired or forged link or grant answers the friendly page (and drops a grant's cookie).
    opt = {"link_invalid": _link_invalid}

    # --- the e-mailed link ------------------------------------------------------------------------

    async def _granted(self, request: Request, settings: Settings, request_id: int) -> int:
        """The link id the grant cookie stands for; raises LinkInvalid."""
        return await signoff.check_grant(settings.secret_key, request.cookies.get(GRANT_COOKIE), request_id)

    @get("/{token:str}")
    async def open_link(self, request: Request, token: FromPath[str], settings: NamedDependency[Settings]) -> Response:
        request_id, link_id = await signoff.link_request(token)
        await signoff.opened(link_id, client_ip(request))
        expires = clock.now() + timedelta(minutes=GRANT_MINUTES)
        grant = signoff.link_grant(settings.secret_key, request_id, link_id, expires)
        path = _grant_path(request_id)
        return redirect_with_grant(path, GRANT_COOKIE, grant, GRANT_MINUTES * 60, path, settings.secure_cookies)

    @get("/r/{request_id:int}")
    async def request_page(self, request: Request, request_id: FromPath[int], settings: NamedDependency[Settings]) -> Template:
        await self._granted(request, settings, request_id)
        page = await _request_page(request, request_id)
        # A supervisor reading the request is a disclosure too: the student sees it among their views.
        view = page.context["view"]
        await sharing.disclose(
            view["student_id"], "verification_link", view["supervisor_name"] or view["supervisor_email"],
            view["supervisor_organization"], request=request_id,
        )
        return page

    @post("/r/{request_id:int}", opt=redisplay(_decision_again))
    async def decide(
        self, request: Request, request_id: FromPath[int], settings: NamedDependency[Settings], emails: NamedDependency[Emails]
    ) -> Template:
        form = await form_values(request)
        link_id = await self._granted(request, settings, request_id)
        view = await signoff.request_view(request_id)
        decision = await signoff.decide_by_link(emails, request_id, link_id, parse_link_decision(form), client_ip(request))
        response = render(request, "supervisor_done", decision=decision, view=view)
        response.delete_cookie(GRANT_COOKIE, path=_grant_path(request_id))
        return response

    async def _evidence_row(self, request: Request, settings: Settings, request_id: int, evidence_id: int) -> dict[str, Any]:
        await self._granted(request, settings, request_id)
        return await evidence.get_for(None, evidence_id, link_request=request_id)

    @get("/r/{request_id:int}/evidence/{evidence_id:int}/thumb")
    async def evidence_thumb(
        self, request: Request, request_id: FromPath[int], evidence_id: FromPath[int],
        settings: NamedDependency[Settings], store: NamedDependency[EvidenceStore],
    ) -> Response:
        return send_thumb(store, await self._evidence_row(request, settings, request_id, evidence_id))

    @get("/r/{request_id:int}/evidence/{evidence_id:int}/view")
    async def evidence_view(
        self, request: Request, request_id: FromPath[int], evidence_id: FromPath[int],
        settings: NamedDependency[Settings], store: NamedDependency[EvidenceStore],
    ) -> Response:
        return await send_view(store, await self._evidence_row(request, settings, request_id, evidence_id))

    # --- on the spot, on the student's phone ------------------------------------------------------

    @get("/onsite", guards=[role("student")])
    async def onsite_form(self, request: Request) -> Response:
        ids = request.query_params.getall("entries", [])
        if not ids:
            # Nothing chosen yet: entries are chosen on the student's "ask for verification" page.
            return Redirect(path=CHOOSE_ENTRIES, status_code=303)
        entries = await _onsite_entries(request, ids)
        organizations = {e["organization_name"] for e in entries}
        values = {"supervisor_organization": organizations.pop() if len(organizations) == 1 else ""}
        return _onsite_page(request, entries, values, {})

    @post("/onsite", guards=[role("student")], opt=redisplay(_onsite_again))
    async def onsite_verify(self, request: Request, student: NamedDependency[CurrentUser], emails: NamedDependency[Emails]) -> Response:
        form = await form_values(request)
        ids = as_list(form.get("entries"))
        request_id = await signoff.verify_on_device(emails, student, ids, parse_on_the_spot(form, student.email))
        return Redirect(path=f"/v/onsite/done?request={request_id}", status_code=303)

    @get("/onsite/done", guards=[role("student")])
    async def onsite_done(self, request: Request, student: NamedDependency[CurrentUser]) -> Template:
        view = await signoff.request_view(int_or_none(request.query_params.get("request")) or 0)
        if view["method"] != Method.ON_DEVICE:
            raise NotFound()
        for entry in view["items"]:
            await experiences.get(student, entry["id"])  # only the student's own request
        for entry in view["items"]:
            history = await signoff.history(entry["id"], student.email)
            entry["state"] = signoff.verification_state(entry, history[0] if history else None, signoff.files_of(entry))
        return render(request, "onsite_done", view=view, evidence_base="/evidence")

    # --- the receipt of an on-the-spot sign-off ---------------------------------------------------

    @get("/receipt/{token:str}")
    async def receipt(self, request: Request, token: FromPath[str]) -> Template:
        view = await signoff.receipt_request(token)
        if view["disputed"] or view["confirmed"]:
            return _invalid("answered")
        return render(request, "supervisor_receipt", view=view, action=f"/v/receipt/{token}", answer="")

    @post("/receipt/{token:str}", opt=redisplay(_receipt_again))
    async def answer_receipt(
        self, request: Request, token: FromPath[str], emails: NamedDependency[Emails]
    ) -> Template:
        # An unusable link answers as such before the form's problems (whose page needs the link's request).
        view = await signoff.receipt_request(token)
        mine = parse_receipt_answer(await form_values(request))
        answer = await signoff.answer_receipt(emails, token, mine, client_ip(request))
        return render(request, "supervisor_receipt", view=view, answer=answer)
