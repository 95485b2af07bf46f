"""A school's identity on a small phone: an administrator gives it a colour (a light one is refused with its
contrast), its students see the school's name and colour in the header; its own staff give it a logo from
their Account page and take it away again."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests import samples
from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, sign_in

pytestmark = pytest.mark.browser

SCHOOL = "Riverside Career Center"


async def _set_accent(page, colour: str) -> None:
    await page.goto("/admin/schools")
    await page.get_by_role("link", name=SCHOOL, exact=True).click()
    await page.get_by_label("Accent colour").fill(colour)
    await page.get_by_role("button", name="Save", exact=True).click()


async def test_a_school_colour_and_logo_reach_its_students_header(new_page, tmp_path):
    admin = await new_page(SMALL_PHONE)
    await sign_in(admin, "admin@demo.example")
    await _set_accent(admin, "#ffcc00")
    await expect(admin.locator(".error-summary")).to_be_visible()
    await expect(admin.get_by_text("This colour is too light")).to_be_visible()
    await assert_phone_ready(admin)
    await _set_accent(admin, "#7b2d8e")
    await expect(admin.get_by_role("heading", level=1)).to_have_text("Schools")
    logo = tmp_path / "logo.png"
    logo.write_bytes(samples.png_plain(96, 96))
    await admin.get_by_role("link", name=SCHOOL, exact=True).click()
    await admin.get_by_label("Picture").set_input_files(logo)
    await admin.get_by_role("button", name="Upload the logo").click()
    await admin.get_by_role("link", name=SCHOOL, exact=True).click()
    await expect(admin.get_by_role("img", name=SCHOOL)).to_be_visible()
    await assert_phone_ready(admin)
    try:
        student = await new_page(SMALL_PHONE)
        await sign_in(student, "student@demo.example")
        brand = student.locator("header.top .brand")
        await expect(brand).to_have_text(SCHOOL)
        await expect(brand.locator("img.logo")).to_be_visible()
        assert await brand.locator("img.logo").evaluate("img => img.naturalWidth") == 96
        await expect(student.locator("header.top")).to_have_css("background-color", "rgb(123, 45, 142)")
        await assert_phone_ready(student)
    finally:
        # The browser tests share one demo database: give the school its own green back.
        await _set_accent(admin, "")
        await expect(admin.get_by_role("heading", level=1)).to_have_text("Schools")


async def test_staff_give_their_school_a_logo_and_take_it_away(new_page, tmp_path):
    staff = await new_page(SMALL_PHONE)
    await sign_in(staff, "counselor@demo.example")
    await staff.goto("/account")
    await staff.get_by_role("link", name="School name, logo and colour").click()
    await expect(staff.get_by_role("heading", level=1)).to_have_text(SCHOOL)
    await expect(staff.locator('nav.tabs a[aria-current="true"]')).to_contain_text("Account")
    await assert_phone_ready(staff)
    await staff.get_by_label("Accent colour").fill("#ffcc00")
    await staff.get_by_role("button", name="Save", exact=True).click()
    await expect(staff.locator(".error-summary")).to_be_visible()
    await expect(staff.get_by_text("This colour is too light")).to_be_visible()
    await assert_phone_ready(staff)

    logo = tmp_path / "logo.png"
    logo.write_bytes(samples.png_plain(96, 96))
    await staff.get_by_label("Picture").set_input_files(logo)
    await staff.get_by_role("button", name="Upload the logo").click()
    await expect(staff.get_by_role("status")).to_have_text("School saved.")
    await expect(staff.get_by_role("img", name=SCHOOL)).to_be_visible()
    await assert_phone_ready(staff)
    # A page with a back link leaves the phone's header to it: the school's name shows on the home page.
    await staff.goto("/staff")
    brand = staff.locator("header.top .brand")
    await expect(brand.locator("img.logo")).to_be_visible()

    await staff.goto("/staff/school")
    await staff.get_by_role("button", name="Remove logo").click()
    await expect(staff.get_by_role("status")).to_have_text("School saved.")
    await expect(staff.get_by_text("No logo: the header shows the school's name alone.")).to_be_visible()
    await assert_phone_ready(staff)
    await staff.goto("/staff")
    await expect(brand).to_have_text(SCHOOL)
    await expect(brand.locator("img")).to_have_count(0)
