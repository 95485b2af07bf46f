"""A coordinator imports a roster on a phone: upload, read the dry run, confirm."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, path_of, sign_in

pytestmark = pytest.mark.browser


async def test_a_coordinator_imports_a_roster_from_a_phone(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    await page.goto("/staff")
    await page.get_by_role("link", name="Import roster").click()
    await expect(page.get_by_role("heading", name="Import roster", exact=True)).to_be_visible()
    assert path_of(page) == "/staff/roster"
    await assert_phone_ready(page)

    student = uuid.uuid4().hex[:6]
    content = ("school,id,role,given_name,family_name,email,grade,birth_date,guardian_of,status\n"
               f"Riverside Career Center,S-{student},student,Noor,Haddad,noor.{student}@students.example,11,2009-05-06,,\n"
               f"Riverside Career Center,P-{student},guardian,Sami,Haddad,sami.{student}@home.example,,,S-{student},\n"
               ).encode()
    await page.get_by_label("Roster files").set_input_files(
        {"name": "roster.csv", "mimeType": "text/csv", "buffer": content})
    await page.get_by_label("These files list everyone of the school").uncheck()
    async with page.expect_response(lambda r: r.url.endswith("/staff/roster") and r.request.method == "POST"):
        await page.get_by_role("button", name="Check the files").click()
    await expect(page.get_by_role("heading", name="Dry run: nothing is saved yet")).to_be_visible()
    await expect(page.locator(".import-rows")).to_contain_text("New student.")
    await expect(page.locator(".import-rows")).to_contain_text(f"Guardian of S-{student}: linked.")
    await assert_phone_ready(page)
    async with page.expect_response(lambda r: "/staff/roster/confirm" in r.url):
        await page.get_by_role("button", name="Confirm the import").click()
    await page.wait_for_url("**/staff/roster?done=imported*")
    await expect(page.get_by_role("status")).to_have_text(
        "Roster imported: 1 person added, 0 changed, 0 deactivated, 0 made alumni, 1 guardian linked.")
    await assert_phone_ready(page)
