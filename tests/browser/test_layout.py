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


async def test_checkboxes_and_radio_buttons_are_44px_targets(new_page):
    """The sharing and verification forms' controls were 13 to 20 px wide beside a long label; axe does not
    measure that, so the control itself is measured as well as its label row."""
    checked = 0
    for account, paths in (
        ("student@demo.example", ("/student/sharing", "/student/verify/new", "/student/profile")),
        ("mentor@demo.example", ("/mentor",)),
        ("counselor@demo.example", ("/staff/mentors", "/staff/invite")),
    ):
        page = await new_page(SMALL_PHONE)
        await sign_in(page, account)
        for path in paths:
            await page.goto(path)
            sizes = await page.locator('input[type="checkbox"]:visible, input[type="radio"]:visible').evaluate_all(
                "(els) => els.map((el) => [el.name, el.getBoundingClientRect().width, el.getBoundingClientRect().height])"
            )
            small = [s for s in sizes if s[1] < 44 or s[2] < 44]
            assert small == [], f"controls smaller than 44 x 44 px on {path}: {small}"
            checked += len(sizes)
            await assert_touch_targets(page)
    assert checked >= 10, checked


async def test_motion_stops_when_the_device_asks_for_less(page):
    """Buttons and checkboxes fade their colour; under prefers-reduced-motion nothing moves at all."""
    await page.goto("/signin")
    button = page.get_by_role("button", name="Sign in", exact=True)
    durations = "(el) => [getComputedStyle(el).transitionDuration, getComputedStyle(el).animationName]"
    await page.emulate_media(reduced_motion="no-preference")
    moving, _ = await button.evaluate(durations)
    assert moving not in ("0s", ""), "the button has no transition to turn off"
    await page.emulate_media(reduced_motion="reduce")
    assert await button.evaluate(durations) == ["0s", "none"]
