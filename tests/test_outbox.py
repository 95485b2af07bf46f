"""The outbox and its worker: messages exist only with what caused them, are delivered once by one of
several workers (again, with the same Message-ID, after a crash), wait and retry while the mail server is
away, fail for good after a refusal or the last attempt, and never keep a usable link at rest."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import secrets
import time
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

import pytest

from portfolio import clock, db
from portfolio.forms.verification import SupervisorForm
from portfolio.mail import OutboxMailer, SmtpMailer
from portfolio.record_tables import OutboxMessage
from portfolio.services import outbox, signoff
from portfolio.services.emails import Emails
from portfolio.services.outbox import Sealer, Worker
from portfolio.tables import Experience, User, VerificationRequest
from tests.factories import csrf_headers, new_entry, sign_in
from tests.live import run_cli
from tests.mailbox import SmtpServer, deliver, free_port, link_in, read_outbox

SENDER = "Career Portfolio <no-reply@localhost>"


@pytest.fixture
def sealer(settings) -> Sealer:
    return Sealer(settings.secret_key)


@pytest.fixture
def emails(settings, sealer) -> Emails:
    return Emails(settings.base_url, sealer)


def folder_mailer(settings) -> OutboxMailer:
    return OutboxMailer(settings.outbox_dir, SENDER)


async def reset_link(emails: Emails, to: str, token: str | None = None) -> str:
    """Queue a password-reset message (it carries a one-time link) in a transaction of its own."""
    token = token or secrets.token_urlsafe(32)
    async with db.write_transaction():
        await emails.password_reset(to=to, name="Sam", token=token, minutes=60, school_id=None)
    return token


async def row(to: str) -> dict:
    return await OutboxMessage.select().where(OutboxMessage.recipient == to).first()


class Clock:
    """The worker's notion of now, moved by the test."""

    def __init__(self) -> None:
        self.moment = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, delta: timedelta) -> None:
        self.moment += delta


class ActionFailed(Exception):
    """Whatever makes an action fail after it queued its e-mail."""


def unique(name: str) -> str:
    return f"{name}-{secrets.token_hex(4)}@example.org"


async def test_a_message_is_queued_only_inside_the_transaction_of_its_action(emails):
    with pytest.raises(RuntimeError, match="write_transaction"):
        await emails.password_reset(to=unique("outside"), name="Sam", token="t", minutes=60, school_id=None)

    to = unique("rolled-back")
    with pytest.raises(ActionFailed):
        async with db.write_transaction():
            await emails.password_reset(to=to, name="Sam", token="t", minutes=60, school_id=None)
            raise ActionFailed  # the action fails after queueing its e-mail
    assert await OutboxMessage.count().where(OutboxMessage.recipient == to) == 0


async def test_the_worker_is_woken_once_the_transaction_commits(settings, sealer):
    calls: list[bool] = []
    emails = Emails(settings.base_url, sealer, wake=lambda: calls.append(db.in_write_transaction()))
    async with db.write_transaction():
        await emails.password_reset(to=unique("woken"), name="Sam", token="t", minutes=60, school_id=None)
        assert calls == []
    assert calls == [False]  # after the commit, outside the transaction
    with pytest.raises(ActionFailed):
        async with db.write_transaction():
            await emails.password_reset(to=unique("never"), name="Sam", token="t", minutes=60, school_id=None)
            raise ActionFailed
    assert calls == [False]  # a rolled-back message wakes nobody


async def test_no_usable_link_at_rest_and_the_body_is_gone_once_sent(settings, emails, sealer):
    to = unique("sealed")
    token = await reset_link(emails, to)
    queued = await row(to)
    assert queued["state"] == "queued" and queued["attempts"] == 0
    assert token not in str(queued) and "/reset/" not in queued["body"]
    assert sealer.open(queued["body"])[0].count(token) == 1  # readable with the key only
    assert token not in str(await OutboxMessage.select().where(OutboxMessage.id == queued["id"]))

    assert await Worker(folder_mailer(settings), sealer).run_once() == 1
    sent = await row(to)
    assert sent["state"] == "sent" and sent["body"] == "" and sent["sent_at"] is not None
    assert sent["lease_holder"] == "" and sent["lease_until"] is None
    [message] = read_outbox(settings.var_dir, to)
    assert message["Message-ID"] == queued["message_id"]
    assert f"/reset/{token}" in message.get_body(preferencelist=("plain",)).get_content()


async def test_another_secret_key_cannot_read_a_body(settings, emails):
    to = unique("other-key")
    await reset_link(emails, to)
    assert await Worker(folder_mailer(settings), Sealer("another-key")).run_once() == 0
    failed = await row(to)
    assert failed["state"] == "failed" and failed["last_error"] == "unreadable" and failed["body"] == ""
    assert read_outbox(settings.var_dir, to) == []


async def test_two_workers_racing_send_each_message_once(settings, emails, sealer):
    addresses = [unique(f"race{i}") for i in range(12)]
    for to in addresses:
        await reset_link(emails, to)
    workers = [Worker(folder_mailer(settings), sealer, batch=3) for _ in range(3)]
    counts = await asyncio.gather(*(w.run_once() for w in workers))
    assert sum(counts) == len(addresses)
    for to in addresses:
        assert len(read_outbox(settings.var_dir, to)) == 1, to
        assert (await row(to))["attempts"] == 1


async def test_claims_by_two_workers_at_the_same_moment_never_overlap(emails):
    for i in range(8):
        await reset_link(emails, unique(f"claim{i}"))
    moment = datetime.now(timezone.utc)
    first, second = await asyncio.gather(outbox.claim("one", moment, limit=8), outbox.claim("two", moment, limit=8))
    assert not {m["id"] for m in first} & {m["id"] for m in second}
    assert len(first) + len(second) == 8
    holders = await OutboxMessage.select(OutboxMessage.lease_holder).where(OutboxMessage.state == "sending")
    assert sorted(h["lease_holder"] for h in holders) == sorted(["one"] * len(first) + ["two"] * len(second))


async def test_a_crashed_workers_message_is_sent_again_with_the_same_message_id(settings, emails, sealer):
    to = unique("crash")
    await reset_link(emails, to)
    clock = Clock()
    # A worker claims it and dies before sending: the message stays `sending` under its lease.
    [claimed] = await outbox.claim("crashed-worker", clock(), limit=5)
    survivor = Worker(folder_mailer(settings), sealer, clock=clock)
    assert await survivor.run_once() == 0  # the lease still holds
    clock.advance(outbox.LEASE + timedelta(seconds=1))
    assert await survivor.run_once() == 1
    sent = await row(to)
    assert sent["state"] == "sent" and sent["attempts"] == 2
    [message] = read_outbox(settings.var_dir, to)
    assert message["Message-ID"] == claimed["message_id"] == sent["message_id"]
    # The crashed worker coming back cannot undo it: its lease is gone.
    assert not await OutboxMessage.update({OutboxMessage.state: "queued"}).where(
        (OutboxMessage.id == sent["id"]) & (OutboxMessage.lease_holder == "crashed-worker")
    ).returning(OutboxMessage.id)


async def test_a_message_sent_twice_after_a_lost_lease_keeps_its_message_id(settings, emails, sealer):
    """At least once: a worker whose lease ran out while sending, and the one that took over, both send."""
    to = unique("twice")
    await reset_link(emails, to)
    clock = Clock()
    slow = Worker(folder_mailer(settings), sealer, clock=clock, holder="slow")
    [claimed] = await outbox.claim("slow", clock(), limit=1)
    clock.advance(outbox.LEASE + timedelta(seconds=1))
    assert await Worker(folder_mailer(settings), sealer, clock=clock, holder="fast").run_once() == 1
    await slow._deliver(claimed)  # finishes late: it still sends, but the row stays the other worker's
    first, second = read_outbox(settings.var_dir, to)
    assert first["Message-ID"] == second["Message-ID"] == claimed["message_id"]
    assert (await row(to))["state"] == "sent"


async def test_the_mail_server_away_means_retries_with_backoff_then_failed_for_good(settings, emails, sealer):
    to = unique("backoff")
    await reset_link(emails, to)
    clock = Clock()
    nobody = SmtpMailer(f"smtp://127.0.0.1:{free_port()}", SENDER)  # nothing listens there
    worker = Worker(nobody, sealer, clock=clock)
    waits = []
    for attempt in range(1, outbox.MAX_ATTEMPTS):
        assert await worker.run_once() == 0
        waiting = await row(to)
        assert waiting["state"] == "queued" and waiting["attempts"] == attempt
        assert waiting["last_error"] == "connection" and waiting["body"]
        waits.append(waiting["next_attempt_at"] - clock())
        assert await worker.run_once() == 0  # not due yet: nothing is tried
        assert (await row(to))["attempts"] == attempt
        clock.advance(waits[-1])
    assert waits == list(outbox.BACKOFF)
    assert await worker.run_once() == 0
    failed = await row(to)
    assert failed["state"] == "failed" and failed["attempts"] == outbox.MAX_ATTEMPTS and failed["body"] == ""


async def test_a_refusal_fails_sooner(settings, emails, sealer):
    to, other = unique("refused"), unique("accepted")
    with SmtpServer() as smtp:
        smtp.collector.refuse.add(to)
        await reset_link(emails, to)
        await reset_link(emails, other)
        clock = Clock()
        worker = Worker(SmtpMailer(smtp.url, SENDER), sealer, clock=clock)
        assert await worker.run_once() == 1
        refused = await row(to)
        assert refused["state"] == "queued" and refused["last_error"] == "refused 550"
        clock.advance(outbox.BACKOFF[0])
        assert await worker.run_once() == 0
        refused = await row(to)
        assert refused["state"] == "failed" and refused["attempts"] == outbox.REFUSED_ATTEMPTS
        assert refused["body"] == ""
        assert [m["To"] for m in smtp.collector.messages] == [other]


async def test_mail_waits_while_smtp_is_down_and_goes_out_when_it_is_back(settings, emails, sealer):
    smtp = SmtpServer()  # not started yet: the server is down
    worker = Worker(SmtpMailer(smtp.url, SENDER), sealer)
    first, second = unique("while-down"), unique("after-restart")
    token = await reset_link(emails, first)
    assert await worker.run_once() == 0
    waiting = await row(first)
    assert waiting["state"] == "queued" and waiting["last_error"] == "connection"
    assert waiting["next_attempt_at"] > datetime.now(timezone.utc)
    smtp.start()
    try:
        # A new message goes out at once, and the server answering again brings the waiting one forward.
        await reset_link(emails, second)
        assert await worker.run_once() == 2
        assert {m["To"] for m in smtp.collector.messages} == {first, second}
        [message] = smtp.collector.to(first)
        assert message["Message-ID"] == waiting["message_id"]
        assert token in message.get_body(preferencelist=("plain",)).get_content()
        assert (await row(first))["state"] == "sent"

        smtp.stop()
        third = unique("down-again")
        await reset_link(emails, third)
        assert await worker.run_once() == 0
        smtp.start()
        clock = Clock()
        clock.advance(outbox.BACKOFF[0])  # no new message this time: it goes at its next attempt
        assert await Worker(SmtpMailer(smtp.url, SENDER), sealer, clock=clock).run_once() == 1
        assert len(smtp.collector.to(third)) == 1
    finally:
        smtp.stop()


async def test_stopping_the_worker_is_clean_and_waking_it_sends_at_once(settings, emails, sealer):
    worker = Worker(folder_mailer(settings), sealer, poll_seconds=60)
    woken = Emails(settings.base_url, sealer, wake=worker.wake)
    worker.start()
    try:
        to = unique("woken-worker")
        async with db.write_transaction():
            await woken.password_reset(to=to, name="Sam", token="t", minutes=60, school_id=None)
        for _ in range(200):  # far less than the 60 s poll
            if read_outbox(settings.var_dir, to):
                break
            await asyncio.sleep(0.02)
        assert len(read_outbox(settings.var_dir, to)) == 1
    finally:
        await asyncio.wait_for(worker.stop(), timeout=5)
    assert worker._task is None


async def test_the_worker_command_delivers_what_is_due(settings, emails):
    to = unique("command")
    await reset_link(emails, to)
    # The same database and secret key, this test's var/ (so its outbox folder).
    env = dict(os.environ) | {"PORTFOLIO_VAR_DIR": str(settings.var_dir), "PORTFOLIO_DATABASE_URL": settings.database_url}
    done = await asyncio.to_thread(run_cli, env, "worker", "--once")
    assert done.returncode == 0, done.stderr
    assert "Sent: 1." in done.stdout
    [message] = read_outbox(settings.var_dir, to)
    assert isinstance(message, EmailMessage)
    assert to not in done.stdout + done.stderr  # no addresses in what it prints or logs


# --- what staff see -------------------------------------------------------------------------------

async def test_staff_see_their_schools_messages_without_bodies(
    client, signed_in, settings, emails, school, other_school, make_client, make_user
):
    staff = await signed_in("staff")
    mine, theirs, refused = unique("ours"), unique("theirs"), unique("refused")
    async with db.write_transaction():
        await emails.guardian_consent(to=mine, guardian="Pat", student="Jo", token="secret-ours", days=14, school_id=school)
        await emails.guardian_consent(to=theirs, guardian="Lee", student="Al", token="secret-theirs", days=14,
                                      school_id=other_school)
        await emails.mentor_digest(to=refused, name="Ms. P", count=2, school_id=school)
    await OutboxMessage.update({OutboxMessage.state: "failed", OutboxMessage.attempts: 2, OutboxMessage.last_error: "refused 550",
                                OutboxMessage.body: ""}).where(OutboxMessage.recipient == refused)

    page = await client.get("/staff/outbox")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert mine in page.text and "Jo asks your permission" in page.text
    assert theirs not in page.text  # another school's
    assert "secret-ours" not in page.text and "/consent/" not in page.text
    assert 'class="outbox-failed"' in page.text and "refused it (550)" in page.text
    assert "1 not delivered" in page.text

    failed_only = await client.get("/staff/outbox?failed=1")
    assert refused in failed_only.text and mine not in failed_only.text

    admin = await make_user("admin")
    async with make_client() as admin_client:
        assert (await sign_in(admin_client, admin.email)).status_code == 303
        everything = await admin_client.get("/staff/outbox")
        assert mine in everything.text and theirs in everything.text
    assert staff.school_id == school


# --- through the app --------------------------------------------------------------------------------

async def eventually(check, seconds: float = 10.0):
    """Poll `check` (a coroutine function) until it returns something true; that value."""
    deadline = time.monotonic() + seconds
    while True:
        found = await check()
        if found:
            return found
        assert time.monotonic() < deadline, f"not true after {seconds} s: {check.__name__}"
        await asyncio.sleep(0.05)


def row_where(to: str, **expected):
    async def check():
        found = await row(to)
        return found if found and all(found[k] == v for k, v in expected.items()) else None

    check.__name__ = f"{to} {expected}"
    return check


async def test_an_action_and_its_email_commit_or_roll_back_together(make_user, emails):
    student = await make_user("student")
    entry_id = await new_entry(student)
    boss = unique("boss")
    form = SupervisorForm("Pat Boss", "", "", boss)
    with pytest.raises(ActionFailed):
        async with db.write_transaction():
            await signoff.ask_supervisor(emails, student, [entry_id], form)
            raise ActionFailed  # anything failing after the e-mail was queued, before the commit
    assert await OutboxMessage.count().where(OutboxMessage.recipient == boss) == 0
    assert not await VerificationRequest.exists().where(VerificationRequest.student == student.id)
    assert (await Experience.select(Experience.status).where(Experience.id == entry_id).first())["status"] == "draft"

    await signoff.ask_supervisor(emails, student, [entry_id], form)
    assert await OutboxMessage.count().where(OutboxMessage.recipient == boss) == 1


async def test_the_apps_worker_sends_as_soon_as_the_request_commits(settings, make_client, make_user):
    user = await make_user("student")
    async with make_client(dataclasses.replace(settings, mail_poll_seconds=60)) as http:
        await http.get("/forgot")
        asked = await http.post("/forgot", data={"email": user.email}, headers=csrf_headers(http))
        assert asked.status_code == 200
        # Well before the next poll: the commit woke the worker.
        [message] = await eventually(lambda: asyncio.sleep(0, read_outbox(settings.var_dir, user.email)), seconds=5)
    assert link_in(message).startswith("/reset/")
    assert (await row(user.email))["state"] == "sent"


async def test_with_an_external_worker_the_app_only_queues(settings, make_client, make_user):
    user = await make_user("student")
    async with make_client(dataclasses.replace(settings, mail_worker="external")) as http:
        await http.get("/forgot")
        assert (await http.post("/forgot", data={"email": user.email}, headers=csrf_headers(http))).status_code == 200
        await asyncio.sleep(0.3)
        queued = await row(user.email)
        assert queued["state"] == "queued" and queued["attempts"] == 0
        assert read_outbox(settings.var_dir, user.email) == []
        assert await deliver(settings) == 1  # what `portfolio worker` does
    assert len(read_outbox(settings.var_dir, user.email)) == 1


async def test_a_request_while_smtp_is_down_answers_normally_and_mails_once_it_is_back(
    settings, make_client, make_user
):
    smtp = SmtpServer()  # down: nothing listens on its port yet
    app_settings = dataclasses.replace(settings, smtp_url=smtp.url, mail_poll_seconds=0.1)
    student = await make_user("student", name="Jordan Rivera")
    entry_id = await new_entry(student)
    boss = unique("boss")
    try:
        async with make_client(app_settings) as http:
            assert (await sign_in(http, student.email)).status_code == 303
            asked = await http.post(
                "/student/verify/supervisor",
                data={"entries": str(entry_id), "supervisor_name": "Pat Boss", "supervisor_email": boss},
                headers=csrf_headers(http),
            )
            assert asked.status_code == 303 and asked.headers["location"] == "/student/verify?sent=supervisor"
            assert "Pat Boss" in (await http.get("/student/verify")).text  # the request is saved
            # The app's own worker tried at once, found no server, and keeps the message for later.
            waiting = await eventually(row_where(boss, state="queued", attempts=1, last_error="connection"))
            assert waiting["body"] and smtp.collector.messages == []

            smtp.start()
            with clock.fixed(clock.now() + outbox.BACKOFF[0]):  # a minute later
                sent = await eventually(row_where(boss, state="sent"))
            [message] = smtp.collector.to(boss)
            assert message["Message-ID"] == waiting["message_id"] and sent["body"] == ""
            assert message["Subject"] == "Please confirm Jordan Rivera's work-based learning hours"
            assert link_in(message).startswith("/v/")
    finally:
        smtp.stop()


async def test_an_invitation_refused_by_the_server_is_shown_to_its_sender_who_sends_it_again(
    settings, make_client, make_user
):
    invitee = unique("new-student")
    with SmtpServer() as smtp:
        smtp.collector.refuse.add(invitee)  # "no such mailbox", until the school creates it
        app_settings = dataclasses.replace(settings, smtp_url=smtp.url, mail_poll_seconds=0.1)
        staff = await make_user("staff", name="Ms. Sender")
        colleague = await make_user("staff", name="Mr. Colleague")
        async with make_client(app_settings) as http, make_client(app_settings) as other:
            assert (await sign_in(http, staff.email)).status_code == 303
            await http.get("/staff/invite")
            invited = await http.post("/staff/invite", data={"name": "Sam Newcomer", "email": invitee, "roles": "student"},
                                      headers=csrf_headers(http))
            assert invited.status_code == 303 and invited.headers["location"] == "/staff?invited=1"
            await eventually(row_where(invitee, state="queued", attempts=1, last_error="refused 550"))
            with clock.fixed(clock.now() + outbox.BACKOFF[0]):
                failed = await eventually(row_where(invitee, state="failed"))
            assert failed["attempts"] == outbox.REFUSED_ATTEMPTS and failed["body"] == ""

            page = await http.get("/staff")
            assert page.headers["cache-control"] == "no-store"
            assert "you sent could not be delivered" in page.text and "Sam Newcomer" in page.text
            assert f'action="/staff/invitations/{failed["id"]}/resend"' in page.text
            # A colleague sees the failure among the school's e-mail, but the invitation is not theirs to resend.
            assert (await sign_in(other, colleague.email)).status_code == 303
            assert "could not be delivered" not in (await other.get("/staff")).text
            failures = await other.get("/staff/outbox?failed=1")
            assert invitee in failures.text and "refused it (550)" in failures.text
            refused = await other.post(f"/staff/invitations/{failed['id']}/resend", headers=csrf_headers(other))
            assert refused.status_code == 404

            forged = await http.post(f"/staff/invitations/{failed['id']}/resend")  # no CSRF token
            assert forged.status_code == 403
            smtp.collector.refuse.discard(invitee)
            again = await http.post(f"/staff/invitations/{failed['id']}/resend", headers=csrf_headers(http))
            assert again.status_code == 303 and again.headers["location"] == "/staff?resent=1"
            [message] = await eventually(lambda: asyncio.sleep(0, smtp.collector.to(invitee)))
            page = await http.get("/staff?resent=1")
            assert "Invitation sent again" in page.text and "could not be delivered" not in page.text
            twice = await http.post(f"/staff/invitations/{failed['id']}/resend", headers=csrf_headers(http))
            assert twice.status_code == 404

            path = link_in(message)
            assert path.startswith("/invite/")
            async with make_client() as newcomer:
                assert "Welcome to Career Portfolio" in (await newcomer.get(path)).text
    assert (await User.select(User.name).where(User.email == invitee).first())["name"] == "Sam Newcomer"
