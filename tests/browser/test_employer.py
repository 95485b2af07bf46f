"""On a phone: the demo employer finds the demo student's shared portfolio, filters, opens it, adds a private
note and shortlists the student. Every page passes axe, has 44 px targets and no sideways scrolling; the list
passes axe on a desktop too; the note form works without JavaScript."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import expect

from tests.browser.conftest import DESKTOP, PHONE, SMALL_PHONE
from tests.browser.helpers import (
    assert_accessible,
    assert_phone_ready,
    path_of,
    sign_in,
)

pytestmark = pytest.mark.browser

EMPLOYER = "employer@demo.example"  # Dana Brooks, Acme Manufacturing
STUDENT_NAME = "Jordan Rivera"  # shares everything with Acme in the demo data (services/demo.py)


async def test_employer_filters_opens_notes_and_shortlists(new_page, step):
    step("the employer signs in and sees the shared portfolio")
    page = await new_page(PHONE)
    await sign_in(page, EMPLOYER)
    assert path_of(page) == "/employer"
    await expect(page.get_by_role("heading", level=1)).to_have_text("Shared portfolios")
    card = page.locator(".emp-card").filter(has_text=STUDENT_NAME)
    await expect(card).to_have_count(1)
    await expect(card).to_contain_text("OSHA 10-Hour General Industry")
    await expect(card).to_contain_text("Advanced Manufacturing")
    await assert_phone_ready(page)

    step("filters: a plain GET form behind a disclosure widget")
    await page.get_by_text("Filter and sort", exact=True).click()
    await assert_phone_ready(page)
    await page.get_by_label("Career cluster").select_option(label="Advanced Manufacturing")
    await page.get_by_label("Certification").fill("osha")
    await page.get_by_label("Sort by").select_option("recent")
    await page.get_by_role("button", name="Show portfolios").click()
    await page.wait_for_url(re.compile(r"/employer\?.*certification=osha"))
    await expect(card).to_have_count(1)
    await expect(page.get_by_label("Certification")).to_have_value("osha")
    await assert_phone_ready(page)
    await page.get_by_label("Minimum verified hours").fill("500")
    await page.get_by_role("button", name="Show portfolios").click()
    await page.wait_for_url(re.compile(r"min_hours=500"))
    await expect(card).to_have_count(0)
    await expect(page.get_by_text("No shared portfolio matches these filters.")).to_be_visible()
    await page.get_by_role("link", name="Clear filters").click()
    await page.wait_for_url(re.compile(r"/employer$"))

    step("the employer opens the portfolio")
    await card.get_by_role("link", name=STUDENT_NAME).click()
    await page.wait_for_url(re.compile(r"/employer/students/\d+$"))
    await expect(page.get_by_role("heading", name=STUDENT_NAME, level=2)).to_be_visible()
    await expect(page.get_by_role("heading", name="Verified experience")).to_be_visible()
    await expect(page.get_by_text("Guest lecture: careers in welding")).to_be_visible()
    await assert_phone_ready(page)

    step("a private note (htmx swaps the notes section in place)")
    note = f"Ask about the welding program {uuid.uuid4().hex[:6]}"
    await page.get_by_label("New note").fill(note)
    await page.get_by_role("button", name="Add note").click()
    await expect(page.locator(".emp-note-list")).to_contain_text(note)
    await expect(page.get_by_role("status").filter(has_text="Note added.")).to_be_visible()
    await expect(page.get_by_label("New note")).to_have_value("")
    await assert_phone_ready(page)

    step("the shortlist toggle (also swapped in place)")
    remove = page.get_by_role("button", name="Remove from shortlist")
    if await remove.count():  # another run on the same server already shortlisted
        await remove.click()
    await page.get_by_role("button", name="Add to shortlist").click()
    await expect(remove).to_be_visible()
    await expect(page.get_by_text("On your shortlist")).to_be_visible()
    await assert_phone_ready(page)

    step('back on the list: marked, and the "shortlist only" filter keeps it')
    await page.get_by_role("link", name="Back to Shared portfolios").click()
    await page.wait_for_url(re.compile(r"/employer$"))
    await expect(card.get_by_text("Shortlisted")).to_be_visible()
    await page.get_by_text("Filter and sort", exact=True).click()
    await page.get_by_label("Shortlist only").check()
    await page.get_by_role("button", name="Show portfolios").click()
    await page.wait_for_url(re.compile(r"shortlist=1"))
    await expect(card).to_have_count(1)
    await assert_phone_ready(page)

    step("a desktop: the list passes axe too")
    desktop = await new_page(DESKTOP)
    await sign_in(desktop, EMPLOYER)
    await desktop.goto("/employer")
    await expect(desktop.locator(".emp-card").filter(has_text=STUDENT_NAME)).to_have_count(1)
    await assert_accessible(desktop)


async def test_a_note_without_javascript(new_page):
    page = await new_page(PHONE, javascript=False)
    await sign_in(page, EMPLOYER)
    await page.locator(".emp-card").filter(has_text=STUDENT_NAME).get_by_role("link", name=STUDENT_NAME).click()
    await page.wait_for_url(re.compile(r"/employer/students/\d+$"))
    note = f"Called the school {uuid.uuid4().hex[:6]}"
    await page.get_by_label("New note").fill(note)
    await page.get_by_role("button", name="Add note").click()
    await page.wait_for_url(re.compile(r"/employer/students/\d+#notes$"))
    await expect(page.locator(".emp-note-list")).to_contain_text(note)


async def test_the_shortlist_and_checking_a_pdf_on_a_small_phone(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, EMPLOYER)
    tabs = page.get_by_role("navigation", name="Main")
    student_link = page.locator(".emp-card").filter(has_text=STUDENT_NAME).get_by_role("link", name=STUDENT_NAME)
    portfolio = await student_link.get_attribute("href")

    # On the shortlist page exactly when shortlisted (another test may have left the mark either way).
    await page.goto(portfolio)
    if not await page.get_by_role("button", name="Remove from shortlist").count():
        await page.get_by_role("button", name="Add to shortlist").click()
        await expect(page.get_by_role("button", name="Remove from shortlist")).to_be_visible()
    await tabs.get_by_role("link", name="Shortlist").click()
    await page.wait_for_url("**/employer/shortlist")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Shortlist")
    await expect(tabs.locator("a[aria-current='page']")).to_have_text("Shortlist")
    await expect(page.locator(".emp-card").filter(has_text=STUDENT_NAME)).to_contain_text("Shortlisted")
    await assert_phone_ready(page)

    # The PDF the employer downloads carries its check link; its code, typed in, opens the check page.
    pdf = await page.request.get(f"{portfolio}/portfolio.pdf")
    assert pdf.ok
    found = re.search(rb"/p/([A-Za-z0-9_-]{16})\)", await pdf.body())
    assert found, "no check link in the PDF"
    await tabs.get_by_role("link", name="Check a PDF").click()
    await page.wait_for_url("**/employer/check")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Check a PDF")
    await assert_phone_ready(page)
    code = page.get_by_label("Check code or link")
    await code.fill("not-a-code")
    await page.get_by_role("button", name="Check", exact=True).click()
    await expect(page.locator("#code-error")).to_have_text(re.compile("Enter the 16 letters and digits"))
    await expect(code).to_have_attribute("aria-invalid", "true")
    await assert_phone_ready(page)
    await code.fill("ZZZZZZZZZZZZZZZZ")
    await page.get_by_role("button", name="Check", exact=True).click()
    await expect(page.locator("#code-error")).to_have_text(re.compile("No portfolio PDF has this code"))
    await code.fill(found.group(1).decode())
    await page.get_by_role("button", name="Check", exact=True).click()
    await page.wait_for_url(f"**/p/{found.group(1).decode()}")
    await expect(page.locator("main")).to_contain_text(STUDENT_NAME)
    await assert_phone_ready(page)
