"""A mentor's queue: pending verification requests of their assigned students, decided one by one or in batches."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from portfolio.auth import role
from portfolio.routes.common import render
from portfolio.services import signoff


class MentorController(Controller):
    path = "/mentor"
    guards = [role("mentor")]

    @get("/")
    async def queue(self, request: Request) -> Template:
        return render(request, "mentor", items=await signoff.mentor_queue(request.scope["user"]))
