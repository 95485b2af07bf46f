"""Where each role lands, and the pages of roles whose work is still to come."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Redirect, Template

from portfolio.auth import role, signed_in
from portfolio.routes.common import render

LANDINGS = {"student": "/student", "mentor": "/mentor", "employer": "/employer", "staff": "/staff", "admin": "/admin"}


class HomeController(Controller):
    @get("/", guards=[signed_in])
    async def home(self, request: Request) -> Redirect:
        return Redirect(path=LANDINGS[request.scope["user"].landing_role], status_code=303)

    @get("/employer", guards=[role("employer")])
    async def employer(self, request: Request) -> Template:
        return render(request, "employer")
