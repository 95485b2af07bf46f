"""The gate in front of every route that takes files. Their body limit comes from the settings
(PORTFOLIO_MAX_UPLOAD_MB) at request time, so the routes are declared once, with their audience (student
pages, evidence, API); every other route keeps Litestar's small default."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.exceptions import HTTPException
from litestar.middleware import DefineMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from portfolio.csrf import CHECKED_INSIDE, CsrfMiddleware
from portfolio.services import evidence
from portfolio.settings import Settings

# Multipart framing and the other form fields ride on top of the files themselves.
FORM_OVERHEAD = 64 * 1024
SMALL_FORM = 1024 * 1024  # what every other route takes


def _limited(receive: Receive, announced: str, limit: int) -> Receive:
    """The body, refused with 413 when its Content-Length says it is over `limit` (before anything is read), or
    as soon as more than `limit` bytes have come. Raised while the handler reads the form, so the page can say
    so on the form itself."""
    received = 0

    async def receive_within_limit() -> Any:
        nonlocal received
        if announced.isdigit() and int(announced) > limit:
            raise HTTPException(status_code=413)
        message = await receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise HTTPException(status_code=413)
        return message

    return receive_within_limit


class UploadGate:
    """Runs the route's guards, and checks the kind of body, before anything reads it.

    The CSRF check of a plain form reads the whole form: on these routes that could be the upload limit's
    worth, and a URL-encoded form is parsed in memory. So the check runs after this gate (the route's own
    CsrfMiddleware), a visitor the route is not for is answered at once, and the body must be multipart
    (spooled to disk); with `forms`, a URL-encoded form (the new-entry form sent without files, by a page
    from before it took files) is taken up to 1 MB.
    """

    def __init__(self, app: ASGIApp, forms: bool = False) -> None:
        self.app = app
        self.forms = forms

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            settings: Settings = scope["litestar_app"].state.settings
            connection: ASGIConnection = ASGIConnection(scope)
            announced = connection.headers.get("content-length", "")
            receive = _limited(receive, announced, settings.max_upload_mb * 1024 * 1024 + FORM_OVERHEAD)
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


def takes_files(forms: bool = False) -> dict[str, Any]:
    """Route options for a route that takes files: the gate above instead of Litestar's small body limit."""
    return {
        "request_max_body_size": None,
        "middleware": [DefineMiddleware(UploadGate, forms=forms), DefineMiddleware(CsrfMiddleware, inside=True)],
        CHECKED_INSIDE: True,
    }


def too_large(settings: Settings) -> str:
    return f"This file is larger than {settings.max_upload_mb} MB. Take a smaller photo, or scan fewer pages."


async def read_upload_form(request: Request, settings: Settings) -> tuple[FormMultiDict | None, list[UploadFile]]:
    """The form and its files (empty file inputs left out); no form when the body was over the limit."""
    try:
        form = await request.form()
    except HTTPException as problem:
        if problem.status_code != 413:
            raise
        return None, []
    uploads = [item for item in form.getall("file", []) if isinstance(item, UploadFile) and item.filename]
    return form, uploads


@asynccontextmanager
async def spooled(upload: UploadFile, settings: Settings) -> AsyncIterator[evidence.Upload]:
    """The upload as a file of its own on disk (Litestar keeps a part in memory up to 1 MB): the checks
    want a real file. Removed afterwards."""
    work = settings.var_dir / "tmp"
    work.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkstemp(dir=work)[1])

    def copy() -> None:
        upload.file.seek(0)
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out, 1024 * 1024)

    try:
        await asyncio.to_thread(copy)
        yield evidence.Upload(path=path, original_name=upload.filename or "evidence")
    finally:
        path.unlink(missing_ok=True)
        await upload.close()


def limits(settings: Settings) -> dict[str, Any]:
    """What evidence.check and evidence.attach need to know of the settings."""
    return {
        "work_root": settings.var_dir / "tmp",
        "max_bytes": settings.max_upload_mb * 1024 * 1024,
        "max_pixels": settings.max_image_pixels,
    }
