"""The app is no way to send mail to anyone: a person's own actions send a limited number of messages a day,
only to exactly one well-formed address, with headers no typed name can break; and a forgotten-password
request answers the same, as fast, whether or not the account exists."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.errors import FormErrors, TooMuchMail
from portfolio.forms.accounts import InviteChoices, parse_invite
from portfolio.forms.consent import parse_guardian
from portfolio.forms.verification import parse_supervisor
from portfolio.mail import one_line
from portfolio.parse import clean_name, is_email
from portfolio.record_tables import OutboxMessage
from portfolio.services import signoff
from portfolio.services.emails import PER_ADDRESS, PER_SENDER
from portfolio.tables import AccountToken, VerificationRequest
from tests.factories import csrf_headers, new_entry, post, sign_in
from tests.mailbox import emails_for, outbox

BOSS = {"supervisor_name": "Pat Boss", "supervisor_title": "Foreman", "supervisor_organization": "Acme"}


def boss_email() -> str:
    return f"boss-{uuid.uuid4().hex[:10]}@acme-manufacturing.com"


# --- one address, and nothing else -----------------------------------------------------------------

def test_an_address_list_or_a_display_name_is_not_an_address():
    for text in ("x@acme.example,principal", "x@acme.example, principal@acme.example", "Pat <pat@acme.example>",
                 "pat@acme.example\r\nBcc: all@acme.example", "pat@acme", "pat@@acme.example", '"a b"@acme.example'):
        assert not is_email(text), text
    assert is_email("pat.boss+wbl@acme-manufacturing.com")


async def test_every_form_that_takes_an_address_refuses_a_list(client, signed_in):
    listed = "x@acme.example,principal"
    with pytest.raises(FormErrors):
        parse_supervisor(BOSS | {"supervisor_email": listed}, "me@school.example")
    with pytest.raises(FormErrors):
        parse_guardian({"guardian_name": "Alex", "guardian_email": listed}, "me@school.example")
    await signed_in("staff")
    response = await client.post("/staff/invite", data={"name": "Sam", "email": listed, "roles": "student"},
                                 headers=csrf_headers(client))
    assert response.status_code == 422
    assert await OutboxMessage.count() == 0


# --- names cannot break a message -------------------------------------------------------------------

async def test_a_name_with_a_line_break_is_one_line_and_the_mail_is_sent(client, make_user, settings):
    student = await make_user("student", name="Jordan\r\nBcc: everyone@acme.example")
    assert (await sign_in(client, student.email)).status_code == 303
    ids = [await new_entry(student, hours="1")]
    email = boss_email()
    form = BOSS | {"supervisor_name": "Pat\r\nBcc: all@acme.example\x00", "supervisor_email": email, "entries": ids}
    response = await post(client, "/student/verify/supervisor", form)
    assert response.status_code == 303, response.text
    row = await VerificationRequest.select(VerificationRequest.supervisor_name).first()
    assert row["supervisor_name"] == "Pat Bcc: all@acme.example"
    [message] = await outbox(settings.var_dir, email)
    assert "\n" not in message["Subject"] and "Jordan Bcc:" in message["Subject"]
    assert message["Bcc"] is None
    assert clean_name(" Sam \t\n Lee\u2028") == "Sam Lee" and one_line("a\r\nb\x00c") == "a b c"
    choices = InviteChoices(["student"], [{"id": 1, "name": "School"}])
    assert parse_invite({"name": "Sam\r\nLee", "email": "sam@example.org", "roles": "student"}, choices).name == "Sam Lee"


# --- a daily limit on what one person's action sends --------------------------------------------------

async def test_resending_a_request_is_limited_per_address_per_day(client, make_user, settings):
    student = await make_user("student")
    assert (await sign_in(client, student.email)).status_code == 303
    email = boss_email()
    supervisor = parse_supervisor(BOSS | {"supervisor_email": email}, student.email)
    request_id = await signoff.ask_supervisor(emails_for(settings), student, [await new_entry(student, hours="1")], supervisor)
    for _ in range(PER_ADDRESS - 1):
        assert (await post(client, f"/student/verify/{request_id}/resend")).status_code == 303
    refused = await post(client, f"/student/verify/{request_id}/resend")
    assert refused.status_code == 429
    assert "Too many e-mails went to this address today" in refused.text
    assert len(await outbox(settings.var_dir, email)) == PER_ADDRESS
    # The school's own reminders are not limited this way.
    assert await _reminder_sent(settings, request_id)


async def _reminder_sent(settings, request_id: int) -> bool:
    assert await signoff.send_reminders(emails_for(settings), moment=now() + timedelta(days=7)) == 1
    return await OutboxMessage.count().where(OutboxMessage.subject.like("Reminder:%")) == 1


async def test_one_student_sends_at_most_so_many_requests_a_day(make_user, settings):
    student = await make_user("student")
    emails = emails_for(settings)
    for _ in range(PER_SENDER):
        supervisor = parse_supervisor(BOSS | {"supervisor_email": boss_email()}, student.email)
        await signoff.ask_supervisor(emails, student, [await new_entry(student, hours="1")], supervisor)
    supervisor = parse_supervisor(BOSS | {"supervisor_email": boss_email()}, student.email)
    entry_id = await new_entry(student, hours="1")
    with pytest.raises(TooMuchMail):
        await signoff.ask_supervisor(emails, student, [entry_id], supervisor)
    # Refused as a whole: no request, no link, the entry is still a draft.
    assert await VerificationRequest.count() == PER_SENDER
    another = await make_user("student")
    supervisor = parse_supervisor(BOSS | {"supervisor_email": boss_email()}, another.email)
    await signoff.ask_supervisor(emails, another, [await new_entry(another)], supervisor)


async def test_forgot_sends_a_few_links_a_day_and_says_the_same_after(client, make_user, settings):
    user = await make_user("student")
    await client.get("/forgot")
    for _ in range(PER_ADDRESS + 2):
        response = await client.post("/forgot", data={"email": user.email}, headers=csrf_headers(client))
        assert response.status_code == 200 and "Check your e-mail" in response.text
    assert len(await outbox(settings.var_dir, user.email)) == PER_ADDRESS
    assert await AccountToken.count() == PER_ADDRESS


# --- /forgot: the same work before the answer ---------------------------------------------------------

async def test_forgot_answers_before_any_account_work(make_user, make_client, settings):
    """Chosen over timing medians (flaky on a shared machine): the answer is complete before the account is
    even looked up, whatever the address, so its timing cannot depend on the account. At the moment the
    last byte of the answer is sent, no link and no message exist yet; right after, they do."""
    user = await make_user("student")
    seen: list[tuple[int, int]] = []

    def wrap(app):
        async def recording(scope, receive, send):
            async def send_and_look(message):
                await send(message)
                if scope["method"] == "POST" and message["type"] == "http.response.body" and not message.get("more_body"):
                    seen.append((await AccountToken.count(), await OutboxMessage.count()))
            await app(scope, receive, send_and_look)
        return recording

    async with make_client(wrap=wrap) as browser:
        await browser.get("/forgot")
        for email in (user.email, "nobody-here@example.org"):
            response = await browser.post("/forgot", data={"email": email}, headers=csrf_headers(browser))
            assert response.status_code == 200
    assert seen == [(0, 0), (1, 1)]
    assert await AccountToken.count() == 1 and await OutboxMessage.count() == 1


async def test_asking_one_address_too_often_shows_the_form_again_saying_so(client, make_user):
    student = await make_user("student")
    assert (await sign_in(client, student.email)).status_code == 303
    email = boss_email()
    for number in range(PER_ADDRESS + 1):
        entry_id = await new_entry(student, hours="1", title=f"Shift {number}")
        response = await post(client, "/student/verify/supervisor",
                              BOSS | {"supervisor_email": email, "entries": [entry_id]})
    assert response.status_code == 429
    assert "Too many e-mails went to this address today" in response.text and email in response.text
    assert await VerificationRequest.count() == PER_ADDRESS


async def test_guardian_requests_are_limited_in_the_one_place_mail_is_queued(make_user, settings):
    student = await make_user("student")
    emails = emails_for(settings)
    guardian = f"parent-{uuid.uuid4().hex[:8]}@example.org"

    async def ask() -> None:
        async with write_transaction():
            await emails.guardian_consent(to=guardian, guardian="Alex", student=student.name, token="t", days=7,
                                          school_id=student.school_id, sender_id=student.id)

    for _ in range(PER_ADDRESS):
        await ask()
    with pytest.raises(TooMuchMail):
        await ask()
    # Mail the school sends in bulk is not limited: an invitation to the same address still goes.
    async with write_transaction():
        await emails.invitation(to=guardian, name="Alex", inviter="Staff", token="t", days=7,
                                school_id=student.school_id, sender_id=student.id, invitee_id=student.id)
    assert await OutboxMessage.count().where(OutboxMessage.recipient == guardian) == PER_ADDRESS + 1
