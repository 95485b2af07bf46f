"""The navigation shell in a real browser: each role's tab bar at the bottom of a 360 px phone, with its current
destination marked; the bar never covers the end of a page, lets go at 200% zoom, does not animate for those
who asked for less motion, and sits at the top of a wide screen."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import DESKTOP, SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, sign_in

pytestmark = pytest.mark.browser

# email, landing, the bar's destinations (a role has as many as it has pages of its own)
ROLES = [
    ("student@demo.example", "/student", ["Hours", "Verify", "Explore", "Certificates", "Sharing", "Account"]),
    ("counselor@demo.example", "/staff", ["People", "Mentors", "Partners", "Opportunities", "Reports", "Account"]),
    ("admin@demo.example", "/admin", ["People", "Schools", "Partners", "Opportunities", "Reports", "Account"]),
    ("mentor@demo.example", "/mentor", ["Queue", "Students", "History", "Account"]),
    ("employer@demo.example", "/employer", ["Portfolios", "Shortlist", "Check a PDF", "Account"]),
]

BAR = """() => {
  const bar = document.querySelector("nav.tabs");
  const r = bar.getBoundingClientRect();
  return {position: getComputedStyle(bar).position, top: r.top, bottom: r.bottom, left: r.left, width: r.width,
          height: r.height, viewport: window.innerHeight};
}"""

# After scrolling to the very end: the last thing on the page is above the bar, not under it.
LAST_ELEMENT = """() => {
  window.scrollTo(0, document.documentElement.scrollHeight);
  const bar = document.querySelector("nav.tabs").getBoundingClientRect();
  const last = [...document.body.querySelectorAll("main > *:last-child, body > footer, main a, main button")].pop();
  const r = last.getBoundingClientRect();
  return {lastBottom: r.bottom, barTop: bar.top, tag: last.tagName, text: (last.innerText || "").slice(0, 40)};
}"""


async def tab_labels(page: Page) -> list[str]:
    return [text.strip() for text in await page.get_by_role("navigation", name="Main").get_by_role("link").all_inner_texts()]


async def test_each_role_sees_its_tab_bar_at_the_bottom_of_a_phone(new_page):
    for email, landing, labels in ROLES:
        page = await new_page(SMALL_PHONE)
        await sign_in(page, email)
        assert page.url.endswith(landing), (email, page.url)
        nav = page.get_by_role("navigation", name="Main")
        assert await tab_labels(page) == labels, email
        # Labelled by visible text, with an icon beside it that screen readers skip.
        assert await nav.locator("svg[aria-hidden='true'] use").count() == len(labels)
        current = nav.locator("a[aria-current='page']")
        await expect(current).to_have_count(1)
        await expect(current).to_have_attribute("href", landing)
        bar = await page.evaluate(BAR)
        assert bar["position"] == "fixed" and abs(bar["bottom"] - bar["viewport"]) < 1 and bar["width"] == 360, bar
        # Marked for sight too, not by colour alone: bold and a bar over it.
        style = await current.evaluate("(a) => [getComputedStyle(a).fontWeight, getComputedStyle(a).borderTopColor]")
        other = await nav.locator("a:not([aria-current])").first.evaluate("(a) => [getComputedStyle(a).fontWeight, getComputedStyle(a).borderTopColor]")
        assert style != other, (style, other)
        await assert_phone_ready(page)
        end = await page.evaluate(LAST_ELEMENT)
        assert end["lastBottom"] <= end["barTop"], f"{email}: the bar covers the end of {landing}: {end}"


async def test_the_bar_leaves_room_at_the_end_of_a_long_page_and_follows_the_pages(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "student@demo.example")
    # The dashboard is the longest page a student opens every day.
    height = await page.evaluate("() => [document.documentElement.scrollHeight, window.innerHeight]")
    assert height[0] > height[1] + 200, f"not a long page: {height}"
    end = await page.evaluate(LAST_ELEMENT)
    assert end["lastBottom"] <= end["barTop"], end
    nav = page.get_by_role("navigation", name="Main")
    await page.goto("/student/experiences")
    await expect(nav.locator("a[aria-current]")).to_have_text("Hours")  # an entry list belongs to Hours
    await nav.get_by_role("link", name="Sharing").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Sharing")
    await expect(nav.locator("a[aria-current='page']")).to_have_text("Sharing")
    # An entry page goes back to the list in the title bar.
    await page.goto("/student/experiences/new")
    await page.get_by_role("link", name="Back to My hours").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("My hours")


async def test_a_counselor_gets_the_staff_bar_and_a_way_to_the_mentor_pages(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    await page.get_by_role("navigation", name="Your other roles").get_by_role("link", name="Mentor").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mentor")
    await assert_phone_ready(page)


# The top bar's parts at this width: whether the title shows its whole text, and where each part is.
TOP_BAR = """() => {
  const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, height: r.height, visible: r.width > 0 && getComputedStyle(el).display !== "none"}; };
  const title = document.querySelector(".top-title");
  return {title: box(title), text: title.textContent, scrollWidth: title.scrollWidth, clientWidth: title.clientWidth,
          brand: box(document.querySelector(".brand")), back: box(document.querySelector(".back")),
          role: box(document.querySelector("nav.roles a")), viewport: window.innerWidth};
}"""


async def test_the_page_title_gives_way_last_in_a_narrow_top_bar(new_page):
    """A counselor's bar holds the school's name, the title and the way to the mentor pages: at 360 px the title
    is read in full and the school's name is what shrinks; the mentor link stays whole and large."""
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "counselor@demo.example")
    for path, title in (("/staff", "Today"), ("/staff/mentors", "Mentors"), ("/staff/employers", "Employers"),
                        ("/account", "Account"), ("/mentor/students", "My students")):
        await page.goto(path)
        bar = await page.evaluate(TOP_BAR)
        assert bar["text"] == title, (path, bar)
        # Not clipped: the whole text fits in the box it has (an ellipsis would make scrollWidth larger).
        assert bar["title"]["visible"] and bar["scrollWidth"] <= bar["clientWidth"], (path, bar)
        assert bar["brand"]["right"] <= bar["title"]["left"] + 1, (path, bar)
        role = bar["role"]
        assert role and role["visible"] and role["height"] >= 44 and role["width"] >= 44, (path, bar)
        assert role["right"] <= bar["viewport"] and bar["title"]["right"] <= role["left"] + 1, (path, bar)
        await assert_phone_ready(page)
    # The school's name shrank to make room, with an ellipsis, and still opens the home page.
    await page.goto("/staff")
    brand = page.locator("header.top .brand")
    assert await brand.locator(".brand-name").evaluate("(el) => el.scrollWidth > el.clientWidth")
    await expect(brand).to_have_attribute("href", "/")
    # A page within the mentor's pages: the back link stands in for the school's name.
    await page.goto("/mentor/history")
    await page.get_by_role("navigation", name="Your other roles").get_by_role("link", name="Mentor").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mentor")


async def test_a_student_s_titles_are_whole_at_360_px(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, "student@demo.example")
    for path in ("/student/certifications", "/student/verify", "/student/sharing", "/student/experiences/new"):
        await page.goto(path)
        bar = await page.evaluate(TOP_BAR)
        assert bar["title"]["visible"] and bar["scrollWidth"] <= bar["clientWidth"], (path, bar)


async def test_the_bar_lets_go_at_200_percent_zoom(new_page):
    # A 360 x 740 phone at 200% zoom lays the page out in 180 x 370 CSS pixels.
    page = await new_page({"width": 180, "height": 370})
    await sign_in(page, "student@demo.example")
    bar = await page.evaluate(BAR)
    assert bar["position"] == "static", bar
    assert await page.evaluate("() => getComputedStyle(document.body).paddingBottom") == "0px"
    # The tabs wrap into rows of large targets (the page's own content is not this test's subject).
    sizes = await page.evaluate("() => [...document.querySelectorAll('nav.tabs a')].map((a) => [a.offsetWidth, a.offsetHeight])")
    assert len(sizes) == 6 and all(w >= 44 and h >= 44 for w, h in sizes), sizes
    assert await page.evaluate("() => document.querySelector('nav.tabs').scrollWidth <= window.innerWidth")


async def test_the_bar_does_not_animate_for_reduced_motion(new_page):
    page = await new_page(SMALL_PHONE)
    await page.emulate_media(reduced_motion="reduce")
    await sign_in(page, "student@demo.example")
    durations = await page.evaluate("() => [...document.querySelectorAll('nav.tabs a')].map((a) => getComputedStyle(a).transitionDuration)")
    assert set(durations) == {"0s"}, durations
    await page.emulate_media(reduced_motion="no-preference")
    assert await page.evaluate("() => getComputedStyle(document.querySelector('nav.tabs a')).transitionDuration") != "0s"


async def test_on_a_wide_screen_the_destinations_are_in_the_top_bar(new_page):
    page = await new_page(DESKTOP)
    await sign_in(page, "admin@demo.example")
    bar = await page.evaluate(BAR)
    assert bar["position"] != "fixed" and bar["top"] < 80 and bar["height"] < 80, bar
    main = await page.locator("main").bounding_box()
    assert main is not None and bar["bottom"] <= main["y"], (bar, main)
    assert await tab_labels(page) == ROLES[2][2]
    await assert_phone_ready(page)
