"""Students' feedback after an experience they had, and staff's review of it: only after the end, only by a
student who came or was placed, changeable for 14 days (a changed comment waits for staff again), and staff of
the school (never another's) read it with names, add notes and decide on each comment."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from portfolio import clock
from portfolio.errors import NotFound
from portfolio.feedback_tables import CommentReview, CounselorNote, Feedback
from portfolio.forms.feedback import CommentChoice
from portfolio.opportunity_vocabulary import CommentDecision, CommentField, FeedbackAbout, PlacementStatus
from portfolio.services.feedback import answers, experiences, review
from tests import feedback_factories as ff
from tests.factories import browser_of, counting_queries, post, route_table

ANSWER = {"rating": "4", "recommend": "yes", "learned": "How a triage nurse decides who goes first.",
          "change": "More time in the lab."}


async def test_a_student_answers_an_opportunity_they_came_to_once_it_is_over(client, signed_in, make_user, school):
    student = await signed_in("student", name="Ava Student")
    host = await ff.partner(school)
    over = await ff.opportunity(school, [host["id"]])
    url = f"/student/feedback/opportunity/{over['id']}"
    # Not there: nothing to answer, and the dashboard asks nothing.
    assert (await client.get(url)).status_code == 404
    assert (await post(client, url, ANSWER)).status_code == 404
    assert "Tell us in a minute" not in (await client.get("/student")).text
    await ff.attended(student, over["session"])
    dashboard = (await client.get("/student")).text
    assert "How was Hospital site visit? Tell us in a minute" in dashboard and f'href="{url}"' in dashboard
    page = await client.get(url)
    assert page.status_code == 200 and "The partner never sees your name" in page.text
    saved = await post(client, url, ANSWER)
    assert saved.status_code == 303 and saved.headers["location"] == f"{url}?done=saved"
    row = await Feedback.select().where(Feedback.student == student.id).first()
    assert (row["rating"], row["recommend"], row["learned"], row["change"]) == (4, True, ANSWER["learned"], ANSWER["change"])
    assert row["school"] == school and row["opportunity"] == over["id"] and row["placement"] is None
    assert "Tell us in a minute" not in (await client.get("/student")).text
    # Sent again (the back button), it is still one answer.
    assert (await post(client, url, ANSWER | {"rating": "5"})).status_code == 303
    assert await Feedback.count().where(Feedback.student == student.id) == 1
    assert "5 of 5" in (await client.get("/student/feedback")).text

    # Another student, who did not come, finds nothing there, even with the first one's answer in it.
    other = await make_user("student")
    with_session = await ff.opportunity(school, [host["id"]], title="Another visit")
    await ff.attended(other, with_session["session"])
    for call in (answers.answer_for(other, FeedbackAbout.OPPORTUNITY, over["id"]),
                 answers.save(other, FeedbackAbout.OPPORTUNITY, over["id"], ff.form())):
        with pytest.raises(NotFound):
            await call


async def test_not_before_the_last_session_has_ended(client, signed_in, school):
    student = await signed_in("student")
    running = await ff.opportunity(school, ends=clock.now() + timedelta(hours=1))
    await ff.attended(student, running["session"])
    workshop = await ff.opportunity(school, title="Four-week workshop")
    await ff.attended(student, workshop["session"])
    await ff.add_session(workshop["id"], clock.now() + timedelta(days=7))
    for item in (running, workshop):
        assert (await client.get(f"/student/feedback/opportunity/{item['id']}")).status_code == 404
        assert (await post(client, f"/student/feedback/opportunity/{item['id']}", ANSWER)).status_code == 404
    assert await experiences.waiting(student) == []
    assert not await Feedback.exists()
    # The week is over once its last session is: then it is asked for.
    with clock.fixed(clock.now() + timedelta(days=8)):
        assert [w["title"] for w in await experiences.waiting(student)] == ["Four-week workshop", "Hospital site visit"]


async def test_a_placement_is_answered_once_it_ended_by_the_student_placed(client, signed_in, make_user, school):
    student = await signed_in("student")
    host = await ff.partner(school)
    today = clock.today_at("America/New_York")
    unsigned = await ff.placement(student, host["id"], status=PlacementStatus.AWAITING_SIGNATURES)
    under_way = await ff.placement(student, host["id"], ends_on=today + timedelta(days=10), title="Still going")
    ends_today = await ff.placement(student, host["id"], ends_on=today, title="Ends today")
    cancelled = await ff.placement(student, host["id"], status=PlacementStatus.CANCELLED)
    for placement_id in (unsigned, under_way, ends_today, cancelled):
        assert (await client.get(f"/student/feedback/placement/{placement_id}")).status_code == 404, placement_id
    past = await ff.placement(student, host["id"], title="Nursing internship")
    marked_ended = await ff.placement(student, host["id"], ends_on=today + timedelta(days=5),
                                      status=PlacementStatus.ENDED, title="Ended early")
    assert [w["title"] for w in await experiences.waiting(student)] == ["Ended early", "Nursing internship"]
    for placement_id in (past, marked_ended):
        assert (await post(client, f"/student/feedback/placement/{placement_id}", ANSWER)).status_code == 303
    assert await experiences.waiting(student) == []
    # Another student cannot answer for it.
    other = await make_user("student")
    with pytest.raises(NotFound):
        await answers.answer_for(other, FeedbackAbout.PLACEMENT, past)


async def test_the_form_says_what_is_wrong_and_keeps_what_was_typed(client, signed_in, school):
    student = await signed_in("student")
    over = await ff.opportunity(school)
    await ff.attended(student, over["session"])
    url = f"/student/feedback/opportunity/{over['id']}"
    page = await post(client, url, {"learned": "Scrubbing in <b>takes</b> time", "change": "x" * 2001, "recommend": "maybe"})
    assert page.status_code == 422
    assert "Choose a rating from 1 (poor) to 5 (excellent)." in page.text
    assert "Choose yes or no." in page.text and "Use at most 2000 characters." in page.text
    assert "Scrubbing in &lt;b&gt;takes&lt;/b&gt; time" in page.text
    assert not await Feedback.exists()


async def test_an_answer_can_be_changed_for_14_days_and_a_changed_comment_waits_for_staff_again(
        client, signed_in, make_user, school):
    student = await signed_in("student")
    over = await ff.opportunity(school)
    feedback_id = await ff.answered(student, over["id"], learned="Triage.", change="Longer lunch.")
    staff = await make_user("staff")
    for field in CommentField:
        await review.decide(staff, feedback_id, CommentChoice(field, CommentDecision.APPROVED))
    url = f"/student/feedback/opportunity/{over['id']}"
    # The rating changes; the comments do not: both stay approved.
    assert (await post(client, url, {"rating": "2", "recommend": "no", "learned": "Triage.", "change": "Longer lunch."})
            ).headers["location"] == f"{url}?done=changed"
    assert await CommentReview.count().where(CommentReview.feedback == feedback_id) == 2
    # The second comment changes: it waits for staff again; the first stays approved.
    assert (await post(client, url, {"rating": "2", "recommend": "no", "learned": "Triage.", "change": "Ms. Li was rude."})
            ).status_code == 303
    left = await CommentReview.select(CommentReview.field).where(CommentReview.feedback == feedback_id)
    assert left == [{"field": "learned"}]
    with clock.fixed(clock.now() + timedelta(days=14, minutes=1)):
        page = await post(client, url, ANSWER)
        assert page.status_code == 409 and "can be changed for 14 days" in page.text
        assert "can no longer be changed" in (await client.get(url)).text
    assert (await Feedback.select(Feedback.rating).where(Feedback.id == feedback_id).first())["rating"] == 2


async def test_staff_read_the_feedback_with_names_add_notes_and_decide_on_each_comment(
        client, signed_in, make_user, school):
    staff = await signed_in("staff", name="Coach Carter")
    host = await ff.partner(school, "Tri-County Builders Association")
    over = await ff.opportunity(school, [host["id"]], title="Senior Days")
    student = await make_user("student", name="Jordan Lee")
    feedback_id = await ff.answered(student, over["id"], rating=5, learned="Framing a wall.", change="")
    listing = (await client.get("/staff/feedback")).text
    assert "Tri-County Builders Association" in listing and "Senior Days" in listing and "Jordan Lee" in listing
    assert "Framing a wall." in listing and "Not read yet: the partner does not see it" in listing
    # The field without a comment has nothing to decide.
    assert (await post(client, f"/staff/feedback/{feedback_id}/comments", {"field": "change", "decision": "approved"})
            ).status_code == 422
    assert (await post(client, f"/staff/feedback/{feedback_id}/comments", {"field": "learned", "decision": "bogus"})
            ).status_code == 422
    done = await post(client, f"/staff/feedback/{feedback_id}/comments?partner={host['id']}",
                      {"field": "learned", "decision": "approved"})
    assert done.status_code == 303 and done.headers["location"].startswith(f"/staff/feedback?partner={host['id']}&done=decided")
    review = await CommentReview.select().where(CommentReview.feedback == feedback_id).first()
    assert (review["field"], review["decision"], review["decided_by"]) == ("learned", "approved", staff.id)
    assert "Shared with the partner by Coach Carter" in (await client.get(f"/staff/feedback?partner={host['id']}")).text
    assert (await post(client, f"/staff/feedback/{feedback_id}/comments", {"field": "learned", "decision": "withheld"})
            ).status_code == 303
    assert await CommentReview.select(CommentReview.decision).where(CommentReview.feedback == feedback_id) == [
        {"decision": "withheld"}]
    assert (await post(client, f"/staff/feedback/{feedback_id}/notes", {"note": "  "})).status_code == 422
    assert (await post(client, f"/staff/feedback/{feedback_id}/notes", {"note": "Wants to try carpentry."})).status_code == 303
    assert (await CounselorNote.select(CounselorNote.text, CounselorNote.author).first()) == {
        "text": "Wants to try carpentry.", "author": staff.id}
    assert "Wants to try carpentry." in (await client.get("/staff/feedback")).text
    # The partner's page has the card, for staff placing the next students.
    card = (await client.get(f"/staff/partners/{host['id']}")).text
    assert "Feedback from students" in card and "5.0 of 5" in card and "nothing until 5 students" in card


async def test_another_school_s_staff_are_refused_every_feedback_route_by_id(settings, make_user, make_client, school,
                                                                             other_school):
    student = await make_user("student")
    host = await ff.partner(school)
    await ff.contact(host["id"])
    over = await ff.opportunity(school, [host["id"]])
    feedback_id = await ff.answered(student, over["id"], learned="L", change="C")
    ids = {"feedback_id": feedback_id, "partner_id": host["id"]}
    checked = 0
    theirs = await make_user("staff", school_id=other_school)
    async with browser_of(make_client, theirs) as browser:
        for path, method, _guards, _roles in route_table(settings):
            if not (path.startswith("/staff/feedback/") and ":int}" in path):
                continue
            url = re.sub(r"\{(\w+):int\}", lambda m: str(ids[m.group(1)]), path)
            data = {"note": "N", "field": "learned", "decision": "approved", "contact": "1"}
            response = await (browser.get(url) if method == "GET" else post(browser, url, data))
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
        assert (await browser.get(f"/staff/feedback?partner={host['id']}")).status_code == 404
        assert "No feedback yet" in (await browser.get("/staff/feedback")).text
    assert checked >= 4
    assert not await CounselorNote.exists() and not await CommentReview.exists()


async def test_the_dashboard_card_takes_the_same_queries_for_one_or_many_experiences(make_user, school):
    few, many = await make_user("student"), await make_user("student")
    host = await ff.partner(school)
    first = await ff.opportunity(school, [host["id"]])
    await ff.attended(few, first["session"])
    for n in range(6):
        item = await ff.opportunity(school, [host["id"]], title=f"Visit {n}")
        await ff.attended(many, item["session"])
        await ff.placement(many, host["id"], title=f"Shadow {n}")
    counts = []
    for student in (few, many):
        async with counting_queries() as seen:
            await experiences.waiting(student)
        counts.append(len(seen))
    assert counts[0] == counts[1] <= 2, counts
    assert len(await experiences.waiting(many)) == 12


async def test_an_answer_sent_several_times_at_once_is_one_answer(client, signed_in, make_user, make_client, school):
    student = await signed_in("student")
    over = await ff.opportunity(school)
    await ff.attended(student, over["session"])
    url = f"/student/feedback/opportunity/{over['id']}"
    sent = await asyncio.gather(*(post(client, url, ANSWER | {"rating": str(n)}) for n in range(1, 6)))
    assert sorted(r.status_code for r in sent) == [303] * 5
    assert sum(r.headers["location"].endswith("done=saved") for r in sent) == 1
    assert await Feedback.count() == 1
    feedback_id = (await Feedback.select(Feedback.id).first())["id"]
    # Two staff members decide on the same comment at once: one decision stands.
    first, second = await make_user("staff"), await make_user("staff")
    async with browser_of(make_client, first) as one, browser_of(make_client, second) as two:
        answers_ = await asyncio.gather(
            post(one, f"/staff/feedback/{feedback_id}/comments", {"field": "learned", "decision": "approved"}),
            post(two, f"/staff/feedback/{feedback_id}/comments", {"field": "learned", "decision": "withheld"}))
    assert [r.status_code for r in answers_] == [303, 303]
    assert await CommentReview.count().where(CommentReview.feedback == feedback_id) == 1


async def test_staff_placing_students_see_what_students_said_of_each_partner(client, signed_in, make_user):
    from tests.opportunity_factories import post_opportunity

    staff = await signed_in("staff")
    host, quiet = await ff.partner(staff.school_id), await ff.partner(staff.school_id, name="Quiet Works")
    for n, rating in enumerate((5, 4)):
        visit = await ff.opportunity(staff.school_id, [host["id"]], title=f"Visit {n}")
        await ff.answered(await make_user("student", name=f"Answering {n}"), visit["id"], rating=rating)
    next_visit = await post_opportunity(staff, partners={host["id"]: "Table 1", quiet["id"]: ""})
    page = re.sub(r"<[^>]+>", "", (await client.get(f"/staff/opportunities/{next_visit}")).text)
    assert "Students rated it 4.5 of 5 (2 answers)" in page and "No feedback from students yet" in page


async def test_the_staff_review_is_paged_by_partner(client, signed_in, make_user):
    staff = await signed_in("staff")
    for n in range(27):
        host = await ff.partner(staff.school_id, name=f"Partner {n:02d}")
        visit = await ff.opportunity(staff.school_id, [host["id"]], title=f"Visit {n:02d}")
        await ff.answered(await make_user("student", name=f"Student {n:02d}"), visit["id"], rating=4)
    first = re.sub(r"<[^>]+>", "", (await client.get("/staff/feedback")).text)
    assert "27 partners · page 1 of 2" in first and "Partner 00" in first and "Partner 25" not in first
    second = re.sub(r"<[^>]+>", "", (await client.get("/staff/feedback?page=2")).text)
    assert "Partner 25" in second and "Partner 26" in second and "Partner 00" not in second
