"""Workplace supervisors over HTTP: the e-mailed one-time link (through a real SMTP server), the grant cookie
that replaces it, the decision; the on-the-spot sign-off on the student's phone and its e-mailed receipt."""

from __future__ import annotations

import base64
import dataclasses
import html
import io
import re
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

import pytest
from PIL import Image, ImageDraw

from portfolio import csrf
from portfolio.forms.verification import parse_supervisor
from portfolio.record_tables import AuditEvent
from portfolio.routes.verify import GRANT_COOKIE
from portfolio.services import sharing, signoff
from portfolio.settings import Settings, get_settings
from portfolio.storage import make_store
from portfolio.tables import Experience, RequestLink, SignOff, StudentProfile, VerificationRequest
from tests import samples
from tests.factories import (
    add_photo,
    assign_mentor,
    browser_of,
    csrf_headers,
    employer_org,
    new_entry,
    of_age,
    only_downloaded,
    pdf_text,
    post,
    share_with,
    sign_in,
)
from tests.mailbox import SmtpServer, deliver, emails_for, link_in, outbox

BOSS = {"supervisor_name": "Pat Boss", "supervisor_title": "Shop foreman", "supervisor_organization": "Acme Manufacturing"}
GONE = "This link no longer works"


# --- helpers --------------------------------------------------------------------------------------

def boss_email() -> str:
    """A unique company address per test: reminders go to every pending request in the database."""
    return f"boss-{uuid.uuid4().hex[:10]}@acme-manufacturing.com"


async def ask(settings, student, entry_ids: list[int], email: str) -> int:
    supervisor = parse_supervisor(BOSS | {"supervisor_email": email}, student.email)
    return await signoff.ask_supervisor(emails_for(settings), student, entry_ids, supervisor)


async def asked_about_one_entry(settings, make_user) -> tuple:
    """A student asks a supervisor about one entry; returns the student, the entry's id in a list, the
    request's id and the path of the link e-mailed to the supervisor."""
    student = await make_user("student")
    ids = [await new_entry(student)]
    email = boss_email()
    request_id = await ask(settings, student, ids, email)
    return student, ids, request_id, link_in(only_mail(await outbox(settings.var_dir, email), email))


def only_mail(messages: list[EmailMessage], to: str) -> EmailMessage:
    mine = [m for m in messages if m["To"] == to]
    assert len(mine) == 1, [m["Subject"] for m in mine]
    return mine[0]


async def statuses(entry_ids: list[int]) -> list[str]:
    rows = await Experience.select(Experience.id, Experience.status).where(Experience.id.is_in(entry_ids)).order_by(Experience.id)
    return [row["status"] for row in rows]


async def sign_offs(entry_ids: list[int]) -> list[dict]:
    return await SignOff.select().where(SignOff.experience.is_in(entry_ids)).order_by(SignOff.id)


def grant_from(response) -> str:
    cookies = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{GRANT_COOKIE}=")]
    assert len(cookies) == 1, response.headers.get_list("set-cookie")
    return cookies[0].split(";")[0].split("=", 1)[1].strip('"')


def link_headers_sent(response) -> bool:
    return response.headers.get("referrer-policy") == "no-referrer" and response.headers.get("cache-control") == "no-store"


async def follow(client, path: str):
    """Open an e-mailed link as a browser does: the token, then the page it redirects to."""
    opened = await client.get(path)
    assert opened.status_code == 303, opened.text
    page = await client.get(opened.headers["location"])
    return opened, page


async def decide(client, request_id: int, decision: str = "verified", **fields):
    data = {"name": "Pat Boss", "title": "Shop foreman", "comment": "", "decision": decision} | fields
    return await client.post(f"/v/r/{request_id}", data=data, headers=csrf_headers(client))


def with_grant(client, grant: str) -> dict[str, str]:
    """Headers that send this grant cookie (and the visitor's CSRF cookie and token) whatever the client holds."""
    visitor = client.cookies.get(csrf.VISITOR_COOKIE, "")
    token = csrf.token_for(get_settings().secret_key, None, visitor)
    return {"cookie": f"{GRANT_COOKIE}={grant}; {csrf.VISITOR_COOKIE}={visitor}".encode(), "x-csrftoken": token}


def signature_png() -> str:
    image = Image.new("RGB", (300, 100), "white")
    ImageDraw.Draw(image).line([(10, 80), (60, 20), (120, 70), (200, 25), (290, 60)], fill="black", width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


# --- the e-mailed link ----------------------------------------------------------------------------

@dataclass(frozen=True)
class EmailedRequest:
    student: object
    ids: list[int]  # the two entries asked about; the first has a photo
    photo: dict
    email: str  # the supervisor's
    request_id: int
    path: str  # the e-mailed link
    settings: Settings  # e-mail through the SMTP server
    smtp: SmtpServer


@asynccontextmanager
async def emailed_request(settings, make_user):
    """Jordan Rivera asks Pat Boss by e-mail, through a real SMTP server, to verify two entries, the first
    with a photo; another student has an entry too."""
    student = await make_user("student", name="Jordan Rivera")
    other = await make_user("student", name="Someone Else")
    await new_entry(other, title="Another student's secret entry")
    ids = [await new_entry(student, title="Shadowed an electrician"), await new_entry(student, title="Wired a panel", hours="3")]
    photo = await add_photo(settings, student, ids[0])
    email = boss_email()
    with SmtpServer() as smtp:
        smtp_settings = dataclasses.replace(settings, smtp_url=smtp.url)
        request_id = await ask(smtp_settings, student, ids, email)
        await deliver(smtp_settings)
        path = link_in(only_mail(smtp.collector.messages, email))
        yield EmailedRequest(student, ids, photo, email, request_id, path, smtp_settings, smtp)


async def test_the_supervisor_gets_a_one_time_link_by_email(settings, make_user):
    async with emailed_request(settings, make_user) as asked:
        email = asked.email
        message = only_mail(asked.smtp.collector.messages, email)
        assert message["X-Envelope-To"] == email
        assert message["Subject"] == "Please confirm Jordan Rivera's work-based learning hours"
        path = link_in(message)
        assert re.fullmatch(r"/v/[A-Za-z0-9_-]{40,}", path), path
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert "Hello Pat Boss" in text and "confirm 2 entries" in text
        markup = message.get_body(preferencelist=("html",)).get_content()
        assert f'href="{settings.base_url}{path}"' in markup
        # Only a hash of the token is kept.
        assert not await RequestLink.exists().where(RequestLink.token_hash == path.rsplit("/", 1)[1])


async def test_opening_the_link_changes_nothing_and_gives_a_grant_for_this_request(settings, make_client, make_user):
    async with emailed_request(settings, make_user) as asked, make_client(asked.settings) as supervisor:
        path, request_id, ids = asked.path, asked.request_id, asked.ids
        opened = await supervisor.get(path)
        # Opening changes nothing (mail scanners open links too): still awaiting, no sign-off.
        assert opened.status_code == 303
        assert opened.headers["location"] == f"/v/r/{request_id}"
        assert path.rsplit("/", 1)[1] not in opened.headers["location"]
        assert link_headers_sent(opened)
        cookie = next(c for c in opened.headers.get_list("set-cookie") if c.startswith(GRANT_COOKIE))
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite=lax", f"path=/v/r/{request_id}"} <= attributes
        assert "secure" not in attributes  # http:// in tests; https:// turns it on
        grant_from(opened)  # one grant cookie
        assert await statuses(ids) == ["submitted", "submitted"]
        assert await sign_offs(ids) == []
        link = await RequestLink.select().where(RequestLink.request == request_id).first()
        assert link["opened_at"] is not None and link["used_at"] is None
        assert (await VerificationRequest.select().where(VerificationRequest.id == request_id).first())["status"] == "pending"


async def test_the_supervisor_sees_exactly_what_they_are_asked_to_verify(settings, make_client, make_user):
    async with emailed_request(settings, make_user) as asked, make_client(asked.settings) as supervisor:
        request_id, photo = asked.request_id, asked.photo
        opened = await supervisor.get(asked.path)
        page = await supervisor.get(opened.headers["location"])
        assert page.status_code == 200
        assert link_headers_sent(page)
        body = page.text
        assert "<h1>Confirm Jordan Rivera's hours</h1>" in body
        for expected in ("Test Career Center", "Shadowed an electrician", "Wired a panel",
                         "Job shadow", "Bright Sparks LLC", "2.5", "3", "Construction",
                         "Wiring is &lt;harder&gt; than it looks &amp; fun.", "at-the-site.jpg",
                         "Verify these hours", "Ask for changes", "This is not right", 'name="_csrf_token"'):
            assert expected in body, expected
        assert f'src="/v/r/{request_id}/evidence/{photo["id"]}/thumb"' in body
        assert f'href="/v/r/{request_id}/evidence/{photo["id"]}/view"' in body
        assert 'value="Pat Boss"' in body and 'value="Shop foreman"' in body
        assert "Another student" not in body and "Someone Else" not in body

        thumb = await supervisor.get(f"/v/r/{request_id}/evidence/{photo['id']}/thumb")
        assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
        assert thumb.content[:2] == b"\xff\xd8" and link_headers_sent(thumb)
        full = await supervisor.get(f"/v/r/{request_id}/evidence/{photo['id']}/view")
        assert full.status_code == 200 and full.headers["content-type"] == "image/jpeg"
        assert full.content == b"".join([chunk async for chunk in make_store(settings).stream(photo["storage_key"])])
        async with make_client(asked.settings) as stranger:
            assert (await stranger.get(f"/v/r/{request_id}/evidence/{photo['id']}/thumb")).status_code == 410
            assert (await stranger.get(f"/v/r/{request_id}")).status_code == 410


async def test_the_supervisor_only_downloads_a_pdf_that_runs_script(client, settings, make_user):
    student = await make_user("student")
    ids = [await new_entry(student)]
    pdf = await add_photo(settings, student, ids[0], samples.pdf_with_open_action_script(), "card.pdf")
    email = boss_email()
    request_id = await ask(settings, student, ids, email)
    _, page = await follow(client, link_in(only_mail(await outbox(settings.var_dir, email), email)))
    assert f'src="/v/r/{request_id}/evidence/{pdf["id"]}/thumb"' in page.text  # its first page, as a picture
    thumb = await client.get(f"/v/r/{request_id}/evidence/{pdf['id']}/thumb")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert only_downloaded(await client.get(f"/v/r/{request_id}/evidence/{pdf['id']}/view"))


async def test_verifying_signs_each_entry_with_the_hash_the_supervisor_saw(settings, make_client, make_user):
    async with emailed_request(settings, make_user) as asked, make_client(asked.settings) as supervisor:
        student, ids, email, request_id = asked.student, asked.ids, asked.email, asked.request_id
        await follow(supervisor, asked.path)
        link = await RequestLink.select().where(RequestLink.request == request_id).first()

        done = await decide(supervisor, request_id)
        assert done.status_code == 200, done.text
        assert "You verified 2 entries of Jordan Rivera" in done.text
        assert any(c.startswith(f'{GRANT_COOKIE}=""') or "max-age=0" in c.lower()
                   for c in done.headers.get_list("set-cookie") if c.startswith(GRANT_COOKIE))

        assert await statuses(ids) == ["verified", "verified"]
        rows = await sign_offs(ids)
        hashes = {r["id"]: r["content_hash"] for r in await Experience.select(Experience.id, Experience.content_hash).where(Experience.id.is_in(ids))}
        assert [(r["experience"], r["method"], r["decision"], r["request"]) for r in rows] == [
            (ids[0], "email_link", "verified", request_id), (ids[1], "email_link", "verified", request_id)]
        assert all(r["content_hash"] == hashes[r["experience"]] and len(r["content_hash"]) == 64 for r in rows)
        assert {(r["verifier_name"], r["verifier_title"], r["verifier_email"], r["verifier_organization"]) for r in rows} == {
            ("Pat Boss", "Shop foreman", email, "Acme Manufacturing")}
        request = await VerificationRequest.select().where(VerificationRequest.id == request_id).first()
        assert request["status"] == "decided" and request["decided_at"] is not None
        assert (await RequestLink.select().where(RequestLink.request == request_id).first())["used_at"] is not None
        for entry_id, row in zip(ids, rows):
            current = await signoff.entry_for_verifier(entry_id)
            assert signoff.verification_state(current, row, signoff.files_of(current)) == "verified"
        actions = [r["action"] for r in await AuditEvent.select(AuditEvent.action).where(
            AuditEvent.subject.is_in([f"request:{request_id}", f"link:{link['id']}"]))]
        assert "verification.link_opened" in actions and "verification.verified" in actions

        await deliver(asked.settings)
        told = only_mail(asked.smtp.collector.messages, student.email)
        assert told["Subject"] == "Your entries were verified"


async def test_once_used_the_link_and_its_grant_are_spent(settings, make_client, make_user):
    async with emailed_request(settings, make_user) as asked, make_client(asked.settings) as supervisor:
        path, request_id, ids, photo = asked.path, asked.request_id, asked.ids, asked.photo
        opened, _ = await follow(supervisor, path)
        grant = grant_from(opened)
        assert (await decide(supervisor, request_id)).status_code == 200

        # The link is spent, and so is the grant it gave.
        assert (await supervisor.get(path)).status_code == 410
        again = await supervisor.get(f"/v/r/{request_id}", headers=with_grant(supervisor, grant))
        assert again.status_code == 410 and GONE in again.text and link_headers_sent(again)
        twice = await supervisor.post(f"/v/r/{request_id}", data={"name": "Pat Boss", "title": "Foreman", "decision": "rejected",
                                                                  "comment": "no"}, headers=with_grant(supervisor, grant))
        assert twice.status_code == 410
        thumb_after = await supervisor.get(f"/v/r/{request_id}/evidence/{photo['id']}/thumb", headers=with_grant(supervisor, grant))
        assert thumb_after.status_code == 410
    assert await statuses(ids) == ["verified", "verified"]
    assert len(await sign_offs(ids)) == 2


async def test_an_opened_link_can_be_opened_again_until_it_is_used(client, settings, make_user):
    student, ids, request_id, path = await asked_about_one_entry(settings, make_user)
    first = await client.get(path)
    opened_at = (await RequestLink.select().where(RequestLink.request == request_id).first())["opened_at"]
    second = await client.get(path)  # a mail scanner first, then the person
    assert (first.status_code, second.status_code) == (303, 303)
    assert (await RequestLink.select().where(RequestLink.request == request_id).first())["opened_at"] == opened_at
    assert (await client.get(f"/v/r/{request_id}")).status_code == 200
    assert await statuses(ids) == ["submitted"] and await sign_offs(ids) == []


async def test_expired_and_tampered_links_are_refused(client, settings, make_user):
    student, ids, request_id, path = await asked_about_one_entry(settings, make_user)
    token = path.rsplit("/", 1)[1]

    tampered = await client.get(f"/v/{token[:-3]}{'abc' if token[-3:] != 'abc' else 'xyz'}")
    assert tampered.status_code == 410 and GONE in tampered.text and link_headers_sent(tampered)
    assert GRANT_COOKIE not in tampered.headers.get("set-cookie", "")
    assert (await client.get("/v/")).status_code in (404, 405, 410)

    await RequestLink.update({RequestLink.expires_at: datetime.now(timezone.utc) - timedelta(seconds=1)}).where(
        RequestLink.request == request_id
    )
    expired = await client.get(path)
    assert expired.status_code == 410 and GONE in expired.text
    assert "send you a new link" in expired.text and "open it again" not in expired.text
    link = await RequestLink.select().where(RequestLink.request == request_id).first()
    assert link["opened_at"] is None  # an expired link records nothing
    assert await statuses(ids) == ["submitted"] and await sign_offs(ids) == []


async def two_requests(client, settings, make_user):
    """One student asks the same supervisor about two entries in two requests, A and B (B's with a photo);
    `client` opens A's link. Returns A's grant, both requests' ids and entries, and B's photo."""
    student = await make_user("student")
    a_ids = [await new_entry(student, title="Entry of request A")]
    b_ids = [await new_entry(student, title="Entry of request B")]
    b_photo = await add_photo(settings, student, b_ids[0])
    email = boss_email()
    request_a = await ask(settings, student, a_ids, email)
    request_b = await ask(settings, student, b_ids, email)
    path_a, path_b = [link_in(m) for m in await outbox(settings.var_dir, email)]

    opened, page = await follow(client, path_a)
    assert opened.headers["location"] == f"/v/r/{request_a}" and page.status_code == 200
    return grant_from(opened), request_a, request_b, a_ids, b_ids, b_photo


async def test_a_grant_opens_only_its_own_request(client, settings, make_user):
    grant_a, request_a, request_b, a_ids, b_ids, b_photo = await two_requests(client, settings, make_user)
    # The cookie is scoped to request A: the client does not even send it to B's pages...
    assert (await client.get(f"/v/r/{request_b}")).status_code == 410
    # ...and sent by hand, it does not open them either.
    stolen = await client.get(f"/v/r/{request_b}", headers=with_grant(client, grant_a))
    assert stolen.status_code == 410 and "Entry of request B" not in stolen.text
    assert (await client.get(f"/v/r/{request_b}/evidence/{b_photo['id']}/thumb", headers=with_grant(client, grant_a))).status_code == 410
    posted = await client.post(f"/v/r/{request_b}", data={"name": "X", "title": "Y", "decision": "verified"},
                               headers=with_grant(client, grant_a))
    assert posted.status_code == 410
    # Request A's grant does not open B's evidence through A's pages either.
    assert (await client.get(f"/v/r/{request_a}/evidence/{b_photo['id']}/thumb")).status_code == 404
    assert (await client.get(f"/v/r/{request_a}/evidence/{b_photo['id']}/view")).status_code == 404
    assert (await client.get(f"/v/r/{request_a}/evidence/999999999/view")).status_code == 404
    assert await statuses(a_ids + b_ids) == ["submitted", "submitted"]
    assert await sign_offs(a_ids + b_ids) == []


async def test_a_grant_cannot_be_forged(client, make_client, settings, make_user):
    grant_a, request_a, request_b, a_ids, b_ids, _ = await two_requests(client, settings, make_user)
    payload, mac = grant_a.rsplit(".", 1)
    rid, lid, exp = payload.split(".")
    forged = [
        f"{payload}.{'0' * len(mac)}",                          # a wrong signature
        f"{request_b}.{lid}.{exp}.{mac}",                        # another request, old signature
        f"{rid}.{lid}.{int(exp) + 86400}.{mac}",                 # a longer life, old signature
        signoff.link_grant("not-the-secret", request_a, int(lid), datetime.now(timezone.utc) + timedelta(minutes=5)),
        signoff.link_grant(settings.secret_key, request_a, int(lid), datetime.now(timezone.utc) - timedelta(seconds=5)),
        "garbage", "", f"{payload}.{mac}.extra", f"{payload}.{'é' * len(mac)}",
    ]
    async with make_client() as other:
        await other.get("/signin")
        for value in forged:
            response = await other.get(f"/v/r/{request_a}", headers=with_grant(other, value))
            assert response.status_code == 410, value
            assert GONE in response.text and "open it again from the e-mail" in response.text
            assert response.headers.get_list("set-cookie")[0].startswith(f'{GRANT_COOKIE}=""')  # dropped
        real = await other.get(f"/v/r/{request_a}", headers=with_grant(other, grant_a))
        assert real.status_code == 200 and "Entry of request A" in real.text  # the genuine one still works
    assert await statuses(a_ids + b_ids) == ["submitted", "submitted"]
    assert await sign_offs(a_ids + b_ids) == []


async def test_asking_for_changes_needs_a_comment(client, settings, make_user):
    student = await make_user("student", name="Casey Student")
    ids = [await new_entry(student), await new_entry(student, title="Second entry")]
    email = boss_email()
    request_id = await ask(settings, student, ids, email)
    await follow(client, link_in(only_mail(await outbox(settings.var_dir, email), email)))

    missing = await decide(client, request_id, "changes_requested", name="Pat B. Boss", comment="  ")
    assert missing.status_code == 422
    assert "Say what should change, or why" in missing.text
    assert 'value="Pat B. Boss"' in missing.text  # what was typed is kept
    assert 'aria-invalid="true"' in missing.text
    no_name = await decide(client, request_id, "verified", name="", comment="Fine by me")
    assert no_name.status_code == 422 and "Enter your name" in no_name.text and "Fine by me" in no_name.text
    odd = await decide(client, request_id, "approve-everything")
    assert odd.status_code == 422 and "Choose verify, ask for changes, or reject" in odd.text
    assert await statuses(ids) == ["submitted", "submitted"] and await sign_offs(ids) == []
    assert (await RequestLink.select().where(RequestLink.request == request_id).first())["used_at"] is None

    done = await decide(client, request_id, "changes_requested", comment="The date was the 12th, not the 11th.")
    assert done.status_code == 200 and "We sent Casey Student your comment" in done.text
    assert await statuses(ids) == ["changes_requested", "changes_requested"]
    rows = await sign_offs(ids)
    assert [(r["decision"], r["comment"]) for r in rows] == [("changes_requested", "The date was the 12th, not the 11th.")] * 2
    [told] = await outbox(settings.var_dir, student.email)
    assert told["Subject"] == "Your entries were sent back for changes"
    # Sent back for changes, the entries can be asked about again.
    assert await ask(settings, student, ids, email) > request_id


async def test_supervisor_rejects(client, settings, make_user):
    student = await make_user("student")
    ids = [await new_entry(student)]
    email = boss_email()
    request_id = await ask(settings, student, ids, email)
    await follow(client, link_in(only_mail(await outbox(settings.var_dir, email), email)))
    no_reason = await decide(client, request_id, "rejected")
    assert no_reason.status_code == 422 and await statuses(ids) == ["submitted"]
    done = await decide(client, request_id, "rejected", comment="This student never worked here.")
    assert done.status_code == 200 and "not right" in done.text
    assert await statuses(ids) == ["rejected"]
    [row] = await sign_offs(ids)
    assert (row["decision"], row["method"], row["comment"]) == ("rejected", "email_link", "This student never worked here.")
    assert [m["Subject"] for m in await outbox(settings.var_dir, student.email)] == ["Your entries were rejected"]


async def test_a_reminder_sends_a_new_link_and_one_answer_spends_them_all(client, make_client, settings, make_user):
    student = await make_user("student")
    ids = [await new_entry(student)]
    email = boss_email()
    request_id = await ask(settings, student, ids, email)
    emails = emails_for(settings)
    await signoff.send_reminders(emails)
    assert len(await outbox(settings.var_dir, email)) == 1  # not due yet
    assert await signoff.send_reminders(emails, moment=datetime.now(timezone.utc) + timedelta(days=4)) >= 1
    first, reminder = await outbox(settings.var_dir, email)
    assert reminder["Subject"].startswith("Reminder: ")
    old_path, new_path = link_in(first), link_in(reminder)
    assert old_path != new_path
    request = await VerificationRequest.select().where(VerificationRequest.id == request_id).first()
    assert request["reminders_sent"] == 1

    async with make_client() as scanner:
        assert (await scanner.get(old_path)).status_code == 303  # both links open until one is used
    _, page = await follow(client, new_path)
    assert page.status_code == 200
    assert (await decide(client, request_id)).status_code == 200
    assert await statuses(ids) == ["verified"]
    async with make_client() as late:
        assert (await late.get(old_path)).status_code == 410
        assert (await late.get(new_path)).status_code == 410
    links = await RequestLink.select().where(RequestLink.request == request_id).order_by(RequestLink.id)
    assert [(bool(link["used_at"]), bool(link["revoked_at"])) for link in links] == [(False, True), (True, False)]


async def test_the_student_resends_and_the_old_link_still_works_once(client, make_client, settings, make_user):
    student = await make_user("student")
    ids = [await new_entry(student)]
    email = boss_email()
    request_id = await ask(settings, student, ids, email)
    await signoff.resend(emails_for(settings), student, request_id)
    old_path, new_path = [link_in(m) for m in await outbox(settings.var_dir, email)]
    assert old_path != new_path
    async with make_client() as other:
        assert (await other.get(new_path)).status_code == 303
    _, page = await follow(client, old_path)
    assert page.status_code == 200
    assert (await decide(client, request_id, "changes_requested", comment="Please add a photo.")).status_code == 200
    assert await statuses(ids) == ["changes_requested"]
    async with make_client() as late:
        assert (await late.get(new_path)).status_code == 410
        assert (await late.get(old_path)).status_code == 410
    assert len(await sign_offs(ids)) == 1


async def test_a_cancelled_request_stops_its_link(client, settings, make_user):
    student, ids, request_id, path = await asked_about_one_entry(settings, make_user)
    await follow(client, path)
    await signoff.cancel(student, request_id)
    assert (await client.get(f"/v/r/{request_id}")).status_code == 410  # the grant dies with the request
    assert (await decide(client, request_id)).status_code == 410
    assert (await client.get(path)).status_code == 410
    assert await statuses(ids) == ["draft"] and await sign_offs(ids) == []


# --- on the spot ----------------------------------------------------------------------------------

def onsite_form(entry_ids: list[int], email: str, **fields) -> dict:
    return {"entries": [str(i) for i in entry_ids], "supervisor_name": "Morgan Lee", "supervisor_title": "Site manager",
            "supervisor_organization": "Acme Manufacturing", "supervisor_email": email, "signature_typed": "",
            "signature_png": ""} | fields


async def post_onsite(client, data: dict):
    return await client.post("/v/onsite", data=data, headers=csrf_headers(client))


async def test_onsite_shows_only_the_students_own_requestable_entries(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    other = await make_user("student")
    theirs = await new_entry(other, title="Not yours")
    draft = await new_entry(student, title="A draft to verify")
    photo_entry = await new_entry(student, title="With a photo")
    waiting = await new_entry(student, title="Already waiting")
    await Experience.update({Experience.status: "submitted"}).where(Experience.id == waiting)

    chooser = await client.get("/v/onsite")  # entries are chosen on the student's "ask for verification" page
    assert chooser.status_code == 303 and chooser.headers["location"] == "/student/verify/new"
    page = await client.get(f"/v/onsite?entries={draft}&entries={photo_entry}")
    assert page.status_code == 200 and link_headers_sent(page)
    for expected in ("Hand the phone to your supervisor", "A draft to verify", "With a photo", "Or type your full name to sign",
                     'aria-label="Signature box', "<canvas", 'name="signature_png"', 'name="signature_typed"',
                     f'name="entries" value="{draft}"', 'value="Bright Sparks LLC"'):
        assert expected in page.text, expected
    assert (await client.get(f"/v/onsite?entries={theirs}")).status_code == 404
    assert (await client.get(f"/v/onsite?entries={draft}&entries={theirs}")).status_code == 404
    assert (await client.get(f"/v/onsite?entries={waiting}")).status_code == 404
    assert (await client.get("/v/onsite?entries=abc")).status_code == 404
    posted = await post_onsite(client, onsite_form([theirs], boss_email(), signature_typed="Morgan Lee"))
    assert posted.status_code == 404
    assert await statuses([theirs]) == ["draft"]

    async with make_client() as anonymous:
        refused = await anonymous.get(f"/v/onsite?entries={draft}")
        assert refused.status_code == 303 and refused.headers["location"].startswith("/signin?next=")
    mentor = await make_user("mentor")
    async with make_client() as mentor_client:
        await sign_in(mentor_client, mentor.email)
        assert (await mentor_client.get(f"/v/onsite?entries={draft}")).status_code == 403
        assert (await post_onsite(mentor_client, onsite_form([draft], boss_email(), signature_typed="Morgan Lee"))).status_code == 403
    assert await statuses([draft, photo_entry]) == ["draft", "draft"]


async def test_onsite_signature_must_match_or_be_drawn(client, signed_in, settings):
    student = await signed_in("student")
    ids = [await new_entry(student)]
    email = boss_email()
    wrong = await post_onsite(client, onsite_form(ids, email, signature_typed="Someone Else"))
    assert wrong.status_code == 422
    assert "Type your name exactly as above to sign." in wrong.text
    assert 'value="Morgan Lee"' in wrong.text and 'value="Someone Else"' in wrong.text and f'value="{email}"' in wrong.text
    unsigned = await post_onsite(client, onsite_form(ids, email))
    assert unsigned.status_code == 422 and "Sign with your finger, or type your full name" in unsigned.text
    not_png = await post_onsite(client, onsite_form(ids, email, signature_png="data:image/jpeg;base64,"
                                                    + base64.b64encode(samples.jpeg_plain()).decode()))
    assert not_png.status_code == 422 and "could not be read" in not_png.text
    bomb = await post_onsite(client, onsite_form(ids, email, signature_png="data:image/png;base64,"
                                                 + base64.b64encode(samples.decompression_bomb()).decode()))
    assert bomb.status_code == 422 and "could not be read" in bomb.text
    no_title = await post_onsite(client, onsite_form(ids, email, supervisor_title="", signature_typed="Morgan Lee"))
    assert no_title.status_code == 422 and "Enter the supervisor&#39;s job title" in no_title.text
    own_email = await post_onsite(client, onsite_form(ids, student.email, signature_typed="Morgan Lee"))
    assert own_email.status_code == 422 and "This is your own e-mail" in own_email.text
    assert await statuses(ids) == ["draft"] and await sign_offs(ids) == []
    assert await outbox(settings.var_dir, email) == []


async def sign_with_a_drawing(client, student, email: str):
    """Two of the student's entries, signed on the student's phone by Morgan Lee with a finger; returns
    the entries' ids, the drawing and the answer to the form."""
    ids = [await new_entry(student, title="Ran the CNC mill"), await new_entry(student, title="Deburred parts", hours="1.25")]
    drawing = signature_png()
    response = await post_onsite(client, onsite_form(ids, email, signature_png=drawing))
    return ids, drawing, response


async def test_a_drawn_signature_waits_for_the_supervisor_to_confirm(client, signed_in, settings):
    student = await signed_in("student", name="Riley Student")
    email = boss_email()
    ids, drawing, response = await sign_with_a_drawing(client, student, email)
    assert response.status_code == 303, response.text
    request_id = int(re.fullmatch(r"/v/onsite/done\?request=(\d+)", response.headers["location"]).group(1))
    done = await client.get(response.headers["location"])
    assert done.status_code == 200
    assert "Signed: waiting for the supervisor to confirm" in done.text and "Ran the CNC mill" in done.text
    assert f"We e-mailed a receipt to {email}" in done.text

    assert await statuses(ids) == ["verified", "verified"]
    rows = await sign_offs(ids)
    hashes = {r["id"]: r["content_hash"] for r in await Experience.select(Experience.id, Experience.content_hash).where(Experience.id.is_in(ids))}
    assert [(r["method"], r["decision"], r["request"], r["signature_png"], r["signature_typed"]) for r in rows] == [
        ("on_device", "verified", request_id, drawing, "")] * 2
    assert all(r["content_hash"] == hashes[r["experience"]] for r in rows)
    assert [(r["verifier_name"], r["verifier_title"], r["verifier_email"]) for r in rows] == [("Morgan Lee", "Site manager", email)] * 2
    for entry_id in ids:
        current = await signoff.entry_for_verifier(entry_id)
        latest = (await signoff.history(entry_id, student.email))[0]
        assert signoff.verification_state(current, latest, signoff.files_of(current)) == "awaiting_confirmation"
    entry_page = await client.get(f"/student/experiences/{ids[0]}")
    assert "Waiting for the supervisor to confirm" in entry_page.text

    [receipt] = await outbox(settings.var_dir, email)
    assert receipt["Subject"] == "You verified Riley Student's hours"
    path = link_in(receipt)
    assert path.startswith("/v/receipt/")


async def test_the_supervisor_confirms_from_the_receipt_once(client, signed_in, settings, make_client):
    student = await signed_in("student", name="Riley Student")
    email = boss_email()
    ids, _, response = await sign_with_a_drawing(client, student, email)
    assert response.status_code == 303, response.text
    [receipt] = await outbox(settings.var_dir, email)
    path = link_in(receipt)
    async with make_client() as supervisor:
        page = await supervisor.get(path)
        assert page.status_code == 200 and link_headers_sent(page)
        assert "Ran the CNC mill" in page.text and "Deburred parts" in page.text
        assert "Yes, I verified this" in page.text and "This was not me" in page.text
        assert "/evidence/" not in page.text  # a receipt shows no files
        confirmed = await supervisor.post(path, data={"mine": "1"}, headers=csrf_headers(supervisor))
        assert confirmed.status_code == 200 and "You confirmed" in confirmed.text
        rows = await sign_offs(ids)
        assert all(r["confirmed_at"] is not None and r["disputed_at"] is None and r["voided_at"] is None for r in rows)
        for entry_id in ids:
            current = await signoff.entry_for_verifier(entry_id)
            latest = (await signoff.history(entry_id, student.email))[0]
            assert signoff.verification_state(current, latest, signoff.files_of(current)) == "verified"
        second = await supervisor.post(path, data={"mine": "0"}, headers=csrf_headers(supervisor))
        assert second.status_code == 410 and "already answered" in second.text
        assert (await supervisor.get(path)).status_code == 410
        assert (await supervisor.get(path[:-4] + "AAAA")).status_code == 410
    assert await statuses(ids) == ["verified", "verified"]  # the second answer changed nothing
    assert all(r["voided_at"] is None for r in await sign_offs(ids))


async def test_typed_signature_then_this_was_not_me_voids_and_tells_staff(
    client, signed_in, settings, make_client, make_user, other_school
):
    staff = await make_user("staff", name="Ms. Counselor")
    elsewhere = await make_user("staff", school_id=other_school)
    student = await signed_in("student", name="Sam Student")
    ids = [await new_entry(student, title="Helped at the career fair", kind="career_fair")]
    email = boss_email()
    response = await post_onsite(client, onsite_form(ids, email, signature_typed="  morgan lee "))
    assert response.status_code == 303, response.text
    [row] = await sign_offs(ids)
    assert (row["signature_typed"], row["signature_png"], row["method"]) == ("morgan lee", "", "on_device")
    assert await statuses(ids) == ["verified"]
    again = await post_onsite(client, onsite_form(ids, email, signature_typed="Morgan Lee"))
    assert again.status_code == 422  # already verified: the same form sent twice does not sign twice
    assert len(await sign_offs(ids)) == 1

    path = link_in(only_mail(await outbox(settings.var_dir, email), email))
    async with make_client() as supervisor:
        await supervisor.get(path)
        odd = await supervisor.post(path, data={"mine": "maybe"}, headers=csrf_headers(supervisor))
        assert odd.status_code == 422 and await statuses(ids) == ["verified"]
        disputed = await supervisor.post(path, data={"mine": "0"}, headers=csrf_headers(supervisor))
        assert disputed.status_code == 200 and "The sign-off was voided" in disputed.text
        assert (await supervisor.post(path, data={"mine": "1"}, headers=csrf_headers(supervisor))).status_code == 410
    [row] = await sign_offs(ids)
    assert row["voided_at"] is not None and row["disputed_at"] is not None and row["confirmed_at"] is None
    assert await statuses(ids) == ["voided"]
    [alert] = await outbox(settings.var_dir, staff.email)
    assert alert["Subject"] == "A workplace supervisor disputes a sign-off"
    assert "Sam Student" in alert.get_body(preferencelist=("plain",)).get_content()
    assert await outbox(settings.var_dir, elsewhere.email) == []
    current = await signoff.entry_for_verifier(ids[0])
    assert signoff.verification_state(current, row, signoff.files_of(current)) == "voided"
    # Voided, the entry can be verified again.
    page = await client.get(f"/v/onsite?entries={ids[0]}")
    assert page.status_code == 200


async def test_the_done_page_is_only_for_its_student(client, signed_in, make_client, make_user):
    student = await signed_in("student")
    ids = [await new_entry(student)]
    response = await post_onsite(client, onsite_form(ids, boss_email(), signature_typed="Morgan Lee"))
    location = response.headers["location"]
    other = await make_user("student")
    async with make_client() as other_client:
        await sign_in(other_client, other.email)
        assert (await other_client.get(location)).status_code == 404
    assert (await client.get("/v/onsite/done?request=nope")).status_code == 404
    assert (await client.get("/v/onsite/done")).status_code == 404


@pytest.mark.parametrize("path", ["/v/not-a-token", "/v/r/1", "/v/receipt/not-a-token"])
async def test_every_link_page_keeps_the_token_out_of_referers_and_caches(client, path):
    response = await client.get(path)
    assert response.status_code == 410
    assert link_headers_sent(response)
    assert GONE in html.unescape(response.text)


# --- on the spot: nothing counts until the supervisor confirms --------------------------------------

ONSITE_MINUTES = 150 + 75  # the two entries sign_with_a_drawing makes


async def signed_days_ago(client, student, email: str, days: int = 10) -> list[int]:
    """Two of the student's entries signed on the spot, the signing moved `days` into the past."""
    ids, _, response = await sign_with_a_drawing(client, student, email)
    assert response.status_code == 303, response.text
    long_ago = datetime.now(timezone.utc) - timedelta(days=days)
    await SignOff.update({SignOff.created_at: long_ago}).where(SignOff.experience.is_in(ids))
    return ids


async def answer_the_receipt(make_client, settings, email: str, mine: bool):
    path = link_in(only_mail(await outbox(settings.var_dir, email), email))
    async with make_client() as supervisor:
        await supervisor.get(path)
        answered = await supervisor.post(path, data={"mine": "1" if mine else "0"}, headers=csrf_headers(supervisor))
        assert answered.status_code == 200, answered.text
    return path


async def test_an_unconfirmed_on_the_spot_sign_off_never_counts_as_verified(client, signed_in, settings, make_user, make_client):
    student = await signed_in("student", name="Riley Student")
    await of_age(student)
    org, _ = await employer_org()
    employer = await make_user("employer", organization_id=org)
    await share_with(student, org)
    email = boss_email()
    ids = await signed_days_ago(client, student, email, days=10)  # long past any grace period

    # Employers' list, the portfolio (page, shared link, PDF) and the student's own pages: waiting, not verified.
    [card] = await sharing.employer_list(employer)
    assert (card["verified_minutes"], card["self_reported_minutes"]) == (0, ONSITE_MINUTES)
    pf = await sharing.portfolio(student.id)
    assert (pf["verified"], pf["verified_minutes"], pf["self_reported_minutes"]) == ([], 0, ONSITE_MINUTES)
    assert all(e["signoff"] is None for e in pf["self_reported"])
    async with browser_of(make_client, employer) as desk:
        page = await desk.get(f"/employer/students/{student.id}")
        assert page.status_code == 200
        assert "No verified entries shared." in page.text and "status-verified" not in page.text
    entry_page = await client.get(f"/student/experiences/{ids[0]}")
    assert "Waiting for the supervisor to confirm" in entry_page.text
    assert f"Morgan Lee has not confirmed it from the receipt we e-mailed to {email}" in entry_page.text
    assert "status-verified" not in entry_page.text.split("Verification history")[0]
    dashboard = await client.get("/student")
    assert "Waiting for the supervisor to confirm" in dashboard.text and "status-verified" not in dashboard.text
    pdf = " ".join(pdf_text((await client.get("/student/portfolio.pdf")).content).split())
    assert "0 verified hours · 3.75 self-reported hours" in pdf
    for entry_id in ids:
        current = await signoff.entry_for_verifier(entry_id)
        latest = (await signoff.history(entry_id, student.email))[0]
        assert signoff.verification_state(current, latest, signoff.files_of(current)) == "awaiting_confirmation"

    # The supervisor confirms from their own address: now the hours count, everywhere.
    await answer_the_receipt(make_client, settings, email, mine=True)
    [card] = await sharing.employer_list(employer)
    assert (card["verified_minutes"], card["self_reported_minutes"]) == (ONSITE_MINUTES, 0)
    pf = await sharing.portfolio(student.id)
    assert sorted(e["id"] for e in pf["verified"]) == sorted(ids) and pf["verified_minutes"] == ONSITE_MINUTES
    async with browser_of(make_client, employer) as desk:
        page = await desk.get(f"/employer/students/{student.id}")
        assert "No verified entries shared." not in page.text and "confirmed by the supervisor" in page.text
    pdf = " ".join(pdf_text((await client.get("/student/portfolio.pdf")).content).split())
    assert "3.75 verified hours · 0 self-reported hours" in pdf and "confirmed by the supervisor" in pdf


@pytest.mark.parametrize("way", ["onsite", "emailed"])
async def test_the_supervisor_address_is_never_a_students(client, signed_in, make_user, other_school, settings, way):
    student = await signed_in("student")
    await StudentProfile.insert(StudentProfile(student=student.id, interests=[], skills=[], personal_email="riley.home@gmail.com"))
    classmate = await make_user("student")
    far_student = await make_user("student", school_id=other_school)
    ids = [await new_entry(student)]
    local, domain = student.email.split("@")
    refused = {
        student.email.upper(): "This is your own e-mail",
        f"{local}+boss@{domain}": "This is your own e-mail",
        "rileyhome+work@GMAIL.com": "This is your own e-mail",  # Gmail ignores dots and what follows +
        classmate.email: "belongs to a student",
        far_student.email.upper(): "belongs to a student",
    }
    for address, message in refused.items():
        if way == "onsite":
            answer = await post_onsite(client, onsite_form(ids, address, signature_typed="Morgan Lee"))
        else:
            answer = await post(client, "/student/verify/supervisor",
                                {"entries": str(ids[0]), "supervisor_email": address} | BOSS)
        assert answer.status_code == 422, address
        assert message in html.unescape(answer.text), address
    assert await statuses(ids) == ["draft"] and await sign_offs(ids) == []
    assert await VerificationRequest.count() == 0
    for address in refused:
        assert await outbox(settings.var_dir, address.lower()) == []


async def test_employers_and_mentors_see_the_free_mail_warning_staff_see(client, signed_in, make_user, make_client, settings):
    staff = await make_user("staff")
    mentor = await make_user("mentor")
    student = await signed_in("student", name="Riley Student")
    await assign_mentor(staff, mentor, student)
    await of_age(student)
    org, _ = await employer_org()
    employer = await make_user("employer", organization_id=org)
    await share_with(student, org)
    email = f"morgan-{uuid.uuid4().hex[:8]}@gmail.com"
    await signed_days_ago(client, student, email, days=1)
    await answer_the_receipt(make_client, settings, email, mine=True)
    warning = "gmail.com is a free e-mail service, not a company address."
    for person, path in ((employer, f"/employer/students/{student.id}"), (staff, f"/staff/students/{student.id}"),
                         (mentor, f"/mentor/students/{student.id}")):
        async with browser_of(make_client, person) as desk:
            page = await desk.get(path)
            assert page.status_code == 200 and warning in page.text, path


async def test_the_student_is_told_when_the_supervisor_disputes(client, signed_in, make_client, settings):
    student = await signed_in("student", name="Riley Student")
    email = boss_email()
    ids = await signed_days_ago(client, student, email, days=1)
    assert await outbox(settings.var_dir, student.email) == []
    await answer_the_receipt(make_client, settings, email, mine=False)
    [told] = await outbox(settings.var_dir, student.email)
    assert told["Subject"] == "Your hours signed on the spot are not verified"
    text = told.get_body(preferencelist=("plain",)).get_content()
    assert "Morgan Lee" in text and "2 entries" in text and link_in(told) == "/student"
    entry_page = await client.get(f"/student/experiences/{ids[0]}")
    assert "Morgan Lee said the sign-off on your phone was not theirs" in entry_page.text
    dashboard = await client.get("/student")
    assert "2 entries signed on the spot were disputed" in dashboard.text


async def test_staff_confirm_a_stuck_sign_off_as_their_own(client, signed_in, make_user, make_client, other_school, settings):
    staff = await make_user("staff", name="Ms. Counselor")
    far_staff = await make_user("staff", school_id=other_school)
    student = await signed_in("student", name="Riley Student")
    email = boss_email()
    ids = await signed_days_ago(client, student, email, days=10)
    first = (await sign_offs(ids))[0]
    confirm = f"/staff/students/{student.id}/signoffs/{first['id']}/confirm"

    async with browser_of(make_client, far_staff) as far:
        assert (await post(far, f"/staff/students/{student.id}/signoffs/{first['id']}/confirm")).status_code == 404
    async with browser_of(make_client, staff) as desk:
        page = await desk.get(f"/staff/students/{student.id}")
        assert "Waiting for the supervisor to confirm" in page.text and f'action="{confirm}"' in page.text
        done = await post(desk, confirm)
        assert done.status_code == 303 and done.headers["location"] == f"/staff/students/{student.id}?entry={ids[0]}#entry-{ids[0]}"
        page = await desk.get(f"/staff/students/{student.id}")
        assert page.text.count("confirmed by Ms. Counselor (staff)") == 2 and f'action="{confirm}"' not in page.text
        assert (await post(desk, confirm)).status_code == 404  # nothing left to confirm
    rows = await sign_offs(ids)
    assert all(r["confirmed_at"] is not None and r["confirmed_by"] == staff.id for r in rows)
    for entry_id in ids:
        current = await signoff.entry_for_verifier(entry_id)
        latest = (await signoff.history(entry_id, student.email))[0]
        assert signoff.verification_state(current, latest, signoff.files_of(current)) == "verified"
    [event] = await AuditEvent.select().where(AuditEvent.action == "verification.confirmed_by_staff")
    assert (event["actor"], event["subject"]) == (staff.id, f"request:{first['request']}")
    # The supervisor's receipt counts as answered now.
    path = link_in(only_mail(await outbox(settings.var_dir, email), email))
    async with make_client() as supervisor:
        assert (await supervisor.get(path)).status_code == 410
