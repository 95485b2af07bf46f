"""Placements on a 360 px phone: the counselor adds one and the student signs its agreement; the supervisor,
with no account, confirms a week of hours in one tap from the e-mailed link, and evaluates the student."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.async_api import expect

from portfolio import clock
from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, link_in_outbox, path_of, sign_in

pytestmark = pytest.mark.browser

SUPERVISOR = "dana@acme.example"


async def test_the_counselor_adds_a_placement_and_the_student_signs_it_on_a_phone(new_page):
    counselor = await new_page(SMALL_PHONE)
    await sign_in(counselor, "counselor@demo.example")
    await counselor.goto("/staff/placements")
    await expect(counselor.get_by_role("heading", level=1)).to_have_text("Placements")
    await expect(counselor.locator(".entry", has_text="Jordan Rivera: Machining intern")).to_contain_text(
        "1 week waiting for the supervisor")
    await assert_phone_ready(counselor)
    await counselor.get_by_role("link", name="Add a placement").click()
    await expect(counselor.get_by_role("heading", level=1)).to_have_text("Add a placement")
    title = f"Welding apprentice {uuid.uuid4().hex[:6]}"
    await counselor.get_by_label("Student").select_option(label="Jordan Rivera")
    await counselor.get_by_label("Partner").select_option(label="Acme Manufacturing")
    await counselor.get_by_role("button", name="Save placement").click()
    await expect(counselor.locator(".error-summary")).to_be_visible()
    await assert_phone_ready(counselor)
    await counselor.get_by_label("Workplace supervisor").select_option(label="Dana Brooks (Acme Manufacturing)")
    await counselor.get_by_label("Kind").select_option(label="Apprenticeship")
    await counselor.get_by_label("Title").fill(title)
    today = clock.today_at("America/New_York")
    await counselor.get_by_label("First day").fill((today + timedelta(days=7)).isoformat())
    await counselor.get_by_label("Last day").fill((today + timedelta(days=120)).isoformat())
    await counselor.get_by_label("Schedule").fill("Weekdays, 2 to 5 pm")
    await counselor.get_by_role("button", name="Save placement").click()
    await counselor.wait_for_url(re.compile(r"/staff/placements/\d+\?done=added$"))
    placement_path = path_of(counselor).split("?")[0]
    await expect(counselor.get_by_role("heading", level=1)).to_have_text(title)
    await assert_phone_ready(counselor)

    student = await new_page(SMALL_PHONE)
    await sign_in(student, "student@demo.example")
    await student.goto("/student")
    await student.get_by_role("link", name=re.compile(title)).click()
    await expect(student.get_by_role("heading", level=1)).to_have_text(title)
    await expect(student.locator(".agreement")).to_contain_text("Weekdays, 2 to 5 pm")
    await assert_phone_ready(student)
    await student.get_by_label("Your full name").fill("Jordan Rivera")
    await student.get_by_role("button", name="Sign the agreement").click()
    await expect(student.locator(".error-summary")).to_be_visible()  # the box was not ticked
    await expect(student.get_by_label("Your full name")).to_have_value("Jordan Rivera")
    await assert_phone_ready(student)
    await student.get_by_label("I have read the agreement above and agree to it.").check()
    await student.get_by_role("button", name="Sign the agreement").click()
    await expect(student.get_by_role("status")).to_have_text("Signed.")
    await expect(student.locator(".signatures .entry", has_text="Student")).to_contain_text("Signed by Jordan Rivera")
    await assert_phone_ready(student)
    await counselor.goto(placement_path)
    await expect(counselor.locator(".signatures .entry", has_text="Student")).to_contain_text("Signed by Jordan Rivera")


async def test_the_supervisor_confirms_a_week_in_one_tap_and_evaluates(new_page):
    today = clock.today_at("America/New_York")
    waiting_week = today - timedelta(days=today.weekday() + 7)
    reader = await new_page(SMALL_PHONE)
    link = await link_in_outbox(reader, SUPERVISOR, f"Jordan Rivera's hours for the week of {waiting_week:%b} {waiting_week.day}")

    supervisor = await new_page(SMALL_PHONE)
    response = await supervisor.goto(link)
    assert response is not None and response.status == 200
    assert re.fullmatch(r"/w/l/\d+", path_of(supervisor)), supervisor.url  # the token left the address bar
    assert response.headers["cache-control"] == "no-store"
    await expect(supervisor.get_by_role("heading", level=1)).to_have_text("Jordan Rivera's hours")
    await expect(supervisor.locator(".timesheet .entry")).to_have_count(2)
    await assert_phone_ready(supervisor)
    await supervisor.get_by_role("button", name="Confirm all 2").click()
    await expect(supervisor.get_by_role("status")).to_contain_text("2 entries are confirmed")
    await assert_phone_ready(supervisor)

    counselor = await new_page(SMALL_PHONE)
    await sign_in(counselor, "counselor@demo.example")
    await counselor.goto("/staff/placements")
    await counselor.get_by_role("link", name=re.compile("Jordan Rivera: Machining intern")).click()
    await counselor.get_by_role("button", name="Ask the supervisor for the evaluation").click()
    await expect(counselor.get_by_role("status")).to_have_text("The supervisor was sent the evaluation link.")

    link = await link_in_outbox(reader, SUPERVISOR, "Please evaluate Jordan Rivera's placement")
    evaluator = await new_page(SMALL_PHONE)
    await evaluator.goto(link)
    await expect(evaluator.get_by_role("heading", level=1)).to_have_text("Evaluate Jordan Rivera")
    await assert_phone_ready(evaluator)
    criteria = evaluator.locator("fieldset.rubric-criterion")
    for index in range(await criteria.count()):
        await criteria.nth(index).get_by_role("radio", name=re.compile(r"3: ")).check()
    await evaluator.get_by_label("Comment on communication").fill("Explains set-ups clearly to the next shift.")
    await evaluator.get_by_role("button", name="Send the evaluation").click()
    await expect(evaluator.get_by_role("status")).to_contain_text("evaluation is recorded")

    student = await new_page(SMALL_PHONE)
    await sign_in(student, "student@demo.example")
    await student.goto("/student/placements")
    await student.get_by_role("link", name=re.compile("Machining intern")).click()
    evaluation = student.locator(".evaluation")
    await expect(evaluation).to_contain_text("Explains set-ups clearly to the next shift.")
    await expect(evaluation).to_contain_text("Given by the supervisor")
    await assert_phone_ready(student)


async def test_the_supervisor_signs_from_the_link_and_staff_edit_the_rubric(new_page):
    reader = await new_page(SMALL_PHONE)
    link = await link_in_outbox(reader, "sokoro@riversidehealth.example",
                                 "Please sign Avery Chen's placement agreement with Riverside Health")
    supervisor = await new_page(SMALL_PHONE)
    await supervisor.goto(link)
    await expect(supervisor.get_by_role("heading", level=1)).to_have_text("Placement agreement for Avery Chen")
    await expect(supervisor.locator(".agreement")).to_contain_text("The parent or guardian agrees")  # Avery is 16
    await assert_phone_ready(supervisor)
    await supervisor.get_by_label("Your full name").fill("Sam Okoro")
    await supervisor.get_by_label("I have read the agreement above and agree to it.").check()
    await supervisor.get_by_role("button", name="Sign the agreement").click()
    await expect(supervisor.get_by_role("status")).to_contain_text("Your signature is recorded")

    counselor = await new_page(SMALL_PHONE)
    await sign_in(counselor, "counselor@demo.example")
    await counselor.goto("/staff/placements")
    await counselor.get_by_role("link", name=re.compile("Avery Chen: Shadow a lab technician")).click()
    await expect(counselor.locator(".signatures .entry", has_text="Workplace supervisor")).to_contain_text("Signed by Sam Okoro")
    await expect(counselor.locator(".signatures .entry", has_text="Parent or guardian")).to_contain_text("Not signed yet")
    await assert_phone_ready(counselor)
    await counselor.goto("/staff/school/rubric")
    await expect(counselor.get_by_role("heading", level=1)).to_have_text("Evaluation rubric")
    await assert_phone_ready(counselor)
    skill = f"Safety {uuid.uuid4().hex[:4]}"
    add = counselor.locator("form", has=counselor.get_by_role("heading", name="Add a skill"))
    await add.get_by_label("Skill").fill(skill)
    await add.get_by_role("button", name="Add the skill").click()
    await expect(counselor.locator(".error-summary")).to_be_visible()
    await assert_phone_ready(counselor)
    for level in (1, 2, 3, 4):
        await add.get_by_label(f"Level {level}").fill(f"Level {level} words")
    await add.get_by_role("button", name="Add the skill").click()
    await expect(counselor.get_by_role("status")).to_have_text("Rubric saved.")
    await expect(counselor.locator(".rubric")).to_contain_text(skill)
