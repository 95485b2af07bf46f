"""A coordinator adds a partner and a contact from a phone, and reads the directory on a desktop."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import expect

from tests.browser.conftest import DESKTOP, SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, path_of, sign_in

pytestmark = pytest.mark.browser


async def test_a_coordinator_adds_a_partner_and_a_contact_from_a_phone(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    assert path_of(page) == "/staff/partners"
    await assert_phone_ready(page)
    await page.get_by_role("link", name="Add a partner").click()
    await assert_phone_ready(page)
    name = f"Bayside Welding {uuid.uuid4().hex[:4]}"
    await page.get_by_label("Organization name").fill(name)
    await page.get_by_label("Kind of organization").select_option("employer")
    await page.get_by_label("Website").fill("acme.example")  # the same host as Acme Manufacturing
    await page.get_by_label("Status").select_option("active")
    await page.locator("summary", has_text="What it offers").click()
    await page.get_by_label("Job shadow").check()
    await page.get_by_role("button", name="Add partner").click()
    # Warned before anything is saved: the district already has an organization at that address.
    await expect(page.get_by_role("heading", name="Already in the directory?")).to_be_visible()
    await expect(page.get_by_label("Organization name")).to_have_value(name)
    await assert_phone_ready(page)
    await page.get_by_label("It is a different organization: add it anyway").check()
    await page.get_by_role("button", name="Add anyway").click()
    await page.wait_for_url("**/staff/partners/*?done=added")
    await expect(page.get_by_role("heading", level=1)).to_have_text(name)
    await expect(page.locator(".chip")).to_have_text(["Job shadow"])
    await assert_phone_ready(page)

    await page.get_by_role("link", name="Add a contact").click()
    await page.get_by_label("Name").fill("Robin Diaz")
    await page.get_by_label("Phone").fill("12")
    await page.get_by_role("button", name="Save contact").click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await assert_phone_ready(page)
    await page.get_by_label("Phone").fill("555-010-8800")
    await page.get_by_label("E-mail").fill("robin@bayside.example")
    await page.get_by_role("button", name="Save contact").click()
    await page.wait_for_url("**/staff/partners/*?done=contact*")
    contact = page.locator(".partner-contacts li", has_text="Robin Diaz")
    await expect(contact.get_by_role("link", name="555-010-8800")).to_have_attribute("href", "tel:5550108800")
    await expect(contact.get_by_role("link", name="robin@bayside.example")).to_have_attribute(
        "href", "mailto:robin@bayside.example")
    await assert_phone_ready(page)
    await contact.get_by_role("button", name="Mark as left").click()
    await expect(page.locator(".partner-contacts li", has_text="Robin Diaz").get_by_text("Left", exact=True)).to_be_visible()


async def test_the_directory_on_a_desktop_filters_by_status(new_page):
    page = await new_page(DESKTOP)
    await sign_in(page, "counselor@demo.example")
    await page.goto("/staff/partners")
    await expect(page.get_by_role("link", name="Riverside Health")).to_be_visible()
    await assert_phone_ready(page)
    await page.locator("summary", has_text="Filter and sort").click()
    await page.get_by_label("Status").select_option("prospect")
    await page.get_by_role("button", name="Show partners").click()
    await expect(page.get_by_role("link", name="Riverside Health")).to_have_count(0)
    await expect(page.get_by_role("link", name="Northside Auto Group")).to_be_visible()
    await page.get_by_role("link", name="Northside Auto Group").click()
    await expect(page.get_by_text("Also works with")).to_have_count(0)
    await page.goto("/staff/partners?q=Riverside+Health")
    await page.get_by_role("link", name="Riverside Health").click()
    await expect(page.get_by_text("Also works with Lakeview High School.")).to_be_visible()
    await assert_phone_ready(page)


async def test_a_coordinator_logs_an_interaction_with_a_follow_up_on_a_phone_and_marks_it_done(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    await page.goto("/staff/partners?q=Riverside+Credit")
    await page.get_by_role("link", name="Riverside Credit Union").click()
    await page.get_by_role("link", name="Log an interaction").click()
    await assert_phone_ready(page)
    what = f"Send the mock interview schedule {uuid.uuid4().hex[:4]}"
    await page.get_by_label("How you were in touch").select_option("meeting")
    await page.get_by_role("button", name="Save interaction").click()  # no summary yet: asked for, nothing lost
    await expect(page.locator(".error-summary")).to_be_visible()
    await assert_phone_ready(page)
    await page.get_by_label("Summary").fill("Met at the chamber breakfast: they will run mock interviews in May.")
    await page.locator("summary", has_text="Follow-up").click()
    await page.get_by_label("What is to be done").fill(what)
    today = await page.get_by_label("Date", exact=True).input_value()
    await page.get_by_label("Due").fill(today)
    await page.get_by_role("button", name="Save interaction").click()
    await page.wait_for_url("**/staff/partners/*?done=logged*")
    await expect(page.locator(".partner-interactions")).to_contain_text(what)
    await expect(page.get_by_text("Last contact:")).to_be_visible()
    await assert_phone_ready(page)

    await page.goto("/staff")
    card = page.locator(".attention-card", has_text="partner follow-up")
    await expect(card).to_be_visible()
    await card.click()
    assert path_of(page) == "/staff/follow-ups"
    item = page.locator(".entry", has_text=what)
    await expect(item).to_be_visible()
    await assert_phone_ready(page)
    await item.get_by_role("button", name="Mark done").click()
    await expect(page.get_by_role("status")).to_have_text("Follow-up marked done.")
    await expect(page.locator("section", has=page.locator("#done-heading")).locator(".entry", has_text=what)).to_be_visible()
    await page.goto("/staff")
    await expect(page.locator(".attention-card", has_text="partner follow-up")).to_have_count(0)
