"""Security headers on every response, static files included."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from portfolio.auth import SESSION_EXPIRES_HEADER, audience, session_expires
from portfolio.settings import Settings


def content_security_policy(store_origin: str | None = None) -> str:
    """No inline script and no eval anywhere (htmx is configured for that in base.html). Evidence in a
    bucket is opened through short-lived presigned URLs, so images may come from the bucket's origin."""
    images = "'self' data: blob:" + (f" {store_origin}" if store_origin else "")
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": images,
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "manifest-src": "'self'",
        "worker-src": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeaders:
    """A before-send hook, so every response gets the headers: error responses made by the exception
    handling around the middleware stack (a failed CSRF check, say) included."""

    def __init__(self, settings: Settings, store_origin: str | None = None) -> None:
        self.headers = {
            "Content-Security-Policy": content_security_policy(store_origin),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "X-Frame-Options": "DENY",
            # The camera only where a page asks for it (the roster's scanner sets its own header).
            "Permissions-Policy": "camera=(), geolocation=(), microphone=(), payment=()",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        if settings.secure_cookies:
            self.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    async def __call__(self, message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            for name, value in self.headers.items():
                if name not in headers:  # a route may tighten one, e.g. Referrer-Policy: no-referrer
                    headers[name] = value


class CachePolicy:
    """A before-send hook, so error pages and redirects follow it too. Signed in, a page is `no-store` (no
    browser cache, no shared computer's cache, and the service worker keeps nothing marked so) unless it is
    a student's own page: those stay cacheable as before, so the app opens offline, and carry the expiry
    of the session they were made for, after which the worker refuses its copy. Public pages (the shell,
    share links, signing in) set their own."""

    def __init__(self) -> None:
        self.audiences: dict[int, str] = {}  # by handler: the guards do not change once the app is built

    async def __call__(self, message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope["type"] != "http" or scope.get("user") is None:
            return
        handler = scope.get("route_handler")
        kind = "others"
        if handler is not None:
            kind = self.audiences.get(id(handler)) or self.audiences.setdefault(id(handler), audience(handler))
        if kind == "owner" and not scope["user"].has("student"):
            kind = "others"  # refused anyway: nothing of theirs to keep
        if kind == "public":
            return
        headers = MutableScopeHeaders.from_message(message)
        if kind == "owner":
            headers[SESSION_EXPIRES_HEADER] = str(session_expires(scope["auth"]))
        elif "no-store" not in headers.get("Cache-Control", ""):
            headers["Cache-Control"] = "no-store"
