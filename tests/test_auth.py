"""Signing in and out, wrong passwords, throttling, CSRF, session ids and expiry."""

from __future__ import annotations

import dataclasses

from portfolio.auth import SESSION_COOKIE
from portfolio.settings import SessionPolicy
from portfolio.tables import AuditEvent
from tests.factories import TEST_PASSWORD, csrf_headers, sign_in


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
