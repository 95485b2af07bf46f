"""The JSON API the offline queue speaks. Kept apart from the HTML routes."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.utils.scope.state import ScopeState

from portfolio.auth import role
from portfolio.forms.entry import parse_entry
from portfolio.routes.common import json_object, not_an_object
from portfolio.routes.uploads import limits, read_upload_form, spooled, takes_files, too_large
from portfolio.services import evidence, experiences
from portfolio.services.accounts import CurrentUser
from portfolio.settings import Settings
from portfolio.storage import EvidenceStore


class MeController(Controller):
    """Asked by the offline queue before it sends: a student's queued entries, or the marks staff queued on a
    session's roster."""

    path = "/api/v1"
    guards = [role("student", "staff", "admin")]

    @get("/me")
    async def me(self, request: Request, user: NamedDependency[CurrentUser]) -> dict[str, Any]:
        """Who is signed in, and a fresh CSRF token for the next write."""
        return {"user_id": user.id, "name": user.name, "csrf_token": ScopeState.from_scope(request.scope).csrf_token or ""}


class ApiController(Controller):
    path = "/api/v1"
    guards = [role("student")]

    @post("/experiences", media_type=MediaType.JSON)
    async def create_experience(self, request: Request, student: NamedDependency[CurrentUser]) -> Response:
        body = await json_object(request)
        if body is None:
            return not_an_object()
        client_uuid = experiences.parse_uuid(body.get("client_uuid"))
        if client_uuid is None:
            return Response({"error": "invalid", "errors": {"client_uuid": "Send a UUID."}}, status_code=422)
        saved = await experiences.create(student, parse_entry(body, await experiences.entry_rules(student)), client_uuid)
        return Response({"entry": experiences.as_json(saved.entry)}, status_code=201 if saved.created else 200)

    @post("/experiences/{entry_id:int}/evidence", media_type=MediaType.JSON, **takes_files())
    async def add_evidence(
        self, request: Request, student: NamedDependency[CurrentUser], entry_id: FromPath[int], store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]
    ) -> Response:
        """One file, sent by the offline queue once its entry exists. Multipart: `file` and the file's own
        `client_uuid`; a repeated UUID answers the first file (200) and stores nothing."""
        form, uploads = await read_upload_form(request, settings)
        if form is None:
            return _invalid("file", too_large(settings))
        client_uuid = experiences.parse_uuid(form.get("client_uuid"))
        if client_uuid is None:
            return _invalid("client_uuid", "Send a UUID.")
        if len(uploads) != 1:
            return _invalid("file", "Send one file.")
        async with spooled(uploads[0], settings) as file:
            attached = await evidence.attach(
                store, student, "experience", entry_id, file, client_uuid=client_uuid, **limits(settings)
            )
        return Response({"evidence": evidence.as_json(attached.row)}, status_code=201 if attached.created else 200)


def _invalid(field: str, message: str) -> Response:
    return Response({"error": "invalid", "errors": {field: message}}, status_code=422)
