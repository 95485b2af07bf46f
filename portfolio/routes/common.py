"""Small helpers every route module shares: form values, the client address, page or fragment."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from litestar import Request, Response
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from portfolio.errors import DomainError
from portfolio.parse import in_int_range

# Builds the page that answers a domain error raised by a handler: the form again with its errors, say.
ErrorPage = Callable[[Request, Any], Awaitable[Response]]


async def form_values(request: Request) -> dict[str, Any]:
    """Form fields as a dict; a field sent several times (checkboxes) becomes a list."""
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form.keys():
        items = form.getall(key)
        values[key] = items if len(items) > 1 or key.endswith("[]") else items[0]
    return values


async def json_object(request: Request) -> dict[str, Any] | None:
    """The request's JSON object, or None for anything else (answered with not_an_object())."""
    try:
        body = await request.json()
    except Exception:  # noqa: BLE001 - any unreadable body is the client's mistake
        return None
    return body if isinstance(body, dict) else None


def not_an_object() -> Response:
    """What the JSON routes answer a body that is not a JSON object (the offline queue shows the detail)."""
    return Response({"error": "invalid", "detail": "Send a JSON object."}, status_code=400)


async def ids_in_range(request: Request) -> None:
    """The app's before-request hook: an id in the path that no database column can hold names nothing (404),
    and would fail the query it went into. (A layer's own before_request would replace it: none has one.)"""
    for value in request.path_params.values():
        if isinstance(value, int) and not in_int_range(value):
            raise NotFoundException()


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def render(
    request: Request, page: str, fragment: str | None = None, status_code: int = 200, **context: Any
) -> Template:
    """The whole page, or only its fragment when htmx asked for it."""
    # Page and fragment share a URL, so caches must key on HX-Request too.
    headers = {"Vary": "HX-Request"}
    if fragment and request.headers.get("hx-request"):
        name = f"partials/{fragment}.html"
    else:
        name = f"pages/{page}.html"
    return Template(template_name=name, context=context, status_code=status_code, headers=headers)


def go_to(request: Request, target: str) -> Response:
    """Redirect; for htmx, HX-Redirect, so a fragment target never receives a whole page."""
    if request.headers.get("hx-request"):
        return Response(content="", status_code=200, headers={"HX-Redirect": target})
    return Redirect(path=target, status_code=303)


def redirect_with_grant(target: str, cookie: str, value: str, seconds: int, scope: str, secure: bool) -> Redirect:
    """Redirect, handing over a short-lived grant cookie (a supervisor's link, a share link's visitor):
    HttpOnly, SameSite=Lax, Secure over HTTPS, and sent only below `scope`."""
    response = Redirect(path=target, status_code=303)
    response.set_cookie(
        key=cookie, value=value, max_age=seconds, path=scope, httponly=True, secure=secure, samesite="lax"
    )
    return response


def redisplay(page: ErrorPage) -> dict[str, Any]:
    """Handler options: the form's problems (FormErrors, or a Conflict or NotEditable about the whole form) answer
    `await page(request, problem)`, with the problem's status (422, 409)."""
    return {"redisplay": page}


class Deferred(Response):
    """An error's answer that needs the database (the form page again): exception handlers are synchronous, so
    the page is built when the response is sent."""

    def __init__(self, build: ErrorPage, problem: DomainError) -> None:
        super().__init__(content=b"")
        self.build = build
        self.problem = problem

    def to_asgi_response(self, app: Any, request: Request, **kwargs: Any) -> Any:  # type: ignore[override]
        async def send_page(scope: Any, receive: Any, send: Any) -> None:
            response = await self.build(request, self.problem)
            response.status_code = self.problem.status
            await response.to_asgi_response(app, request, **kwargs)(scope, receive, send)

        return send_page


def query_id(request: Request, name: str) -> int | None:
    """A whole number from the query string (?page=, ?entry=), or None for anything else."""
    text = str(request.query_params.get(name, ""))
    return int(text) if text.isdigit() and len(text) < 10 else None


def page_number(request: Request) -> int:
    """The ?page= of a paged list; anything but a positive whole number is the first page."""
    return query_id(request, "page") or 1
