"""The JSON API the offline queue speaks. Kept apart from the HTML routes."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.utils.scope.state import ScopeState

from portfolio.auth import role
from portfolio.services import experiences
from portfolio.services.accounts import FormErrors


class ApiController(Controller):
    path = "/api/v1"
    guards = [role("student")]

    @get("/me")
    async def me(self, request: Request) -> dict[str, Any]:
        """Who is signed in, and a fresh CSRF token for the next write."""
        user = request.scope["user"]
        return {"user_id": user.id, "name": user.name, "csrf_token": ScopeState.from_scope(request.scope).csrf_token or ""}

    @post("/experiences", media_type=MediaType.JSON)
    async def create_experience(self, request: Request) -> Response:
        try:
            body = await request.json()
        except Exception:  # noqa: BLE001 - any unreadable body is the client's mistake
            body = None
        if not isinstance(body, dict):
            return Response({"error": "invalid", "detail": "Send a JSON object."}, status_code=400)
        client_uuid = experiences.parse_uuid(body.get("client_uuid"))
        if client_uuid is None:
            return Response({"error": "invalid", "errors": {"client_uuid": "Send a UUID."}}, status_code=422)
        try:
            saved = await experiences.create(request.scope["user"], body, client_uuid)
        except FormErrors as problem:
            return Response({"error": "invalid", "errors": problem.errors}, status_code=422)
        except experiences.Conflict:
            return Response(
                {"error": "conflict", "detail": "This client_uuid was already used for a different entry."},
                status_code=409,
            )
        return Response({"entry": experiences.as_json(saved.entry)}, status_code=201 if saved.created else 200)
