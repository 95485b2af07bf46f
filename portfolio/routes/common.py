"""Small helpers every route module shares: form values, the client address, page or fragment."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response import Redirect, Template


async def form_values(request: Request) -> dict[str, Any]:
    """Form fields as a dict; a field sent several times (checkboxes) becomes a list."""
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form.keys():
        items = form.getall(key)
        values[key] = items if len(items) > 1 or key.endswith("[]") else items[0]
    return values


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
