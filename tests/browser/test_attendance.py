"""A coordinator takes attendance on a 360 px phone: marks everyone present in one tap, unticks one, ticks them
again without a signal (the mark waits on the phone and arrives once, even when the first answer is lost on the
way back), and checks a walk-in in by the QR code on the student's phone: through the camera (Chromium's fake
camera, fed a video of the code) and through the decoder on the code drawn into a canvas."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import segno
from playwright.async_api import Page, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, path_of, sign_in

pytestmark = pytest.mark.browser

COUNSELOR = "counselor@demo.example"
WALK_IN = "student2@demo.example"  # Avery Chen: not on the Career Showcase Expo in the demo data, so a walk-in there


async def open_roster(page: Page, title: str) -> str:
    """The roster of the demo's opportunity with this title, reached as staff reach it: from its page."""
    await page.goto("/staff/opportunities")
    await page.get_by_role("link", name=re.compile(re.escape(title))).first.click()
    await page.get_by_role("link", name=re.compile("^Attendance")).first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return path_of(page)


async def test_a_coordinator_takes_attendance_on_a_phone_also_offline(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, COUNSELOR)
    await open_roster(page, "Career Showcase Expo")
    counter = page.locator("[data-roster-count]")
    pending = page.locator("[data-roster-pending]")
    await expect(counter).to_have_text("0 of 6 here")
    await expect(page.locator(".roster-forms").first).to_have_text("Missing: Permission slip")
    await assert_phone_ready(page)

    sent: list[int] = []
    page.on("response", lambda response: sent.append(response.status) if response.url.endswith("/marks") else None)
    await page.get_by_role("button", name="Mark all present").click()
    await expect(counter).to_have_text("6 of 6 here")
    for _ in range(100):
        if len(sent) == 6:
            break
        await page.wait_for_timeout(100)
    assert sent == [201] * 6, sent
    await expect(pending).to_be_hidden()
    await page.reload()
    await expect(counter).to_have_text("6 of 6 here")
    await assert_phone_ready(page)

    sam = page.get_by_role("button", name="Sam Ortiz present")
    await expect(sam).to_have_attribute("aria-pressed", "true")
    async with page.expect_response("**/marks") as unticked:
        await sam.click()
    assert (await unticked.value).status == 200
    await expect(counter).to_have_text("5 of 6 here")
    await expect(pending).to_be_hidden()
    await page.reload()
    await expect(counter).to_have_text("5 of 6 here")
    await expect(sam).to_have_attribute("aria-pressed", "false")

    # No signal: the mark waits on the phone.
    answers: list[int] = []
    page.on("response", lambda response: answers.append(response.status) if response.url.endswith("/marks") else None)
    await page.context.set_offline(True)
    await sam.click()
    await expect(counter).to_have_text("6 of 6 here")
    await expect(pending).to_contain_text("1 mark is waiting to be sent")
    await page.wait_for_timeout(500)
    assert answers == []

    # Back online, the first send reaches the server but its answer is lost: the phone sends it again, with the
    # same UUID, and the server answers the first mark (200) instead of making a second.
    lost: list[int] = []

    async def lose_the_first_answer(route):
        if not lost:
            response = await route.fetch()
            lost.append(response.status)
            await route.abort()
        else:
            await route.continue_()

    await page.route("**/api/v1/sessions/*/marks", lose_the_first_answer)
    await page.context.set_offline(False)
    await expect(pending).to_be_hidden(timeout=30_000)
    assert lost == [201] and answers == [200], (lost, answers)
    await page.reload()
    await expect(counter).to_have_text("6 of 6 here")
    await expect(sam).to_have_attribute("aria-pressed", "true")


async def student_code(new_page) -> tuple[str, str]:
    """The walk-in's code as their dashboard's card shows it, and its QR image."""
    phone = await new_page(SMALL_PHONE)
    await sign_in(phone, WALK_IN)
    card = phone.locator("#checkin")
    await expect(card).to_contain_text("Avery Chen")
    await assert_phone_ready(phone)
    code = (await card.locator("[data-checkin-code]").inner_text()).replace(" ", "")
    return code, await card.locator("img.checkin-qr").get_attribute("src")


async def test_the_decoder_reads_the_qr_on_the_student_s_card(new_page):
    code, qr = await student_code(new_page)
    page = await new_page(SMALL_PHONE)
    await sign_in(page, COUNSELOR)
    await open_roster(page, "Site visit: Tri-County Builders job site")
    read = await page.evaluate(
        """async (src) => {
             // The decoder the scanner loads when the camera opens.
             await new Promise((resolve, reject) => {
               const script = document.createElement("script");
               script.src = document.querySelector("[data-scanner]").getAttribute("data-decoder");
               script.onload = resolve;
               script.onerror = reject;
               document.head.appendChild(script);
             });
             const image = new Image();
             image.src = src;
             await image.decode();
             const canvas = document.createElement("canvas");
             canvas.width = canvas.height = 400;
             const context = canvas.getContext("2d");
             context.fillStyle = "#fff";
             context.fillRect(0, 0, 400, 400);
             context.drawImage(image, 40, 40, 320, 320);
             const pixels = context.getImageData(0, 0, 400, 400);
             const found = window.jsQR(pixels.data, 400, 400);
             return found ? found.data : null;
           }""", qr)
    assert read == code and re.fullmatch(r"[2-9A-Z]{8}", code)


def qr_video(code: str, path: Path, width: int = 640, height: int = 480) -> Path:
    """A few frames of Y4M (what Chromium's fake camera plays) showing the code's QR, black on white."""
    matrix = [list(row) for row in segno.make_qr(code, error="m").matrix]
    border = 4
    size = len(matrix) + 2 * border
    scale = min(width, height) * 3 // 4 // size
    left, top = (width - size * scale) // 2, (height - size * scale) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = (top + (y + border) * scale + dy) * width + left + (x + border) * scale
                    luma[start:start + scale] = b"\x00" * scale
    chroma = b"\x80" * (width // 2 * height // 2)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    path.write_bytes(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * 10)
    return path


async def test_the_camera_scans_a_walk_in_s_code_and_staff_check_them_in(new_page, live_server, tmp_path):
    code, _ = await student_code(new_page)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        camera = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + [
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={qr_video(code, tmp_path / 'code.y4m')}"])
        try:
            context = await camera.new_context(base_url=live_server, viewport=SMALL_PHONE, locale="en-US",
                                               service_workers="block", permissions=["camera"])
            context.set_default_timeout(15_000)
            page = await context.new_page()
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            await sign_in(page, COUNSELOR)
            await open_roster(page, "Career Showcase Expo")
            counter = page.locator("[data-roster-count]")
            present, total = (int(n) for n in re.findall(r"\d+", await counter.inner_text()))
            await page.get_by_role("button", name="Scan a code").click()
            await expect(page.get_by_role("heading", name="Is this Avery Chen?")).to_be_visible()
            await page.get_by_role("button", name="Check in Avery Chen").click()
            # A walk-in: on the roster now, present.
            await expect(counter).to_have_text(f"{present + 1} of {total + 1} here")
            avery = page.locator(".roster-row", has_text="Avery Chen")
            await expect(avery).to_contain_text("Walk-in")
            await expect(avery.get_by_role("button", name="Avery Chen present")).to_have_attribute("aria-pressed", "true")
            # Unticked again, the untouched entry goes: Avery stays the demo's student with no entries yet.
            async with page.expect_response("**/marks") as unticked:
                await avery.get_by_role("button", name="Avery Chen present").click()
            assert (await unticked.value).status == 200
            await expect(counter).to_have_text(f"{present} of {total + 1} here")
            assert problems == []
        finally:
            await camera.close()
