"""A placement's e-mailed links, for people without an account: a guardian or supervisor signs the agreement,
the supervisor confirms a week's timesheet, and evaluates the student at the end. As with a supervisor's
verification link (routes/verify.py), GET /w/{token} trades the token for a short-lived cookie scoped to the
one link's pages, so the token leaves the address bar; each page and action checks that cookie."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portfolio import clock
from portfolio.auth import link_token, public
from portfolio.errors import LinkInvalid
from portfolio.forms.placements import parse_evaluation, parse_hours_change, parse_rejection, parse_signature
from portfolio.opportunity_vocabulary import AGREEMENT_PARTY_LABELS, PlacementLinkPurpose
from portfolio.routes.common import client_ip, form_values, redirect_with_grant, redisplay, render
from portfolio.routes.verify import GRANT_MINUTES, LinkHeadersMiddleware
from portfolio.services import sharing
from portfolio.services.emails import Emails
from portfolio.services.placements import agreement, evaluations, links, timesheets
from portfolio.services.placements.agreement import PARTY_OF_LINK
from portfolio.services.placements.scope import by_id
from portfolio.settings import Settings
from portfolio.vocabulary import DisclosureKind

GRANT_COOKIE = "portfolio_placement"


def _path(link_id: int) -> str:
    return f"/w/l/{link_id}"


async def _invalid(request: Request, problem: LinkInvalid) -> Template:
    link_id = request.path_params.get("link_id")
    reason = "grant" if link_id is not None else (problem.reason or "link")
    response = Template(template_name="pages/supervisor_invalid.html",
                        context={"reason": reason, "grant_minutes": GRANT_MINUTES}, status_code=410)
    if link_id is not None:
        response.delete_cookie(GRANT_COOKIE, path=_path(link_id))
    return response


async def _granted(request: Request, settings: Settings, link_id: int) -> dict[str, Any]:
    return await links.granted(settings.secret_key, request.cookies.get(GRANT_COOKIE), link_id)


async def _page(request: Request, link: dict[str, Any], errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
                message: str = "", status_code: int = 200, done: str = "") -> Template:
    """The link's one page: the agreement to sign, the week's timesheet or the evaluation."""
    context: dict[str, Any] = {"link": link, "action": _path(link["id"]), "errors": errors or {}, "values": values or {},
                               "message": message, "done": done}
    if link["purpose"] == PlacementLinkPurpose.TIMESHEET:
        return render(request, "timesheet", status_code=status_code, view=await timesheets.week_view(link), **context)
    placement = await by_id(link["placement"])
    if link["purpose"] == PlacementLinkPurpose.EVALUATION:
        return render(request, "evaluation_form", status_code=status_code, placement=placement,
                      criteria=await evaluations.rubric(placement["school"]), **context)
    state = await agreement.state(placement)
    return render(request, "agreement_sign", status_code=status_code, placement=placement, agreement=state,
                  party=AGREEMENT_PARTY_LABELS[PARTY_OF_LINK[link["purpose"]]], stale=link["agreement_hash"] != state["hash"],
                  **context)


async def _again(request: Request, problem: Any) -> Template:
    link = await links.usable_link(request.path_params["link_id"])
    values = {k: v for k, v in (await form_values(request)).items() if isinstance(v, str)}
    return await _page(request, link, problem.field_errors, values, "" if problem.field_errors else str(problem.message),
                       problem.status)


class PlacementLinkController(Controller):
    path = "/w"
    guards = [public, link_token]
    middleware = [LinkHeadersMiddleware]
    opt = {"link_invalid": _invalid}

    @get("/{token:str}")
    async def open_link(self, request: Request, token: FromPath[str], settings: NamedDependency[Settings]) -> Response:
        link_id = await links.open_link(token, client_ip(request))
        value = links.grant(settings.secret_key, link_id, clock.now() + timedelta(minutes=GRANT_MINUTES))
        return redirect_with_grant(_path(link_id), GRANT_COOKIE, value, GRANT_MINUTES * 60, _path(link_id),
                                   settings.secure_cookies)

    @get("/l/{link_id:int}")
    async def page(self, request: Request, link_id: FromPath[int], settings: NamedDependency[Settings]) -> Template:
        link = await _granted(request, settings, link_id)
        page = await _page(request, link, done=request.query_params.get("done", ""))
        # Someone outside the school read the student's record: the student sees it among their views.
        found = page.context.get("placement") or page.context["view"]["placement"]
        await sharing.disclose(found["student"], DisclosureKind.VERIFICATION_LINK, link["name"] or link["email"],
                               found["partner_name"] if link["purpose"] != PlacementLinkPurpose.GUARDIAN_SIGNATURE else "")
        return page

    @post("/l/{link_id:int}/sign", opt=redisplay(_again))
    async def sign(self, request: Request, link_id: FromPath[int], settings: NamedDependency[Settings]) -> Template:
        link = await _granted(request, settings, link_id)
        raw = await form_values(request)
        signature = parse_signature(raw)
        await agreement.sign_by_link(link["id"], str(raw.get("agreement_hash", "")), signature.name, client_ip(request))
        response = render(request, "placement_link_done", what="signed")
        response.delete_cookie(GRANT_COOKIE, path=_path(link_id))
        return response

    @post("/l/{link_id:int}/confirm")
    async def confirm(self, request: Request, link_id: FromPath[int], settings: NamedDependency[Settings]) -> Template:
        link = await _granted(request, settings, link_id)
        raw = await form_values(request)
        seen = {int(k.removeprefix("hash_")): str(v) for k, v in raw.items() if k.startswith("hash_") and k[5:].isdigit()}
        done = await timesheets.confirm_all(link["id"], seen, client_ip(request))
        if done["stale"]:
            message = (f"{done['stale']} {'entry was' if done['stale'] == 1 else 'entries were'} changed by the student since you "
                       "opened the page, and not confirmed: check them below.")
            return await _page(request, await links.usable_link(link_id), message=message, status_code=409)
        return render(request, "placement_link_done", what="confirmed", count=done["confirmed"])

    async def _after_entry(self, request: Request, link_id: int) -> Template:
        try:
            link = await links.usable_link(link_id)
        except LinkInvalid:
            return render(request, "placement_link_done", what="week_done")
        return await _page(request, link, done="entry")

    @post("/l/{link_id:int}/entries/{entry_id:int}/hours", opt=redisplay(_again))
    async def change_hours(self, request: Request, link_id: FromPath[int], entry_id: FromPath[int],
                           settings: NamedDependency[Settings], emails: NamedDependency[Emails]) -> Template:
        link = await _granted(request, settings, link_id)
        raw = await form_values(request)
        await timesheets.change_hours(emails, link["id"], entry_id, str(raw.get("hash", "")), parse_hours_change(raw),
                                      client_ip(request))
        return await self._after_entry(request, link_id)

    @post("/l/{link_id:int}/entries/{entry_id:int}/reject", opt=redisplay(_again))
    async def reject(self, request: Request, link_id: FromPath[int], entry_id: FromPath[int],
                     settings: NamedDependency[Settings], emails: NamedDependency[Emails]) -> Template:
        link = await _granted(request, settings, link_id)
        raw = await form_values(request)
        await timesheets.reject(emails, link["id"], entry_id, str(raw.get("hash", "")), parse_rejection(raw), client_ip(request))
        return await self._after_entry(request, link_id)

    @post("/l/{link_id:int}/evaluate", opt=redisplay(_again))
    async def evaluate(self, request: Request, link_id: FromPath[int], settings: NamedDependency[Settings]) -> Template:
        link = await _granted(request, settings, link_id)
        placement = await by_id(link["placement"])
        criteria = [c["id"] for c in await evaluations.rubric(placement["school"])]
        await evaluations.give(link["id"], parse_evaluation(await form_values(request), criteria), client_ip(request))
        response = render(request, "placement_link_done", what="evaluated")
        response.delete_cookie(GRANT_COOKIE, path=_path(link_id))
        return response
