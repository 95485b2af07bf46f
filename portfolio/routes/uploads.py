"""The routes that take files, built per app: their body limit comes from the settings
(PORTFOLIO_MAX_UPLOAD_MB); every other route keeps Litestar's small default. Each one hands over to the
module of its page at once."""

from __future__ import annotations

from litestar import Controller, MediaType, Request, Response, post
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.params import FromPath
from litestar.types import ASGIApp, Receive, Scope, Send

from portfolio.auth import role
from portfolio.routes import api, evidence, student
from portfolio.routes.common import redisplay
from portfolio.settings import Settings
from portfolio.storage import EvidenceStore

# Multipart framing and the other form fields ride on top of the files themselves.
FORM_OVERHEAD = 64 * 1024
SMALL_FORM = 1024 * 1024  # what every other route takes


class UploadGate:
    """Runs the route's guards, and checks the kind of body, before anything reads it.

    The CSRF check reads a whole form before the guards run: on these routes that could be the upload
    limit's worth, and a URL-encoded form is parsed in memory. So a visitor the route is not for is
    answered at once, and the body must be multipart (spooled to disk); with `forms`, a URL-encoded form
    (the new-entry form sent without files, by a page from before it took files) is taken up to 1 MB.
    """

    def __init__(self, app: ASGIApp, forms: bool = False) -> None:
        self.app = app
        self.forms = forms

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            connection: ASGIConnection = ASGIConnection(scope)
            handler = scope["route_handler"]
            for guard in handler.resolve_guards():
                await guard(connection, handler)
            media_type = connection.headers.get("content-type", "").split(";")[0].strip().lower()
            if media_type != "multipart/form-data":
                if not (self.forms and media_type == "application/x-www-form-urlencoded"):
                    raise HTTPException(status_code=415, detail="Send files as multipart/form-data.")
                length = connection.headers.get("content-length", "")
                if not length.isdigit() or int(length) > SMALL_FORM:
                    raise HTTPException(status_code=413)
        await self.app(scope, receive, send)


def upload_routes(settings: Settings) -> list[type[Controller]]:
    """The student's pages (with the routes that take files) and the API's upload route."""
    limit = settings.max_upload_mb * 1024 * 1024 + FORM_OVERHEAD

    # The student's pages with their upload routes added: one controller, because Litestar refuses a
    # second controller at an address (/student/experiences) that another one already answers.
    class StudentPages(student.StudentController):

        @post("/experiences", request_max_body_size=limit, middleware=[DefineMiddleware(UploadGate, forms=True)],
              opt=redisplay(student.new_entry_again))
        async def create_experience(
            self, request: Request, store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]
        ) -> Response:
            return await student.create_entry(request, store, settings)

        @post("/experiences/{entry_id:int}/evidence", request_max_body_size=limit, middleware=[UploadGate])
        async def add_to_experience(
            self, request: Request, entry_id: FromPath[int], store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]
        ) -> Response:
            return await evidence.add_to_experience(request, entry_id, store, settings)

        @post("/certifications/{certification_id:int}/evidence", request_max_body_size=limit, middleware=[UploadGate])
        async def add_to_certification(
            self, request: Request, certification_id: FromPath[int], store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]
        ) -> Response:
            return await evidence.add_to_certification(request, certification_id, store, settings)

    class ApiUploads(Controller):
        path = "/api/v1"
        guards = [role("student")]

        @post("/experiences/{entry_id:int}/evidence", request_max_body_size=limit, middleware=[UploadGate], media_type=MediaType.JSON)
        async def add_evidence(
            self, request: Request, entry_id: FromPath[int], store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]
        ) -> Response:
            return await api.add_evidence(request, entry_id, store, settings)

    return [StudentPages, ApiUploads]
