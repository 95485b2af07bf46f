"""Opportunities on a 360 px phone: a student explores, signs up for Senior Days and cancels; a coordinator
posts a site visit with two sessions. Every page passes axe, has 44 px targets and no sideways scroll."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, path_of, sign_in

pytestmark = pytest.mark.browser


async def test_a_student_explores_signs_up_and_cancels_on_a_phone(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "student2@demo.example")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Explore").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Explore")
    assert path_of(page) == "/student/opportunities"
    await expect(page.get_by_role("heading", name="My opportunities")).to_be_visible()
    await assert_phone_ready(page)
    await page.get_by_label("Career cluster").select_option(label="Construction")
    await page.get_by_role("button", name="Show").click()
    await page.wait_for_url(re.compile(r"cluster=\d+"))
    await expect(page.locator(".opportunity-card")).not_to_have_count(0)
    await page.get_by_role("link", name=re.compile("Senior Days with the Tri-County Builders")).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Senior Days with the Tri-County Builders")
    await expect(page.get_by_text("Table 4")).to_be_visible()
    await assert_phone_ready(page)
    await page.get_by_role("button", name="Sign up").click()
    await page.wait_for_url("**?done=confirmed")
    await expect(page.get_by_text("You have a seat.", exact=False).first).to_be_visible()
    await expect(page.get_by_role("link", name="Add to calendar")).to_be_visible()
    await expect(page.get_by_text("Still missing: Permission slip, Transportation form.")).to_be_visible()
    await assert_phone_ready(page)
    await page.get_by_role("button", name="Cancel my seat").click()
    await page.wait_for_url("**?done=cancelled")
    await expect(page.get_by_role("button", name="Sign up")).to_be_visible()
    await assert_phone_ready(page)


async def test_a_coordinator_posts_a_site_visit_with_two_sessions_on_a_phone(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Opportunities").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Opportunities")
    await assert_phone_ready(page)
    await page.get_by_role("link", name="Post an opportunity").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Post an opportunity")
    await assert_phone_ready(page)
    title = f"Site visit: county water plant {uuid.uuid4().hex[:6]}"
    await page.get_by_label("Kind", exact=True).select_option("site_visit")
    await page.get_by_label("Title", exact=True).fill(title)
    await page.get_by_label("Place").fill("County water plant")
    await page.get_by_label("Session 1 date").fill("2027-04-06")
    await page.locator("#start_1").fill("09:00")
    await page.locator("#end_1").fill("11:00")
    await page.get_by_label("Session 2 date").fill("2027-04-13")
    await page.locator("#start_2").fill("09:00")
    await page.locator("#end_2").fill("08:00")
    await page.get_by_label("Seats").fill("15")
    await page.get_by_role("checkbox", name="Riverside Health", exact=True).check()
    await page.get_by_label("Table or time slot of Riverside Health").fill("Lab tour, 10:00")
    await page.get_by_label("Status").select_option("open")
    await page.get_by_role("button", name="Post").click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await expect(page.get_by_label("Title", exact=True)).to_have_value(title)
    await assert_phone_ready(page)
    await page.locator("#end_2").fill("11:00")
    await page.get_by_role("button", name="Post").click()
    await page.wait_for_url("**?done=added")
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await expect(page.locator("#sessions-heading + .entries .entry")).to_have_count(2)
    await expect(page.get_by_text("Lab tour, 10:00")).to_be_visible()
    await assert_phone_ready(page)


async def test_a_coordinator_runs_the_sign_ups_of_a_full_opportunity_on_a_phone(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    await page.goto("/staff/opportunities")
    await page.get_by_role("link", name=re.compile("Job demonstration: Valley Electrical JATC")).click()
    await expect(page.get_by_role("heading", name=re.compile("On the waitlist"))).to_be_visible()
    await expect(page.locator("a[href^='/staff/sessions/']")).to_have_count(1)
    await assert_phone_ready(page)
