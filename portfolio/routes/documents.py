"""Portfolio documents: the PDF, the student's full export, and the public page that checks a PDF."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import public
from portfolio.routes.common import render


class DocumentController(Controller):
    guards = [public]

    @get("/p/{code:str}")
    async def check(self, request: Request, code: FromPath[str]) -> Template:
        return render(request, "error", status_code=404, title="Not found", message="There is no such document.")
