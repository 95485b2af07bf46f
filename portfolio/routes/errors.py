"""How refusals and failures look: a page for people, JSON for the API, HX-Redirect for htmx."""

from __future__ import annotations

import logging
from traceback import format_tb
from urllib.parse import quote, urlparse

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
)
from litestar.response import Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from portfolio.auth import ReauthenticationRequired
from portfolio.errors import DomainError, FormErrors, LinkInvalid, NotFound
from portfolio.routes.common import Deferred, go_to

log = logging.getLogger(__name__)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _current_path(request: Request) -> str:
    """The page the user was on: for htmx, the page that made the request, not the fragment URL."""
    if request.headers.get("hx-request") and request.headers.get("hx-current-url"):
        parts = urlparse(request.headers["hx-current-url"])
        return parts.path + (f"?{parts.query}" if parts.query else "")
    if request.method != "GET":
        referer = request.headers.get("referer")
        if referer:
            parts = urlparse(referer)
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return "/"
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def not_signed_in(request: Request, exc: NotAuthorizedException) -> Response:
    next_path = quote(_current_path(request), safe="/")
    if isinstance(exc, ReauthenticationRequired):
        return go_to(request, f"/reauth?next={next_path}")
    if wants_json(request):
        return Response(
            content={"error": "signed_out", "detail": "Your session has ended. Sign in again.", "sign_in": "/signin"},
            status_code=401,
            media_type=MediaType.JSON,
        )
    expired = "&expired=1" if request.scope.get("state", {}).get("session_expired") else ""
    return go_to(request, f"/signin?next={next_path}{expired}")


def _page(request: Request, status: int, title: str, message: str) -> Response:
    if wants_json(request):
        return Response(content={"error": title, "detail": message}, status_code=status, media_type=MediaType.JSON)
    return Template(
        template_name="pages/error.html",
        context={"title": title, "message": message, "status": status},
        status_code=status,
    )


def refused(request: Request, exc: PermissionDeniedException) -> Response:
    if "csrf" in str(exc.detail).lower():
        return _page(
            request,
            403,
            "This form has expired",
            "For your safety the form could not be sent. Go back, reload the page and try again.",
        )
    return _page(request, 403, "Not allowed", "Your account cannot open this page.")


def http_error(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if status == 404:
        return _page(request, 404, "Not found", "There is nothing here. It may have been deleted.")
    if status == 405:
        return _page(request, 405, "Not allowed", "That is not something this page can do.")
    if status == 413:
        limit = request.app.state.settings.max_upload_mb
        return _page(
            request, 413, "Too large",
            f"Files can be up to {limit} MB each. Take a smaller photo, or scan fewer pages, then go back and try again.",
        )
    if status == 400:
        return _page(request, 400, "Something is missing", "The request could not be read. Go back and try again.")
    if status >= 500:
        return server_error(request, exc)
    return _page(request, status, "Something went wrong", str(exc.detail))


def domain_error(request: Request, exc: DomainError) -> Response:
    """The one translation of the domain's errors: JSON for the API; for pages, the form again with its errors
    (the handler's `redisplay`), a link's own "no longer works" page (its `link_invalid`), or the error page."""
    if wants_json(request):
        body = {"error": exc.code, "detail": exc.message}
        if isinstance(exc, FormErrors):
            body["errors"] = exc.errors
        return Response(content=body, status_code=exc.status, media_type=MediaType.JSON)
    handler = request.scope.get("route_handler")
    opt = handler.opt if handler is not None else {}
    if "redisplay" in opt and not isinstance(exc, (NotFound, LinkInvalid)):
        return Deferred(opt["redisplay"], exc)
    if isinstance(exc, LinkInvalid) and "link_invalid" in opt:
        return Deferred(opt["link_invalid"], exc)
    response = _page(request, exc.status, exc.title, exc.message)
    response.headers.update(opt.get("error_headers", {}))
    return response


def server_error(request: Request, exc: Exception) -> Response:
    # The type and the stack only: the exception's text and the URL may carry student data or tokens.
    handler = request.scope.get("route_handler")
    route = sorted(handler.paths)[0] if handler is not None else "?"
    log.error(
        "unhandled %s on %s %s\n%s", type(exc).__name__, request.method, route, "".join(format_tb(exc.__traceback__))
    )
    return _page(
        request,
        HTTP_500_INTERNAL_SERVER_ERROR,
        "Something went wrong",
        "Nothing you saved earlier was lost. Try again in a moment.",
    )
