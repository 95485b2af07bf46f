"""A student's shares: make, preview and revoke them; ask a guardian's consent; see who viewed."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from portfolio.auth import role
from portfolio.routes.common import render
from portfolio.services import sharing


class SharingController(Controller):
    path = "/student/sharing"
    guards = [role("student")]

    @get("/")
    async def index(self, request: Request) -> Template:
        return render(request, "sharing", shares=await sharing.shares_of(request.scope["user"]))
