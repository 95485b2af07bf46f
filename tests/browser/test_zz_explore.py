import pytest
from tests.browser.helpers import *
from tests.browser.conftest import SMALL_PHONE, DESKTOP

async def test_explore(new_page):
    for vp in ({"width":390,"height":844}, SMALL_PHONE, DESKTOP):
        page = await new_page(vp)
        await page.goto("/signin")
        print(vp, "signin", await axe_violations(page), await small_touch_targets(page), await horizontal_overflow(page))
        await sign_in(page, "student@demo.example")
        print(page.url)
        print(vp, "dash", format_violations(await axe_violations(page)), await small_touch_targets(page), await horizontal_overflow(page))
        await page.screenshot(path=f"/tmp/explore/dash{vp['width']}.png", full_page=True)
        await page.goto("/student/experiences/new")
        print(vp, "form", format_violations(await axe_violations(page)), await small_touch_targets(page), await horizontal_overflow(page))
        await page.screenshot(path=f"/tmp/explore/form{vp['width']}.png", full_page=True)
        print(page.problems)
