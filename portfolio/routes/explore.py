"""Students: browse the open opportunities of their school (by cluster, or by their interests), sign up or
cancel, see their own with their place on the waitlist, and add one to their calendar. A guardian signs a
permission slip from an e-mailed link, without an account."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import link_token, public, role
from portfolio.errors import FormErrors, LinkInvalid
from portfolio.forms.opportunities import parse_slip_signature
from portfolio.opportunity_vocabulary import REQUIRED_FORM_LABELS, SIGN_UP_STATUS_LABELS
from portfolio.routes.common import client_ip, form_values, go_to, page_number, query_id, redisplay, render
from portfolio.routes.verify import LinkHeadersMiddleware
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.opportunities import browse, calendar, required_forms, seats
from portfolio.storage import content_disposition
from portfolio.vocabulary import KIND_LABELS

NOTICES = {"confirmed": "You have a seat. We e-mailed you the details and a calendar file.",
           "waitlisted": "It is full, so you are on the waitlist. If a seat frees up, you get it and an e-mail.",
           "cancelled": "Cancelled. Your seat went back to the list."}
WORDS = {"kinds": KIND_LABELS, "sign_up_labels": SIGN_UP_STATUS_LABELS, "form_labels": REQUIRED_FORM_LABELS}


async def _one(request: Request, opportunity_id: int, errors: dict[str, str] | None = None, status_code: int = 200) -> Template:
    found = await browse.one(request.user, opportunity_id)
    return render(request, "explore_opportunity", status_code=status_code, o=found, errors=errors or {},
                  notice=NOTICES.get(request.query_params.get("done", ""), ""), **WORDS)


async def _one_again(request: Request, problem: FormErrors) -> Template:
    return await _one(request, request.path_params["opportunity_id"], problem.field_errors, problem.status)


class ExploreController(Controller):
    guards = [role("student")]

    @get("/student/opportunities")
    async def listing(self, request: Request, user: NamedDependency[CurrentUser]) -> Template:
        cluster = query_id(request, "cluster")
        by_interests = request.query_params.get("interests") == "1"
        found = await browse.listing(user, cluster, by_interests, page_number(request))
        query = "&".join(p for p in (f"cluster={cluster}" if cluster else "", "interests=1" if by_interests else "") if p)
        return render(request, "explore", listing=found, mine=await browse.mine(user), clusters=await browse.clusters(),
                      cluster=cluster, by_interests=by_interests, interests=await browse.interests_of(user.id),
                      href="/student/opportunities" + (f"?{query}" if query else ""), **WORDS)

    @get("/student/opportunities/{opportunity_id:int}")
    async def opportunity(self, request: Request, opportunity_id: FromPath[int]) -> Template:
        return await _one(request, opportunity_id)

    @post("/student/opportunities/{opportunity_id:int}/sign-up", opt=redisplay(_one_again))
    async def sign_up(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                      opportunity_id: FromPath[int]) -> Response:
        status = await seats.sign_up(emails, user, opportunity_id)
        return go_to(request, f"/student/opportunities/{opportunity_id}?done={status}")

    @post("/student/opportunities/{opportunity_id:int}/cancel", opt=redisplay(_one_again))
    async def cancel(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                     opportunity_id: FromPath[int]) -> Response:
        await seats.cancel_own(emails, user, opportunity_id)
        return go_to(request, f"/student/opportunities/{opportunity_id}?done=cancelled")

    @get("/student/opportunities/{opportunity_id:int}/calendar.ics")
    async def calendar_file(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                            opportunity_id: FromPath[int]) -> Response:
        await browse.one(user, opportunity_id)  # NotFound unless the student may see it
        found = await seats.details(opportunity_id)
        text = calendar.ics(found, [s for s in found["sessions"] if not s["cancelled"]], emails.domain)
        return Response(content=text.encode(), media_type="text/calendar; charset=utf-8", headers={
            "Content-Disposition": content_disposition("attachment", f"opportunity-{opportunity_id}.ics")})


async def _slip_invalid(request: Request, problem: LinkInvalid) -> Template:
    return render(request, "slip_invalid", status_code=410)


async def _slip_again(request: Request, problem: FormErrors) -> Template:
    found = await required_forms.slip(request.path_params["token"])
    return render(request, "slip", slip=found, values=problem.values, errors=problem.errors,
                  action=f"/slip/{request.path_params['token']}")


class PermissionSlipController(Controller):
    # The link is the authorization; a used, replaced or expired one answers its own page. No Referer, no caching.
    guards = [public, link_token]
    middleware = [LinkHeadersMiddleware]
    opt = {"link_invalid": _slip_invalid}

    @get("/slip/{token:str}")
    async def slip_page(self, request: Request, token: FromPath[str]) -> Template:
        found = await required_forms.slip(token)
        return render(request, "slip", slip=found, values={}, errors={}, action=f"/slip/{token}")

    @post("/slip/{token:str}", opt=redisplay(_slip_again))
    async def sign(self, request: Request, token: FromPath[str]) -> Template:
        found = await required_forms.sign_slip(token, parse_slip_signature(await form_values(request)), client_ip(request))
        return render(request, "slip_thanks", slip=found)
