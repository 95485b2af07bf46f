"""A student asks for verification: from their mentor, from a workplace supervisor by e-mail, or on the spot;
sends again, cancels; reminders; and what the entry page says about its verification."""

from __future__ import annotations

import uuid
from datetime import timedelta

from portfolio import clock
from portfolio.services import experiences, signoff
from portfolio.tables import Experience, RequestLink, SignOff, VerificationRequest
from tests.factories import assign_mentor, browser_of, entry, mentor_for, new_entries, post, queue_ids, status_of
from tests.mailbox import link_in, outbox

SUPERVISOR = {
    "supervisor_name": "Robin Foreman",
    "supervisor_title": "Shop supervisor",
    "supervisor_organization": "Bright Sparks LLC",
    "supervisor_email": "robin.foreman@brightsparks.example",
}


async def requests_of(student_id: int) -> list[dict]:
    return await VerificationRequest.select().where(VerificationRequest.student == student_id).order_by(VerificationRequest.id)


async def test_the_form_offers_what_can_be_asked_and_says_when_there_is_no_mentor(client, signed_in, make_user):
    student = await signed_in("student")
    draft, done = await new_entries(student, "A draft to send", "Already verified")
    await Experience.update({Experience.status: "verified"}).where(Experience.id == done)
    page = await client.get("/student/verify/new")
    assert page.status_code == 200
    assert f'name="entries" value="{draft}"' in page.text and f'value="{done}"' not in page.text
    assert "You have no mentor yet. Staff at your school assign mentors" in page.text
    assert 'formaction="/student/verify/mentor"' not in page.text
    assert 'formaction="/student/verify/supervisor"' in page.text and 'formaction="/student/verify/onsite"' in page.text
    nav = await client.get("/student")
    assert 'href="/student/verify"' in nav.text and ">Verify</span>" in nav.text


async def test_a_student_asks_only_their_own_mentor_about_their_own_entries(client, signed_in, make_user):
    staff = await make_user("staff")
    mine = await make_user("mentor")
    not_mine = await make_user("mentor")  # same school, not assigned to this student
    student = await signed_in("student")
    await assign_mentor(staff, mine, student)
    [entry_id] = await new_entries(student, "Mine to ask about")

    refused = await post(client, "/student/verify/mentor", {"entries": str(entry_id), "mentor": str(not_mine.id)})
    assert refused.status_code == 422
    assert "Choose one of your mentors." in refused.text
    assert f'name="entries" value="{entry_id}" checked' in refused.text
    assert await status_of(entry_id) == "draft" and await requests_of(student.id) == []

    nothing = await post(client, "/student/verify/mentor", {"mentor": str(mine.id)})
    assert nothing.status_code == 422 and "Choose at least one entry to verify." in nothing.text

    someone_else = await make_user("student")
    [theirs] = await new_entries(someone_else, "Not mine")
    stolen = await post(client, "/student/verify/mentor", {"entries": [str(entry_id), str(theirs)], "mentor": str(mine.id)})
    assert stolen.status_code == 404
    stolen = await post(client, "/student/verify/supervisor", {"entries": str(theirs)} | SUPERVISOR)
    assert stolen.status_code == 404
    assert (await post(client, "/student/verify/onsite", {"entries": str(theirs)})).status_code == 404
    assert await status_of(entry_id) == "draft" and await status_of(theirs) == "draft"
    assert await requests_of(student.id) == [] and await requests_of(someone_else.id) == []
    assert await queue_ids(mine) == {}


async def test_cancel_puts_the_entries_back_to_draft(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    mentor = await mentor_for(make_user, student, name="Mx. Cancelled")
    first, second = await new_entries(student, "Cancel me", "Cancel me too")
    await post(client, "/student/verify/mentor", {"entries": [str(first), str(second)], "mentor": str(mentor.id)})
    [request] = await requests_of(student.id)

    page = await client.get("/student/verify")
    assert f'action="/student/verify/{request["id"]}/cancel"' in page.text
    assert f'action="/student/verify/{request["id"]}/resend"' not in page.text  # a mentor needs no new link
    assert (await post(client, f"/student/verify/{request['id']}/resend")).status_code == 404

    intruder = await make_user("student")
    async with browser_of(make_client, intruder) as other:
        assert (await post(other, f"/student/verify/{request['id']}/cancel")).status_code == 404
    assert await status_of(first) == "submitted"

    cancelled = await post(client, f"/student/verify/{request['id']}/cancel")
    assert cancelled.status_code == 303 and cancelled.headers["location"] == "/student/verify?cancelled=1"
    assert "Request cancelled. Its entries are drafts again." in (await client.get(cancelled.headers["location"])).text
    assert [await status_of(i) for i in (first, second)] == ["draft", "draft"]
    assert (await requests_of(student.id))[0]["status"] == "cancelled"
    assert await queue_ids(mentor) == {}
    assert (await post(client, f"/student/verify/{request['id']}/cancel")).status_code == 404  # once


async def test_the_supervisor_form_e_mails_a_link(client, signed_in, settings):
    student = await signed_in("student")
    [entry_id] = await new_entries(student, "Worked the front desk")

    bad = await post(client, "/student/verify/supervisor", {
        "entries": str(entry_id), "supervisor_name": "", "supervisor_email": "not-an-address",
        "supervisor_organization": "Keep This Co",
    })
    assert bad.status_code == 422
    assert "Enter the supervisor&#39;s name." in bad.text
    assert "Enter the supervisor&#39;s work e-mail" in bad.text
    assert 'value="Keep This Co"' in bad.text and 'value="not-an-address"' in bad.text
    assert f'name="entries" value="{entry_id}" checked' in bad.text
    assert 'aria-invalid="true"' in bad.text
    own = await post(client, "/student/verify/supervisor", {"entries": str(entry_id)} | SUPERVISOR | {"supervisor_email": student.email})
    assert own.status_code == 422 and "This is your own e-mail." in own.text
    assert await requests_of(student.id) == [] and await status_of(entry_id) == "draft"

    sent = await post(client, "/student/verify/supervisor", {"entries": str(entry_id)} | SUPERVISOR)
    assert sent.status_code == 303 and sent.headers["location"] == "/student/verify?sent=supervisor"
    assert await status_of(entry_id) == "submitted"
    [request] = await requests_of(student.id)
    assert request["method"] == "email_link" and request["supervisor_email"] == SUPERVISOR["supervisor_email"]
    [mail] = await outbox(settings.var_dir, SUPERVISOR["supervisor_email"])
    assert link_in(mail).startswith("/v/")
    assert await RequestLink.count().where(RequestLink.request == request["id"]) == 1

    page = await client.get("/student/verify")
    assert "Robin Foreman" in page.text and "Worked the front desk" in page.text
    again = await post(client, f"/student/verify/{request['id']}/resend")
    assert again.status_code == 303 and again.headers["location"] == "/student/verify?resent=1"
    mails = await outbox(settings.var_dir, SUPERVISOR["supervisor_email"])
    assert len(mails) == 2 and link_in(mails[0]) != link_in(mails[1])


async def test_on_the_spot_hands_the_choice_to_the_sign_off_page(client, signed_in):
    student = await signed_in("student")
    first, second = await new_entries(student, "On the spot one", "On the spot two")
    handed = await post(client, "/student/verify/onsite", {"entries": [str(second), str(first)]})
    assert handed.status_code == 303
    assert handed.headers["location"] == f"/v/onsite?entries={min(first, second)}&entries={max(first, second)}"
    empty = await post(client, "/student/verify/onsite", {})
    assert empty.status_code == 422 and "Choose at least one entry to verify." in empty.text
    await Experience.update({Experience.status: "submitted"}).where(Experience.id == first)
    locked = await post(client, "/student/verify/onsite", {"entries": str(first)})
    assert locked.status_code == 422
    assert await status_of(second) == "draft"  # handing over changes nothing


async def test_reminders_send_a_new_link_a_few_times_then_stop(client, signed_in, settings, emails):
    student = await signed_in("student")
    [entry_id] = await new_entries(student, "Remind my supervisor")
    email = f"boss-{uuid.uuid4().hex[:6]}@company.example"
    await post(client, "/student/verify/supervisor", {"entries": str(entry_id)} | SUPERVISOR | {"supervisor_email": email})
    assert len(await outbox(settings.var_dir, email)) == 1
    now = clock.now()

    await signoff.send_reminders(emails, moment=now)
    assert len(await outbox(settings.var_dir, email)) == 1  # not due yet
    for sent in range(1, signoff.MAX_REMINDERS + 1):
        await signoff.send_reminders(emails, moment=now + timedelta(days=4))
        mails = await outbox(settings.var_dir, email)
        assert len(mails) == 1 + sent
        assert mails[-1]["Subject"].startswith("Reminder: ")
        assert link_in(mails[-1]).startswith("/v/") and link_in(mails[-1]) != link_in(mails[0])
    await signoff.send_reminders(emails, moment=now + timedelta(days=30))
    assert len(await outbox(settings.var_dir, email)) == 1 + signoff.MAX_REMINDERS  # it stops
    [request] = await requests_of(student.id)
    assert request["reminders_sent"] == signoff.MAX_REMINDERS
    assert await RequestLink.count().where(RequestLink.request == request["id"]) == 1 + signoff.MAX_REMINDERS


async def test_an_edit_after_verification_shows_it_voided_with_the_old_signoff_kept(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    mentor = await mentor_for(make_user, student, name="Ms. Voided")
    [entry_id] = await new_entries(student, "Verified then edited")
    await post(client, "/student/verify/mentor", {"entries": str(entry_id), "mentor": str(mentor.id)})
    async with browser_of(make_client, mentor) as desk:
        item = (await queue_ids(mentor))[entry_id]
        assert (await post(desk, "/mentor/decide", {"items": str(item), "decision": "verified"})).status_code == 303
    page = await client.get(f"/student/experiences/{entry_id}")
    assert "Verification: <span class=\"status status-verified\">Verified</span>" in page.text
    assert "must stay exactly as signed" in (await client.get(f"/student/experiences/{entry_id}/edit")).text

    edited = await post(client, f"/student/experiences/{entry_id}", entry(title="Verified then edited", hours="1.5") | {"void_ok": "1"})
    assert edited.status_code == 303
    assert await status_of(entry_id) == "voided"
    page = await client.get(f"/student/experiences/{entry_id}")
    assert "Verification: <span class=\"status status-voided\">Verification voided</span>" in page.text
    assert f'href="/student/verify/new?entries={entry_id}"' in page.text  # ask again
    history = page.text[page.text.index("Verification history"):]
    assert "Ms. Voided" in history and 'class="signoff voided"' in history
    [old] = await SignOff.select().where(SignOff.experience == entry_id)
    assert old["voided_at"] is not None and old["decision"] == "verified"
    # A voided entry may be asked about again.
    again = await post(client, "/student/verify/mentor", {"entries": str(entry_id), "mentor": str(mentor.id)})
    assert again.status_code == 303 and await status_of(entry_id) == "submitted"


async def test_a_hash_mismatch_never_shows_as_verified(client, signed_in):
    student = await signed_in("student")
    [entry_id] = await new_entries(student, "Changed under the sign-off")
    row = await experiences.get(student, entry_id)
    await SignOff.insert(SignOff(experience=entry_id, method="email_link", verifier_name="Kim Lead",
                                 verifier_email="kim@works.example", decision="verified", content_hash=row["content_hash"]))
    # Changed in the database behind the service's back: the stored status still says verified.
    await Experience.update({Experience.status: "verified", Experience.minutes: 480}).where(Experience.id == entry_id)
    page = await client.get(f"/student/experiences/{entry_id}")
    assert "status-voided" in page.text and "Verification voided" in page.text
    assert "status-verified" not in page.text.split("Verification history")[0]


async def test_an_on_the_spot_signoff_is_pending_until_confirmed(client, signed_in):
    student = await signed_in("student")
    [entry_id] = await new_entries(student, "Signed on my phone")
    row = await experiences.get(student, entry_id)
    await SignOff.insert(SignOff(experience=entry_id, method="on_device", verifier_name="Jo Chief", verifier_title="Chef",
                                 verifier_email="jo@kitchen.example", decision="verified", content_hash=row["content_hash"]))
    await Experience.update({Experience.status: "verified"}).where(Experience.id == entry_id)
    page = await client.get(f"/student/experiences/{entry_id}")
    assert "Waiting for the supervisor to confirm" in page.text
    assert "Signed on the spot by <strong>Jo Chief</strong>, Chef" in page.text
    assert "Jo Chief has not confirmed it from the receipt we e-mailed to jo@kitchen.example" in page.text
