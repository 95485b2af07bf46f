"""A coordinator files a partner's insurance certificate from a phone, and finds it on the expiring list."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from playwright.async_api import expect

from tests import samples
from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, sign_in

pytestmark = pytest.mark.browser


async def test_a_coordinator_uploads_a_certificate_and_sees_it_expiring(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    await page.goto("/staff/partners?q=Riverside+Health")
    await page.get_by_role("link", name="Riverside Health").click()
    await expect(page.get_by_role("heading", name="Agreements and documents")).to_be_visible()
    await page.get_by_role("link", name="Add a document").click()
    await assert_phone_ready(page)
    title = f"Liability certificate {uuid.uuid4().hex[:4]}"
    await page.get_by_label("Kind").select_option("insurance")
    await page.get_by_label("Title").fill(title)
    await page.get_by_label("Expires on").fill((date.today() + timedelta(days=20)).isoformat())
    # A web page renamed .pdf is refused, with the form kept as typed.
    await page.get_by_label("File").set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": samples.html_renamed()})
    await page.get_by_role("button", name="Upload", exact=True).click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await expect(page.get_by_label("Title")).to_have_value(title)
    await assert_phone_ready(page)
    await page.get_by_label("File").set_input_files(
        {"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": samples.pdf()})
    await page.get_by_role("button", name="Upload", exact=True).click()
    await page.wait_for_url("**/staff/partners/*?done=document*")
    document = page.locator(".partner-documents li", has_text=title)
    await expect(document.get_by_text("Expires soon")).to_be_visible()
    await assert_phone_ready(page)

    await page.goto("/staff/partners")
    await page.get_by_role("link", name="Documents expiring soon").click()
    await expect(page.get_by_role("link", name=f"Riverside Health: {title}")).to_be_visible()
    await assert_phone_ready(page)
    await page.goto("/staff")
    await expect(page.locator(".attention-card", has_text="partner document")).to_be_visible()
