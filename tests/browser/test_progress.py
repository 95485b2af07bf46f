"""The student's dashboard at a glance on a small phone: the hours split three ways, the school's goal as a
ring, hours by career cluster as a chart a screen reader reads as a table, the timeline and certifications."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, sign_in

pytestmark = pytest.mark.browser


async def test_the_dashboard_shows_progress_at_a_glance_at_360(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "student@demo.example")
    await expect(page.get_by_role("heading", level=1)).to_have_text("My hours")

    split = page.locator(".split li")
    await expect(split).to_have_count(3)
    await expect(split.nth(0)).to_contain_text("Verified")
    await expect(split.nth(1)).to_contain_text("Waiting for an answer")
    await expect(split.nth(2)).to_contain_text("Self-reported")
    # The demo school's goal is 40 hours: the ring is drawn, a picture only (the words say the same).
    ring = page.locator("svg.ring")
    await expect(ring).to_be_visible()
    await expect(ring).to_have_attribute("aria-hidden", "true")
    await expect(page.locator(".total")).to_contain_text("of the school's goal of 40 hours")

    chart = page.get_by_role("img", name=re.compile("^Hours by career cluster this school year"))
    await expect(chart).to_be_visible()
    box = await chart.bounding_box()
    assert box is not None and box["width"] <= 360 - 2 * 12, box
    table = page.get_by_role("table", name="Hours by career cluster this school year")
    await expect(table).to_have_count(1)
    await expect(table.get_by_role("rowheader", name="Digital Technology")).to_have_count(1)
    await expect(table.get_by_role("columnheader")).to_have_text(["Career cluster", "Hours", "Verified hours"])

    timeline = page.get_by_role("region", name="Timeline")
    await expect(timeline.locator("h3.month").first).to_have_text(re.compile(r"^[A-Z][a-z]+ \d{4}$"))
    certifications = page.get_by_role("region", name="Certifications")
    # The demo's first aid card expires in 40 days (other tests may add more).
    await expect(certifications.get_by_text("Expires soon", exact=True).first).to_be_visible()
    await assert_phone_ready(page)
