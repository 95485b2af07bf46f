"""Where each role lands, and the pages of roles whose work is still to come."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Redirect

from portfolio.auth import signed_in
from portfolio.services.accounts import CurrentUser

LANDINGS = {"student": "/student", "mentor": "/mentor", "employer": "/employer", "staff": "/staff", "admin": "/admin"}


class HomeController(Controller):
    @get("/", guards=[signed_in])
    async def home(self, request: Request, user: NamedDependency[CurrentUser]) -> Redirect:
        return Redirect(path=LANDINGS[user.landing_role], status_code=303)
