"""On a 360 px phone: staff take a partner nobody looks after from their home, and an administrator deactivates a
staff member, handing their partner and open follow-up to a colleague. The demo's Mr. Grant retired before
hand-offs existed: Green Acres Co-op and Valley Electrical JATC (with an open follow-up) were his."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, sign_in

pytestmark = pytest.mark.browser


async def test_staff_take_an_ownerless_partner_and_an_admin_hands_over_at_deactivation(new_page):
    staff = await new_page(SMALL_PHONE)
    await sign_in(staff, "counselor@demo.example")
    await staff.goto("/staff")
    section = staff.locator("section", has=staff.get_by_role("heading", name="Partners without an owner"))
    await expect(section.get_by_role("link", name="Green Acres Co-op")).to_be_visible()
    await expect(staff.get_by_role("heading", name="Going cold")).to_be_visible()
    await assert_phone_ready(staff)
    await section.get_by_role("button", name=re.compile(r"^Take it\s?: Green Acres Co-op$")).click()
    await staff.wait_for_url("**/staff?taken=1*")
    await expect(staff.get_by_role("status")).to_contain_text("It is yours to look after now.")
    await expect(section.get_by_role("link", name="Green Acres Co-op")).to_have_count(0)
    await assert_phone_ready(staff)
    await staff.goto("/staff/partners?q=Green+Acres")
    await staff.get_by_role("link", name="Green Acres Co-op").click()
    await expect(staff.get_by_text("Handed from Mr. Grant (retired) to Mr. Okafor (counselor)")).to_be_visible()

    admin = await new_page(SMALL_PHONE)
    await sign_in(admin, "admin@demo.example")
    await admin.goto("/admin")
    await admin.get_by_role("link", name="Mr. Grant (retired)", exact=True).click()
    await admin.get_by_role("button", name="Reactivate Mr. Grant (retired)").click()
    await admin.wait_for_url("**?done=reactivated")
    await expect(admin.locator("#colleague-deactivate-hint")).to_contain_text("looks after 1 partner and 1 open follow-up")
    await assert_phone_ready(admin)
    # Nobody chosen: the form says whom it is for.
    await admin.get_by_role("button", name="Deactivate Mr. Grant (retired)").click()
    await expect(admin.locator("#colleague-deactivate-error")).to_have_text(
        "Choose a colleague to hand 1 partner and 1 open follow-up to.")
    await assert_phone_ready(admin)
    await admin.locator("#colleague-deactivate").select_option(label="Mr. Okafor (counselor)")
    await admin.get_by_role("button", name="Deactivate Mr. Grant (retired)").click()
    await admin.wait_for_url("**?done=deactivated")

    await staff.goto("/staff")
    await expect(staff.get_by_role("heading", name="Partners without an owner")).to_have_count(0)
    await staff.goto("/staff/partners?q=Valley")
    await staff.get_by_role("link", name="Valley Electrical JATC").click()
    await expect(staff.get_by_text("Handed from Mr. Grant (retired) to Mr. Okafor (counselor)")).to_be_visible()
    await assert_phone_ready(staff)
    # Mr. Grant's open follow-up is the counselor's now.
    await staff.goto("/staff/follow-ups")
    await expect(staff.get_by_role("link", name="Send the two students' names")).to_be_visible()


async def test_partners_going_cold_on_a_phone_from_the_home_card(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    await page.goto("/staff")
    await page.get_by_role("link", name="All partners going cold").click()
    row = page.locator(".entry", has=page.get_by_role("link", name=re.compile("Riverside Credit Union")))
    await expect(row).to_contain_text("No contact for 160 days")
    await expect(page.get_by_label(re.compile("Going cold only"))).to_be_checked()
    await assert_phone_ready(page)
    await page.goto("/staff/school")
    await page.get_by_label("Days without contact before an active partner is going cold").fill("9")
    await page.get_by_role("button", name="Save the days").click()
    await expect(page.locator("#cold_after_days-error")).to_contain_text("from 14 (two weeks) to 730 (two years)")
    await assert_phone_ready(page)
