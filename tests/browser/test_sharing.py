"""Sharing on a phone: the demo student makes a link, a visitor with no account opens it, the student sees
the view and revokes the link."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import expect

from tests.browser.conftest import PHONE
from tests.browser.helpers import assert_phone_ready, path_of, sign_in

pytestmark = pytest.mark.browser

STUDENT = "student@demo.example"


@pytest.mark.smoke
async def test_student_shares_a_link_a_visitor_opens_it_until_revoked(new_page, step):
    step("the student opens the sharing page")
    student = await new_page(PHONE)
    await sign_in(student, STUDENT)
    await student.get_by_role("navigation", name="Main").get_by_role("link", name="Sharing").click()
    await expect(student.get_by_role("heading", level=1)).to_have_text("Sharing")
    await assert_phone_ready(student)

    step("a link that shares everything (the demo student is 18: no guardian's consent needed)")
    label = f"Career fair {uuid.uuid4().hex[:6]}"
    await student.get_by_label("Anyone I give a link to").check()
    await student.get_by_label("Everything (also what I add later)").check()
    await expect(student.get_by_label("Ends after how many days")).to_have_value("30")
    await student.get_by_label("Label").fill(label)
    await student.get_by_role("button", name="Share", exact=True).click()
    await expect(student.get_by_role("heading", level=1)).to_have_text("Your link is ready")
    assert path_of(student) == "/student/sharing"  # the token is in the page, never in an address
    url = await student.get_by_label("Link", exact=True).input_value()
    assert re.fullmatch(r"https?://[^/]+/s/[A-Za-z0-9_-]{20,}", url), url
    qr = student.get_by_role("img", name=re.compile("QR code"))
    await expect(qr).to_be_visible()
    assert (await qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    assert await qr.evaluate("(img) => img.complete && img.naturalWidth > 0")
    copy = student.get_by_role("button", name="Copy link")
    await expect(copy).to_be_visible()
    await student.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await copy.click()
    await expect(student.locator(".copy-status")).to_have_text("Copied.")
    assert await student.evaluate("() => navigator.clipboard.readText()") == url
    await assert_phone_ready(student)

    step("a visitor on their own phone: no account, no cookies")
    visitor = await new_page(PHONE)
    response = await visitor.goto(url)
    assert response is not None and response.status == 200
    assert response.headers["referrer-policy"] == "no-referrer" and response.headers["cache-control"] == "no-store"
    await expect(visitor.get_by_role("heading", level=1)).to_have_text("Jordan Rivera's career portfolio")
    await assert_phone_ready(visitor)
    await visitor.get_by_role("button", name="See the portfolio").click()
    await expect(visitor.locator(".error-summary")).to_be_visible()  # both fields are required
    visitor_name = f"Robin Recruiter {uuid.uuid4().hex[:4]}"
    await visitor.get_by_label("Your name").fill(visitor_name)
    await visitor.get_by_label("Your organization").fill("Bolt Works")
    await visitor.get_by_role("button", name="See the portfolio").click()
    await visitor.wait_for_url(re.compile(r"/s/[A-Za-z0-9_-]+/portfolio$"))
    portfolio = visitor.locator("article.portfolio")
    await expect(portfolio.get_by_role("heading", level=2, name="Jordan Rivera")).to_be_visible()
    await expect(portfolio.locator(".totals")).to_contain_text("verified hours")
    sections = await portfolio.locator("section h3").all_inner_texts()
    # Verified first: entries, then the supervisor's evaluation of Jordan's ended job shadow (given from the school's link).
    assert sections == ["Verified experience", "Supervisors' evaluations", "Self-reported experience", "Certifications"]
    await expect(portfolio).to_contain_text("Shadowed a network technician")
    await expect(portfolio).to_contain_text("OSHA 10-Hour General Industry")
    cookies = await visitor.context.cookies()
    [grant] = [c for c in cookies if c["name"] == "portfolio_share"]
    assert grant["httpOnly"] and grant["sameSite"] == "Lax" and grant["path"] == re.sub(r"^https?://[^/]+", "", url)
    await assert_phone_ready(visitor)

    step("the student sees who looked")
    await student.goto("/student/sharing")
    await student.get_by_role("link", name="Who viewed my portfolio").click()
    await expect(student.get_by_role("heading", level=1)).to_have_text("Who viewed my portfolio")
    # One row for the view (the photos' previews the page showed are listed as files opened, once a day each).
    view = student.locator(".view").filter(has_text=visitor_name).filter(has_text="Viewed your portfolio")
    await expect(view).to_have_count(1)
    await expect(view).to_contain_text("Bolt Works")
    await expect(view).to_contain_text(label)
    await assert_phone_ready(student)

    step("the student revokes it; the visitor's reload shows the friendly page")
    await student.goto("/student/sharing")
    share = student.locator(".share").filter(has_text=label)
    await share.get_by_role("button", name=re.compile("^Revoke")).click()
    await student.wait_for_url(re.compile(r"/student/sharing\?revoked=1$"))
    await expect(student.locator(".share").filter(has_text=label).locator(".status")).to_have_text("Revoked")
    gone = await visitor.reload()
    assert gone is not None and gone.status == 410
    await expect(visitor.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    await expect(visitor.get_by_text("Jordan Rivera")).to_have_count(0)
    await assert_phone_ready(visitor)
