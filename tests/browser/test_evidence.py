"""A student adds evidence on a phone: a photo with a progress bar and a thumbnail, a bad file refused in
place, a certification with its PDF, a HEIC photo that Chromium shows through its JPEG copy.

The server is shared with the other browser tests: counts are read first and compared with what follows.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.async_api import Dialog, Locator, Page, expect

from tests import samples
from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    assert_phone_ready,
    assert_touch_targets,
    path_of,
    sign_in,
)

pytestmark = pytest.mark.browser

STUDENT = "student@demo.example"
THUMBS = "#evidence img[src^='/evidence/'][src$='/thumb']"

# Every htmx:xhr:progress event, as the page saw it just after upload-progress.js had moved the bar.
# Upload and download progress both arrive as htmx:xhr:progress; `total` tells them apart (the upload is
# the file).
_RECORD_PROGRESS = """
() => {
  window.uploadProgress = [];
  document.addEventListener("htmx:xhr:progress", (event) => {
    const form = event.target.closest ? event.target.closest("form[data-progress]") : null;
    const bar = form ? form.querySelector("progress.upload-progress") : null;
    const box = bar ? bar.getBoundingClientRect() : null;
    window.uploadProgress.push({
      loaded: event.detail.loaded,
      total: event.detail.total,
      value: bar ? bar.value : null,
      visible: Boolean(bar && !bar.hidden && box.width > 0 && box.height > 0),
    });
  });
  return true;
}
"""


_BAR_PART_WAY = """
() => {
  const bar = document.querySelector("#evidence progress.upload-progress");
  if (!bar || bar.hidden || bar.getBoundingClientRect().height === 0) return false;
  const button = bar.closest("form").querySelector("button[type=submit]");
  return bar.value > 0 && bar.value < 100 ? {value: bar.value, buttonDisabled: button.disabled} : false;
}
"""
UNTHROTTLED = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


async def _open_draft(page: Page) -> str:
    """Signed in as the demo student, from the dashboard to a draft entry; returns its path."""
    await sign_in(page, STUDENT)
    await expect(page.get_by_role("heading", level=1)).to_have_text("My hours")
    drafts = page.locator(".entries .entry").filter(has=page.locator(".status", has_text=re.compile(r"^Draft$")))
    assert await drafts.count() > 0, "the demo student has no draft on the dashboard"
    await drafts.first.locator("a").click()
    await page.wait_for_url(re.compile(r"/student/experiences/\d+$"))
    # The entry opens as a card; files are added and removed on its edit page.
    await page.get_by_role("link", name="Add photos or files").click()
    await page.wait_for_url(re.compile(r"/student/experiences/\d+/edit#evidence$"))
    await expect(page.get_by_role("heading", level=2, name="Evidence")).to_be_visible()
    return path_of(page)


async def _upload(page: Page, name: str, mime: str, data: bytes):
    """Choose one file with the labelled input and press Upload; returns the response (htmx swaps it in)."""
    await page.get_by_label("Add photos or PDFs").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    async with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/evidence")) as posted:
        await page.get_by_role("button", name="Upload", exact=True).click()
    response = await posted.value
    assert await response.request.header_value("hx-request") == "true"
    return response


async def _item(page: Page, name: str) -> Locator:
    item = page.locator("#evidence .evidence-item").filter(has=page.locator(".evidence-name", has_text=name))
    await expect(item).to_have_count(1)
    return item


async def _shown(page: Page, img: Locator) -> int:
    """Waits until the image has loaded and been decoded (thumbnails load lazily: scroll to them, as the
    student would); returns its natural width."""
    await img.scroll_into_view_if_needed()
    handle = await img.element_handle()
    await page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=handle)
    return await img.evaluate("(img) => img.naturalWidth")


def _accept(message: str):
    async def handler(dialog: Dialog) -> None:
        assert dialog.type == "confirm" and dialog.message == message, (dialog.type, dialog.message)
        await dialog.accept()

    return handler


@pytest.mark.smoke
async def test_photo_upload_with_progress_thumbnail_and_removal(page: Page, step):
    step("the photo goes up with the progress bar part-way")
    entry = await _open_draft(page)
    thumbs = page.locator(THUMBS)
    before = await thumbs.count()
    bar = page.locator("#evidence progress.upload-progress")
    await expect(bar).to_be_hidden()
    assert await page.evaluate(_RECORD_PROGRESS) is True

    # About 2 MB, sent at 4 MB/s (DevTools throttling, which Chromium applies to uploads too): on loopback
    # the whole file would otherwise go in one step, and the bar would only ever show 100.
    photo = samples.jpeg_with_gps(width=3000, height=2000)
    name = f"panel-room-at-riverside-electric-{uuid.uuid4().hex[:8]}.jpg"
    devtools = await page.context.new_cdp_session(page)
    await devtools.send("Network.enable")
    await devtools.send("Network.emulateNetworkConditions", {**UNTHROTTLED, "uploadThroughput": 4 * 1024 * 1024})
    await page.get_by_label("Add photos or PDFs").set_input_files({"name": name, "mimeType": "image/jpeg", "buffer": photo})
    async with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/evidence")) as posted:
        await page.get_by_role("button", name="Upload", exact=True).click()
        # While the file is still going up, the bar is shown part-way and Upload cannot be pressed again.
        midway = await (await page.wait_for_function(_BAR_PART_WAY, timeout=5_000)).json_value()
        assert 0 < midway["value"] < 100 and midway["buttonDisabled"] is True, midway
    response = await posted.value
    await devtools.send("Network.emulateNetworkConditions", UNTHROTTLED)
    await devtools.detach()
    assert response.status == 200
    assert await response.request.header_value("hx-request") == "true"

    step("the bar was shown and moved forward as the file went up (the swap has since replaced it)")
    events = await page.evaluate("() => window.uploadProgress")
    upload_events = [e for e in events if e["total"] >= len(photo)]
    assert len(upload_events) >= 2, f"no upload progress reported part-way: {events}"
    assert all(e["visible"] for e in upload_events), upload_events
    values = [e["value"] for e in upload_events]
    assert values == sorted(values) and 0 < values[0] < 100 and values[-1] == 100, values

    step("swapped in place: the thumbnail, the status and a Remove button, on the same page")
    assert path_of(page) == entry
    await expect(page.locator("#evidence").get_by_role("status")).to_have_text("1 file added.")
    await expect(thumbs).to_have_count(before + 1)
    item = await _item(page, name)
    thumb = item.locator("img")
    assert re.fullmatch(r"/evidence/\d+/thumb", await thumb.get_attribute("src") or "")
    assert await _shown(page, thumb) > 0
    await expect(item.locator(".entry-meta")).to_contain_text("Photo")
    remove = item.get_by_role("button", name=f"Remove {name}")
    await expect(remove).to_be_visible()
    await expect(remove).to_have_text("Remove")
    await expect(bar).to_be_hidden()
    await assert_accessible(page)
    await assert_touch_targets(page)

    step("a small phone: nothing scrolls sideways, not even the long file name")
    await page.set_viewport_size(SMALL_PHONE)
    await assert_no_horizontal_scroll(page)
    await assert_touch_targets(page)

    step("removing asks first, then the file is gone")
    page.once("dialog", _accept("Remove this file?"))
    async with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/delete")) as removed:
        await remove.click()
    assert (await removed.value).status == 200
    await expect(page.locator("#evidence .evidence-name", has_text=name)).to_have_count(0)
    await expect(thumbs).to_have_count(before)
    assert path_of(page) == entry
    await assert_accessible(page)


async def test_bad_file_is_refused_in_place(page: Page):
    entry = await _open_draft(page)
    thumbs = page.locator(THUMBS)
    before = await thumbs.count()

    response = await _upload(page, "photo.jpg", "image/jpeg", samples.svg_renamed())
    assert response.status == 422

    evidence = page.locator("#evidence")
    alert = evidence.get_by_role("alert")
    await expect(alert).to_contain_text("photo.jpg: This kind of file can't be uploaded.")
    await expect(alert).to_contain_text("Nothing already saved was changed.")
    await expect(alert).to_be_focused()  # announced, and htmx has settled
    assert path_of(page) == entry
    await expect(thumbs).to_have_count(before)
    await expect(evidence.locator(".evidence-name", has_text="photo.jpg")).to_have_count(0)
    await expect(evidence.get_by_role("status")).to_have_count(0)
    # The form is there again for another try.
    await expect(page.get_by_label("Add photos or PDFs")).to_be_visible()
    await assert_accessible(page)
    await assert_touch_targets(page)


async def test_certification_with_pdf_and_renewal_notice(page: Page, step):
    step("the student adds a certification with its PDF")
    await sign_in(page, STUDENT)
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Certificates", exact=True).click()
    await page.wait_for_url("**/student/certifications")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Certifications")
    await assert_accessible(page)
    await assert_touch_targets(page)

    await page.get_by_role("link", name="Add a certification").click()
    await page.wait_for_url("**/student/certifications/new")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Add a certification")
    name = f"OSHA 10-Hour Construction {uuid.uuid4().hex[:6]}"
    issued = date.today() - timedelta(days=365)
    expires = date.today() + timedelta(days=30)
    await page.get_by_label("Name", exact=True).fill(name)
    await page.get_by_label("Issued by", exact=True).fill("OSHA")
    await page.get_by_label("Issued on", exact=True).fill(issued.isoformat())
    await page.get_by_label(re.compile(r"^Expires on")).fill(expires.isoformat())
    await page.get_by_role("button", name="Save", exact=True).click()

    step("straight to its edit page, to add the certificate")
    await page.wait_for_url(re.compile(r"/student/certifications/\d+/edit\?saved=1(#evidence)?$"))
    edit_page = path_of(page).split("?")[0]
    certification = edit_page.removesuffix("/edit")
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit: {name}")
    await expect(page.get_by_role("status")).to_contain_text("Saved.")
    await expect(page.get_by_role("heading", level=2, name="Evidence")).to_be_visible()
    await expect(page.locator(THUMBS)).to_have_count(0)

    response = await _upload(page, "osha-card.pdf", "application/pdf", samples.pdf())
    assert response.status == 200
    await expect(page.locator("#evidence").get_by_role("status")).to_have_text("1 file added.")
    item = await _item(page, "osha-card.pdf")
    await expect(item.locator(".entry-meta")).to_contain_text("PDF, 1 page")
    assert await _shown(page, item.locator("img")) > 0  # the preview of its first page
    assert path_of(page).split("?")[0] == edit_page
    await assert_accessible(page)
    await assert_touch_targets(page)

    step("the dashboard reminds the student to renew it")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Hours", exact=True).click()
    await page.wait_for_url(re.compile(r"/student$"))
    renew = page.get_by_role("region", name="Certifications")
    await expect(renew).to_be_visible()
    row = renew.locator("li").filter(has=page.get_by_role("link", name=name, exact=True))
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("expires on")
    await expect(row.locator(".status")).to_have_text("Expires soon")
    await expect(row.get_by_role("link")).to_have_attribute("href", certification)
    await assert_accessible(page)
    await assert_touch_targets(page)

    step("the list shows it; both pages fit a small phone")
    await page.set_viewport_size(SMALL_PHONE)
    await page.goto("/student/certifications")
    await expect(page.get_by_role("link", name=re.compile(re.escape(name)))).to_have_count(1)
    await assert_accessible(page)
    await assert_touch_targets(page)
    await assert_no_horizontal_scroll(page)
    await page.goto(certification)  # its card: the file shows, read-only
    await expect(page.get_by_role("heading", level=1)).to_have_text(name)
    await expect(page.locator(THUMBS)).to_have_count(1)
    await expect(page.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    await assert_phone_ready(page)


async def test_heic_photo_is_shown_through_its_jpeg_copy(page: Page):
    entry = await _open_draft(page)
    thumbs = page.locator(THUMBS)
    before = await thumbs.count()
    name = f"IMG_{uuid.uuid4().hex[:6]}.HEIC"
    response = await _upload(page, name, "image/heic", samples.heic_with_gps(width=640, height=480))
    assert response.status == 200
    await expect(thumbs).to_have_count(before + 1)
    item = await _item(page, name)
    assert await _shown(page, item.locator("img")) > 0

    # What the student opens by tapping it is a JPEG that Chromium draws; the original HEIC it cannot.
    view = await item.locator("a.evidence-open").get_attribute("href")
    assert view and re.fullmatch(r"/evidence/\d+/view", view), view
    shown = await page.request.get(view)
    assert shown.ok and shown.headers["content-type"] == "image/jpeg", shown.headers
    drawn = """async (src) => {
      const img = new Image();
      img.src = src;
      try { await img.decode(); } catch (error) { return null; }
      return [img.naturalWidth, img.naturalHeight];
    }"""
    # 640 x 480 taken with the phone turned (EXIF orientation 6): the copy is drawn upright.
    assert await page.evaluate(drawn, view) == [480, 640]
    original = view.removesuffix("/view")
    assert (await page.request.get(original)).headers["content-type"].startswith("image/heic")
    assert await page.evaluate(drawn, original) is None, "Chromium drew a HEIC: this test proves nothing here"

    # Leave the shared entry as it was.
    page.once("dialog", _accept("Remove this file?"))
    await item.get_by_role("button", name=f"Remove {name}").click()
    await expect(thumbs).to_have_count(before)
    assert path_of(page) == entry
