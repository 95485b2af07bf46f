"""The student's profile and the staff's employers page, on a phone."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, path_of, sign_in

pytestmark = pytest.mark.browser


async def test_student_saves_a_profile(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "student@demo.example")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    await page.get_by_role("link", name="My profile").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("My profile")
    await assert_phone_ready(page)
    headline = f"Future network technician {uuid.uuid4().hex[:4]}"
    await page.get_by_label("Headline").fill(headline)
    await page.get_by_label("Skills").fill("cabling, Linux, customer service")
    await page.get_by_label("Digital Technology").check()
    await page.get_by_label("Graduation year").fill("1900")
    await page.get_by_role("button", name="Save profile").click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await expect(page.get_by_label("Headline")).to_have_value(headline)  # nothing typed was lost
    await assert_phone_ready(page)
    await page.get_by_label("Graduation year").fill("2027")
    await page.get_by_role("button", name="Save profile").click()
    await page.wait_for_url("**/student/profile?saved=1")
    await expect(page.get_by_role("status")).to_have_text("Saved.")
    await expect(page.get_by_label("Digital Technology")).to_be_checked()
    await expect(page.get_by_label("Skills")).to_have_value("cabling, Linux, customer service")


async def test_staff_employers_page(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    await page.get_by_role("link", name="Partners", exact=True).click()
    await page.get_by_role("link", name="Employer accounts").click()
    assert path_of(page) == "/staff/employers"
    await expect(page.get_by_text("Acme Manufacturing")).to_be_visible()
    await assert_phone_ready(page)
