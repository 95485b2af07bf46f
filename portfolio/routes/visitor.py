"""People without an account: a share link's visitor, and a guardian giving or withdrawing consent.

A share link works like the supervisor's link (routes/verify.py): the visitor gives their name and
organization once, and a signed, short-lived cookie scoped to that link's path stands for them. Every request
checks both the link (still active) and that cookie, so a revoked or expired share stops at once. Every view
is recorded for the student (FERPA's record of disclosures), and each file opened once per visitor and day.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from portfolio import clock
from portfolio.auth import link_token, public
from portfolio.errors import FormErrors, LinkInvalid, NotFound
from portfolio.forms.share import parse_visitor
from portfolio.routes.common import (
    client_ip,
    form_values,
    redirect_with_grant,
    redisplay,
    render,
)
from portfolio.routes.evidence import send_thumb, send_view
from portfolio.routes.verify import LinkHeadersMiddleware
from portfolio.services import evidence, sharing
from portfolio.services.emails import Emails
from portfolio.settings import Settings
from portfolio.storage import EvidenceStore

VISITOR_COOKIE = "portfolio_share"
GRANT_HOURS = 2


def _base(token: str) -> str:
    return f"/s/{token}"


def _invalid(token: str | None = None) -> Template:
    """The friendly "this link no longer works" page (410); it drops the visitor's grant too."""
    response = Template(template_name="pages/share_invalid.html", status_code=410)
    if token is not None:
        response.delete_cookie(VISITOR_COOKIE, path=_base(token))
    return response


def _visitor_form(token: str, share: dict[str, Any], values: dict[str, str], errors: dict[str, str], status_code: int = 200) -> Template:
    return Template(
        template_name="pages/share_visitor.html",
        context={"action": _base(token), "student_name": share["student_name"], "values": values, "errors": errors,
                 "grant_hours": GRANT_HOURS},
        status_code=status_code,
    )


async def _introduce_again(request: Request, problem: FormErrors) -> Template:
    token = request.path_params["token"]
    share = await sharing.link_share(token)
    share["student_name"] = await sharing.student_name(share["student"])
    return _visitor_form(token, share, problem.values, problem.errors)


async def _share_invalid(request: Request, problem: LinkInvalid) -> Template:
    return _invalid()


async def _consent_invalid(request: Request, problem: LinkInvalid) -> Template:
    return render(request, "consent_invalid", status_code=410)


class VisitorController(Controller):
    # The link is the authorization here; each handler checks it (a malformed one never gets that far). No
    # Referer and no caching on any answer.
    guards = [public, link_token]
    middleware = [LinkHeadersMiddleware]
    opt = {"link_invalid": _share_invalid}

    async def _share(self, token: str) -> dict[str, Any] | None:
        try:
            share = await sharing.link_share(token)
        except NotFound:
            return None
        return share

    async def _visitor(self, request: Request, settings: Settings, token: str) -> tuple[dict[str, Any] | None, sharing.Visitor | None]:
        share = await self._share(token)
        if share is None:
            return None, None
        return share, sharing.check_visitor_grant(settings.secret_key, request.cookies.get(VISITOR_COOKIE), share["id"])

    # --- the link and the visitor's name -----------------------------------------------------------

    @get("/s/{token:str}")
    async def share_link(self, request: Request, token: FromPath[str]) -> Template:
        share = await self._share(token)
        if share is None:
            return _invalid(token)
        share["student_name"] = await sharing.student_name(share["student"])
        return _visitor_form(token, share, {"name": "", "organization": ""}, {})

    @post("/s/{token:str}", opt=redisplay(_introduce_again))
    async def introduce(self, request: Request, token: FromPath[str], settings: NamedDependency[Settings]) -> Response:
        share = await self._share(token)
        if share is None:
            return _invalid(token)
        visitor = parse_visitor(await form_values(request))
        expires = clock.now() + timedelta(hours=GRANT_HOURS)
        grant = sharing.visitor_grant(settings.secret_key, share["id"], visitor.name, visitor.organization, expires)
        return redirect_with_grant(
            f"{_base(token)}/portfolio", VISITOR_COOKIE, grant, GRANT_HOURS * 3600, _base(token), settings.secure_cookies
        )

    # --- the portfolio and its files --------------------------------------------------------------

    @get("/s/{token:str}/portfolio")
    async def portfolio(self, request: Request, token: FromPath[str], settings: NamedDependency[Settings]) -> Response:
        share, visitor = await self._visitor(request, settings, token)
        if share is None:
            return _invalid(token)
        if visitor is None:  # no grant, an old one, or one for another link: who is looking, first
            return Redirect(path=_base(token), status_code=303)
        access = await sharing.link_access(token)
        pf = await sharing.portfolio(share["student"], access)
        await sharing.disclose(share["student"], "view", visitor.name, visitor.organization, share=share["id"])
        return render(request, "share_portfolio", pf=pf, evidence_base=f"{_base(token)}/evidence", visitor=visitor)

    async def _opened_file(self, request: Request, settings: Settings, token: str, evidence_id: int) -> dict[str, Any]:
        """The file, if the link is active, the visitor's grant good and the file part of what it shares (404
        otherwise); its opening is a disclosure, recorded."""
        share, visitor = await self._visitor(request, settings, token)
        if share is None or visitor is None:
            raise NotFoundException()
        row = await evidence.get_for(None, evidence_id, share_access=await sharing.link_access(token))
        await sharing.disclose_file(share["student"], row["id"], visitor.name, visitor.organization, share=share["id"])
        return row

    @get("/s/{token:str}/evidence/{evidence_id:int}/thumb")
    async def evidence_thumb(
        self, request: Request, token: FromPath[str], evidence_id: FromPath[int],
        settings: NamedDependency[Settings], store: NamedDependency[EvidenceStore],
    ) -> Response:
        return send_thumb(store, await self._opened_file(request, settings, token, evidence_id))

    @get("/s/{token:str}/evidence/{evidence_id:int}/view")
    async def evidence_view(
        self, request: Request, token: FromPath[str], evidence_id: FromPath[int],
        settings: NamedDependency[Settings], store: NamedDependency[EvidenceStore],
    ) -> Response:
        return await send_view(store, await self._opened_file(request, settings, token, evidence_id))

    # --- a guardian's consent ---------------------------------------------------------------------

    # The same link agrees while unanswered and withdraws for as long as the consent stands.

    @get("/consent/{token:str}", opt={"link_invalid": _consent_invalid})
    async def consent_page(self, request: Request, token: FromPath[str]) -> Template:
        consent = await sharing.consent_request(token)
        if consent["given_at"]:
            return render(request, "consent_thanks", consent=consent, withdraw=f"/consent/{token}/withdraw", just_given=False)
        return render(request, "consent_guardian", consent=consent, action=f"/consent/{token}")

    @post("/consent/{token:str}", opt={"link_invalid": _consent_invalid})
    async def give_consent(self, request: Request, token: FromPath[str], emails: NamedDependency[Emails]) -> Template:
        consent = await sharing.give_consent(emails, token, client_ip(request))
        return render(request, "consent_thanks", consent=consent, withdraw=f"/consent/{token}/withdraw", just_given=True)

    @post("/consent/{token:str}/withdraw", opt={"link_invalid": _consent_invalid})
    async def withdraw_consent(self, request: Request, token: FromPath[str], emails: NamedDependency[Emails]) -> Template:
        consent = await sharing.withdraw_by_guardian(emails, token, client_ip(request))
        return render(request, "consent_withdrawn", consent=consent)
