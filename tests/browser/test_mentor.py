"""On a phone: a student asks their mentor to verify a new entry; the mentor verifies it from the queue; the
student sees it verified. Every page on the way passes axe and has large touch targets."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import PHONE
from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, assert_touch_targets, sign_in

pytestmark = pytest.mark.browser

STUDENT = "student@demo.example"
MENTOR = "mentor@demo.example"  # Ms. Patel, assigned to the demo student by the demo data
COUNSELOR = "counselor@demo.example"  # staff and mentor


def _path(page: Page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


async def _checked(page: Page) -> None:
    await assert_accessible(page)
    await assert_touch_targets(page)
    await assert_no_horizontal_scroll(page)


async def _log_draft(page: Page, title: str) -> str:
    """A new draft through the form; returns its entry page's path."""
    await page.goto("/student/experiences/new")
    await page.get_by_label("Kind", exact=True).select_option("job_shadow")
    await page.get_by_label("Title", exact=True).fill(title)
    await page.get_by_label("Organization", exact=True).fill("Riverside Health")
    await page.get_by_label("Hours", exact=True).fill("1")
    await page.get_by_label("Career cluster", exact=True).select_option("healthcare-human-services")
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.wait_for_url(re.compile(r"/student\?saved=\d+$"))
    row = page.locator(".entries .entry").filter(has=page.locator(".entry-title", has_text=title))
    await row.locator("a").click()
    await page.wait_for_url(re.compile(r"/student/experiences/\d+$"))
    return _path(page)


async def test_student_asks_mentor_verifies_student_sees_it(new_page):
    title = f"Shadowed a phlebotomist {uuid.uuid4().hex[:6]}"

    # The student logs a draft and asks their mentor from the entry page.
    student = await new_page(PHONE)
    await sign_in(student, STUDENT)
    entry_path = await _log_draft(student, title)
    entry_id = entry_path.rsplit("/", 1)[1]
    verification = student.locator("#verification")
    await expect(verification.locator(".status")).to_have_text("Draft")
    await _checked(student)
    await student.get_by_role("link", name="Ask for verification").click()
    await student.wait_for_url(f"**/student/verify/new?entries={entry_id}")
    await expect(student.get_by_role("heading", level=1)).to_have_text("Ask for verification")
    chosen = student.get_by_role("checkbox", name=re.compile(re.escape(title)))
    await expect(chosen).to_be_checked()  # preselected from the entry page
    await expect(student.get_by_label("Mentor", exact=True)).to_have_value(re.compile(r"\d+"))
    await _checked(student)
    await student.get_by_role("button", name="Ask my mentor").click()
    await student.wait_for_url("**/student/verify?sent=mentor")
    await expect(student.get_by_role("status")).to_contain_text("Sent.")
    await expect(student.locator(".request").filter(has_text=title)).to_contain_text("Ms. Patel")
    await _checked(student)

    # The mentor finds it in the queue (after the demo's own waiting request) and verifies it.
    mentor = await new_page(PHONE)
    await sign_in(mentor, MENTOR)
    assert _path(mentor) == "/mentor"
    item = mentor.locator(".queue-item").filter(has_text=title)
    await expect(item).to_have_count(1)
    await expect(item).to_contain_text("Jordan Rivera")
    await expect(mentor.locator(".queue-item").filter(has_text="Tour of the hospital lab")).to_have_count(1)
    await _checked(mentor)
    await item.get_by_role("checkbox").check()
    await mentor.get_by_role("button", name="Verify selected").click()
    await mentor.wait_for_url("**/mentor?done=verified&count=1")
    await expect(mentor.get_by_role("status").first).to_have_text("1 entry verified.")
    await expect(mentor.locator(".queue-item").filter(has_text=title)).to_have_count(0)
    await _checked(mentor)

    # The student sees it verified, by whom and how.
    await student.goto(entry_path)
    await expect(verification.locator(".status")).to_have_text("Verified")
    await expect(verification).to_contain_text("Verified by a mentor: Ms. Patel (teacher)")
    await expect(student.get_by_role("link", name="Ask for verification")).to_have_count(0)
    await _checked(student)
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
    await _checked(page)
    # Errors in place, nothing chosen lost: a student without a mentor choice.
    await page.get_by_role("checkbox", name=re.compile("Avery Chen")).check()
    await page.get_by_role("button", name="Assign", exact=True).click()
    await expect(page.locator(".field.has-error")).to_have_count(1)
    await expect(page.get_by_text("Choose a mentor of your school.")).to_be_visible()
    await expect(page.get_by_role("checkbox", name=re.compile("Avery Chen"))).to_be_checked()
    await _checked(page)

    await group.get_by_role("link", name="Jordan Rivera").click()
    await page.wait_for_url(re.compile(r"/staff/students/\d+$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Rivera")
    await expect(page.locator(".staff-entries > li").filter(has_text="Tour of the hospital lab").locator(".status").first).to_have_text(
        "Awaiting verification"
    )
    await _checked(page)
