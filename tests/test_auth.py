"""Signing in and out, wrong passwords, throttling, CSRF, session ids and expiry."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import datetime, timezone

import pytest

from portfolio import clock
from portfolio.auth import SESSION_COOKIE
from portfolio.record_tables import AuditEvent
from portfolio.settings import SessionPolicy
from tests.conftest import REDIS_URL
from tests.factories import TEST_PASSWORD, browser_of, csrf_headers, forget_redis_throttles, sign_in
from tests.mailbox import outbox

# Time stands still in the throttling tests, so a delay of one second cannot run out halfway through.
MOMENT = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
NEW_PASSWORD = "a brand new password"


async def test_sign_in_sets_a_safe_session_cookie_and_lands_by_role(client, make_user):
    user = await make_user("student")
    response = await sign_in(client, user.email)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    landing = await client.get("/")
    assert landing.headers["location"] == "/student"


async def test_sign_in_rotates_the_session_id(client, make_user):
    first = await make_user("student")
    second = await make_user("student")
    await sign_in(client, first.email)
    old = client.cookies.get(SESSION_COOKIE)
    await sign_in(client, second.email)
    new = client.cookies.get(SESSION_COOKIE)
    assert old and new and old != new
    # The old id no longer works for anyone.
    client.cookies.set(SESSION_COOKIE, old)
    response = await client.get("/student")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin")


async def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    user = await make_user("student")
    wrong = await sign_in(client, user.email, "not the password")
    unknown = await sign_in(client, "nobody-here@example.org", "not the password")
    assert wrong.status_code == unknown.status_code == 400
    message = "That e-mail and password do not match an account."
    assert message in wrong.text and message in unknown.text
    assert user.email in wrong.text  # what was typed is kept
    assert SESSION_COOKIE not in client.cookies


async def test_repeated_failures_slow_down_without_locking_out(client, make_user, settings):
    user = await make_user("student")
    for _ in range(settings.throttle_free_attempts):
        response = await sign_in(client, user.email, "wrong password!")
        assert response.status_code == 400
    # Now even the right password must wait: the answer says how long.
    response = await sign_in(client, user.email)
    assert response.status_code == 429
    assert "Wait 1 seconds" in response.text or "Wait 2 seconds" in response.text


async def test_sign_out_ends_the_session(client, signed_in):
    await signed_in("student")
    old = client.cookies.get(SESSION_COOKIE)
    response = await client.post("/signout", headers=csrf_headers(client))
    assert response.status_code == 303
    assert response.headers["clear-site-data"] == '"cache"'
    client.cookies.set(SESSION_COOKIE, old)
    assert (await client.get("/student")).status_code == 303


async def test_state_changing_requests_need_the_csrf_token(client, signed_in):
    await signed_in("student")
    response = await client.post("/signout")
    assert response.status_code == 403
    assert "This form has expired" in response.text
    forged = await client.post("/signout", headers={"x-csrftoken": "forged"})
    assert forged.status_code == 403
    # Still signed in: nothing happened.
    assert (await client.get("/student")).status_code == 200


async def test_sign_in_form_itself_needs_the_csrf_token(client, make_user):
    user = await make_user("student")
    await client.get("/signin")
    response = await client.post("/signin", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


async def test_signed_out_user_returns_to_the_page_they_wanted(client, make_user):
    user = await make_user("student")
    response = await client.get("/student/experiences/new")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/student/experiences/new"
    signin_page = await client.get(response.headers["location"])
    assert 'name="next" value="/student/experiences/new"' in signin_page.text
    after = await sign_in(client, user.email, next_path="/student/experiences/new")
    assert after.headers["location"] == "/student/experiences/new"


async def test_next_is_only_ever_a_local_path(client, make_user):
    user = await make_user("student")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = await sign_in(client, user.email, next_path=target)
        assert response.headers["location"] == "/", target


async def test_expired_session_redirects_plain_and_htmx_requests(settings, make_client, make_user):
    # An idle limit of zero minutes ends the session at its next request.
    policies = {role: SessionPolicy(idle_minutes=0, absolute_hours=1) for role in settings.session_policies}
    short = dataclasses.replace(settings, session_policies=policies)
    user = await make_user("student")
    async with make_client(short) as client:
        await sign_in(client, user.email)
        plain = await client.get("/student/experiences")
        assert plain.status_code == 303
        assert plain.headers["location"] == "/signin?next=/student/experiences&expired=1"
        page = await client.get(plain.headers["location"])
        assert "Your session ended" in page.text

        await sign_in(client, user.email)
        fragment = await client.post(
            "/student/experiences",
            data={"title": "x"},
            headers=csrf_headers(client)
            | {"HX-Request": "true", "HX-Current-URL": "http://testserver.local/student/experiences/new"},
        )
        # htmx must not swap a sign-in form into a fragment: it is told to load the sign-in page.
        assert fragment.headers["hx-redirect"] == "/signin?next=/student/experiences/new&expired=1"
        assert "<form" not in fragment.text

        await sign_in(client, user.email)
        api = await client.post("/api/v1/experiences", json={}, headers=csrf_headers(client))
        assert api.status_code == 401
        assert api.json()["error"] == "signed_out"


async def test_staff_and_admin_sessions_are_short_and_students_long(settings):
    from portfolio.auth import Sessions

    sessions = Sessions(store=None, settings=settings)  # type: ignore[arg-type]
    assert sessions.lifetimes(frozenset({"staff"})) == (30 * 60, 12 * 3600)
    assert sessions.lifetimes(frozenset({"admin"})) == (30 * 60, 12 * 3600)
    # A counselor who is staff and mentor gets the stricter of the two.
    assert sessions.lifetimes(frozenset({"staff", "mentor"})) == (30 * 60, 12 * 3600)
    idle, absolute = sessions.lifetimes(frozenset({"student"}))
    assert idle >= 7 * 24 * 3600 and absolute >= 30 * 24 * 3600


async def test_sign_in_and_failures_are_audited_without_the_password(client, make_user):
    user = await make_user("student")
    await sign_in(client, user.email, "wrong password!")
    await sign_in(client, user.email)
    events = await AuditEvent.select().where(AuditEvent.actor == user.id)
    assert [e["action"] for e in events] == ["signin"]
    failures = await AuditEvent.select().where(AuditEvent.action == "signin.failed").order_by(AuditEvent.id, ascending=False).first()
    assert failures is not None
    assert "wrong password" not in str(failures["detail"]) and user.email not in str(failures["detail"])


async def test_sensitive_actions_ask_for_the_password_again(settings, make_client, make_user):
    staff = await make_user("staff")
    recent = dataclasses.replace(settings, reauth_minutes=0)
    async with make_client(recent) as client:
        await sign_in(client, staff.email)
        page = await client.get("/staff/invite")
        assert page.status_code == 303
        assert page.headers["location"] == "/reauth?next=/staff/invite"
        wrong = await client.post(
            "/reauth", data={"password": "nope nope nope", "next": "/staff/invite"}, headers=csrf_headers(client)
        )
        assert wrong.status_code == 400
        ok = await client.post(
            "/reauth", data={"password": TEST_PASSWORD, "next": "/staff/invite"}, headers=csrf_headers(client)
        )
        assert ok.status_code == 303 and ok.headers["location"] == "/staff/invite"
    async with make_client(settings) as client:
        await sign_in(client, staff.email)
        assert (await client.get("/staff/invite")).status_code == 200


async def test_a_user_changes_their_own_password(client, signed_in, make_client):
    user = await signed_in("student")
    wrong = await client.post(
        "/account/password",
        data={"current": "not it at all", "password": "a brand new password", "confirm": "a brand new password"},
        headers=csrf_headers(client),
    )
    assert wrong.status_code == 422 and "That is not your current password." in wrong.text
    short = await client.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "password": "short", "confirm": "short"},
        headers=csrf_headers(client),
    )
    assert short.status_code == 422 and "at least 10 characters" in short.text
    done = await client.post(
        "/account/password",
        data={"current": TEST_PASSWORD, "password": "a brand new password", "confirm": "a brand new password"},
        headers=csrf_headers(client),
    )
    assert done.status_code == 200 and "Your password is changed." in done.text
    async with make_client() as other:
        assert (await sign_in(other, user.email)).status_code == 400
        assert (await sign_in(other, user.email, "a brand new password")).status_code == 303


@pytest.mark.parametrize("store", ["database", "redis"])
async def test_parallel_guesses_are_counted_before_any_password_is_checked(store, settings, make_client, make_user):
    if store == "redis":
        settings = dataclasses.replace(settings, redis_url=REDIS_URL)
        await forget_redis_throttles()
    user = await make_user("student")
    async with make_client(settings) as client:
        await client.get("/signin")
        with clock.fixed(MOMENT):
            answers = await asyncio.gather(*(sign_in(client, user.email, f"guess number {n}") for n in range(40)))
    codes = [answer.status_code for answer in answers]
    free = settings.throttle_free_attempts
    assert (codes.count(400), codes.count(429)) == (free, 40 - free)
    # Only the allowed attempts reached the password check (each checked failure is audited).
    assert await AuditEvent.count().where(AuditEvent.action == "signin.failed") == free


async def test_a_schools_shared_address_keeps_letting_its_students_in(client, make_user):
    # Behind a school's NAT every student's typo comes from the same address.
    with clock.fixed(MOMENT):
        for n in range(30):
            student = await make_user("student")
            client.cookies.clear()  # each student on their own phone
            assert (await sign_in(client, student.email, "a typo in it")).status_code == 400
            assert (await sign_in(client, student.email)).status_code == 303, f"student {n} was refused"


async def test_a_known_device_is_never_refused_for_failures_at_its_address(settings, make_client, make_user):
    few = dataclasses.replace(settings, throttle_free_attempts=2)
    student = await make_user("student")
    newcomer = await make_user("student")
    async with make_client(few) as phone, make_client(few) as attacker:
        assert (await sign_in(phone, student.email)).status_code == 303  # the phone is known from now on
        await phone.post("/signout", headers=csrf_headers(phone))
        with clock.fixed(MOMENT):
            # Someone behind the same address tries one password on many accounts until the address is slowed.
            answers = [await sign_in(attacker, f"someone-{n}@example.org", "Password123!") for n in range(60)]
            assert answers[-1].status_code == 429
            attacker.cookies.clear()
            assert (await sign_in(attacker, newcomer.email)).status_code == 429  # an unknown browser waits
            assert (await sign_in(phone, student.email)).status_code == 303  # the known phone does not
            # A device cookie is the account's own: it does not help another account.
            phone.cookies.delete(SESSION_COOKIE)
            assert (await sign_in(phone, newcomer.email)).status_code == 429


async def test_the_device_cookie_is_signed_http_only_and_long_lived(client, make_user):
    user = await make_user("student")
    response = await sign_in(client, user.email)
    device = [c for c in response.headers.get_list("set-cookie") if not c.startswith(f"{SESSION_COOKIE}=")]
    assert len(device) == 1 and "HttpOnly" in device[0] and "Max-Age=31536000" in device[0].replace("max-age", "Max-Age")
    assert user.email not in device[0]


async def test_changing_the_password_signs_out_every_other_browser_and_tells_the_owner(
    client, signed_in, make_client, settings
):
    user = await signed_in("student")
    async with browser_of(make_client, user) as other:
        assert (await other.get("/student")).status_code == 200
        done = await client.post(
            "/account/password",
            data={"current": TEST_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            headers=csrf_headers(client),
        )
        assert done.status_code == 200 and "Your password is changed." in done.text
        assert (await other.get("/student")).status_code == 303  # the other browser is signed out
    assert (await client.get("/student")).status_code == 200  # this one goes on
    [message] = await outbox(settings.var_dir, user.email)
    assert message["Subject"] == "Your Career Portfolio password was changed"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "signed out" in text and "/forgot" in text and NEW_PASSWORD not in text


async def test_guessing_the_current_password_is_throttled_like_signing_in(client, signed_in, make_client, settings):
    user = await signed_in("student")

    def change(current: str) -> dict[str, str]:
        return {"current": current, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}

    free = settings.throttle_free_attempts
    with clock.fixed(MOMENT):
        answers = await asyncio.gather(*(
            client.post("/account/password", data=change(f"guess {n}"), headers=csrf_headers(client)) for n in range(20)
        ))
        assert sorted(answer.status_code for answer in answers) == [422] * free + [429] * (20 - free)
        assert await AuditEvent.count().where(AuditEvent.action == "password.change_failed") == free
        # Now even the right password waits, so a lucky guess changes nothing.
        right = await client.post("/account/password", data=change(TEST_PASSWORD), headers=csrf_headers(client))
        assert right.status_code == 429 and "Too many attempts" in right.text
        # The guesses count against signing in to the account too.
        async with make_client() as elsewhere:
            assert (await sign_in(elsewhere, user.email)).status_code == 429
    async with make_client() as later:
        assert (await sign_in(later, user.email)).status_code == 303
