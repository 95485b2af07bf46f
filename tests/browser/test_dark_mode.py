"""Dark mode follows the device: each role's main page, emulated dark at 360 px, is really dark and passes axe
(colour contrast included); the same page in light mode is still light. A very dark school colour is lightened
for the dark page and stays AA there."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from portfolio import colours
from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser

SCHOOL = "Riverside Career Center"
# Each role's main page: who signs in (None: nobody) and where the page is; "entry" is the student's first
# entry card, found on the dashboard.
PAGES = [
    ("student", "student@demo.example", "/student"),
    ("entry", "student@demo.example", "entry"),
    ("mentor", "mentor@demo.example", "/mentor"),
    ("staff", "counselor@demo.example", "/staff"),
    ("employer", "employer@demo.example", "/employer"),
    ("admin", "admin@demo.example", "/admin"),
    ("signin", None, "/signin"),
]

# What paints behind the page: the first background that is not transparent, from the body up.
_PAGE_BACKGROUND = """() => {
  for (let el = document.body; el; el = el.parentElement) {
    const colour = getComputedStyle(el).backgroundColor;
    if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
  }
  return "rgb(255, 255, 255)";
}"""


def _hex(css: str) -> str:
    match = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, [\d.]+)?\)", css)
    assert match, css
    return "#" + "".join(f"{int(c):02x}" for c in match.groups())


async def _background_luminance(page: Page) -> float:
    return colours.luminance(_hex(await page.evaluate(_PAGE_BACKGROUND)))


async def _open(page: Page, email: str | None, path: str) -> None:
    if email:
        await sign_in(page, email)
    if path == "entry":
        await page.goto("/student")
        entry = page.locator(".entry > a[href^='/student/experiences/']").first
        await entry.click()
        await page.wait_for_url(re.compile(r"/student/experiences/\d+$"))
    else:
        await page.goto(path)


@pytest.mark.parametrize(("name", "email", "path"), PAGES, ids=[p[0] for p in PAGES])
async def test_each_roles_main_page_is_dark_and_readable_in_dark_mode(new_page, name, email, path):
    dark = await new_page(SMALL_PHONE, color_scheme="dark")
    await _open(dark, email, path)
    assert await _background_luminance(dark) < 0.02, f"{name} is not dark"
    # The cards stand a step above the page, so they still read as cards.
    card = dark.locator(".card, .entry, .record, .summary").first
    if await card.count():
        card_background = _hex(await card.evaluate("(e) => getComputedStyle(e).backgroundColor"))
        assert colours.luminance(card_background) > await _background_luminance(dark)
    await assert_accessible(dark)
    light = await new_page(SMALL_PHONE)
    await _open(light, email, path)
    assert await _background_luminance(light) > 0.8, f"{name} is no longer light"


async def _set_accent(page: Page, colour: str) -> None:
    await page.goto("/admin/schools")
    await page.get_by_role("link", name=SCHOOL, exact=True).click()
    await page.get_by_label("Accent colour").fill(colour)
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Schools")


async def test_a_navy_school_colour_is_lightened_on_the_dark_page(new_page):
    admin = await new_page(SMALL_PHONE)
    await sign_in(admin, "admin@demo.example")
    await _set_accent(admin, "#000080")
    try:
        student = await new_page(SMALL_PHONE, color_scheme="dark")
        await sign_in(student, "student@demo.example")
        lightened = colours.dark_accent("#000080")
        current = student.locator(".tabs a[aria-current]")
        assert _hex(await current.evaluate("(e) => getComputedStyle(e).color")) == lightened
        await assert_accessible(student)
        light = await new_page(SMALL_PHONE)
        await sign_in(light, "student@demo.example")
        await expect(light.locator("header.top")).to_have_css("background-color", "rgb(0, 0, 128)")
    finally:
        # The browser tests share one demo database: give the school its own green back.
        await _set_accent(admin, "")
