"""Every page fits a small phone (360 px) without sideways scrolling and with large touch targets; the
dashboard passes axe on a desktop too."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import DESKTOP, SMALL_PHONE
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    assert_touch_targets,
    sign_in,
)

pytestmark = pytest.mark.browser


async def _fits(page) -> None:
    await assert_no_horizontal_scroll(page)
    await assert_touch_targets(page)


async def test_pages_fit_360(new_page):
    page = await new_page(SMALL_PHONE)
    assert await page.evaluate("() => window.innerWidth") == 360

    await page.goto("/signin")
    await _fits(page)
    await page.get_by_role("link", name="Forgot your password?").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    await _fits(page)
    await assert_accessible(page)
    await page.get_by_role("link", name="Back to sign in").click()
    await page.wait_for_url("**/signin")

    await sign_in(page, "student@demo.example")
    await expect(page.get_by_role("heading", level=1)).to_have_text("My hours")
    await _fits(page)
    await page.get_by_role("link", name="All entries").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("All entries")
    await _fits(page)

    await page.goto("/student/experiences/new")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Log hours")
    await _fits(page)
    # With every error shown (all fields empty), the form still fits.
    await page.get_by_label("Kind", exact=True).select_option("")
    await page.get_by_label("Career cluster", exact=True).select_option("")
    for label in ("Title", "Organization", "Date", "Hours"):
        await page.get_by_label(label, exact=True).fill("")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.locator(".field.has-error")).to_have_count(6)
    await expect(page.get_by_role("alert")).to_be_focused()  # htmx has settled
    await _fits(page)

    # On a desktop screen.
    page = await new_page(DESKTOP)
    await sign_in(page, "student@demo.example")
    await expect(page.get_by_role("heading", level=1)).to_have_text("My hours")
    await assert_accessible(page)
    await assert_no_horizontal_scroll(page)
    # The content column keeps a readable width instead of stretching across the screen.
    box = await page.locator("main").bounding_box()
    assert box is not None and box["width"] < 800, box
