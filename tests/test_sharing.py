"""Sharing over HTTP: a student's shares (to an employer, by a link), what a link's visitor sees and may
open, the record of every view, and the birth date staff record (a guardian's consent: tests/test_consent.py)."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from portfolio.routes.visitor import VISITOR_COOKIE
from portfolio.services import sharing
from portfolio.tables import Organization, Share, User
from tests import samples
from tests.factories import (
    add_photo,
    csrf_headers,
    csrf_token,
    disclosures,
    new_entry,
    only_downloaded,
    set_birth,
    sign_in,
)
from tests.mailbox import link_in, outbox

XSS = "<script>alert(1)</script>"
ESCAPED = html.escape(XSS, quote=False)
LINK_RE = re.compile(r"http://testserver\.local/s/([A-Za-z0-9_-]+)")
GONE = "This link no longer works"
UNDER_18 = "a parent or guardian must agree"


# --- helpers --------------------------------------------------------------------------------------

async def adult_student(signed_in, **profile):
    student = await signed_in("student", name="Sam Student")
    await set_birth(student.id, 19, **profile)
    return student


async def employer_org() -> int:
    row = await Organization.insert(Organization(name=f"Acme {uuid.uuid4().hex[:6]}", kind="employer")).returning(Organization.id)
    return row[0]["id"]


async def post_share(client, **fields):
    data = {"audience": "link", "scope": "everything", "days": "30", "label": ""} | fields
    data["_csrf_token"] = csrf_token(client)
    return await client.post("/student/sharing", data=data)


async def make_link(client, **fields) -> tuple[int, str]:
    """Make a link share through the form; returns the share id and the raw token (from the page)."""
    response = await post_share(client, **fields)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    token = LINK_RE.search(response.text).group(1)  # type: ignore[union-attr]
    share = await Share.select(Share.id).order_by(Share.id, ascending=False).first()
    return share["id"], token


async def introduce(visitor, token: str, name: str = "Robin Recruiter", organization: str = "Bolt Works"):
    page = await visitor.get(f"/s/{token}")
    assert page.status_code == 200, page.text
    return await visitor.post(
        f"/s/{token}", data={"name": name, "organization": organization, "_csrf_token": csrf_token(visitor)}
    )


def grant_of(response) -> str:
    cookies = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{VISITOR_COOKIE}=")]
    assert len(cookies) == 1
    return cookies[0].split(";")[0].split("=", 1)[1].strip('"')


# --- making shares --------------------------------------------------------------------------------

async def test_student_shares_with_an_employer_and_by_link(client, signed_in):
    student = await adult_student(signed_in)
    org = await employer_org()
    page = await client.get("/student/sharing")
    assert page.status_code == 200 and "Share my portfolio" in page.text
    response = await post_share(client, audience="organization", organization=str(org), label="Fall fair")
    assert response.status_code == 303 and response.headers["location"].startswith("/student/sharing?created=")
    share_id, token = await make_link(client, label="For Bolt Works", days="7")
    rows = await sharing.shares_of(student)
    assert [(r["kind"], r["state"], r["label"]) for r in rows] == [
        ("link", "active", "For Bolt Works"), ("organization", "active", "Fall fair"),
    ]
    listing = (await client.get("/student/sharing")).text
    assert "Fall fair" in listing and "For Bolt Works" in listing and "Revoke" in listing
    assert token not in listing  # shown once, never again
    created = await Share.select(Share.token_hash, Share.expires_at).where(Share.id == share_id).first()
    assert token not in created["token_hash"]
    assert timedelta(days=6) < created["expires_at"] - datetime.now(timezone.utc) <= timedelta(days=7)


async def test_link_created_page_has_the_link_a_qr_code_and_a_copy_button(client, signed_in):
    await adult_student(signed_in)
    response = await post_share(client)
    assert response.status_code == 200
    assert response.headers["referrer-policy"] == "no-referrer"
    text = response.text
    token = LINK_RE.search(text).group(1)  # type: ignore[union-attr]
    assert f'value="http://testserver.local/s/{token}"' in text
    assert 'src="data:image/svg+xml' in text and "QR code" in text
    assert "data-copy=" in text and "show this link and its QR code again" in text


async def test_a_live_link_and_its_qr_code_can_be_shown_again_but_not_read_from_the_database(client, signed_in, make_user, make_client):
    await adult_student(signed_in)
    share_id, token = await make_link(client)
    sharing_page = await client.get("/student/sharing")
    assert f'href="/student/sharing/{share_id}/link"' in sharing_page.text
    again = await client.get(f"/student/sharing/{share_id}/link")
    assert again.status_code == 200 and again.headers["cache-control"] == "no-store"
    assert again.headers["referrer-policy"] == "no-referrer"
    assert LINK_RE.search(again.text).group(1) == token and 'src="data:image/svg+xml' in again.text  # type: ignore[union-attr]
    # What a copy of the database holds does not open the portfolio: only a hash, and nothing it derives from.
    [row] = await Share.select().where(Share.id == share_id)
    assert all(token not in str(value) for value in row.values())
    assert (await client.get(f"/s/{row['token_hash']}")).status_code == 410

    # Another student, a share to an organization, a revoked link: nothing to show.
    async with make_client() as other:
        await sign_in(other, (await make_user("student")).email)
        assert (await other.get(f"/student/sharing/{share_id}/link")).status_code == 404
    await post_share(client, audience="organization", organization=str(await employer_org()))
    organization_share = await Share.select(Share.id).order_by(Share.id, ascending=False).first()
    assert (await client.get(f"/student/sharing/{organization_share['id']}/link")).status_code == 404
    await client.post(f"/student/sharing/{share_id}/revoke", headers=csrf_headers(client))
    assert (await client.get(f"/student/sharing/{share_id}/link")).status_code == 404
    assert f'href="/student/sharing/{share_id}/link"' not in (await client.get("/student/sharing")).text


async def test_an_employer_organization_is_told_of_a_share_at_once_or_in_a_daily_digest(
    client, signed_in, make_user, make_client, settings, emails
):
    organization = await employer_org()
    at_once = await make_user("employer", organization_id=organization)
    daily = await make_user("employer", organization_id=organization)
    gone = await make_user("employer", organization_id=organization)
    elsewhere = await make_user("employer", organization_id=await employer_org())
    await User.update({User.active: False}).where(User.id == gone.id)
    async with make_client() as browser:
        await sign_in(browser, daily.email)
        chose = await browser.post("/employer/digest", data={"digest": "on"}, headers=csrf_headers(browser))
        assert chose.headers["location"] == "/account?digest=on"
        account = (await browser.get("/account")).text
        assert 'action="/employer/digest"' in account and 'name="digest" value="on" checked' in account
        assert "E-mail preference saved." in (await browser.get(chose.headers["location"])).text

    student = await adult_student(signed_in)
    assert (await post_share(client, audience="organization", organization=str(organization))).status_code == 303
    await make_link(client)  # a link tells nobody
    [told] = await outbox(settings.var_dir, at_once.email)
    assert link_in(told) == f"/employer/students/{student.id}"
    assert student.name not in told.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    for nobody in (daily, gone, elsewhere):
        assert await outbox(settings.var_dir, nobody.email) == []

    assert await sharing.send_employer_digests(emails) == 1
    [digest] = await outbox(settings.var_dir, daily.email)
    assert digest["Subject"].startswith("1 new portfolio shared with") and link_in(digest) == "/employer"
    # Told once: the next day's digest has nothing new to say.
    assert await sharing.send_employer_digests(emails) == 0
    assert len(await outbox(settings.var_dir, at_once.email)) == 1


async def test_a_form_with_problems_keeps_what_was_typed(client, signed_in):
    student = await adult_student(signed_in)
    await employer_org()  # the form offers employers only when there are some
    response = await post_share(client, audience="organization", organization="", days="999", label="Keep me")
    assert response.status_code == 422
    assert "Choose an employer." in response.text and "Choose between 1 and 365 days." in response.text
    assert 'value="Keep me"' in response.text and 'value="999"' in response.text
    response = await post_share(client, scope="picked")
    assert response.status_code == 422 and "Pick at least one" in response.text
    assert await Share.count().where(Share.student == student.id) == 0


async def test_picking_another_students_entry_is_not_found(client, signed_in, make_user):
    await adult_student(signed_in)
    other = await make_user("student")
    theirs = await new_entry(other, title="Not yours")
    response = await post_share(client, scope="picked", experiences=str(theirs))
    assert response.status_code == 404


# --- what a link shows ----------------------------------------------------------------------------

async def test_a_picked_share_shows_only_the_picked_items_and_their_files(client, signed_in, make_client, settings):
    student = await adult_student(signed_in)
    shown = await new_entry(student, title="Picked job shadow", hours="2.5")
    hidden = await new_entry(student, title="Secret internship", hours="7")
    shown_photo = await add_photo(settings, student, shown)
    hidden_photo = await add_photo(settings, student, hidden)
    page = await client.get("/student/sharing")
    assert "Picked job shadow" in page.text and "Secret internship" in page.text  # both offered as choices
    share_id, token = await make_link(client, scope="picked", experiences=str(shown))
    assert "1 picked" in (await client.get("/student/sharing")).text
    async with make_client() as visitor:
        response = await introduce(visitor, token)
        assert response.status_code == 303 and response.headers["location"] == f"/s/{token}/portfolio"
        portfolio = await visitor.get(f"/s/{token}/portfolio")
        assert portfolio.status_code == 200
        assert "Picked job shadow" in portfolio.text and "Secret internship" not in portfolio.text
        # The totals count only what is shared: 2.5 hours, never the 9.5 of both.
        assert "2.5</span> verified hours" not in portfolio.text and "2.5 self-reported" in portfolio.text
        assert "9.5" not in portfolio.text and ">7<" not in portfolio.text
        assert f"/s/{token}/evidence/{shown_photo['id']}/thumb" in portfolio.text
        assert str(hidden_photo["id"]) + "/thumb" not in portfolio.text
        assert (await visitor.get(f"/s/{token}/evidence/{shown_photo['id']}/thumb")).status_code == 200
        view = await visitor.get(f"/s/{token}/evidence/{shown_photo['id']}/view")
        assert view.status_code == 200 and view.headers["cache-control"] == "no-store"
        for kind in ("thumb", "view"):
            assert (await visitor.get(f"/s/{token}/evidence/{hidden_photo['id']}/{kind}")).status_code == 404
    rows = await disclosures(student.id)
    # The thumbnail and the view of one file, the same day: one download of that file.
    assert [(r["kind"], r["viewer_name"], r["viewer_organization"], r["share"], r["evidence"]) for r in rows] == [
        ("view", "Robin Recruiter", "Bolt Works", share_id, None),
        ("download", "Robin Recruiter", "Bolt Works", share_id, shown_photo["id"]),
    ]


async def test_a_link_visitor_only_downloads_a_pdf_that_runs_script(client, signed_in, make_client, settings):
    student = await adult_student(signed_in)
    entry_id = await new_entry(student)
    pdf = await add_photo(settings, student, entry_id, samples.pdf_with_open_action_script(), "card.pdf")
    _, token = await make_link(client)
    async with make_client() as visitor:
        await introduce(visitor, token)
        portfolio = await visitor.get(f"/s/{token}/portfolio")
        assert f'src="/s/{token}/evidence/{pdf["id"]}/thumb"' in portfolio.text  # its first page, as a picture
        thumb = await visitor.get(f"/s/{token}/evidence/{pdf['id']}/thumb")
        assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
        assert only_downloaded(await visitor.get(f"/s/{token}/evidence/{pdf['id']}/view"))


async def test_another_students_evidence_is_not_found_through_a_link(client, signed_in, make_client, make_user, settings):
    student = await adult_student(signed_in)
    await new_entry(student)
    other = await make_user("student")
    photo = await add_photo(settings, other, await new_entry(other))
    _, token = await make_link(client)
    async with make_client() as visitor:
        await introduce(visitor, token)
        assert (await visitor.get(f"/s/{token}/evidence/{photo['id']}/thumb")).status_code == 404
        assert (await visitor.get(f"/s/{token}/evidence/{photo['id']}/view")).status_code == 404
    assert await disclosures(other.id) == []


async def test_a_visitor_is_recorded_once_per_view_and_the_student_sees_it(client, signed_in, make_client):
    student = await adult_student(signed_in)
    await new_entry(student, title="Welding class")
    share_id, token = await make_link(client, label="Job fair")
    async with make_client() as visitor:
        response = await introduce(visitor, token, "Robin Recruiter", "Bolt Works")
        assert await disclosures(student.id) == []  # giving a name is not a view yet
        for _ in range(2):
            page = await visitor.get(f"/s/{token}/portfolio")
            assert page.status_code == 200 and "Welding class" in page.text
            assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"
        cookie = [c for c in response.headers.get_list("set-cookie") if c.startswith(VISITOR_COOKIE)][0].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and f"path=/s/{token}".lower() in cookie
    rows = await disclosures(student.id)
    assert len(rows) == 2 and all(r["kind"] == "view" and r["share"] == share_id for r in rows)
    views = await client.get("/student/sharing/views")
    assert views.status_code == 200
    assert views.text.count("Robin Recruiter") == 2 and "Bolt Works" in views.text and "Job fair" in views.text
    assert 'href="/student/sharing/views"' in (await client.get("/student/sharing")).text


async def test_the_students_own_preview_records_nothing(client, signed_in, settings):
    student = await adult_student(signed_in)
    shown = await new_entry(student, title="Shown in preview")
    await new_entry(student, title="Not in preview")
    photo = await add_photo(settings, student, shown)
    share_id, _ = await make_link(client, scope="picked", experiences=str(shown))
    preview = await client.get(f"/student/sharing/{share_id}/preview")
    assert preview.status_code == 200
    assert "Shown in preview" in preview.text and "Not in preview" not in preview.text
    assert f"/evidence/{photo['id']}/thumb" in preview.text
    assert (await client.get(f"/evidence/{photo['id']}/thumb")).status_code == 200
    assert await disclosures(student.id) == []


async def test_a_visitor_without_the_grant_is_asked_who_they_are(client, signed_in, make_client):
    student = await adult_student(signed_in)
    photo_entry = await new_entry(student)
    _, token = await make_link(client)
    async with make_client() as visitor:
        response = await visitor.get(f"/s/{token}/portfolio")
        assert response.status_code == 303 and response.headers["location"] == f"/s/{token}"
        form = await visitor.get(f"/s/{token}")
        assert "Your name" in form.text and "Your organization" in form.text and "Sam Student" in form.text
        missing = await visitor.post(f"/s/{token}", data={"name": " ", "organization": "", "_csrf_token": csrf_token(visitor)})
        assert missing.status_code == 422 and "Enter your name." in missing.text and "Enter your organization" in missing.text
        assert (await visitor.get(f"/s/{token}/evidence/{photo_entry}/thumb")).status_code == 404
    assert await disclosures(student.id) == []


async def test_a_grant_for_one_link_does_not_open_another(client, signed_in, make_client, settings):
    student = await adult_student(signed_in)
    _, token_a = await make_link(client, label="A")
    _, token_b = await make_link(client, label="B")
    async with make_client() as visitor:
        grant = grant_of(await introduce(visitor, token_a))
        visitor.cookies.clear()
        other = await visitor.get(f"/s/{token_b}/portfolio", headers={"cookie": f"{VISITOR_COOKIE}={grant}"})
        assert other.status_code == 303 and other.headers["location"] == f"/s/{token_b}"
        payload, mac = grant.split(".")
        tampered = sharing.visitor_grant("wrong-secret", 0, "x", "y", datetime.now(timezone.utc) + timedelta(hours=1))
        for value in (f"{payload}.{'0' * len(mac)}", f"{payload[:-2]}AA.{mac}", tampered, "garbage", ""):
            page = await visitor.get(f"/s/{token_a}/portfolio", headers={"cookie": f"{VISITOR_COOKIE}={value}"})
            assert page.status_code == 303 and page.headers["location"] == f"/s/{token_a}", value
        expired = sharing.visitor_grant(settings.secret_key, (await sharing.link_share(token_a))["id"], "Old", "Org",
                                        datetime.now(timezone.utc) - timedelta(minutes=1))
        page = await visitor.get(f"/s/{token_a}/portfolio", headers={"cookie": f"{VISITOR_COOKIE}={expired}"})
        assert page.status_code == 303
        good = await visitor.get(f"/s/{token_a}/portfolio", headers={"cookie": f"{VISITOR_COOKIE}={grant}"})
        assert good.status_code == 200
    assert len(await disclosures(student.id)) == 1


@pytest.mark.parametrize("how", ["revoked", "expired"])
async def test_a_revoked_or_expired_link_is_gone_and_records_nothing(client, signed_in, make_client, settings, how):
    student = await adult_student(signed_in)
    photo = await add_photo(settings, student, await new_entry(student))
    share_id, token = await make_link(client)
    async with make_client() as visitor:
        await introduce(visitor, token)
        assert (await visitor.get(f"/s/{token}/portfolio")).status_code == 200
        before = len(await disclosures(student.id))
        if how == "revoked":
            revoked = await client.post(f"/student/sharing/{share_id}/revoke", headers=csrf_headers(client))
            assert revoked.status_code == 303
        else:
            await Share.update({Share.expires_at: datetime.now(timezone.utc) - timedelta(minutes=1)}).where(Share.id == share_id)
        for path in (f"/s/{token}", f"/s/{token}/portfolio"):
            page = await visitor.get(path)
            assert page.status_code == 410 and GONE in page.text, path
            assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"
        again = await visitor.post(f"/s/{token}", data={"name": "A", "organization": "B", "_csrf_token": csrf_token(visitor)})
        assert again.status_code == 410
        for kind in ("thumb", "view"):
            assert (await visitor.get(f"/s/{token}/evidence/{photo['id']}/{kind}")).status_code == 404
        assert len(await disclosures(student.id)) == before
    state = "Revoked" if how == "revoked" else "Expired"
    assert state in (await client.get("/student/sharing")).text
    assert (await client.get("/s/not-a-real-token")).status_code == 410


async def test_another_student_cannot_revoke_or_preview_your_share(client, signed_in, make_client, make_user):
    await adult_student(signed_in)
    share_id, token = await make_link(client)
    other = await make_user("student")
    async with make_client() as theirs:
        assert (await sign_in(theirs, other.email)).status_code == 303
        assert (await theirs.get(f"/student/sharing/{share_id}/preview")).status_code == 404
        response = await theirs.post(f"/student/sharing/{share_id}/revoke", headers=csrf_headers(theirs))
        assert response.status_code == 404
    await sharing.link_share(token)  # still active
    assert (await client.get("/student/sharing/999999/preview")).status_code == 404


async def test_stored_script_is_shown_as_text_everywhere(client, signed_in, make_client):
    student = await adult_student(signed_in, headline=XSS)
    await new_entry(student, title=XSS, reflection=XSS)
    share_id, token = await make_link(client, label=XSS)
    async with make_client() as visitor:
        await introduce(visitor, token, name=XSS, organization=XSS)
        visitor_page = await visitor.get(f"/s/{token}/portfolio")
    pages = [visitor_page, await client.get(f"/student/sharing/{share_id}/preview"), await client.get("/student/sharing/views"),
             await client.get("/student/sharing")]
    for page in pages:
        assert page.status_code == 200
        assert XSS not in page.text, page.url
        assert ESCAPED in page.text, page.url
    assert pages[0].text.count(ESCAPED) >= 3  # headline, title, reflection
    assert pages[2].text.count(ESCAPED) >= 2  # the visitor's name and organization


# --- the birth date -----------------------------------------------------------------------------

async def test_staff_set_the_birth_date_for_their_own_school_only(client, signed_in, make_user, make_client, other_school):
    student = await signed_in("student")
    assert (await post_share(client)).status_code == 422  # no birth date: treated as a minor
    staff = await make_user("staff")
    outsider = await make_user("staff", school_id=other_school)
    async with make_client() as office:
        assert (await sign_in(office, outsider.email)).status_code == 303
        refused = await office.post(f"/staff/students/{student.id}/birth-date", data={"birth_date": "2000-01-01"},
                                    headers=csrf_headers(office))
        assert refused.status_code == 404
    async with make_client() as office:
        assert (await sign_in(office, staff.email)).status_code == 303
        wrong = await office.post(f"/staff/students/{student.id}/birth-date", data={"birth_date": "next tuesday"},
                                  headers=csrf_headers(office))
        assert wrong.status_code == 422 and 'value="next tuesday"' in wrong.text
        future = await office.post(f"/staff/students/{student.id}/birth-date",
                                   data={"birth_date": (date.today() + timedelta(days=3)).isoformat()}, headers=csrf_headers(office))
        assert future.status_code == 422
        saved = await office.post(f"/staff/students/{student.id}/birth-date", data={"birth_date": "2000-02-03"},
                                  headers=csrf_headers(office))
        assert saved.status_code == 303
        assert "Feb 3, 2000" in (await office.get(saved.headers["location"])).text
    assert (await post_share(client)).status_code == 200
