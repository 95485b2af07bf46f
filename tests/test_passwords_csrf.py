"""Passwords seen in breaches are refused; the session cookie is __Host- over HTTPS; the CSRF token is bound
to the session, new at every sign-in, and masked differently in every response."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

from portfolio import csrf
from portfolio.services import accounts
from portfolio.services.passwords import password_problem
from portfolio.vocabulary import TokenPurpose
from tests.factories import TEST_PASSWORD, csrf_headers, sign_in


def test_common_and_breached_passwords_are_refused():
    for weak in ("1234567890", "qwertyuiop", "password123", "Password123", "iloveyou12"):
        assert "data breaches" in (password_problem(weak) or ""), weak
    assert password_problem("violet tractor on the hill") is None


async def test_choosing_a_breached_password_says_why(client, make_user):
    user = await make_user("student")
    raw = await accounts.issue_token(user.id, TokenPurpose.RESET, timedelta(hours=1))
    await client.get(f"/reset/{raw}")
    refused = await client.post(f"/reset/{raw}", data={"password": "1234567890", "confirm": "1234567890"},
                                headers=csrf_headers(client))
    assert refused.status_code == 422
    assert "seen in data breaches" in refused.text
    chosen = await client.post(f"/reset/{raw}", data={"password": "violet tractor on the hill",
                                                      "confirm": "violet tractor on the hill"}, headers=csrf_headers(client))
    assert chosen.status_code == 303


# --- the session cookie ----------------------------------------------------------------------------

async def test_the_session_cookie_is_host_only_over_https_and_plain_over_http(settings, make_client, make_user):
    user = await make_user("student")
    async with make_client(dataclasses.replace(settings, base_url="https://portfolio.example")) as browser:
        page = await browser.get("/signin")
        visitor = page.headers["set-cookie"]
        assert visitor.startswith("__Host-portfolio_csrf=") and "Secure" in visitor and "Domain" not in visitor
        signed = await sign_in(browser, user.email)
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"]
        assert cookie.startswith("__Host-portfolio_session=")
        assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
        assert (await browser.get("/student")).status_code == 200
        out = await browser.post("/signout", headers=csrf_headers(browser))
        assert out.status_code == 303
        assert out.headers["set-cookie"].startswith("__Host-portfolio_session=") and "Secure" in out.headers["set-cookie"]
        assert (await browser.get("/student")).status_code == 303  # signed out
    async with make_client() as local:
        signed = await sign_in(local, user.email)
        assert signed.headers["set-cookie"].startswith("portfolio_session=")
        assert "__Host-" not in signed.headers["set-cookie"]
        assert (await local.get("/student")).status_code == 200


# --- CSRF tokens ----------------------------------------------------------------------------------

def tokens_in(page: str) -> list[str]:
    """The tokens a page carries: htmx's header on <body>, and each form's hidden field."""
    return re.findall(r'"x-csrftoken": "([^"]+)"', page) + re.findall(r'name="_csrf_token" value="([^"]+)"', page)


async def test_a_token_from_another_session_is_refused(client, signed_in, make_client, make_user):
    """Also when the attacker plants their own cookies beside the victim's session (a double-submit cookie
    would then match the attacker's token)."""
    await signed_in("student")
    other = await make_user("student")
    async with make_client() as attacker:
        assert (await sign_in(attacker, other.email)).status_code == 303
        theirs = tokens_in((await attacker.get("/student")).text)[0]
        for cookie in attacker.cookies.jar:
            if "session" not in cookie.name:
                client.cookies.set(cookie.name, cookie.value)
        refused = await client.post("/signout", headers={"x-csrftoken": theirs})
        assert refused.status_code == 403 and "This form has expired" in refused.text
        assert (await client.post("/signout", data={"_csrf_token": theirs})).status_code == 403
        assert (await client.get("/student")).status_code == 200  # still signed in
    anonymous = tokens_in((await attacker_page(make_client)).text)[0]
    assert (await client.post("/signout", data={"_csrf_token": anonymous})).status_code == 403


async def attacker_page(make_client):
    async with make_client() as attacker:
        return await attacker.get("/signin")


async def test_every_response_masks_the_token_differently_and_each_verifies(client, signed_in):
    await signed_in("student")
    first, second = [tokens_in((await client.get("/student/profile")).text) for _ in range(2)]
    assert first and second and set(first).isdisjoint(second)
    # The token itself never appears: only its masked forms, which unmask to the same value.
    assert {csrf.unmask(token) for token in first + second} == {csrf.unmask(first[0])}
    for token in (first[0], second[-1]):
        saved = await client.post("/student/profile", data={"headline": "Welder", "_csrf_token": token})
        assert saved.status_code in (200, 303), saved.status_code
    api = await client.get("/api/v1/me")
    assert csrf.unmask(api.json()["csrf_token"]) == csrf.unmask(first[0])


async def test_a_token_from_before_sign_in_is_refused_after_it(client, make_user):
    user = await make_user("student")
    page = await client.get("/signin")
    signed = await client.post("/signin", data={"email": user.email, "password": TEST_PASSWORD, "next": "",
                                                "_csrf_token": tokens_in(page.text)[-1]})
    assert signed.status_code == 303
    for token in tokens_in(page.text):
        refused = await client.post("/signout", data={"_csrf_token": token})
        assert refused.status_code == 403
    fresh = tokens_in((await client.get("/student")).text)[0]
    assert (await client.post("/signout", data={"_csrf_token": fresh})).status_code == 303
