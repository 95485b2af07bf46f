"""Workplace supervisors, without an account: the e-mailed link, and the receipt of an on-the-spot sign-off."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import public
from portfolio.routes.common import render


class VerifyController(Controller):
    path = "/v"
    # Links stand in for accounts here; each handler checks its link or grant.
    guards = [public]

    @get("/{token:str}")
    async def open_link(self, request: Request, token: FromPath[str]) -> Template:
        return render(request, "link_invalid", purpose="verify", status_code=410)
