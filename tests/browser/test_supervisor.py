"""Workplace supervisors on a phone: the e-mailed link opened from the demo outbox in a browser with no
cookies, and the on-the-spot sign-off on the student's phone, signed with a finger or by typing.

Each test logs a fresh entry of its own (the server is shared with the other browser tests).
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import Page, expect

from tests import samples
from tests.browser.conftest import PHONE
from tests.browser.helpers import (
    assert_phone_ready,
    link_in_outbox,
    log_draft,
    path_of,
    sign_in,
)

pytestmark = pytest.mark.browser

STUDENT = "student@demo.example"




async def _status_on_dashboard(page: Page, title: str) -> str:
    await page.goto("/student/experiences")
    row = page.locator(".entries .entry").filter(has=page.locator(".entry-title", has_text=title))
    await expect(row).to_have_count(1)
    return await row.locator(".status").inner_text()


@pytest.mark.smoke
async def test_supervisor_verifies_from_the_emailed_link(new_page, step):
    step("the student logs a draft with a photo")
    student = await new_page(PHONE)
    await sign_in(student, STUDENT)
    title = f"Press brake set-up {uuid.uuid4().hex[:6]}"
    entry_id = await log_draft(student, title, hours="3.5", reflection="Set up the press brake with the lead operator.")
    await student.goto(f"/student/experiences/{entry_id}/edit")
    await student.get_by_label("Add photos or PDFs").set_input_files(
        {"name": "press-brake.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg_with_gps(320, 240)}
    )
    await student.get_by_role("button", name="Upload", exact=True).click()
    await expect(student.locator("#evidence .evidence-name", has_text="press-brake.jpg")).to_have_count(1)

    step("the student asks the supervisor by e-mail, on the page that asks for verification")
    boss = f"boss-{uuid.uuid4().hex[:8]}@acme-manufacturing.com"
    await student.goto(f"/student/verify/new?entries={entry_id}")
    await expect(student.locator(f'input[name="entries"][value="{entry_id}"]')).to_be_checked()
    await student.get_by_label("Supervisor's name").fill("Pat Boss")
    await student.get_by_label("Job title").fill("Shop foreman")
    await student.get_by_label("Work e-mail").fill(boss)
    await student.get_by_role("button", name="E-mail my supervisor").click()
    await student.wait_for_url(re.compile(r"/student/verify\?sent=supervisor$"))
    assert await _status_on_dashboard(student, title) == "Awaiting verification"

    step("the supervisor, on their own phone: no account, no cookies")
    supervisor = await new_page(PHONE)
    link = await link_in_outbox(supervisor, boss, "")
    token = link.rsplit("/", 1)[1]
    fresh = await new_page(PHONE)
    response = await fresh.goto(link)
    assert response is not None and response.status == 200
    assert re.fullmatch(r"/v/r/\d+", path_of(fresh)), fresh.url  # the token left the address bar
    assert token not in fresh.url
    assert response.headers["referrer-policy"] == "no-referrer" and response.headers["cache-control"] == "no-store"
    cookies = await fresh.context.cookies()
    [grant] = [c for c in cookies if c["name"] == "portfolio_link"]
    assert grant["httpOnly"] and grant["sameSite"] == "Lax" and grant["path"] == path_of(fresh)
    await expect(fresh.get_by_role("heading", level=1)).to_have_text("Confirm Jordan Rivera's hours")
    card = fresh.locator(".verify-entry").filter(has=fresh.get_by_role("heading", name=title))
    await expect(card).to_have_count(1)
    await expect(card.locator("dd")).to_contain_text(["Job shadow", "Acme Manufacturing", re.compile(r"\w+ \d+, \d{4}"), "3.5",
                                                       "Advanced Manufacturing"])
    await expect(card).to_contain_text("Set up the press brake with the lead operator.")
    thumb = card.locator(f"img[src^='{path_of(fresh)}/evidence/'][src$='/thumb']")
    await expect(thumb).to_have_count(1)
    await thumb.scroll_into_view_if_needed()
    handle = await thumb.element_handle()
    await fresh.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=handle)  # the grant cookie opens it
    await expect(fresh.get_by_label("Your name")).to_have_value("Pat Boss")
    await expect(fresh.get_by_label("Your job title")).to_have_value("Shop foreman")
    await assert_phone_ready(fresh)

    step('"Ask for changes" without a comment: the error in place, nothing decided')
    await fresh.get_by_role("button", name="Ask for changes").click()
    await expect(fresh.locator("#comment-error")).to_have_text("Say what should change, or why: the student will read it.")
    await expect(fresh.get_by_role("alert")).to_be_focused()
    await assert_phone_ready(fresh)

    await fresh.get_by_label("Your job title").fill("Production supervisor")
    await fresh.get_by_role("button", name="Verify these hours").click()
    await expect(fresh.get_by_role("heading", level=1)).to_have_text("Thank you")
    await expect(fresh.get_by_role("status")).to_contain_text("You verified 1 entry of Jordan Rivera's hours.")
    await assert_phone_ready(fresh)
    assert [c for c in await fresh.context.cookies() if c["name"] == "portfolio_link"] == []

    step("the link is spent")
    again = await fresh.goto(link)
    assert again is not None and again.status == 410
    await expect(fresh.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    await assert_phone_ready(fresh)

    assert await _status_on_dashboard(student, title) == "Verified"


async def _onsite_form(page: Page, title: str) -> int:
    """Signed in as the student: a fresh draft, then the on-the-spot page for it from "ask for verification"."""
    entry_id = await log_draft(page, title, hours="0.5", reflection="Set up the press brake with the lead operator.")
    await page.goto(f"/student/verify/new?entries={entry_id}")
    await page.get_by_role("button", name="Verify on the spot").click()
    await page.wait_for_url(re.compile(rf"/v/onsite\?entries={entry_id}$"))
    await expect(page.get_by_role("heading", level=2, name="Hand the phone to your supervisor")).to_be_visible()
    await expect(page.get_by_role("heading", level=3, name=title)).to_be_visible()
    return entry_id


async def _fill_supervisor(page: Page) -> None:
    await page.get_by_label("Your name").fill("Morgan Lee")
    await page.get_by_label("Your job title").fill("Site manager")
    await expect(page.get_by_label("Organization")).to_have_value("Acme Manufacturing")  # from the entry
    await page.get_by_label("Your work e-mail").fill(f"morgan-{uuid.uuid4().hex[:6]}@acme-manufacturing.com")


async def test_on_the_spot_signed_with_a_finger(page: Page):
    await sign_in(page, STUDENT)
    title = f"Quality check shift {uuid.uuid4().hex[:6]}"
    await _onsite_form(page, title)
    canvas = page.get_by_role("img", name="Signature box: draw your signature here")
    await expect(canvas).to_be_visible()
    await assert_phone_ready(page)
    await _fill_supervisor(page)

    await canvas.scroll_into_view_if_needed()
    box = await canvas.bounding_box()
    assert box is not None and box["height"] >= 100 and box["width"] >= 300
    await page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    await page.mouse.down()
    for step in range(1, 13):
        await page.mouse.move(box["x"] + 20 + step * 22, box["y"] + box["height"] * (0.7 - 0.4 * (step % 2)), steps=3)
    await page.mouse.up()
    drawn = await page.locator('input[name="signature_png"]').input_value()
    assert drawn.startswith("data:image/png;base64,") and len(drawn) > 200
    # Clear empties it; drawing again fills it again.
    await page.get_by_role("button", name="Clear").click()
    assert await page.locator('input[name="signature_png"]').input_value() == ""
    await page.mouse.move(box["x"] + 30, box["y"] + 40)
    await page.mouse.down()
    await page.mouse.move(box["x"] + 200, box["y"] + 110, steps=8)
    await page.mouse.move(box["x"] + 300, box["y"] + 50, steps=8)
    await page.mouse.up()
    assert (await page.locator('input[name="signature_png"]').input_value()).startswith("data:image/png;base64,")

    await page.get_by_role("button", name="Verify these hours").click()
    await page.wait_for_url(re.compile(r"/v/onsite/done\?request=\d+$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Signed: waiting for the supervisor to confirm")
    card = page.locator(".verify-entry").filter(has=page.get_by_role("heading", name=title))
    await expect(card.locator(".status")).to_have_text("Waiting for the supervisor to confirm")
    await assert_phone_ready(page)
    assert await _status_on_dashboard(page, title) == "Waiting for the supervisor to confirm"


async def test_on_the_spot_signed_by_typing(page: Page):
    await sign_in(page, STUDENT)
    title = f"Safety walk {uuid.uuid4().hex[:6]}"
    await _onsite_form(page, title)
    await _fill_supervisor(page)
    # A typed name that is not the supervisor's: refused in place, everything kept.
    await page.get_by_label("Or type your full name to sign").fill("Jordan Rivera")
    await page.get_by_role("button", name="Verify these hours").click()
    await expect(page.locator("#signature-error")).to_have_text("Type your name exactly as above to sign.")
    await expect(page.get_by_label("Your name")).to_have_value("Morgan Lee")
    await expect(page.get_by_label("Or type your full name to sign")).to_have_value("Jordan Rivera")
    await assert_phone_ready(page)

    await page.get_by_label("Or type your full name to sign").fill("Morgan Lee")
    await page.get_by_role("button", name="Verify these hours").click()
    await page.wait_for_url(re.compile(r"/v/onsite/done\?request=\d+$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Signed: waiting for the supervisor to confirm")
    await assert_phone_ready(page)
    assert await _status_on_dashboard(page, title) == "Waiting for the supervisor to confirm"


async def test_on_the_spot_without_javascript_signs_by_typing(new_page):
    """Without script the drawing box cannot work, so it stays hidden and typing the name is the way to sign."""
    scripted = await new_page(PHONE)
    await sign_in(scripted, STUDENT)
    title = f"Forklift safety talk {uuid.uuid4().hex[:6]}"
    entry_id = await log_draft(scripted, title, hours="0.5", reflection="Set up the press brake with the lead operator.")

    page = await new_page(PHONE, javascript=False)
    await sign_in(page, STUDENT)
    await page.goto(f"/v/onsite?entries={entry_id}")
    await expect(page.get_by_role("heading", level=2, name="Hand the phone to your supervisor")).to_be_visible()
    await expect(page.locator("canvas")).to_be_hidden()
    await expect(page.get_by_role("button", name="Clear")).to_be_hidden()
    await _fill_supervisor(page)
    await page.get_by_label("Or type your full name to sign").fill("morgan lee")
    async with page.expect_navigation() as navigation:
        await page.get_by_role("button", name="Verify these hours").click()
    landed = await navigation.value
    assert landed is not None and landed.status == 200
    assert re.fullmatch(r"/v/onsite/done\?request=\d+", path_of(page))
    await expect(page.get_by_role("heading", level=1)).to_have_text("Signed: waiting for the supervisor to confirm")
    assert await _status_on_dashboard(scripted, title) == "Waiting for the supervisor to confirm"
