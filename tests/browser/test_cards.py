"""An entry and a certification open as cards to read on a 360 px phone, with Edit as an action; long unbroken
words and URLs wrap on every page that shows them instead of making the page scroll sideways."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, log_draft, sign_in

pytestmark = pytest.mark.browser

STUDENT = "student@demo.example"  # shares everything with Acme Manufacturing in the demo data
EMPLOYER = "employer@demo.example"
STUDENT_NAME = "Jordan Rivera"


def unbroken(length: int) -> str:
    """A word with no place to break, as a pasted reference number or a run of letters gives."""
    tag = uuid.uuid4().hex[:8]
    return (tag + "Supercalifragilistic" * 20)[:length]


def long_url(length: int = 300) -> str:
    start = f"https://example.org/{uuid.uuid4().hex[:8]}/"
    return start + ("verify" * 60)[: length - len(start)]


async def fits_360(page) -> None:
    """No sideways scrolling at 360 px (the page's viewport), axe, 44 px targets."""
    await assert_phone_ready(page)


async def test_long_words_and_urls_wrap_on_the_cards_forms_lists_and_shared_views(new_page, step):
    title, organization, url = unbroken(200), unbroken(200), long_url()  # 200: the longest title the form takes
    step("the student logs an entry with a long unbroken title, organization and a URL in the reflection")
    student = await new_page(SMALL_PHONE)
    await sign_in(student, STUDENT)
    entry_id = await log_draft(student, title, organization=organization, hours="0.25", reflection=f"See {url} {unbroken(300)}")

    step("the dashboard list")
    await expect(student.get_by_text(title[:20])).to_be_visible()
    await fits_360(student)

    step("the entry's card: read-only, with Edit as an action")
    await student.goto(f"/student/experiences/{entry_id}")
    await expect(student.get_by_role("heading", level=1)).to_have_text(title)
    await expect(student.locator("main").get_by_role("textbox")).to_have_count(0)
    await expect(student.get_by_text(url, exact=False)).to_be_visible()
    await fits_360(student)

    step("the edit form, and back to the card with a notice")
    await student.get_by_role("link", name="Edit", exact=True).click()
    await student.wait_for_url(f"**/student/experiences/{entry_id}/edit")
    await expect(student.get_by_label("Title", exact=True)).to_have_value(title)
    await fits_360(student)
    await student.get_by_label("Hours", exact=True).fill("0.5")
    await student.get_by_role("button", name="Save", exact=True).click()
    await student.wait_for_url(re.compile(rf"/student/experiences/{entry_id}\?saved=1$"))
    await expect(student.get_by_role("status")).to_have_text("Saved.")
    await expect(student.locator(".record-facts")).to_contain_text("0.5 h")
    await fits_360(student)

    step("a certification with a long name and verification link: its card and its form")
    await student.goto("/student/certifications/new")
    name = unbroken(200)
    await student.get_by_label("Name", exact=True).fill(name)
    await student.get_by_label("Issued by", exact=True).fill(unbroken(200))
    await student.get_by_label("Issued on", exact=True).fill("2026-01-10")
    await student.get_by_label(re.compile("^Verification link")).fill(url)
    await student.get_by_role("button", name="Save", exact=True).click()
    await student.wait_for_url(re.compile(r"/student/certifications/\d+/edit\?saved=1(#evidence)?$"))
    await fits_360(student)
    await student.get_by_role("link", name="Back to the certification").click()
    await expect(student.get_by_role("heading", level=1)).to_have_text(name)
    await expect(student.get_by_role("link", name=url)).to_be_visible()
    await fits_360(student)

    step("a link share a visitor opens (the HTML portfolio, not the PDF)")
    await student.goto("/student/sharing")
    await student.get_by_label("Anyone I give a link to").check()
    await student.get_by_label("Everything (also what I add later)").check()
    await student.get_by_label("Label").fill(f"Long words {uuid.uuid4().hex[:6]}")
    await student.get_by_role("button", name="Share", exact=True).click()
    link = await student.get_by_label("Link", exact=True).input_value()
    visitor = await new_page(SMALL_PHONE)
    await visitor.goto(link)
    await visitor.get_by_label("Your name").fill("Robin Recruiter")
    await visitor.get_by_label("Your organization").fill("Bolt Works")
    await visitor.get_by_role("button", name="See the portfolio").click()
    await visitor.wait_for_url(re.compile(r"/s/[A-Za-z0-9_-]+/portfolio$"))
    await expect(visitor.locator("article.portfolio")).to_contain_text(title)
    await fits_360(visitor)

    step("the employer's view of the student (everything is shared with Acme)")
    employer = await new_page(SMALL_PHONE)
    await sign_in(employer, EMPLOYER)
    await fits_360(employer)
    await employer.locator(".emp-card").filter(has_text=STUDENT_NAME).get_by_role("link", name=STUDENT_NAME).click()
    await employer.wait_for_url(re.compile(r"/employer/students/\d+$"))
    await expect(employer.locator("main")).to_contain_text(title)
    await fits_360(employer)
