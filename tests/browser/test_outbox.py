"""Staff read what the app e-mailed on a small phone: recipient, subject and state, no bodies."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, sign_in

pytestmark = pytest.mark.browser


async def test_staff_read_the_schools_email_on_a_small_phone(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    await page.get_by_role("link", name="Account", exact=True).click()
    await page.get_by_role("link", name="E-mail the app sent").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("E-mail")
    # The demo's mentor request, queued by seed-demo, was delivered by the server's own worker.
    request = page.locator(".outbox li").filter(has_text="To mentor@demo.example")
    await expect(request.first).to_contain_text("Sent")
    await assert_phone_ready(page)
    await page.get_by_role("link", name="Not delivered").click()
    await expect(page.get_by_text("No message failed.")).to_be_visible()
    await assert_phone_ready(page)
