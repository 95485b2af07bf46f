"""On a phone: a student asks their mentor to verify a new entry; the mentor verifies it from the queue; the
student sees it verified. Every page on the way passes axe and has large touch targets."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import expect

from tests.browser.conftest import PHONE, SMALL_PHONE
from tests.browser.helpers import (
    assert_phone_ready,
    log_draft,
    path_of,
    sign_in,
)

pytestmark = pytest.mark.browser

STUDENT = "student@demo.example"
MENTOR = "mentor@demo.example"  # Ms. Patel, assigned to the demo student by the demo data
COUNSELOR = "counselor@demo.example"  # staff and mentor




async def test_student_asks_mentor_verifies_student_sees_it(new_page, step):
    title = f"Shadowed a phlebotomist {uuid.uuid4().hex[:6]}"

    step("the student logs a draft and asks their mentor from the entry page")
    student = await new_page(PHONE)
    await sign_in(student, STUDENT)
    entry_path = f"/student/experiences/{await log_draft(student, title, organization='Riverside Health', cluster='healthcare-human-services')}"
    await student.goto(entry_path)
    entry_id = entry_path.rsplit("/", 1)[1]
    verification = student.locator("#verification")
    await expect(verification.locator(".status")).to_have_text("Draft")
    await assert_phone_ready(student)
    await student.get_by_role("link", name="Ask for verification").click()
    await student.wait_for_url(f"**/student/verify/new?entries={entry_id}")
    await expect(student.get_by_role("heading", level=1)).to_have_text("Ask for verification")
    chosen = student.get_by_role("checkbox", name=re.compile(re.escape(title)))
    await expect(chosen).to_be_checked()  # preselected from the entry page
    await expect(student.get_by_label("Mentor", exact=True)).to_have_value(re.compile(r"\d+"))
    await assert_phone_ready(student)
    await student.get_by_role("button", name="Ask my mentor").click()
    await student.wait_for_url("**/student/verify?sent=mentor")
    await expect(student.get_by_role("status")).to_contain_text("Sent.")
    await expect(student.locator(".request").filter(has_text=title)).to_contain_text("Ms. Patel")
    await assert_phone_ready(student)

    step("the mentor finds it in the queue (after the demo's own waiting request) and verifies it")
    mentor = await new_page(PHONE)
    await sign_in(mentor, MENTOR)
    assert path_of(mentor) == "/mentor"
    item = mentor.locator(".queue-item").filter(has_text=title)
    await expect(item).to_have_count(1)
    await expect(item).to_contain_text("Jordan Rivera")
    await expect(mentor.locator(".queue-item").filter(has_text="Tour of the hospital lab")).to_have_count(1)
    await assert_phone_ready(mentor)
    await item.get_by_role("checkbox").check()
    await mentor.get_by_role("button", name="Verify selected").click()
    await mentor.wait_for_url("**/mentor?done=verified&count=1")
    await expect(mentor.get_by_role("status").first).to_have_text("1 entry verified.")
    await expect(mentor.locator(".queue-item").filter(has_text=title)).to_have_count(0)
    await assert_phone_ready(mentor)

    step("the student sees it verified, by whom and how")
    await student.goto(entry_path)
    await expect(verification.locator(".status")).to_have_text("Verified")
    await expect(verification).to_contain_text("Verified by a mentor: Ms. Patel (teacher)")
    await expect(student.get_by_role("link", name="Ask for verification")).to_have_count(0)
    await assert_phone_ready(student)
    await student.goto("/student")
    row = student.locator(".entries .entry").filter(has=student.locator(".entry-title", has_text=title))
    await expect(row.locator(".status")).to_have_text("Verified")


async def test_staff_pages_for_mentors_and_a_students_history(new_page):
    page = await new_page(PHONE)
    await sign_in(page, COUNSELOR)
    await page.get_by_role("link", name="Mentors", exact=True).click()
    await page.wait_for_url("**/staff/mentors")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mentors")
    group = page.locator(".group").filter(has_text="Jordan Rivera")
    await expect(group).to_contain_text("Ms. Patel (teacher)")
    await assert_phone_ready(page)
    # Errors in place, nothing chosen lost: a student without a mentor choice.
    await page.get_by_role("checkbox", name=re.compile("Avery Chen")).check()
    await page.get_by_role("button", name="Assign", exact=True).click()
    await expect(page.locator(".field.has-error")).to_have_count(1)
    await expect(page.get_by_text("Choose a mentor of your school.")).to_be_visible()
    await expect(page.get_by_role("checkbox", name=re.compile("Avery Chen"))).to_be_checked()
    await assert_phone_ready(page)

    await group.get_by_role("link", name="Jordan Rivera").click()
    await page.wait_for_url(re.compile(r"/staff/students/\d+$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Rivera")
    await expect(page.locator(".staff-entries > li").filter(has_text="Tour of the hospital lab").locator(".status").first).to_have_text(
        "Awaiting verification"
    )
    await assert_phone_ready(page)


async def test_a_mentor_s_students_history_and_e_mail_setting_on_a_small_phone(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, MENTOR)
    tabs = page.get_by_role("navigation", name="Main")
    await tabs.get_by_role("link", name="Students").click()
    await page.wait_for_url("**/mentor/students")
    await expect(page.get_by_role("heading", level=1)).to_have_text("My students")
    await expect(tabs.locator("a[aria-current='page']")).to_have_text("Students")
    card = page.locator(".emp-card").filter(has_text="Jordan Rivera")
    await expect(card).to_contain_text("verified")
    await expect(card).to_contain_text("waiting for you")  # the demo's own waiting request
    await assert_phone_ready(page)
    # The whole card opens the student's record, which belongs to Students and goes back there.
    await card.get_by_role("link", name="Jordan Rivera").click()
    await page.wait_for_url(re.compile(r"/mentor/students/\d+$"))
    await expect(tabs.locator("a[aria-current='true']")).to_have_text("Students")
    await page.get_by_role("link", name="Back to Students").click()
    await page.wait_for_url("**/mentor/students")

    await tabs.get_by_role("link", name="History").click()
    await page.wait_for_url("**/mentor/history")
    await expect(page.get_by_role("heading", level=1)).to_have_text("History")
    await assert_phone_ready(page)

    await tabs.get_by_role("link", name="Account").click()
    box = page.get_by_role("checkbox", name=re.compile("Verification requests: one e-mail a day"))
    await box.set_checked(not await box.is_checked())
    wanted = await box.is_checked()
    await page.locator("form[action='/mentor/digest']").get_by_role("button", name="Save").click()
    await page.wait_for_url(re.compile(r"/account\?digest=(on|off)$"))
    await expect(page.get_by_role("status")).to_have_text("E-mail preference saved.")
    assert await box.is_checked() == wanted
    await assert_phone_ready(page)
    # The browser tests share one demo database: the mentor's choice goes back to what it was.
    await box.set_checked(not wanted)
    await page.locator("form[action='/mentor/digest']").get_by_role("button", name="Save").click()
    await page.wait_for_url(re.compile(r"/account\?digest=(on|off)$"))
