"""Each role lands on its own page after signing in, and that page passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.browser.helpers import assert_accessible, assert_touch_targets, sign_in

pytestmark = pytest.mark.browser

# email, landing path, heading, the main navigation's links
ROLES = [
    ("mentor@demo.example", "/mentor", "Mentor", ["Queue", "Students", "History", "Account"]),
    ("employer@demo.example", "/employer", "Shared portfolios", ["Portfolios", "Shortlist", "Check a PDF", "Account"]),
    ("counselor@demo.example", "/staff", "Today", ["People", "Mentors", "Partners", "Opportunities", "Reports", "Account"]),
    ("admin@demo.example", "/admin", "Everyone", ["People", "Schools", "Partners", "Opportunities", "Reports", "Account"]),
]


async def test_other_roles_land_on_their_pages(new_page):
    for email, landing, heading, links in ROLES:
        page = await new_page()
        await sign_in(page, email)
        assert re.sub(r"^https?://[^/]+", "", page.url) == landing, (email, page.url)
        await expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        nav = page.get_by_role("navigation", name="Main")
        await expect(nav.get_by_role("link")).to_have_text(links)
        await assert_accessible(page)
        await assert_touch_targets(page)
        await nav.get_by_role("link", name="Account").click()
        await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        await assert_accessible(page)
        await assert_touch_targets(page)


async def test_an_admin_opens_a_person_and_the_schools(new_page):
    page = await new_page()
    await sign_in(page, "admin@demo.example")
    await page.get_by_role("link", name="Jordan Rivera").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Rivera")
    await expect(page.get_by_role("button", name="Deactivate Jordan Rivera")).to_be_visible()
    await assert_accessible(page)
    await assert_touch_targets(page)
    await page.get_by_role("link", name="Back to People").click()
    await page.get_by_role("link", name="Schools").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Schools")
    await assert_accessible(page)
    await assert_touch_targets(page)
    await page.get_by_role("link", name="Lakeview High School").click()
    await expect(page.get_by_role("textbox", name="Name")).to_have_value("Lakeview High School")
    await assert_accessible(page)
    await assert_touch_targets(page)
