"""Employers: the portfolios students shared with their organization."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from portfolio.auth import role
from portfolio.routes.common import render


class EmployerController(Controller):
    path = "/employer"
    guards = [role("employer")]

    @get("/")
    async def index(self, request: Request) -> Template:
        return render(request, "employer")
