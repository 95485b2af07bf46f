"""A new student's Get started card on a small phone. Headless Chromium fires no beforeinstallprompt, so the
written install steps (what iOS Safari needs) stay; a prompt the page receives turns them into a button."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, sign_in

pytestmark = pytest.mark.browser

NEW_STUDENT = "student2@demo.example"  # the demo's second student: no profile, no entries

# What a browser that can install the app hands the page; prompt() records that it was asked.
OFFER_THE_PROMPT = """() => {
  const event = new Event("beforeinstallprompt", {cancelable: true});
  event.prompt = () => { window.promptedToInstall = true; return Promise.resolve(); };
  event.userChoice = Promise.resolve({outcome: "accepted"});
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


async def test_a_new_student_sees_the_get_started_card_at_360(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, NEW_STUDENT)
    card = page.get_by_role("region", name="Get started")
    await expect(card).to_be_visible()
    await expect(card.get_by_role("heading", level=3)).to_have_text(
        ["Say who you are To do", "Log your first experience To do", "Install the app To do"], use_inner_text=True)
    await expect(card.get_by_role("link", name="Fill in my profile")).to_be_visible()
    await expect(card.get_by_role("link", name="Log my first hours")).to_be_visible()
    # No beforeinstallprompt in headless Chromium: the written steps stay, the Install button stays hidden.
    await expect(card.get_by_text("tap Share, then Add to Home Screen")).to_be_visible()
    await expect(card.get_by_role("button", name="Install", exact=True)).to_be_hidden()
    await expect(card.get_by_role("button", name="Installed, or not now")).to_be_visible()
    await assert_phone_ready(page)

    assert await page.evaluate(OFFER_THE_PROMPT) is True  # kept for the button, not shown by the browser
    install = card.get_by_role("button", name="Install", exact=True)
    await expect(install).to_be_visible()
    await expect(card.get_by_text("tap Share")).to_have_count(0)
    await assert_phone_ready(page)
    await install.click()
    assert await page.evaluate("window.promptedToInstall") is True
    await expect(card.get_by_role("status")).to_have_text("Installed: open Career Portfolio from your home screen.")
    await expect(card.get_by_role("heading", name="Install the app Done")).to_be_visible()


async def test_the_card_works_without_javascript(new_page):
    page = await new_page(SMALL_PHONE, javascript=False)
    await sign_in(page, NEW_STUDENT)
    card = page.get_by_role("region", name="Get started")
    await expect(card.get_by_text("tap Share, then Add to Home Screen")).to_be_visible()
    await expect(card.get_by_role("button", name="Install", exact=True)).to_be_hidden()
    await expect(card.get_by_role("button", name="Hide these steps")).to_be_visible()
    await card.get_by_role("link", name="Fill in my profile").click()
    await page.wait_for_url("**/student/profile")

