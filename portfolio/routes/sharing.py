"""A student's shares: make, preview and revoke them; propose a guardian for consent; see who viewed.

A link's token is never in a URL of ours that could be logged or sent on as a Referer: it is in the body of the
answer to the POST that made it, and of the student's own no-store page that shows it again. Only its hash is
stored; the token is derived again from the share and the secret key.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import segno
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from portfolio.auth import role
from portfolio.errors import FormErrors
from portfolio.formats import nice_date
from portfolio.forms.consent import parse_guardian
from portfolio.forms.share import parse_share, share_values
from portfolio.routes.common import form_values, go_to, redisplay, render
from portfolio.services import experiences, sharing
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.settings import Settings

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def qr_data_uri(url: str) -> str:
    """The link as a QR code: an SVG data URI (the CSP allows data: images)."""
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2, dark="#000", light="#fff")


async def _page(
    request: Request, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
    consent_values: dict[str, Any] | None = None, consent_errors: dict[str, str] | None = None,
    status_code: int = 200, **extra: Any,
) -> Template:
    student: CurrentUser = request.user
    return render(
        request, "sharing", status_code=status_code,
        shares=await sharing.shares_of(student),
        may_share=await sharing.may_share_outside(student),
        guardian=await sharing.guardian_status(student.id),
        employers=await sharing.employer_choices(),
        choices=await sharing.share_choices(student),
        values=values or {"audience": "", "scope": "everything", "days": str(sharing.DEFAULT_DAYS), "label": "",
                          "experiences": [], "certifications": []},
        errors=errors or {},
        consent_values=consent_values or {},
        consent_errors=consent_errors or {},
        default_days=sharing.DEFAULT_DAYS,
        max_days=sharing.MAX_DAYS,
        **({"created": None, "revoked": False, "asked": False} | extra),
    )


async def _share_form_again(request: Request, problem: FormErrors) -> Template:
    form = await form_values(request)
    return await _page(request, values=share_values(form), errors=problem.errors, status_code=422)


async def _consent_form_again(request: Request, problem: FormErrors) -> Template:
    return await _page(request, consent_values=problem.values, consent_errors=problem.errors, status_code=422)


async def _link_page(student: CurrentUser, share_id: int, raw: str, settings: Settings, created: bool) -> Template:
    share = next(s for s in await sharing.shares_of(student) if s["id"] == share_id)
    url = f"{settings.base_url}/s/{raw}"
    # The link in the clear: never stored, never cached, never sent on as a Referer.
    return Template(
        template_name="pages/share_created.html",
        context={"share": share, "url": url, "qr": qr_data_uri(url), "created": created},
        headers=NO_STORE,
    )


class SharingController(Controller):
    path = "/student/sharing"
    guards = [role("student")]

    @get("/")
    async def index(
        self, request: Request, created: FromQuery[int | None] = None, revoked: FromQuery[bool] = False,
        asked: FromQuery[bool] = False,
    ) -> Template:
        return await _page(request, created=created, revoked=revoked, asked=asked)

    @post("/", opt=redisplay(_share_form_again))
    async def create(
        self, request: Request, student: NamedDependency[CurrentUser], emails: NamedDependency[Emails], settings: NamedDependency[Settings]
    ) -> Response:
        share = parse_share(await form_values(request), await sharing.employer_ids())
        share_id, raw = await sharing.create(emails, student, share, settings.secret_key)
        if raw is None:
            return go_to(request, f"/student/sharing?created={share_id}")
        return await _link_page(student, share_id, raw, settings, created=True)

    @get("/{share_id:int}/link")
    async def link(self, student: NamedDependency[CurrentUser], share_id: FromPath[int], settings: NamedDependency[Settings]) -> Template:
        """A live link and its QR code again (at a career fair, say)."""
        raw = await sharing.link_of(student, share_id, settings.secret_key)
        return await _link_page(student, share_id, raw, settings, created=False)

    @post("/{share_id:int}/revoke")
    async def revoke(self, request: Request, student: NamedDependency[CurrentUser], share_id: FromPath[int]) -> Response:
        await sharing.revoke(student, share_id)
        return go_to(request, "/student/sharing?revoked=1")

    @get("/{share_id:int}/preview")
    async def preview(self, request: Request, student: NamedDependency[CurrentUser], share_id: FromPath[int]) -> Template:
        access = await sharing.share_access(student, share_id)
        share = next(s for s in await sharing.shares_of(student) if s["id"] == share_id)
        # The student's own look: no disclosure is recorded, and files open through their own /evidence.
        return render(request, "share_preview", share=share, pf=await sharing.portfolio(student.id, access),
                      evidence_base="/evidence")

    @get("/views")
    async def views(self, request: Request, student: NamedDependency[CurrentUser]) -> Template:
        zone = ZoneInfo((await experiences.school_of(student))["timezone"])
        views = await sharing.disclosures_of(student)
        for view in views:
            local = view["created_at"].astimezone(zone)
            view["when"] = f"{nice_date(local.date())}, {local:%H:%M}"
        return render(request, "sharing_views", views=views)

    @post("/consent", opt=redisplay(_consent_form_again))
    async def propose_guardian(self, request: Request, student: NamedDependency[CurrentUser]) -> Response:
        """Only a proposal: the school confirms the guardian's address before any link is e-mailed."""
        form = await form_values(request)
        await sharing.propose(student, parse_guardian(form, student.email))
        return go_to(request, "/student/sharing?asked=1")
