"""The partner's summary of its students' feedback: nothing (counts included) below 5 students, no name ever,
only the comments staff approved, and an e-mailed link that works without an account, shows that partner at
that school only, is audited and logged as an e-mail, and expires."""

from __future__ import annotations

from datetime import timedelta

from portfolio import clock
from portfolio.feedback_tables import Feedback, SummaryLink
from portfolio.forms.feedback import CommentChoice
from portfolio.opportunity_vocabulary import CommentDecision, CommentField, FeedbackAbout
from portfolio.partner_tables import InteractionContact, InteractionStaff, PartnerInteraction
from portfolio.record_tables import AuditEvent, OutboxMessage
from portfolio.services import demo
from portfolio.services.accounts import load_user
from portfolio.services.feedback import answers, experiences, review
from portfolio.services.feedback.summary import summary
from portfolio.tables import User
from tests import feedback_factories as ff
from tests.factories import browser_of, pdf_text, post
from tests.mailbox import link_in, outbox

NAMES = ["Ava Brooks", "Ben Carter", "Cleo Diaz", "Dev Evans", "Esme Ford", "Finn Gray"]


async def _answers(make_user, school, host, count: int, opportunity=None) -> list[int]:
    opportunity = opportunity or await ff.opportunity(school, [host["id"]])
    ids = []
    for n in range(count):
        student = await make_user("student", name=NAMES[n])
        ids.append(await ff.answered(student, opportunity["id"], rating=5 if n % 2 else 3, recommend=n != 0,
                                     learned=f"Learned thing {n}", change=f"Change thing {n}"))
    return ids


async def test_nothing_is_shown_below_five_students_and_the_figures_at_five(make_user, school):
    host = await ff.partner(school)
    visit = await ff.opportunity(school, [host["id"]])
    await _answers(make_user, school, host, 4, visit)
    assert await summary(host) == {"shown": False, "needed": 5}
    # One student answering two experiences is still one student.
    again = await ff.opportunity(school, [host["id"]], title="Second visit")
    first = (await make_user("student", name="Zed Again"))
    await ff.answered(first, again["id"])
    await ff.answered(first, visit["id"])
    assert (await summary(host))["shown"] is True
    shown = await summary(host)
    # Ratings 3, 5, 3, 5 and 4, 4 (Zed twice); recommended by all but the first.
    assert (shown["students"], shown["answers"], shown["experiences"]) == (5, 6, 2)
    assert shown["average"] == 4.0 and shown["recommend_percent"] == 83


async def test_only_approved_comments_are_shared_and_a_student_s_edit_unshares_theirs(make_user, school):
    host = await ff.partner(school)
    staff = await make_user("staff")
    ids = await _answers(make_user, school, host, 5)
    assert (await summary(host))["comments"] == {"learned": [], "change": []}
    await review.decide(staff, ids[1], CommentChoice(CommentField.LEARNED, CommentDecision.APPROVED))
    await review.decide(staff, ids[2], CommentChoice(CommentField.CHANGE, CommentDecision.APPROVED))
    await review.decide(staff, ids[3], CommentChoice(CommentField.CHANGE, CommentDecision.WITHHELD))
    assert (await summary(host))["comments"] == {"learned": ["Learned thing 1"], "change": ["Change thing 2"]}
    # The writer of the shared comment changes it: the new text is not shared until staff read it.
    writer = await _student_of(ids[2])
    item = (await Feedback.select(Feedback.opportunity).where(Feedback.id == ids[2]).first())["opportunity"]
    await answers.save(writer, FeedbackAbout.OPPORTUNITY, item, ff.form(change="Ms. Li in radiology was unkind."))
    assert (await summary(host))["comments"] == {"learned": ["Learned thing 1"], "change": []}


async def _student_of(feedback_id: int):
    row = await Feedback.select(Feedback.student).where(Feedback.id == feedback_id).first()
    return await load_user(row["student"])


async def test_staff_send_the_link_and_the_partner_reads_it_without_an_account(
        client, signed_in, make_user, make_client, settings, school, other_school):
    staff = await signed_in("staff", name="Coach Carter")
    host = await ff.partner(school, "Riverside Health")
    contact_id = await ff.contact(host["id"], "Dana Reyes", "dana@riverside.example")
    left = await ff.contact(host["id"], "Old Contact", "old@riverside.example", active=False)
    no_mail = await ff.contact(host["id"], "No Mail", "")
    ids = await _answers(make_user, school, host, 5)
    await review.decide(staff, ids[0], CommentChoice(CommentField.LEARNED, CommentDecision.APPROVED))
    # Another partner of the school, and the same organization's relationship with another school, have their own.
    elsewhere = await ff.partner(school, "Tri-County Builders Association")
    await ff.answered(await make_user("student", name="Gus Hale"), (await ff.opportunity(school, [elsewhere["id"]]))["id"],
                      learned="Elsewhere comment")

    preview = await client.get(f"/staff/feedback/partners/{host['id']}")
    assert preview.status_code == 200 and "Learned thing 0" in preview.text and "Ava Brooks" not in preview.text
    assert "Old Contact" not in preview.text and "No Mail" not in preview.text
    for refused in (left, no_mail, 10**6, "x"):
        response = await post(client, f"/staff/feedback/partners/{host['id']}/send", {"contact": str(refused)})
        assert response.status_code == 422, refused
    sent = await post(client, f"/staff/feedback/partners/{host['id']}/send", {"contact": str(contact_id)})
    assert sent.status_code == 303 and sent.headers["location"] == f"/staff/feedback/partners/{host['id']}?done=sent"

    # Recorded: the link (its token hashed), the audit, the partner's history as an e-mail with who and to whom.
    link = await SummaryLink.select().first()
    assert (link["contact"], link["recipient"], link["sent_by"]) == (contact_id, "dana@riverside.example", staff.id)
    audit = await AuditEvent.select().where(AuditEvent.action == "feedback.summary_sent").first()
    assert audit["actor"] == staff.id and audit["subject"] == f"partner:{host['id']}"
    interaction = await PartnerInteraction.select().where(PartnerInteraction.id == link["interaction"]).first()
    assert interaction["kind"] == "email" and "Dana Reyes" in interaction["summary"]
    assert await InteractionStaff.exists().where(InteractionStaff.staff == staff.id)
    assert await InteractionContact.exists().where(InteractionContact.contact == contact_id)
    assert "Sent the students&#39; feedback summary" in (await client.get(f"/staff/partners/{host['id']}")).text

    messages = await outbox(settings.var_dir, "dana@riverside.example")
    assert len(messages) == 1
    body = messages[0].get_body(preferencelist=("plain",)).get_content()
    assert not any(name in body or name in messages[0]["Subject"] for name in NAMES)
    path = link_in(messages[0])
    token = path.rsplit("/", 1)[1]
    assert link["token_hash"] != token and token not in str(await OutboxMessage.select(OutboxMessage.subject))

    async with make_client() as partner:
        page = await partner.get(path)
        assert page.status_code == 200, page.text
        assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
        assert "What students said about Riverside Health" in page.text and "Learned thing 0" in page.text
        assert "Learned thing 1" not in page.text and "Elsewhere comment" not in page.text
        assert not any(name in page.text for name in NAMES + ["Gus Hale"])
        assert "3.8 of 5" in page.text and "80%" in page.text  # ratings 3, 5, 3, 5, 3; all but one recommend
        # As it is when read: a comment shared later shows at once.
        await review.decide(staff, ids[1], CommentChoice(CommentField.LEARNED, CommentDecision.APPROVED))
        assert "Learned thing 1" in (await partner.get(path)).text
        assert (await SummaryLink.select(SummaryLink.opened_at).first())["opened_at"] is not None
        # The same as a PDF, from the same link.
        printed = await partner.get(f"{path}/pdf")
        assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"
        text = pdf_text(printed.content)
        assert "What students said about Riverside Health" in text and "Learned thing 1" in text
        assert "Elsewhere comment" not in text and not any(name in text for name in NAMES)
        # A token that is not ours, or malformed, and the link once expired: the friendly page.
        assert (await partner.get("/partner-feedback/" + "A" * 43)).status_code == 410
        assert (await partner.get("/partner-feedback/not-a-token")).status_code == 410
        with clock.fixed(clock.now() + timedelta(days=60, minutes=1)):
            expired = await partner.get(path)
            assert expired.status_code == 410 and "no longer works" in expired.text
            assert "Learned thing" not in expired.text
            assert (await partner.get(f"{path}/pdf")).status_code == 410

    # Staff take it as a PDF too; that is audited as well.
    printed = await client.get(f"/staff/feedback/partners/{host['id']}/summary.pdf")
    assert printed.status_code == 200 and "Learned thing 0" in pdf_text(printed.content)
    assert await AuditEvent.exists().where((AuditEvent.action == "feedback.summary_pdf") & (AuditEvent.actor == staff.id))

    # Another school's staff neither see nor send it.
    async with browser_of(make_client, await make_user("staff", school_id=other_school)) as theirs:
        assert (await theirs.get(f"/staff/feedback/partners/{host['id']}")).status_code == 404
        assert (await post(theirs, f"/staff/feedback/partners/{host['id']}/send", {"contact": str(contact_id)})
                ).status_code == 404
    assert await SummaryLink.count() == 1


async def test_below_five_the_partner_reads_that_there_are_not_enough_answers(
        client, signed_in, make_user, make_client, settings, school):
    await signed_in("staff")
    host = await ff.partner(school)
    contact_id = await ff.contact(host["id"], email="few@riverside.example")
    ids = await _answers(make_user, school, host, 4)
    staff = await make_user("staff")
    await review.decide(staff, ids[0], CommentChoice(CommentField.LEARNED, CommentDecision.APPROVED))
    assert (await post(client, f"/staff/feedback/partners/{host['id']}/send", {"contact": str(contact_id)})).status_code == 303
    path = link_in((await outbox(settings.var_dir, "few@riverside.example"))[0])
    async with make_client() as partner:
        page = (await partner.get(path)).text
    assert "Not enough answers yet to share without identifying students" in page
    assert "Learned thing 0" not in page and "Average rating" not in page and "Students who answered" not in page
    async with make_client() as partner:
        text = pdf_text((await partner.get(f"{path}/pdf")).content)
    assert "Not enough answers yet to share without identifying students" in text and "Learned thing 0" not in text


async def test_the_demo_shows_a_summary_one_without_enough_answers_and_a_question_for_jordan(
        clean_database, hasher, emails, settings, make_client):
    assert await demo.seed(hasher, emails) is True
    jordan = await load_user((await User.select(User.id).where(User.email == "student@demo.example").first())["id"])
    assert [w["title"] for w in await experiences.waiting(jordan)] == ["Shadow a site superintendent", "Site visit: Tri-County Builders job site"]
    counselor = await load_user((await User.select(User.id).where(User.email == "counselor@demo.example").first())["id"])
    shown = {p["name"]: p for p in await review.listing(counselor)}
    health, builders = shown["Riverside Health"], shown["Tri-County Builders Association"]
    assert len(health["experiences"][0]["answers"]) == 6 and len(builders["experiences"][0]["answers"]) == 2
    assert (await summary({"id": health["id"], "school": counselor.school_id}))["shown"] is True
    assert (await summary({"id": builders["id"], "school": counselor.school_id}))["shown"] is False
    # Sam also supervises a placement of the demo's: the summary is the message whose link is the summary's.
    path = next(link for link in map(link_in, await outbox(settings.var_dir, "sokoro@riversidehealth.example"))
                if link.startswith("/partner-feedback/"))
    async with make_client() as partner:
        page = (await partner.get(path)).text
    assert "Phlebotomy is its own certification" in page and "red glasses" not in page and "pipettes" not in page
