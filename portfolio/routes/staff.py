"""Staff and admin: the people of a school (or of every school), and inviting new users."""

from __future__ import annotations

from datetime import timedelta

from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template

from portfolio.auth import recently_signed_in, role
from portfolio.mail import Mailer
from portfolio.routes.common import client_ip, form_values, render
from portfolio.services import accounts
from portfolio.services.accounts import FormErrors
from portfolio.settings import Settings


class StaffController(Controller):
    @get("/staff", guards=[role("staff")])
    async def staff_home(self, request: Request, invited: FromQuery[bool] = False) -> Template:
        user = request.scope["user"]
        people = await accounts.people(user.school_id) if user.school_id is not None else []
        heading = await accounts.school_name(user.school_id) or "Your school"
        return render(request, "people", heading=heading, people=people, invited=invited)

    @get("/admin", guards=[role("admin")])
    async def admin_home(self, request: Request, invited: FromQuery[bool] = False) -> Template:
        return render(request, "people", heading="Everyone", people=await accounts.people(), invited=invited)

    @get("/staff/invite", guards=[role("staff", "admin"), recently_signed_in])
    async def invite_page(self, request: Request) -> Template:
        choices = await accounts.invite_choices(request.scope["user"])
        return render(request, "invite", choices=choices, values={"roles": []}, errors={})

    @post("/staff/invite", guards=[role("staff", "admin"), recently_signed_in])
    async def invite(self, request: Request, mailer: NamedDependency[Mailer], settings: NamedDependency[Settings]) -> Response:
        user = request.scope["user"]
        form = await form_values(request)
        roles = form.get("roles", [])
        form["roles"] = roles if isinstance(roles, list) else [roles]
        try:
            await accounts.invite(
                mailer,
                settings.base_url,
                user,
                form,
                timedelta(days=settings.invite_token_days),
                ip=client_ip(request),
            )
        except FormErrors as problem:
            choices = await accounts.invite_choices(user)
            return render(request, "invite", status_code=422, choices=choices, values=problem.values, errors=problem.errors)
        landing = "/admin" if user.has("admin") else "/staff"
        return Redirect(path=f"{landing}?invited=1", status_code=303)
