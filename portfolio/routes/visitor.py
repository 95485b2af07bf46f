"""People without an account: a share link's visitor, and a guardian giving consent."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import public
from portfolio.routes.common import render


class VisitorController(Controller):
    # The link is the authorization here; each handler checks it.
    guards = [public]

    @get("/s/{token:str}")
    async def share_link(self, request: Request, token: FromPath[str]) -> Template:
        return render(request, "share_invalid", status_code=410)
