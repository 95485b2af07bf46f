"""Signing in and out, forgotten passwords, invitations, re-authentication, changing a password."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from portfolio.auth import DEVICE_COOKIE, Sessions, link_token, public, safe_next, session_cookie, signed_in
from portfolio.errors import FormErrors, LinkInvalid
from portfolio.forms.accounts import parse_email, parse_new_password, parse_password_change, parse_sign_in
from portfolio.routes.common import client_ip, form_values, redisplay, render
from portfolio.services import accounts, audit, sharing, signoff
from portfolio.services.accounts import CurrentUser
from portfolio.services.devices import LIFETIME_DAYS, KnownDevices
from portfolio.services.emails import Emails
from portfolio.services.passwords import MAX_LENGTH, MIN_LENGTH, Hasher
from portfolio.services.throttle import Limit, Throttle
from portfolio.settings import Settings

log = logging.getLogger(__name__)

# The token is in the path of these pages: keep it out of Referer headers and shared caches.
LINK_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
LINK_TEXT = {
    "reset": {"title": "Choose a new password", "button": "Save new password"},
    "invite": {"title": "Welcome to Career Portfolio", "button": "Save password and sign in"},
}


# One address (a school's NAT) carries many students: it may try many times what one account may, and
# each right password takes back its own attempt and one earlier typo, so a busy morning never adds up.
ADDRESS_ROOM = 20
ADDRESS_FORGIVES = 2


def _password_limits(request: Request, settings: NamedDependency[Settings], email: str) -> list[Limit]:
    """The limits on trying a password for `email`: the account's, strict; and the address's, which a
    browser that signed in to this account before (a known device) is never held to."""
    account = hashlib.sha256(email.encode()).hexdigest()
    free = settings.throttle_free_attempts
    limits = [Limit(f"acct:{account}", free)]
    if not KnownDevices(settings.secret_key).knows(request.cookies.get(DEVICE_COOKIE), email):
        limits.append(Limit(f"ip:{client_ip(request)}", free * ADDRESS_ROOM, forgive=ADDRESS_FORGIVES))
    return limits


def _too_many(wait: int) -> str:
    return f"Too many attempts. Wait {wait} seconds, then try again."


def _with_session(response: Response, settings: NamedDependency[Settings], session: Any) -> Response:
    response.set_cookie(
        key=session_cookie(settings),
        value=session.sid,
        max_age=session.absolute,
        path="/",
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
    )
    return response


async def _sign_in_response(
    request: Request, sessions: NamedDependency[Sessions], settings: NamedDependency[Settings], user: accounts.CurrentUser, target: str
) -> Response:
    old = request.cookies.get(session_cookie(settings))
    if old:
        await sessions.end(old)
    session = await sessions.start(user)
    await audit.record("signin", actor_id=user.id, ip=client_ip(request))
    response = Redirect(path=target, status_code=303)
    # Pages cached for whoever used this phone before must not be shown to this user (the page's
    # behaviours/service-worker.js also empties the offline app's caches on the sign-in page).
    response.headers["Clear-Site-Data"] = '"cache"'
    return _remember_device(request, settings, user, _with_session(response, settings, session))


def _remember_device(request: Request, settings: NamedDependency[Settings], user: CurrentUser, response: Response) -> Response:
    """Mark this browser as one that signed in to this account (services/devices.py)."""
    response.set_cookie(
        key=DEVICE_COOKIE,
        value=KnownDevices(settings.secret_key).remember(request.cookies.get(DEVICE_COOKIE), user.email),
        max_age=LIFETIME_DAYS * 86400,
        path="/",
        httponly=True,
        secure=settings.secure_cookies,
        samesite="strict",
    )
    return response


def _set_password_page(purpose: str, holder: dict[str, Any] | None, errors: dict[str, str] | None = None) -> Template:
    return Template(
        template_name="pages/set_password.html",
        context={"text": LINK_TEXT[purpose], "name": holder["user.name"] if holder else "",
                 "email": holder["user.email"] if holder else "", "errors": errors or {}},
        headers=LINK_HEADERS,
    )


def _link_purpose(request: Request) -> str:
    return "reset" if request.url.path.startswith("/reset/") else "invite"


async def _link_invalid(request: Request, problem: LinkInvalid) -> Template:
    return Template(template_name="pages/link_invalid.html", context={"purpose": _link_purpose(request)},
                    headers=LINK_HEADERS)


async def _new_password_again(request: Request, problem: FormErrors) -> Template:
    purpose = _link_purpose(request)
    holder = await accounts.token_holder(request.path_params["token"], purpose)
    return _set_password_page(purpose, holder, problem.errors)


LINK_OPT = redisplay(_new_password_again) | {"link_invalid": _link_invalid}


async def _reset_after_answer(emails: Emails, email: str, lifetime: timedelta, ip: str) -> None:
    try:
        await accounts.request_password_reset(emails, email, lifetime, ip=ip)
    except Exception as error:  # the answer is sent already: nobody else would hear of it
        # The error's type only: its text could carry the address, which is personal data.
        log.error("reset link not queued: %s", type(error).__name__)


async def _forgot_again(request: Request, problem: FormErrors) -> Template:
    return render(request, "forgot", values=problem.values, error=problem.message)


async def _password_again(request: Request, problem: FormErrors) -> Template:
    return render(request, "password", errors=problem.errors, done=False, min_length=MIN_LENGTH, max_length=MAX_LENGTH)


class AccountController(Controller):
    guards = [public]

    @get("/signin")
    async def signin_page(self, request: Request, user: NamedDependency[CurrentUser | None], next: FromQuery[str | None] = None, expired: FromQuery[bool] = False) -> Response:
        if user is not None:
            return Redirect(path=safe_next(next), status_code=303)
        return render(request, "signin", next=safe_next(next, ""), expired=expired, values={}, error="")

    @post("/signin")
    async def signin(
        self, request: Request, sessions: NamedDependency[Sessions], hasher: NamedDependency[Hasher], throttle: NamedDependency[Throttle], settings: NamedDependency[Settings]
    ) -> Response:
        sign_in = parse_sign_in(await form_values(request))
        email, password, target = sign_in.email, sign_in.password, safe_next(sign_in.next, "/")
        values = {"email": email}
        limits = _password_limits(request, settings, email)
        # Counted before the password is checked: parallel guesses cannot all slip in before the first fails.
        wait = await throttle.attempt(limits)
        if wait:
            return render(request, "signin", status_code=429, next=target, values=values, error=_too_many(wait))
        user = await accounts.authenticate(hasher, email, password) if email and password else None
        if user is None:
            await audit.record("signin.failed", ip=client_ip(request))
            return render(
                request,
                "signin",
                status_code=400,
                next=target,
                values=values,
                error="That e-mail and password do not match an account. Check them and try again.",
            )
        await throttle.succeeded(limits)
        return await _sign_in_response(request, sessions, settings, user, target)

    @post("/signout")
    async def signout(
        self, request: Request, user: NamedDependency[CurrentUser | None], sessions: NamedDependency[Sessions],
        settings: NamedDependency[Settings],
    ) -> Response:
        sid = request.cookies.get(session_cookie(settings))
        if sid:
            await sessions.end(sid)
        if user is not None:
            await audit.record("signout", actor_id=user.id, ip=client_ip(request))
        response = Redirect(path="/signin?signed_out=1", status_code=303)
        # Secure like the cookie it replaces: a browser ignores a __Host- cookie set without it.
        response.set_cookie(key=session_cookie(settings), value="", max_age=0, path="/", httponly=True,
                            secure=settings.secure_cookies, samesite="lax")
        # Tells the browser to drop cached pages of this user (the offline app's caches too).
        response.headers["Clear-Site-Data"] = '"cache"'
        return response

    @get("/forgot")
    async def forgot_page(self, request: Request) -> Template:
        return render(request, "forgot", values={}, error="")

    @post("/forgot", opt=redisplay(_forgot_again))
    async def forgot(self, request: Request, emails: NamedDependency[Emails], throttle: NamedDependency[Throttle], settings: NamedDependency[Settings]) -> Template:
        email = parse_email(await form_values(request))
        keys = {f"forgot:{client_ip(request)}": settings.throttle_free_attempts}
        wait = await throttle.wait_seconds(keys)
        if wait:
            return render(
                request,
                "forgot",
                status_code=429,
                values={"email": email},
                error=f"Too many requests. Wait {wait} seconds, then try again.",
            )
        await throttle.failed(keys)
        # The same answer whether or not the account exists, and as fast: the account is looked up, and
        # its link written and queued, only once the answer is sent, so its timing tells nothing.
        page = render(request, "forgot_sent", email=email)
        page.background = BackgroundTask(
            _reset_after_answer, emails, email, timedelta(minutes=settings.reset_token_minutes), client_ip(request)
        )
        return page

    async def _link_page(self, request: Request, purpose: str, token: str) -> Template:
        holder = await accounts.token_holder(token, purpose)
        if holder is None:
            raise LinkInvalid(purpose)
        return _set_password_page(purpose, holder)

    async def _link_submit(
        self, request: Request, purpose: str, token: str, hasher: NamedDependency[Hasher], sessions: NamedDependency[Sessions], settings: NamedDependency[Settings], emails: NamedDependency[Emails]
    ) -> Response:
        password = parse_new_password(await form_values(request))
        user = await accounts.set_password_with_token(hasher, emails, token, purpose, password, ip=client_ip(request))
        return await _sign_in_response(request, sessions, settings, user, "/")

    @get("/reset/{token:str}", guards=[link_token], opt=LINK_OPT)
    async def reset_page(self, request: Request, token: FromPath[str]) -> Template:
        return await self._link_page(request, "reset", token)

    @post("/reset/{token:str}", guards=[link_token], opt=LINK_OPT)
    async def reset(
        self, request: Request, token: FromPath[str], hasher: NamedDependency[Hasher], sessions: NamedDependency[Sessions], settings: NamedDependency[Settings], emails: NamedDependency[Emails]
    ) -> Response:
        return await self._link_submit(request, "reset", token, hasher, sessions, settings, emails)

    @get("/invite/{token:str}", guards=[link_token], opt=LINK_OPT)
    async def invite_page(self, request: Request, token: FromPath[str]) -> Template:
        return await self._link_page(request, "invite", token)

    @post("/invite/{token:str}", guards=[link_token], opt=LINK_OPT)
    async def accept_invite(
        self, request: Request, token: FromPath[str], hasher: NamedDependency[Hasher], sessions: NamedDependency[Sessions], settings: NamedDependency[Settings], emails: NamedDependency[Emails]
    ) -> Response:
        return await self._link_submit(request, "invite", token, hasher, sessions, settings, emails)

    @get("/reauth", guards=[signed_in])
    async def reauth_page(self, request: Request, next: FromQuery[str | None] = None) -> Template:
        return render(request, "reauth", next=safe_next(next), error="")

    @post("/reauth", guards=[signed_in])
    async def reauth(
        self, request: Request, user: NamedDependency[CurrentUser], sessions: NamedDependency[Sessions], hasher: NamedDependency[Hasher], throttle: NamedDependency[Throttle], settings: NamedDependency[Settings]
    ) -> Response:
        form = await form_values(request)
        target = safe_next(form.get("next"))
        limits = _password_limits(request, settings, user.email)
        wait = await throttle.attempt(limits)
        if wait:
            return render(request, "reauth", status_code=429, next=target, error=_too_many(wait))
        if await accounts.authenticate(hasher, user.email, str(form.get("password", ""))) is None:
            return render(request, "reauth", status_code=400, next=target, error="That is not your password.")
        await throttle.succeeded(limits)
        await sessions.reauthenticated(request.scope["auth"])
        await audit.record("reauth", actor_id=user.id, ip=client_ip(request))
        return Redirect(path=target, status_code=303)

    @get("/account", guards=[signed_in])
    async def account_page(self, request: Request, user: NamedDependency[CurrentUser], digest: FromQuery[str] = "") -> Template:
        """The person's settings; the daily e-mail choice of each role that is told of new things (None: not theirs)."""
        return render(
            request, "account",
            mentor_digest=await signoff.wants_digest(user) if user.has("mentor") else None,
            employer_digest=await sharing.wants_employer_digest(user) if user.has("employer") else None,
            digest_saved=digest in ("on", "off"),
        )

    @get("/account/password", guards=[signed_in])
    async def password_page(self, request: Request) -> Template:
        return render(request, "password", errors={}, done=False, min_length=MIN_LENGTH, max_length=MAX_LENGTH)

    @post("/account/password", guards=[signed_in], opt=redisplay(_password_again))
    async def change_password(
        self, request: Request, user: NamedDependency[CurrentUser], hasher: NamedDependency[Hasher], throttle: NamedDependency[Throttle],
        sessions: NamedDependency[Sessions], emails: NamedDependency[Emails], settings: NamedDependency[Settings],
    ) -> Response:
        change = parse_password_change(await form_values(request))
        accounts.check_new_password(user.email, change.new)
        # A stolen session must not become a way to guess the password: the same limits as signing in.
        limits = _password_limits(request, settings, user.email)
        wait = await throttle.attempt(limits)
        if wait:
            return render(request, "password", status_code=429, errors={"current": _too_many(wait)}, done=False,
                          min_length=MIN_LENGTH, max_length=MAX_LENGTH)
        changed = await accounts.change_password(hasher, emails, user, change.current, change.new, ip=client_ip(request))
        await throttle.succeeded(limits)
        # Every session of the user ended with the change; this browser goes on in a new one.
        await sessions.end(request.scope["auth"].sid)
        page = render(request, "password", errors={}, done=True, min_length=MIN_LENGTH, max_length=MAX_LENGTH)
        return _with_session(page, settings, await sessions.start(changed))
