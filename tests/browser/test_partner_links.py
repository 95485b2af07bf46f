"""A student's entry counts toward a partner: on a 360 px phone they type "Acm", pick Acme Manufacturing from the
suggestions and save; without JavaScript the plain field does the same; staff see the hours on the partner's page
and merge a name a student typed from the "Names students typed" page."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, parse_hours, path_of, sign_in

pytestmark = pytest.mark.browser

STUDENT = "student@demo.example"
STAFF = "counselor@demo.example"


async def acme_hours(page: Page) -> Decimal:
    """The hours hosted this school year on Acme Manufacturing's page, as staff read it."""
    await page.goto("/staff/partners?q=Acme+Manufacturing")
    await page.get_by_role("link", name="Acme Manufacturing").click()
    await expect(page.get_by_role("heading", name="Engagement")).to_be_visible()
    year = page.locator('[data-period="this-year"] .hosted-hours')
    return parse_hours(await year.inner_text()) if await year.count() else Decimal(0)


async def fill_entry(page: Page, title: str) -> None:
    await page.goto("/student/experiences/new")
    await page.get_by_label("Kind", exact=True).select_option("site_visit")
    await page.get_by_label("Title", exact=True).fill(title)
    # One day holds at most 24 hours across the demo student's entries, which every browser test shares.
    await page.get_by_label("Hours", exact=True).fill("0.25")
    await page.get_by_label("Career cluster", exact=True).select_option("advanced-manufacturing")


async def test_a_student_picks_a_suggested_partner_on_a_phone_and_staff_see_the_hours(new_page):
    staff = await new_page(SMALL_PHONE)
    await sign_in(staff, STAFF)
    before = await acme_hours(staff)

    page = await new_page(SMALL_PHONE)
    await sign_in(page, STUDENT)
    await fill_entry(page, f"Plant floor tour {uuid.uuid4().hex[:4]}")
    organization = page.get_by_label("Organization", exact=True)
    await organization.press_sequentially("Acm", delay=60)
    suggestions = page.locator("#organization-suggestions option")
    await expect(suggestions).to_have_count(1)
    await expect(suggestions).to_have_attribute("value", "Acme Manufacturing")
    await expect(organization).to_have_attribute("list", "organization-suggestions")
    await assert_phone_ready(page)
    # Choosing an option of a <datalist> puts its value in the field (the list itself is the browser's own).
    await organization.fill(await suggestions.first.get_attribute("value"))
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.wait_for_url("**/student?saved=*")

    assert await acme_hours(staff) == before + Decimal("0.25")
    await assert_phone_ready(staff)


async def test_without_javascript_the_typed_name_links_and_staff_merge_another(new_page):
    page = await new_page(SMALL_PHONE, javascript=False)
    await sign_in(page, STUDENT)
    tag = uuid.uuid4().hex[:4]
    await fill_entry(page, f"Welding demo {tag}")
    await page.get_by_label("Organization", exact=True).fill(f"Acme Mfg {tag}")
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.wait_for_url("**/student?saved=*")

    staff = await new_page(SMALL_PHONE)
    await sign_in(staff, STAFF)
    before = await acme_hours(staff)
    await staff.goto("/staff/partners")
    await staff.get_by_role("link", name="Names students typed").click()
    assert path_of(staff) == "/staff/partners/names"
    name = staff.locator(".partner-names li", has_text=f"Acme Mfg {tag}")
    await expect(name).to_contain_text("1 entry")
    await assert_phone_ready(staff)
    await name.get_by_label(f"Merge “Acme Mfg {tag}” into").select_option(label="Acme Manufacturing")
    await name.get_by_role("button", name="Merge").click()
    await expect(staff.get_by_role("status")).to_have_text("1 entry linked.")
    await expect(staff.locator(".partner-names li", has_text=f"Acme Mfg {tag}")).to_have_count(0)
    assert await acme_hours(staff) == before + Decimal("0.25")
