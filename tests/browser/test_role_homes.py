"""At 360 px: the mentor's queue grouped by student under one decision bar that stays in view above the tab
bar (and lets go on a short screen, as at 200% zoom); the employer's candidate cards, each one large link; the
staff home opening on what needs them. Every page passes axe, has 44 px targets and no sideways scrolling."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, log_draft, path_of, sign_in

pytestmark = pytest.mark.browser

MENTOR = "mentor@demo.example"  # Ms. Patel, Jordan Rivera's mentor in the demo data
COUNSELOR = "counselor@demo.example"  # staff of the demo school
SECOND_STUDENT = "student2@demo.example"  # Avery Chen
EMPLOYER = "employer@demo.example"


async def _give_avery_ms_patel(page: Page) -> None:
    await sign_in(page, COUNSELOR)
    await page.goto("/staff/mentors")
    if await page.locator(".group").filter(has_text="Avery Chen").filter(has_text="Ms. Patel").count():
        return  # an earlier run in this server's life did it
    await page.get_by_label("Mentor", exact=True).select_option(label="Ms. Patel (teacher)")
    await page.get_by_role("checkbox", name=re.compile("Avery Chen")).check()
    await page.get_by_role("button", name="Assign", exact=True).click()
    await expect(page.locator(".group").filter(has_text="Avery Chen")).to_contain_text("Ms. Patel")


async def _box(page: Page, selector: str) -> dict[str, float]:
    box = await page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


async def test_the_mentor_queue_is_grouped_by_student_under_one_sticky_bar(new_page, step):
    step("a second student gets Ms. Patel as mentor and asks her about three entries")
    desk = await new_page(SMALL_PHONE)
    await _give_avery_ms_patel(desk)
    student = await new_page(SMALL_PHONE)
    await sign_in(student, SECOND_STUDENT)
    tag = uuid.uuid4().hex[:6]
    ids = [await log_draft(student, f"Avery's visit {n} {tag}", hours="0.5") for n in range(3)]
    await student.goto(f"/student/verify/new?entries={','.join(map(str, ids))}")
    for n in range(3):
        await student.get_by_role("checkbox", name=re.compile(f"Avery's visit {n} {tag}")).check()
    await student.get_by_role("button", name="Ask my mentor").click()
    await student.wait_for_url("**/student/verify?sent=mentor")

    step("the mentor's queue: one heading per student with their count, one bar of decisions")
    page = await new_page(SMALL_PHONE)
    await sign_in(page, MENTOR)
    assert path_of(page) == "/mentor"
    avery = page.locator(".queue-group").filter(has=page.get_by_role("heading", level=2, name=re.compile("Avery Chen")))
    await expect(avery).to_have_count(1)
    await expect(page.locator(".queue-group").filter(has=page.get_by_role("heading", level=2, name=re.compile("Jordan Rivera")))).to_have_count(1)
    titles = await avery.locator(".queue-item .entry-title").all_inner_texts()
    mine = [t for t in titles if tag in t]
    assert mine == [f"Avery's visit {n} {tag}" for n in (2, 1, 0)], titles  # newest first
    await expect(page.locator(".action-bar")).to_have_count(1)
    await assert_phone_ready(page)

    step("the bar stays in view above the tab bar while the queue scrolls")
    for scroll in (0, 600):
        await page.evaluate("(y) => window.scrollTo(0, y)", scroll)
        bar, tabs = await _box(page, ".action-bar"), await _box(page, ".tabs")
        assert bar["y"] >= 0 and bar["y"] + bar["height"] <= tabs["y"] + 0.5, (scroll, bar, tabs)
        assert tabs["y"] + tabs["height"] <= SMALL_PHONE["height"] + 0.5
    await expect(page.get_by_role("button", name="Verify selected")).to_be_in_viewport()

    step("on a short screen (as at 200% zoom) the bar lets go and sits under the list")
    await page.set_viewport_size({"width": 360, "height": 370})
    assert await page.locator(".action-bar").evaluate("(e) => getComputedStyle(e).position") == "static"

    step("deciding from the bar still works: Avery's entries verified together")
    await page.set_viewport_size(SMALL_PHONE)
    for title in mine:
        await page.locator(".queue-item").filter(has_text=title).get_by_role("checkbox").check()
    await page.get_by_role("button", name="Verify selected").click()
    await page.wait_for_url("**/mentor?done=verified&count=3")
    await expect(page.locator(".queue-item").filter(has_text=tag)).to_have_count(0)


async def test_the_employer_list_is_candidate_cards_each_one_link(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, EMPLOYER)
    card = page.locator(".emp-card").filter(has_text="Jordan Rivera")
    await expect(card).to_have_count(1)
    await expect(card.locator(".split-bar")).to_have_count(1)
    await expect(card.locator(".chip").first).to_be_visible()
    await assert_phone_ready(page)
    # The card's far corner, away from the name, opens the portfolio too.
    await card.evaluate("(e) => window.scrollTo(0, e.getBoundingClientRect().top + window.scrollY - 80)")
    box = await card.bounding_box()
    assert box is not None and box["y"] + box["height"] < (await _box(page, ".tabs"))["y"], box
    await page.mouse.click(box["x"] + box["width"] - 8, box["y"] + box["height"] - 8)
    await page.wait_for_url(re.compile(r"/employer/students/\d+$"))


async def test_the_staff_home_opens_on_what_needs_them(new_page):
    page = await new_page(SMALL_PHONE)
    await sign_in(page, COUNSELOR)
    assert path_of(page) == "/staff"
    section = page.locator(".attention")
    await expect(section.get_by_role("heading", level=2)).to_have_text("What needs you")
    cards = section.locator(".attention-card")
    if await cards.count():
        for index in range(await cards.count()):
            assert re.fullmatch(r"\d+", await cards.nth(index).locator(".attention-count").inner_text())
    else:
        await expect(section).to_contain_text("Nothing needs you.")
    await assert_phone_ready(page)
    admin = await new_page(SMALL_PHONE)
    await sign_in(admin, "admin@demo.example")
    await expect(admin.locator(".attention")).to_contain_text("Nothing needs you.")
    await assert_phone_ready(admin)
