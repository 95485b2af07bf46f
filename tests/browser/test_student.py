"""A student logs hours on a phone: with htmx, with errors shown in place, and without JavaScript."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.async_api import Page, expect

from tests import samples
from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import (
    assert_accessible,
    assert_touch_targets,
    kind_hours,
    large_file,
    path_of,
    sign_in,
    total_hours,
)

pytestmark = pytest.mark.browser

STUDENT = "student@demo.example"


async def _open_form(page: Page) -> str:
    """From the dashboard to the new-entry form; returns the date the form suggests (today)."""
    await page.get_by_role("link", name="Log hours", exact=True).click()
    await page.wait_for_url("**/student/experiences/new")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Log hours")
    date_input = page.get_by_label("Date", exact=True)
    suggested = await date_input.input_value()
    # The form suggests today (the school's today), which is also the latest date it accepts.
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", suggested), suggested
    assert suggested == await date_input.get_attribute("max")
    assert abs(date.fromisoformat(suggested) - date.today()) <= timedelta(days=1)
    return suggested


async def _fill(page: Page, *, title: str, hours: str, kind: str = "job_shadow", cluster: str = "construction") -> None:
    await page.get_by_label("Kind", exact=True).select_option(kind)
    await page.get_by_label("Title", exact=True).fill(title)
    await page.get_by_label("Organization", exact=True).fill("Riverside Electric Co.")
    await page.get_by_label("Hours", exact=True).fill(hours)
    await page.get_by_label("Career cluster", exact=True).select_option(cluster)
    await page.get_by_label("Reflection").fill("Pulled wire through conduit and learned to read a panel schedule.")


async def _entry_row(page: Page, title: str):
    row = page.locator(".entries .entry").filter(has=page.locator(".entry-title", has_text=title))
    await expect(row).to_have_count(1)
    return row


@pytest.mark.smoke
async def test_student_logs_hours(page: Page):
    await page.goto("/signin")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    await assert_accessible(page)
    await assert_touch_targets(page)

    await sign_in(page, STUDENT)
    assert path_of(page) == "/student"
    await expect(page.get_by_role("heading", level=1)).to_have_text("My hours")
    before = await total_hours(page)
    shadow_before = await kind_hours(page, "Job shadow")
    await assert_accessible(page)
    await assert_touch_targets(page)

    today = await _open_form(page)
    title = f"Shadowed an electrician {uuid.uuid4().hex[:6]}"
    await _fill(page, title=title, hours="2.5")
    async with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/student/experiences")) as posted:
        await page.get_by_role("button", name="Save", exact=True).click()
    response = await posted.value
    # htmx sent it, and the server told htmx where to go next.
    assert await response.request.header_value("hx-request") == "true"
    target = response.headers.get("hx-redirect", "")
    assert response.status == 200 and re.fullmatch(r"/student\?saved=\d+", target), (response.status, response.headers)
    await page.wait_for_url(f"**{target}")

    await expect(page.get_by_role("status")).to_contain_text("Saved.")
    await expect(page.get_by_role("link", name="Add a photo or PDF to it")).to_be_visible()
    row = await _entry_row(page, title)
    await expect(row.locator(".entry-side strong")).to_have_text("2.5 h")
    await expect(row.locator(".entry-meta")).to_contain_text("Job shadow · Riverside Electric Co.")
    await expect(row.locator(".status")).to_have_text("Draft")
    assert await total_hours(page) == before + Decimal("2.5")
    assert await kind_hours(page, "Job shadow") == shadow_before + Decimal("2.5")

    # The entry opens as a card with what was typed, and its Edit action opens the form with it.
    await row.locator("a").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    await expect(page.locator(".record-facts")).to_contain_text("2.5 h")
    await page.get_by_role("link", name="Edit", exact=True).click()
    await expect(page.get_by_label("Title", exact=True)).to_have_value(title)
    await expect(page.get_by_label("Date", exact=True)).to_have_value(today)
    await expect(page.get_by_label("Hours", exact=True)).to_have_value("2.5")
    await expect(page.get_by_label("Career cluster", exact=True)).to_have_value("construction")


async def test_validation_error_renders_in_place(page: Page):
    await sign_in(page, STUDENT)
    before = await total_hours(page)
    today = await _open_form(page)
    tomorrow = (date.fromisoformat(today) + timedelta(days=1)).isoformat()
    title = f"Night shift at the plant {uuid.uuid4().hex[:6]}"
    await _fill(page, title=title, hours="30")
    await page.get_by_label("Date", exact=True).fill(tomorrow)

    async with page.expect_response(lambda r: r.request.method == "POST") as posted:
        await page.get_by_role("button", name="Save", exact=True).click()
    response = await posted.value
    assert response.status == 422
    assert await response.request.header_value("hx-request") == "true"

    # Swapped in place: same page, no navigation, the errors next to their fields.
    hours_error = page.locator("#hours-error")
    await expect(hours_error).to_have_text("One day has at most 24 hours.")
    await expect(page.locator("#date-error")).to_have_text("The date cannot be in the future.")
    assert path_of(page) == "/student/experiences/new"
    for name, error in (("hours", hours_error), ("date", page.locator("#date-error"))):
        field = page.locator(".field.has-error").filter(has=page.locator(f"#{name}"))
        await expect(field).to_have_count(1)
        await expect(field.locator(".error")).to_have_text(await error.inner_text())
        field_input = page.locator(f"#{name}")
        await expect(field_input).to_have_attribute("aria-invalid", "true")
        assert f"{name}-error" in (await field_input.get_attribute("aria-describedby") or "").split()
    await expect(page.locator(".has-error")).to_have_count(2)
    # Nothing typed was lost.
    await expect(page.get_by_label("Title", exact=True)).to_have_value(title)
    await expect(page.get_by_label("Organization", exact=True)).to_have_value("Riverside Electric Co.")
    await expect(page.get_by_label("Hours", exact=True)).to_have_value("30")
    await expect(page.get_by_label("Career cluster", exact=True)).to_have_value("construction")
    await expect(page.get_by_label("Reflection")).to_have_value(re.compile("panel schedule"))
    # The summary is announced: it is an alert and gets the focus.
    summary = page.get_by_role("alert")
    await expect(summary).to_contain_text("Please fix the problems below.")
    await expect(summary).to_be_focused()
    await assert_accessible(page)
    await assert_touch_targets(page)

    # Corrected, the swapped-in form saves.
    await page.get_by_label("Date", exact=True).fill(today)
    await page.get_by_label("Hours", exact=True).fill("1.25")
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.wait_for_url(re.compile(r"/student\?saved=\d+$"))
    row = await _entry_row(page, title)
    await expect(row.locator(".entry-side strong")).to_have_text("1.25 h")
    assert await total_hours(page) == before + Decimal("1.25")


async def test_works_without_javascript(new_page):
    page = await new_page(javascript=False)
    await sign_in(page, STUDENT)
    assert path_of(page) == "/student"
    before = await total_hours(page)
    await _open_form(page)
    title = f"Site visit, no script {uuid.uuid4().hex[:6]}"
    await _fill(page, title=title, hours="3", kind="site_visit", cluster="construction")
    async with page.expect_navigation() as navigation:
        await page.get_by_role("button", name="Save", exact=True).click()
    landed = await navigation.value
    assert landed is not None and landed.status == 200
    post = landed.request.redirected_from
    assert post is not None and post.method == "POST" and post.url.endswith("/student/experiences")
    assert await post.header_value("hx-request") is None
    assert (await post.response()).status == 303
    assert re.fullmatch(r"/student\?saved=\d+", path_of(page))
    row = await _entry_row(page, title)
    await expect(row.locator(".entry-side strong")).to_have_text("3 h")
    assert await total_hours(page) == before + 3

    # Errors come back as a whole page, with the values kept.
    await _open_form(page)
    await _fill(page, title=title, hours="0")
    async with page.expect_navigation() as navigation:
        await page.get_by_role("button", name="Save", exact=True).click()
    assert (await navigation.value).status == 422
    await expect(page.locator("#hours-error")).to_have_text("Hours must be more than 0.")
    await expect(page.get_by_label("Title", exact=True)).to_have_value(title)
    await expect(page.get_by_role("alert")).to_be_focused()  # autofocus, without script
    await page.goto("/student")
    assert await total_hours(page) == before + 3


async def test_photos_chosen_on_the_form_are_saved_with_the_entry(page: Page, tmp_path):
    await sign_in(page, STUDENT)
    await _open_form(page)
    chooser = page.get_by_label("Photos or PDFs")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)

    # Over the limit: said at once, and nothing is sent. (By its path: see large_file.)
    await chooser.set_input_files(large_file(tmp_path / "huge.pdf", 21 * 1024 * 1024 + 9, b"%PDF-1.4\n"))
    problem = page.locator("[data-file-problem]")
    await expect(problem).to_have_text("These files come to 21.0 MB; at most 20 MB fit. Choose fewer or smaller files.")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(chooser).to_be_focused()
    assert posts == []

    # A photo, and a typo elsewhere: the form comes back with the photo still chosen.
    photo = {"name": "IMG_2001.JPG", "mimeType": "image/jpeg", "buffer": samples.jpeg_with_gps()}
    await chooser.set_input_files(photo)
    await expect(problem).to_be_hidden()
    title = f"Wired a panel, with a photo {uuid.uuid4().hex[:6]}"
    await _fill(page, title=title, hours="30")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.locator("#hours-error")).to_have_text("One day has at most 24 hours.")
    assert await page.get_by_label("Photos or PDFs").evaluate("(input) => [...input.files].map((f) => f.name)") == ["IMG_2001.JPG"]
    await assert_accessible(page)
    await assert_touch_targets(page)

    await page.get_by_label("Hours", exact=True).fill("1")
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.wait_for_url(re.compile(r"/student\?saved=\d+$"))
    await (await _entry_row(page, title)).get_by_role("link").click()
    await expect(page.locator("#evidence .evidence-name")).to_have_text(["IMG_2001.JPG"])


async def test_all_entries_page_through_on_a_small_phone(new_page):
    """Past 25 entries the list pages: a count, and links to the pages around that pass axe and are 44 px
    targets at 360 px. The entries it adds are dated years back (outside every total) and deleted at the end."""
    page = await new_page(SMALL_PHONE)
    await sign_in(page, STUDENT)
    token = (await (await page.request.get("/api/v1/me")).json())["csrf_token"]
    added = []
    try:
        for n in range(26):
            body = {"client_uuid": str(uuid.uuid4()), "kind": "site_visit", "title": f"Old visit {n:02}",
                    "organization": "Archive Co.", "hours": "1", "cluster": "construction",
                    "date": (date(2001, 1, 1) + timedelta(days=n)).isoformat()}
            created = await page.request.post("/api/v1/experiences", data=body, headers={"x-csrftoken": token})
            assert created.status == 201, await created.text()
            added.append((await created.json())["entry"]["id"])
        await page.goto("/student/experiences")
        pager = page.get_by_role("navigation", name="Pages of your entries")
        await expect(pager).to_contain_text(re.compile(r"\d+ entries · page 1 of \d+"))
        await expect(page.locator(".entries .entry")).to_have_count(25)
        await assert_accessible(page)
        await assert_touch_targets(page)
        await pager.get_by_role("link", name="Older").click()
        await page.wait_for_url("**/student/experiences?page=2")
        await expect(page.locator(".entries .entry").filter(has_text="Old visit")).not_to_have_count(0)
        await expect(pager.get_by_role("link", name="Newer")).to_be_visible()
        await assert_accessible(page)
        await assert_touch_targets(page)
    finally:
        for entry_id in added:
            await page.request.post(f"/student/experiences/{entry_id}/delete", headers={"x-csrftoken": token})
