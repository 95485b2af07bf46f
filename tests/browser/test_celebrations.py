"""On a 360 px phone: a counselor records Avery's signing-day commitment from her page; Avery confirms it on her
dashboard; the celebrations page shows it confirmed. Every page on the way passes axe, has 44 px targets and no
sideways scrolling; so do the celebrations page of the admin and the student's publication page."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, sign_in

pytestmark = pytest.mark.browser

STUDENT = "student2@demo.example"  # Avery Chen
COUNSELOR = "counselor@demo.example"


async def test_staff_record_a_signing_day_and_the_student_confirms_it(new_page, step):
    employer = f"Lakeside Clinic {uuid.uuid4().hex[:6]}"

    step("the counselor opens Avery's celebrations from her page and records a commitment")
    counselor = await new_page(SMALL_PHONE)
    await sign_in(counselor, COUNSELOR)
    await counselor.goto("/staff/caseload")
    await counselor.get_by_role("link", name="Avery Chen", exact=True).click()
    await counselor.get_by_role("link", name="Signing day and awards night").click()
    await expect(counselor.get_by_role("heading", level=1)).to_have_text("Celebrations")
    await assert_phone_ready(counselor)
    await counselor.get_by_label("Committed to").select_option("employer")
    await counselor.get_by_label("Employer, program, college or branch").fill(employer)
    await counselor.get_by_label("Role, program or branch").fill("Medical assistant")
    await counselor.get_by_label("Signed on").fill(date.today().isoformat())
    async with counselor.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/signing-days")) as saved:
        await counselor.get_by_role("button", name="Record", exact=True).click()
    assert (await saved.value).status == 303
    row = counselor.locator("#signing-day li").filter(has_text=employer)
    await expect(row).to_contain_text("Waiting for the student")
    await assert_phone_ready(counselor)

    step("Avery confirms it on her dashboard")
    student = await new_page(SMALL_PHONE)
    await sign_in(student, STUDENT)
    card = student.locator("#signing-day li").filter(has_text=employer)
    await expect(card).to_have_count(1)
    await assert_phone_ready(student)
    async with student.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/confirm")) as confirmed:
        await card.get_by_role("button", name=f"Yes, confirm {employer}").click()
    assert (await confirmed.value).status == 303
    await expect(student.locator("#signing-day li").filter(has_text=employer)).to_contain_text("Confirmed")
    await assert_phone_ready(student)

    step("the celebrations page shows it confirmed")
    await counselor.goto("/staff/celebrations")
    await expect(counselor.get_by_role("heading", level=1)).to_have_text("Celebrations")
    listed = counselor.locator("section", has=counselor.get_by_role("heading", name="Signing day")).locator("li").filter(has_text=employer)
    await expect(listed).to_contain_text("Confirmed")
    await assert_phone_ready(counselor)


async def test_the_admin_s_celebrations_and_the_publication_page_are_phone_ready(new_page):
    admin = await new_page(SMALL_PHONE)
    await sign_in(admin, "admin@demo.example")
    await admin.goto("/staff/reports")
    await admin.get_by_role("link", name="Celebrations: certifications, milestones, signing day and partners for an awards night").click()
    await expect(admin.get_by_role("heading", level=1)).to_have_text("Celebrations")
    await expect(admin.locator("main")).to_contain_text("100 verified hours")
    await assert_phone_ready(admin)
    student = await new_page(SMALL_PHONE)
    await sign_in(student, "student@demo.example")
    await student.get_by_role("link", name="My name at awards night").click()
    await expect(student.get_by_role("heading", level=1)).to_have_text("My name at awards night")
    await expect(student.locator("main")).to_contain_text("You agreed")
    await assert_phone_ready(student)
