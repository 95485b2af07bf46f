"""Liveness and readiness for the proxy and the orchestrator."""

from __future__ import annotations

from litestar import Controller, Response, get

from portfolio.auth import public
from portfolio.db import database_answers


class HealthController(Controller):
    guards = [public]

    @get("/healthz", cache_control=None)
    async def healthz(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/readyz")
    async def readyz(self) -> Response:
        ok = await database_answers()
        return Response(
            content={"status": "ok" if ok else "unavailable", "database": "ok" if ok else "unreachable"},
            status_code=200 if ok else 503,
        )
