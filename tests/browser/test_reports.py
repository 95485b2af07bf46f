"""On a 360 px phone: the demo counselor opens the participation report from the reports, chooses another
definition and another school year, and follows a number to the students behind it; the admin reads the
definitions and opens one to edit. Every page on the way passes axe, has 44 px targets and no sideways
scrolling."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, path_of, sign_in

pytestmark = pytest.mark.browser

COUNSELOR = "counselor@demo.example"
ADMIN = "admin@demo.example"


async def test_a_counselor_follows_a_participation_number_to_the_students(new_page, step):
    step("the counselor opens the participation report from the reports")
    page = await new_page(SMALL_PHONE)
    await sign_in(page, COUNSELOR)
    await page.goto("/staff/reports")
    await page.get_by_role("link", name="Participation in work-based learning").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Participation in work-based learning")
    # The demo's Jordan, Avery and six classmates are in a program.
    await expect(page.locator("#headline")).to_contain_text("of 8 students met the definition")
    await assert_phone_ready(page)

    step("chooses Wisconsin's definition, then last school year and back: the definition stays chosen")
    await page.get_by_label("Definition", exact=True).select_option(label="Wisconsin: sustained work-based learning (90 hours)")
    await page.get_by_role("button", name="Use this definition").click()
    await expect(page.get_by_role("heading", level=2, name="Wisconsin")).to_be_visible()
    await expect(page.locator("main")).to_contain_text("At least 90 hours")
    await assert_phone_ready(page)
    await page.get_by_text("Filter: school year").click()
    years = page.get_by_label("School year")
    second = await years.locator("option").nth(1).get_attribute("value")
    await years.select_option(second)
    await page.get_by_role("button", name="Show", exact=True).click()
    await expect(page.get_by_role("heading", level=2, name="Wisconsin")).to_be_visible()
    assert f"year={second}" in path_of(page)
    await assert_phone_ready(page)
    await page.goto(path_of(page).replace(f"year={second}", ""))

    step("follows the number of students counted to the students behind it")
    await page.get_by_role("link", name="8 students counted, All students").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Students behind the number")
    await expect(page.locator("#students-table tbody tr")).to_have_count(8)
    assert re.fullmatch(r"/staff/students/\d+", await page.get_by_role("link", name="Jordan Rivera").get_attribute("href") or "")
    await assert_phone_ready(page)
    await page.get_by_role("link", name="Not met").click()
    await expect(page.get_by_role("link", name="Not met")).to_have_attribute("aria-current", "page")
    await assert_phone_ready(page)


async def test_the_admin_reads_and_edits_the_definitions(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, ADMIN)
    await page.goto("/staff/reports/participation")
    await expect(page.get_by_role("heading", name="By school")).to_be_visible()
    await assert_phone_ready(page)
    await page.get_by_role("link", name="All definitions").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Participation definitions")
    await assert_phone_ready(page)
    await page.get_by_role("link", name="Edit Illinois: 60 hours, at least 20 in one experience").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Edit the definition")
    await expect(page.get_by_label("Hours needed", exact=True)).to_have_value("60")
    await assert_phone_ready(page)
    # Every problem at once, nothing typed lost.
    await page.get_by_label("Name", exact=True).fill("")
    await page.get_by_label("Hours needed", exact=True).fill("")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await expect(page.locator("#name-error")).to_be_visible()
    await expect(page.locator("#min_hours-error")).to_be_visible()
    await expect(page.get_by_label("Hours needed in one experience")).to_have_value("20")
    await assert_phone_ready(page)


async def test_the_summary_for_a_board_names_nobody_on_a_phone(new_page, step):
    step("the counselor opens the summary from the reports: small counts hidden, no student named")
    page = await new_page(SMALL_PHONE)
    await sign_in(page, COUNSELOR)
    await page.goto("/staff/reports")
    await page.get_by_role("link", name="Summary for a board or a partner").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Work-based learning summary")
    # The demo school has fewer than five students in most clusters and certifications.
    await expect(page.locator("main")).to_contain_text("fewer than 5")
    await expect(page.locator("main")).not_to_contain_text("Jordan")
    await expect(page.locator('main a[href^="/staff/students/"]')).to_have_count(0)
    await assert_phone_ready(page)

    step("counts by another definition and downloads the summary")
    await page.get_by_label("Participation counted by").select_option(label="Wisconsin: sustained work-based learning (90 hours)")
    await page.get_by_role("button", name="Count by this definition").click()
    await expect(page.locator("main")).to_contain_text("Participation: Wisconsin")
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Download the summary (CSV)").click()
    assert (await downloading.value).suggested_filename.startswith("summary-")
    await assert_phone_ready(page)
