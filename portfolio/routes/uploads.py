"""The routes that take files, built per app: their body limit comes from the settings
(PORTFOLIO_MAX_UPLOAD_MB); every other route keeps Litestar's small default. Each one hands over to the
module of its page at once."""

from __future__ import annotations

from litestar import Controller, MediaType, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from portfolio.auth import role
from portfolio.routes import api, evidence, student
from portfolio.settings import Settings
from portfolio.storage import EvidenceStore

# Multipart framing and the other form fields ride on top of the files themselves.
FORM_OVERHEAD = 64 * 1024


def upload_routes(settings: Settings) -> list[type[Controller]]:
    """The student's pages (with the routes that take files) and the API's upload route."""
    limit = settings.max_upload_mb * 1024 * 1024 + FORM_OVERHEAD

    # The student's pages with their upload routes added: one controller, because Litestar refuses a
    # second controller at an address (/student/experiences) that another one already answers.
    class StudentPages(student.StudentController):

        @post("/experiences", request_max_body_size=limit)
        async def create_experience(
            self, request: Request, store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]
        ) -> Response:
            return await student.create_entry(request, store, settings)

        @post("/experiences/{entry_id:int}/evidence", request_max_body_size=limit)
        async def add_to_experience(
            self, request: Request, entry_id: FromPath[int], store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]
        ) -> Response:
            return await evidence.add_to_experience(request, entry_id, store, settings)

        @post("/certifications/{certification_id:int}/evidence", request_max_body_size=limit)
        async def add_to_certification(
            self, request: Request, certification_id: FromPath[int], store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]
        ) -> Response:
            return await evidence.add_to_certification(request, certification_id, store, settings)

    class ApiUploads(Controller):
        path = "/api/v1"
        guards = [role("student")]

        @post("/experiences/{entry_id:int}/evidence", request_max_body_size=limit, media_type=MediaType.JSON)
        async def add_evidence(
            self, request: Request, entry_id: FromPath[int], store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]
        ) -> Response:
            return await api.add_evidence(request, entry_id, store, settings)

    return [StudentPages, ApiUploads]
