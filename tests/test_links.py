"""E-mailed one-time links: password reset and invitations, through the outbox and through SMTP."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from portfolio.auth import SESSION_COOKIE
from portfolio.forms.accounts import Invitation
from portfolio.services import accounts
from portfolio.tables import AccountToken, User
from tests.factories import browser_of, csrf_headers, route_table, sign_in
from tests.mailbox import SmtpServer, deliver, emails_for, link_in, outbox

NEW_PASSWORD = "a fresh and long password"


async def _reset(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    await client.get("/signin")
    return await client.post(
        path, data={"password": password, "confirm": confirm or password}, headers=csrf_headers(client)
    )


async def test_forgot_password_link_works_once(client, make_user, settings, make_client):
    user = await make_user("student")
    await client.get("/forgot")
    response = await client.post("/forgot", data={"email": user.email.upper()}, headers=csrf_headers(client))
    assert response.status_code == 200
    assert "Check your e-mail" in response.text
    [message] = await outbox(settings.var_dir, user.email)
    assert message["Subject"] == "Reset your Career Portfolio password"
    assert message.get_body(preferencelist=("html",)) is not None
    path = link_in(message)
    assert path.startswith("/reset/")

    async with make_client() as visitor:
        page = await visitor.get(path)
        assert page.status_code == 200
        assert page.headers["referrer-policy"] == "no-referrer"
        assert "Choose a new password" in page.text
        mismatch = await _reset(visitor, path, confirm="something else entirely")
        assert mismatch.status_code == 422 and "not the same" in mismatch.text
        done = await _reset(visitor, path)
        assert done.status_code == 303
        assert SESSION_COOKIE in visitor.cookies  # signed in with the new password
        again = await _reset(visitor, path, password="yet another password")
        assert again.status_code == 410
        assert "This link no longer works" in again.text

    async with make_client() as other:
        assert (await sign_in(other, user.email, NEW_PASSWORD)).status_code == 303


async def test_forgot_password_says_the_same_for_unknown_addresses(client, settings):
    await client.get("/forgot")
    response = await client.post("/forgot", data={"email": "no-such-person@example.org"}, headers=csrf_headers(client))
    assert response.status_code == 200
    assert "If an account uses" in response.text
    assert await outbox(settings.var_dir, "no-such-person@example.org") == []


async def test_expired_and_tampered_links_change_nothing(client, make_user):
    user = await make_user("student")
    raw = await accounts.issue_token(user.id, "reset", timedelta(minutes=60))
    before = (await User.select(User.password_hash).where(User.id == user.id).first())["password_hash"]
    tampered = await _reset(client, f"/reset/{raw[:-2]}xx")
    assert tampered.status_code == 410
    wrong_kind = await _reset(client, f"/invite/{raw}")
    assert wrong_kind.status_code == 410
    await AccountToken.update({AccountToken.expires_at: datetime.now(timezone.utc) - timedelta(seconds=1)}).where(
        AccountToken.user == user.id
    )
    expired = await _reset(client, f"/reset/{raw}")
    assert expired.status_code == 410
    after = (await User.select(User.password_hash).where(User.id == user.id).first())["password_hash"]
    assert before == after
    # Only a hash of the token is stored.
    stored = await AccountToken.select(AccountToken.token_hash).where(AccountToken.user == user.id)
    assert all(raw not in row["token_hash"] for row in stored)


async def test_staff_invite_a_student_who_sets_their_own_password(client, signed_in, settings, make_client, school):
    staff = await signed_in("staff")
    page = await client.get("/staff/invite")
    assert page.status_code == 200
    email = f"new-student-{staff.id}@example.org"
    response = await client.post(
        "/staff/invite",
        data={"name": "Sam Newcomer", "email": email, "roles": "student"},
        headers=csrf_headers(client),
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/staff?invited=1"
    listing = await client.get("/staff")
    assert "Sam Newcomer" in listing.text and "Invited" in listing.text
    row = await User.select().where(User.email == email).first()
    assert row["roles"] == ["student"] and row["school"] == school and row["password_hash"] == ""
    # Nobody can sign in to an invited account before the invitation is accepted.
    async with make_client() as other:
        assert (await sign_in(other, email, "")).status_code == 400

    [message] = await outbox(settings.var_dir, email)
    path = link_in(message)
    assert path.startswith("/invite/")
    async with make_client() as newcomer:
        assert "Welcome to Career Portfolio" in (await newcomer.get(path)).text
        accepted = await _reset(newcomer, path)
        assert accepted.status_code == 303
        landing = await newcomer.get("/")
        assert landing.headers["location"] == "/student"
        assert (await _reset(newcomer, path)).status_code == 410


async def test_staff_may_not_invite_admins_or_outside_their_school(client, signed_in, other_school):
    await signed_in("staff")
    await client.get("/staff/invite")
    response = await client.post(
        "/staff/invite",
        data={"name": "Evil Admin", "email": "evil-admin@example.org", "roles": "admin", "school": str(other_school)},
        headers=csrf_headers(client),
    )
    assert response.status_code == 422
    assert "You may not give that role." in response.text
    assert await User.exists().where(User.email == "evil-admin@example.org") is False
    bad = await client.post(
        "/staff/invite",
        data={"name": "", "email": "not-an-email", "roles": "student"},
        headers=csrf_headers(client),
    )
    assert bad.status_code == 422
    assert "Enter an e-mail address" in bad.text and "Enter the person" in bad.text
    assert 'value="not-an-email"' in bad.text


async def test_admin_invites_an_employer_into_an_organization(client, signed_in, settings):
    from portfolio.tables import Organization

    org = (await Organization.insert(Organization(name="Test Employer Inc")).returning(Organization.id))[0]["id"]
    await signed_in("admin")
    await client.get("/staff/invite")
    email = f"hiring-{org}@example.org"
    response = await client.post(
        "/staff/invite",
        data={"name": "Hiring Manager", "email": email, "roles": "employer", "organization": str(org)},
        headers=csrf_headers(client),
    )
    assert response.status_code == 303, response.text
    row = await User.select().where(User.email == email).first()
    assert row["organization"] == org and row["school"] is None and row["roles"] == ["employer"]
    assert len(await outbox(settings.var_dir, email)) == 1


async def test_an_admin_invitation_names_every_problem_at_once(client, signed_in, school):
    await signed_in("admin")
    await client.get("/staff/invite")
    form = {"name": "", "email": "someone@example.org", "roles": ["student", "employer"], "school": "999999"}
    response = await client.post("/staff/invite", data=form, headers=csrf_headers(client))
    assert response.status_code == 422
    # One school and no employer organization yet: the administrator still picks the school, and is told
    # that an employer needs an organization.
    for problem in ("Enter the person", "cannot also be a school account", "Choose the school", "Choose the employer"):
        assert problem in response.text
    assert 'value="someone@example.org"' in response.text
    assert await User.exists().where(User.email == "someone@example.org") is False
    form |= {"name": "Some One", "roles": "student", "school": str(school)}
    assert (await client.post("/staff/invite", data=form, headers=csrf_headers(client))).status_code == 303
    assert (await User.select(User.school).where(User.email == "someone@example.org").first())["school"] == school


async def test_a_forgotten_password_form_without_an_address_keeps_what_was_typed(client, settings):
    await client.get("/forgot")
    response = await client.post("/forgot", data={"email": "not an address"}, headers=csrf_headers(client))
    assert response.status_code == 422
    assert "Enter your e-mail address." in response.text and 'value="not an address"' in response.text
    assert await outbox(settings.var_dir, "not an address") == []


async def test_links_arrive_over_smtp(settings, make_client, make_user):
    user = await make_user("student")
    with SmtpServer() as smtp:
        smtp_settings = dataclasses.replace(settings, smtp_url=smtp.url)
        async with make_client(smtp_settings) as client:
            await client.get("/forgot")
            response = await client.post("/forgot", data={"email": user.email}, headers=csrf_headers(client))
            assert response.status_code == 200
            await deliver(smtp_settings)
        [message] = smtp.collector.to(user.email)
    assert not (settings.var_dir / "outbox").exists()  # SMTP replaced the outbox
    assert message["X-Envelope-To"] == user.email
    assert message.get_body(preferencelist=("html",)) is not None
    path = link_in(message)
    async with make_client() as visitor:
        assert (await _reset(visitor, path)).status_code == 303


async def test_a_password_reset_signs_out_every_browser_and_tells_the_owner(client, make_user, settings, make_client):
    user = await make_user("student")
    async with browser_of(make_client, user) as left_open:
        assert (await left_open.get("/student")).status_code == 200
        await client.get("/forgot")
        await client.post("/forgot", data={"email": user.email}, headers=csrf_headers(client))
        [request] = await outbox(settings.var_dir, user.email)
        assert (await _reset(client, link_in(request))).status_code == 303
        assert (await left_open.get("/student")).status_code == 303  # the browser left signed in is signed out
    assert (await client.get("/student")).status_code == 200  # the one that reset it is signed in
    [_, changed] = await outbox(settings.var_dir, user.email)
    assert changed["Subject"] == "Your Career Portfolio password was changed"


async def test_an_invitation_never_moves_an_account_to_another_school(
    client, signed_in, make_user, make_client, other_school, settings
):
    email = "robin.lake@example.org"
    # Another school's administrator invited Robin, who has not joined yet.
    admin = await make_user("admin")
    first = Invitation(email, "Robin Lake", ["student"], other_school, None)
    await accounts.invite(emails_for(settings), admin, first, timedelta(days=7))
    await signed_in("staff")
    await client.get("/staff/invite")
    response = await client.post(
        "/staff/invite", data={"name": "Robin L.", "email": email, "roles": "staff"}, headers=csrf_headers(client)
    )
    assert response.status_code == 422
    assert "This address cannot be invited here" in response.text
    assert "Other High School" not in response.text  # says no more than it must
    row = await User.select().where(User.email == email).first()
    assert (row["school"], row["roles"], row["name"]) == (other_school, ["student"], "Robin Lake")
    [invitation] = await outbox(settings.var_dir, email)  # only the first invitation was sent
    # The first invitation still opens Robin's account where it was.
    async with make_client() as robin:
        assert (await _reset(robin, link_in(invitation))).status_code == 303
        assert (await robin.get("/")).headers["location"] == "/student"
    assert (await User.select(User.school).where(User.email == email).first())["school"] == other_school


async def test_a_re_invitation_within_the_school_refreshes_the_account(client, signed_in, settings, school):
    await signed_in("staff")
    await client.get("/staff/invite")
    email = "sam.again@example.org"
    for name, roles in (("Sam", "student"), ("Sam Again", "mentor")):
        response = await client.post(
            "/staff/invite", data={"name": name, "email": email, "roles": roles}, headers=csrf_headers(client)
        )
        assert response.status_code == 303, response.text
    row = await User.select().where(User.email == email).first()
    assert (row["school"], row["roles"], row["name"]) == (school, ["mentor"], "Sam Again")
    assert len(await outbox(settings.var_dir, email)) == 2

# --- tokens in paths ------------------------------------------------------------------------------

BAD_TOKENS = [
    "abc;%20Max-Age=99999;%20Domain=evil.example",  # would become the attributes of a cookie's Path
    "a%00b" + "x" * 40,
    "a%0d%0aSet-Cookie:%20planted=1" + "x" * 30,
    "short",
    "x" * 200,
    "%C3%A9" * 40,
]


@pytest.mark.parametrize("bad", BAD_TOKENS)
async def test_a_malformed_token_in_any_path_is_a_link_that_does_not_work(client, settings, bad):
    token_routes = [(path, method) for path, method, _, _ in route_table(settings) if "{token:str}" in path]
    assert {path.split("/")[1] for path, _ in token_routes} == {"s", "v", "consent", "reset", "invite", "slip", "w", "partner-feedback"}
    await client.get("/signin")
    for path, method in token_routes:
        url = path.replace("{token:str}", bad).replace("{evidence_id:int}", "1")
        response = await client.request(method, url, headers=csrf_headers(client))
        assert response.status_code in (404, 410), (method, url, response.status_code)
        planted = [value for name, value in response.headers.multi_items() if name == "set-cookie" and "portfolio_csrf=" not in value]
        assert planted == [], (method, url, planted)
        assert "no longer works" in response.text or "Not found" in response.text, (method, url)


async def test_a_well_formed_token_is_still_looked_up(client):
    # Right alphabet and length, but no such link: the link's own page, as before.
    for path in ("/s/", "/v/", "/consent/", "/reset/", "/invite/", "/v/receipt/", "/slip/", "/w/", "/partner-feedback/"):
        response = await client.get(path + "A" * 43)
        assert response.status_code == 410, path
        assert "no longer works" in response.text, path
