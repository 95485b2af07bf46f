"""A student asks for verification: from a mentor, from a workplace supervisor by e-mail, or on the spot."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from portfolio.auth import role
from portfolio.routes.common import render
from portfolio.services import signoff


class RequestController(Controller):
    path = "/student/verify"
    guards = [role("student")]

    @get("/")
    async def requests(self, request: Request) -> Template:
        return render(request, "verify_requests", pending=await signoff.pending_for_student(request.scope["user"]))
