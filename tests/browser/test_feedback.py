"""Feedback on a phone: Jordan answers from the dashboard's question about last week's job site visit; the counselor reads the
feedback, previews Riverside Health's summary and sends it; the partner's contact opens the e-mailed link,
without an account, and reads the summary without any student's name."""

from __future__ import annotations

import asyncio
import time

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, path_of, sign_in

pytestmark = pytest.mark.browser
PARTNER_CONTACT = "sokoro@riversidehealth.example"


async def test_a_student_answers_from_the_dashboard_card_on_a_phone(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "student@demo.example")
    ask = page.get_by_role("link", name="How was Site visit: Tri-County Builders job site? Tell us in a minute")
    await expect(ask).to_be_visible()
    await assert_phone_ready(page)
    await ask.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("How was Site visit: Tri-County Builders job site?")
    await expect(page.get_by_text("The partner never sees your name.", exact=False)).to_be_visible()
    await assert_phone_ready(page)
    learned = "Union apprentices are paid while they learn."
    await page.get_by_label("What did you learn?").fill(learned)
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await expect(page.get_by_label("What did you learn?")).to_have_value(learned)
    await assert_phone_ready(page)
    await page.get_by_label("4, Very good").check()
    await page.get_by_label("Yes").check()
    await page.get_by_role("button", name="Send my answer").click()
    await expect(page.get_by_role("status")).to_have_text("Thank you. Your answer is saved.")
    await expect(page.get_by_role("button", name="Save my changes")).to_be_visible()
    await assert_phone_ready(page)
    await page.goto("/student")
    await expect(page.get_by_role("heading", name="My hours")).to_be_visible()
    await expect(ask).to_have_count(0)


async def test_staff_send_the_summary_and_the_partner_reads_it_on_a_phone(new_page):
    staff = await new_page(SMALL_PHONE)
    await sign_in(staff, "counselor@demo.example")
    await staff.goto("/staff/feedback")
    await expect(staff.get_by_role("heading", name="Riverside Health", exact=True)).to_be_visible()
    await expect(staff.get_by_text("Maya Johnson").first).to_be_visible()
    await assert_phone_ready(staff)
    await staff.get_by_role("link", name="Summary for the partner").first.click()
    await expect(staff.get_by_role("heading", level=1)).to_have_text("Summary for Riverside Health")
    await assert_phone_ready(staff)
    before = await _messages_to(new_page)
    await staff.get_by_label("Contact", exact=True).select_option(label=f"Sam Okoro <{PARTNER_CONTACT}>")
    await staff.get_by_role("button", name="Send the link").click()
    await expect(staff.get_by_role("status")).to_have_text("Summary sent. It is logged as an e-mail.")
    await assert_phone_ready(staff)

    partner = await new_page(SMALL_PHONE)
    link = await _newest_link(partner, before)
    response = await partner.goto(link)
    assert response is not None and response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer" and response.headers["cache-control"] == "no-store"
    await expect(partner.get_by_role("heading", level=1)).to_have_text("What students said about Riverside Health")
    await expect(partner.locator(".feedback-figures")).to_contain_text("Average rating")
    await expect(partner.get_by_text("Phlebotomy is its own certification", exact=False)).to_be_visible()
    for name in ("Maya Johnson", "Luis Ortega", "Jordan Rivera", "red glasses"):
        await expect(partner.get_by_text(name, exact=False)).to_have_count(0)
    assert path_of(partner).startswith("/partner-feedback/")
    await assert_phone_ready(partner)


async def _messages_to(new_page) -> int:
    page = await new_page(SMALL_PHONE)
    await page.goto("/dev/outbox")
    return await page.locator(".entries .entry").filter(has_text=f"To {PARTNER_CONTACT}").count()


async def _newest_link(page: Page, before: int) -> str:
    """The link of the newest e-mail to the partner's contact, read from /dev/outbox once it is delivered."""
    messages = page.locator(".entries .entry").filter(has_text=f"To {PARTNER_CONTACT}")
    deadline = time.monotonic() + 10
    while True:
        await page.goto("/dev/outbox")
        if await messages.count() > before or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    assert await messages.count() > before
    await messages.first.locator("a").click()
    link = page.get_by_role("link", name="Open the link in this e-mail")
    await expect(link).to_have_count(1)
    return await link.get_attribute("href")
