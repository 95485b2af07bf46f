"""CSRF tokens bound to the session, new at every sign-in, and masked differently in every response.

The token is an HMAC, under the secret key, of what the request is bound to: the session id in the
session cookie (also once that session has ended, so a form sent after it answers "sign in again", and
the offline queue hears 401, rather than a CSRF refusal), or, with no session cookie, a random value in a
cookie of its own (so the sign-in form and the pages of e-mailed
links are protected too). A new session id at sign-in makes a new token, so a token from a page seen
before sign-in (or in another session) is refused after it. The token itself never appears in a page:
each response carries it XOR-ed with a fresh random pad (pad + masked, base64url), so a compressed page
that also echoes what someone typed reveals nothing about it byte by byte (BREACH). A request is accepted
when its token, unmasked, is the one its session or cookie expects.

Every request but GET, HEAD, OPTIONS and TRACE must carry it: htmx sends it in the `x-csrftoken` header
(from `hx-headers` on <body>), plain forms in the `_csrf_token` field, the JSON API in the header (the
token comes from /api/v1/me). Templates read it as Litestar's `csrf_token()` and `csrf_input`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from portfolio.auth import session_cookie
from portfolio.settings import Settings

HEADER = "x-csrftoken"
FIELD = "_csrf_token"
VISITOR_COOKIE = "portfolio_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
TOKEN_BYTES = 32
# Route option: the route's own middleware checks the token (after its upload gate), not the app's.
CHECKED_INSIDE = "csrf_checked_inside"


def cookie_name(name: str, settings: Settings) -> str:
    """Over HTTPS a cookie named __Host- is sent back only by this exact host, set Secure with Path=/ and no
    Domain: a neighbouring subdomain cannot plant or overwrite it."""
    return f"__Host-{name}" if settings.secure_cookies else name


def expected(secret_key: str, binding: str) -> bytes:
    return hmac.new(secret_key.encode(), b"csrf\x00" + binding.encode(), hashlib.sha256).digest()


def mask(token: bytes) -> str:
    pad = secrets.token_bytes(len(token))
    return base64.urlsafe_b64encode(pad + bytes(a ^ b for a, b in zip(pad, token))).decode().rstrip("=")


def unmask(masked: str) -> bytes | None:
    try:
        raw = base64.urlsafe_b64decode(masked + "=" * (-len(masked) % 4))
    except (ValueError, binascii.Error):
        return None
    if len(raw) != 2 * TOKEN_BYTES:
        return None
    pad, body = raw[:TOKEN_BYTES], raw[TOKEN_BYTES:]
    return bytes(a ^ b for a, b in zip(pad, body))


def binding(session_id: str | None, visitor: str | None) -> str:
    return f"session:{session_id}" if session_id else f"visitor:{visitor}"


def token_for(secret_key: str, session_id: str | None, visitor: str | None) -> str:
    """A masked token for this session (or, with none, this visitor cookie)."""
    return mask(expected(secret_key, binding(session_id, visitor)))


def _cookie(connection: ASGIConnection, name: str) -> str | None:
    value = connection.cookies.get(name, "")
    return value if 20 <= len(value) <= 100 and value.replace("-", "").replace("_", "").isalnum() else None


async def _sent_token(scope: Scope, receive: Receive) -> str:
    connection: ASGIConnection = ASGIConnection(scope)
    sent = connection.headers.get(HEADER)
    if sent:
        return sent
    request = scope["litestar_app"].request_class(scope=scope, receive=receive)
    if request.content_type[0] in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART):
        # Parsed once: the handler reads the same form from the request's cache.
        value = (await request.form()).get(FIELD)
        return value if isinstance(value, str) else ""
    return ""


class CsrfMiddleware:
    """Checks the token of every unsafe request and gives the response its masked token; on routes that
    take files, inside their upload gate."""

    def __init__(self, app: ASGIApp, inside: bool = False) -> None:
        self.app = app
        self.inside = inside

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        handler: Any = scope.get("route_handler")
        if not self.inside and handler is not None and handler.opt.get(CHECKED_INSIDE):
            await self.app(scope, receive, send)
            return
        settings: Settings = scope["litestar_app"].state.settings
        connection: ASGIConnection = ASGIConnection(scope)
        session = _cookie(connection, session_cookie(settings))
        visitor = None if session else _cookie(connection, cookie_name(VISITOR_COOKIE, settings))
        new_visitor = None
        if session is None and visitor is None:
            visitor = new_visitor = secrets.token_urlsafe(32)
        token = expected(settings.secret_key, binding(session, visitor))
        if scope["method"] not in SAFE_METHODS:
            sent = unmask(await _sent_token(scope, receive))
            if new_visitor or sent is None or not hmac.compare_digest(sent, token):
                raise PermissionDeniedException("CSRF token verification failed")
        ScopeState.from_scope(scope).csrf_token = mask(token)
        if new_visitor:
            send = _with_visitor_cookie(send, new_visitor, settings)
        await self.app(scope, receive, send)


def _with_visitor_cookie(send: Send, value: str, settings: Settings) -> Send:
    cookie = Cookie(key=cookie_name(VISITOR_COOKIE, settings), value=value, path="/", httponly=True,
                    secure=settings.secure_cookies, samesite="lax")

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            MutableScopeHeaders.from_message(message).add("set-cookie", cookie.to_header(header=""))
        await send(message)

    return sending
