"""A coordinator opens a program's advisory board from a phone and records a meeting with who came and an
action item, ends a member's seat (the meeting still names them, and its edit form keeps them checked) and
seats them again; the partner's page shows its board seats."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, path_of, sign_in

pytestmark = pytest.mark.browser


async def test_a_coordinator_records_a_board_meeting_from_a_phone(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    await page.get_by_role("link", name="Programs and boards").click()
    # A click waits for the next page to start, not to load: each step waits for what it then reads.
    await expect(page.get_by_role("heading", level=1)).to_have_text("Programs and boards")
    assert path_of(page) == "/staff/programs"
    # The Health Science board last met eight months ago in the demo data.
    await expect(page.locator(".entry", has_text="Health Science: CNA").get_by_text("No meeting in 6 months")).to_be_visible()
    await assert_phone_ready(page)
    await page.get_by_role("link", name="Welding Technology").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Welding Technology")
    await expect(page.locator(".board-members")).to_contain_text("Maria Lopez")
    await assert_phone_ready(page)

    await page.get_by_role("link", name="Record a meeting").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Record a meeting")
    await assert_phone_ready(page)
    minutes = f"Partners reviewed the booth layout {uuid.uuid4().hex[:6]}."
    await page.get_by_label("Date", exact=True).fill("")
    await page.get_by_label("Minutes").fill(minutes)
    await page.get_by_role("button", name="Save meeting").click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await expect(page.get_by_label("Minutes")).to_have_value(minutes)
    await assert_phone_ready(page)
    await page.get_by_label("Date", exact=True).fill("2026-11-20")
    await page.get_by_label("Place").fill("Welding lab")
    await page.get_by_label("Maria Lopez, Tri-County Builders Association").check()
    await page.get_by_label("Mr. Okafor (counselor)").check()
    await page.get_by_label("What is to be done").fill("Price two new welding booths")
    await page.get_by_label("Owner").select_option(label="Mr. Okafor (counselor)")
    await page.get_by_role("button", name="Save meeting").click()
    await page.wait_for_url("**/meetings/*?done=meeting")
    await expect(page.get_by_text(minutes)).to_be_visible()
    await expect(page.locator(".chip", has_text="Maria Lopez")).to_be_visible()
    await expect(page.get_by_role("link", name="Minutes as PDF")).to_be_visible()
    await assert_phone_ready(page)

    await page.get_by_role("link", name="Welding Technology").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Welding Technology")
    action = page.locator(".entry", has_text="Price two new welding booths")
    await expect(action.get_by_text("Open", exact=True)).to_be_visible()
    await assert_phone_ready(page)

    # Maria Lopez leaves the board: her seat ends, folded under past members, and the meeting keeps her.
    await page.get_by_role("button", name="End seat of Maria Lopez on the board").click()
    await expect(page.get_by_role("status")).to_have_text("Seat ended. Past meetings still name them.")
    await expect(page.locator(".board-members")).not_to_contain_text("Maria Lopez")
    past = page.locator(".past-members")
    await past.get_by_text("Past members").click()
    await expect(past.locator(".entry", has_text="Maria Lopez")).to_contain_text(re.compile(r"Member \w{3} \d{4} – \w{3} \d{4}"))
    await assert_phone_ready(page)
    await page.get_by_role("link", name="Nov 20, 2026").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Board meeting, Nov 20, 2026")
    await expect(page.locator(".chip", has_text="Maria Lopez")).to_be_visible()
    await page.get_by_role("link", name="Edit the meeting").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Edit meeting")
    kept = page.get_by_label(re.compile(r"Maria Lopez, Tri-County Builders Association \(left the board"))
    await expect(kept).to_be_checked()
    await assert_phone_ready(page)
    await page.get_by_role("link", name="Cancel").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Welding Technology")
    # Seated again the same day: her seat opens again.
    await page.get_by_label("Add a member").select_option(label="Maria Lopez, Tri-County Builders Association")
    await page.get_by_role("button", name="Add to the board").click()
    await expect(page.get_by_role("status")).to_have_text("Member added to the board.")
    await expect(page.locator(".board-members")).to_contain_text("Maria Lopez")
    await page.locator(".board-members").get_by_role("link", name="Maria Lopez").click()
    await expect(page.locator(".board-seats")).to_contain_text("Welding Technology advisory board")
    await assert_phone_ready(page)
