"""Sessions (server-side, in a file store or Redis), the middleware that finds the user, and role guards.

Every route names who may use it with one of the guards below; tests walk the route table to prove it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.stores.redis import RedisStore
from litestar.types import ASGIApp, Receive, Scope, Send

from portfolio.errors import LinkInvalid
from portfolio.parse import is_link_token
from portfolio.services.accounts import CurrentUser, load_user
from portfolio.settings import Settings

SESSION_COOKIE = "portfolio_session"
# Marks a browser that signed in to an account before (portfolio/services/devices.py).
DEVICE_COOKIE = "portfolio_device"
TOUCH_EVERY_SECONDS = 60


def session_cookie(settings: Settings) -> str:
    """The session cookie's name: __Host-portfolio_session over HTTPS (sent back only to this host, never
    set by a subdomain), the plain name over http for local use."""
    return f"__Host-{SESSION_COOKIE}" if settings.secure_cookies else SESSION_COOKIE


def make_store(settings: Settings, namespace: str = "portfolio") -> Store:
    if settings.redis_url:
        return RedisStore.with_client(url=settings.redis_url, namespace=namespace)
    return FileStore(settings.var_dir / "store", create_directories=True)


@dataclass
class Session:
    sid: str
    user_id: int
    created: float
    seen: float
    authenticated: float
    idle: int
    absolute: int
    # The user's session generation when it started: a password change or reset, a deactivation or a change
    # of roles raises the user's, and every session started before it ends (SessionMiddleware).
    generation: int = 0


class Sessions:
    """Server-side sessions. Only a hash of the id is used as the store key, so a leaked store
    (a backup, a Redis dump) holds no usable session ids."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings

    @staticmethod
    def _key(sid: str) -> str:
        return "session:" + hashlib.sha256(sid.encode()).hexdigest()

    def lifetimes(self, roles: frozenset[str]) -> tuple[int, int]:
        """The strictest policy among the user's roles: (idle seconds, absolute seconds)."""
        policies = [self.settings.session_policies[r] for r in roles if r in self.settings.session_policies]
        idle = min(p.idle_minutes for p in policies) * 60
        absolute = min(p.absolute_hours for p in policies) * 3600
        return idle, absolute

    async def _save(self, session: Session) -> None:
        expires = min(session.idle, int(session.created + session.absolute - time.time()) + 1)
        await self.store.set(self._key(session.sid), json.dumps(session.__dict__ | {"sid": ""}), expires_in=max(expires, 1))

    async def start(self, user: CurrentUser) -> Session:
        """A new session with a new id: a session id is never carried across a sign-in."""
        idle, absolute = self.lifetimes(user.roles)
        moment = time.time()
        session = Session(
            secrets.token_urlsafe(32), user.id, moment, moment, moment, idle, absolute, user.session_generation
        )
        await self._save(session)
        return session

    async def resume(self, sid: str) -> Session | None:
        raw = await self.store.get(self._key(sid))
        if not raw:
            return None
        data: dict[str, Any] = json.loads(raw)
        session = Session(**(data | {"sid": sid}))
        moment = time.time()
        if moment - session.seen > session.idle or moment - session.created > session.absolute:
            await self.end(sid)
            return None
        if moment - session.seen > TOUCH_EVERY_SECONDS:
            session.seen = moment
            await self._save(session)
        return session

    async def reauthenticated(self, session: Session) -> None:
        session.authenticated = time.time()
        await self._save(session)

    async def end(self, sid: str) -> None:
        await self.store.delete(self._key(sid))


PUBLIC_FILES = "/static/"


class SessionMiddleware:
    """Puts the signed-in user (or None) in scope["user"], the session in scope["auth"]."""

    def __init__(self, app: ASGIApp, sessions: Sessions) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["user"] = None
            scope["auth"] = None
            # The app's own static files are the same for everyone: a page's dozen of them would each load the
            # session and the user (and keep an idle session alive) for nothing.
            if scope["path"].startswith(PUBLIC_FILES):
                await self.app(scope, receive, send)
                return
            sid = ASGIConnection(scope).cookies.get(session_cookie(self.sessions.settings))
            if sid:
                session = await self.sessions.resume(sid)
                user = await load_user(session.user_id) if session else None
                if session and user and user.session_generation != session.generation:
                    await self.sessions.end(sid)
                    user = None
                if session and user:
                    scope["user"] = user
                    scope["auth"] = session
                else:
                    scope.setdefault("state", {})["session_expired"] = True
        await self.app(scope, receive, send)


class ReauthenticationRequired(NotAuthorizedException):
    """Signed in, but too long ago for this action."""


# --- guards ---------------------------------------------------------------------------------------

# Handlers take the signed-in user as a parameter named after the role their guard admits (`student`,
# `mentor`, ...) or `user`: every one of these names is the same dependency.
USER_PARAMETERS = ("user", "student", "mentor", "employer", "staff")


def user_dependencies() -> dict[str, Provide]:
    """The signed-in user the session middleware found (the route's guard has checked the role), under each
    of its names: one function per name, because Litestar refuses one provider under two keys."""

    def provider() -> Callable[[Request], CurrentUser | None]:
        def current_user(request: Request) -> CurrentUser | None:
            return request.scope.get("user")

        return current_user

    return {name: Provide(provider(), sync_to_thread=False) for name in USER_PARAMETERS}


async def public(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Anyone, signed in or not. Declared explicitly so that no route is public by accident."""


async def link_token(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Where the path carries a link's token (a share, a supervisor's link, a receipt, a consent, a reset or an
    invitation), it must look like one before anything hashes it, looks it up or writes it into a header (a
    cookie's Path): anything else is a link that does not work, answered by that link's own page."""
    token = connection.path_params.get("token")
    if token is not None and not is_link_token(token):
        raise LinkInvalid("link")


async def signed_in(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.scope.get("user") is None:
        raise NotAuthorizedException("Sign in to continue.")


def role(*roles: str):
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
        await signed_in(connection, handler)
        user: CurrentUser = connection.scope["user"]
        if not user.roles & allowed:
            raise PermissionDeniedException("This page is not for your account.")

    guard.__name__ = "role_" + "_".join(sorted(allowed))
    guard.roles = allowed  # type: ignore[attr-defined]
    return guard


async def recently_signed_in(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """Sensitive actions ask for the password again when the sign-in is older than a few minutes."""
    await signed_in(connection, handler)
    session: Session = connection.scope["auth"]
    settings: Settings = connection.app.state.settings
    if time.time() - session.authenticated > settings.reauth_minutes * 60:
        raise ReauthenticationRequired("Confirm your password to continue.")


# --- what a handler shows, for caches ---------------------------------------------------------------

SESSION_EXPIRES_HEADER = "X-Session-Expires"


def audience(handler: BaseRouteHandler) -> str:
    """Who a handler's pages are for, read from its guards: "public" (no sign-in asked), "owner" (only a
    student, whose own record it shows) or "others" (any other signed-in page: it may show another person's
    data, so it is never stored; security.CachePolicy)."""
    guards = handler.resolve_guards()
    roles = [g.roles for g in guards if hasattr(g, "roles")]
    if not roles and not any(g in (signed_in, recently_signed_in) for g in guards):
        return "public"
    if roles and all(r == {"student"} for r in roles):
        return "owner"
    return "others"


def session_expires(session: Session) -> int:
    """When the session ends if nothing touches it again (idle), or at the latest (absolute), in Unix seconds."""
    return int(min(session.seen + session.idle, session.created + session.absolute))


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a local path may be a redirect target: never another site, never a scheme-relative URL."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ch in target for ch in "\r\n\t\\"):
        return default
    return target
