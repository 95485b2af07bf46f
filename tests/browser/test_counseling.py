"""On a 360 px phone: a counselor records a check-in with a next step from their caseload; the student finds the
step on their dashboard's plan card and marks it done. Every page on the way passes axe, has 44 px targets and
no sideways scrolling."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, sign_in

pytestmark = pytest.mark.browser

STUDENT = "student@demo.example"  # Jordan Rivera, on the demo counselor's caseload
COUNSELOR = "counselor@demo.example"


async def test_a_counselor_records_a_next_step_and_the_student_marks_it_done(new_page, step):
    what = f"Call Valley Electrical about the open house {uuid.uuid4().hex[:6]}"
    note = f"Private: talked about money at home {uuid.uuid4().hex[:6]}"

    step("the counselor opens their caseload from the staff home")
    counselor = await new_page(SMALL_PHONE)
    await sign_in(counselor, COUNSELOR)
    await counselor.get_by_role("link", name="My caseload").click()
    await counselor.wait_for_url("**/staff/caseload")
    await expect(counselor.get_by_role("heading", level=1)).to_have_text("My caseload")
    await assert_phone_ready(counselor)

    step("records a check-in with Jordan, with a next step for Jordan")
    await counselor.get_by_role("link", name="Record a check-in with Jordan Rivera").click()
    await expect(counselor.get_by_role("heading", level=1)).to_have_text("Record a check-in")
    await assert_phone_ready(counselor)
    await counselor.get_by_label("Kind").select_option("career_conversation")
    await counselor.get_by_label("Private notes").fill(note)
    await counselor.get_by_label("Step 1").fill(what)
    await counselor.locator("#step-0-due").fill((date.today() + timedelta(days=7)).isoformat())
    async with counselor.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/check-ins")) as saved:
        await counselor.get_by_role("button", name="Save check-in").click()
    assert (await saved.value).status == 303
    await expect(counselor.get_by_role("heading", level=1)).to_have_text("Jordan Rivera")
    await expect(counselor.get_by_role("status").filter(has_text="Check-in saved.")).to_be_visible()
    await expect(counselor.locator(".check-ins li.card").first).to_contain_text(note)
    await assert_phone_ready(counselor)

    step("the student sees the step on the dashboard's plan card, and marks it done on the plan page")
    student = await new_page(SMALL_PHONE)
    await sign_in(student, STUDENT)
    card = student.locator("section", has=student.get_by_role("heading", name="My plan"))
    await expect(card).to_be_visible()
    await card.get_by_role("link").click()
    await expect(student.get_by_role("heading", level=1)).to_have_text("My plan")
    row = student.locator(".next-steps li").filter(has_text=what)
    await expect(row).to_have_count(1)
    await expect(student.locator("main")).not_to_contain_text(note)
    await assert_phone_ready(student)
    async with student.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/done")) as marked:
        await row.get_by_role("button", name=f"Mark done: {what}").click()
    assert (await marked.value).status == 303
    await expect(student.get_by_role("status").filter(has_text="Marked done.")).to_be_visible()
    await expect(row).to_contain_text("done")
    await expect(row.get_by_role("button", name=f"Mark not done: {what}")).to_be_visible()
    await assert_phone_ready(student)


async def test_the_caseloads_and_plan_forms_are_phone_ready(new_page):
    counselor = await new_page(SMALL_PHONE)
    await sign_in(counselor, COUNSELOR)
    for path, heading in (("/staff/counselors", "Caseloads"), ("/staff/caseload?flag=no_check_in", "My caseload")):
        await counselor.goto(path)
        await expect(counselor.get_by_role("heading", level=1)).to_have_text(heading)
        await assert_phone_ready(counselor)
    await counselor.goto("/staff/caseload")
    await counselor.get_by_role("link", name="Avery Chen", exact=True).click()
    await expect(counselor.get_by_role("heading", level=1)).to_have_text("Avery Chen")
    await counselor.get_by_role("link", name="Edit the plan").click()
    await expect(counselor.get_by_role("heading", level=1)).to_have_text("Plan of Avery Chen")
    await assert_phone_ready(counselor)

    student = await new_page(SMALL_PHONE)
    await sign_in(student, STUDENT)
    await student.goto("/student/plan/edit")
    await expect(student.get_by_role("heading", level=1)).to_have_text("My plan")
    await assert_phone_ready(student)
    await student.get_by_label("After graduation").select_option("four_year_college")
    async with student.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/student/plan")) as saved:
        await student.get_by_role("button", name="Save plan").click()
    assert (await saved.value).status == 303
    await expect(student.get_by_role("status").filter(has_text="Plan saved.")).to_be_visible()
    await expect(student.locator("dl.plan")).to_contain_text("Four-year college")
    await assert_phone_ready(student)
