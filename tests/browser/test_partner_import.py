"""A coordinator imports partners from a spreadsheet on a phone: upload, read the dry run, confirm."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import expect

from portfolio.services.partners import sheet
from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, path_of, sign_in

pytestmark = pytest.mark.browser


async def test_a_coordinator_imports_a_spreadsheet_from_a_phone(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    await page.goto("/staff/partners")
    await page.get_by_role("link", name="Import from a spreadsheet").click()
    assert path_of(page) == "/staff/partners/import"
    await assert_phone_ready(page)

    name = f"Harbor Marine {uuid.uuid4().hex[:4]}"
    content = (",".join(sheet.COLUMNS) + "\n"
               f"{name},employer,,,active,,site_visit,Lee Ortiz,,lee@harbor.example,,,\n"
               f"{name},,,,,,,Kim Ro,,,555-010-7700,phone,hr\n").encode()
    await page.get_by_label("CSV file").set_input_files(
        {"name": "partners.csv", "mimeType": "text/csv", "buffer": content})
    await page.get_by_role("button", name="Check the file").click()
    await expect(page.get_by_role("heading", name="Dry run: nothing is saved yet")).to_be_visible()
    await expect(page.locator("#row-2")).to_contain_text("New partner.")
    await expect(page.locator("#row-3")).to_contain_text("New contact: Kim Ro.")
    await assert_phone_ready(page)
    await page.get_by_role("button", name="Confirm the import").click()
    await page.wait_for_url("**/staff/partners/import?done=imported*")
    await expect(page.get_by_role("status")).to_have_text("Import done: 1 partner added, 0 changed; 2 contacts added, 0 changed.")
    await assert_phone_ready(page)

    await page.goto(f"/staff/partners?q={name.replace(' ', '+')}")
    await page.get_by_role("link", name=name).click()
    await expect(page.get_by_role("heading", name="Kim Ro")).to_be_visible()
