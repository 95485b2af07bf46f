"""A deploy reaches a phone that has the app installed, with nobody clearing anything: the next visit
brings the new service worker, which keeps the shell in a new cache and deletes the old one.

Two servers, one after the other, on the same origin (a service worker belongs to its origin), with
different PORTFOLIO_RELEASE values, so the worker's version changes while its files do not.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Page, async_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.browser.helpers import record_problems, until
from tests.live import free_port
from tests.live import live_server as start_live_server

pytestmark = pytest.mark.browser

WAIT_SECONDS = 20
# While no server answers, requests fail and htmx says so on the console: expected here.
EXPECTED_CONSOLE = ("Failed to load resource", "htmx:sendError", "htmx:afterRequest")

ONE_PORTFOLIO_CACHE = """(other) => caches.keys().then((names) =>
  names.length === 1 && names[0].startsWith("portfolio-") && names[0] !== other)"""
# A worker is in charge: nothing installing or waiting, and the page is controlled by the active one.
SETTLED = """() => navigator.serviceWorker.getRegistration().then((r) =>
  !!r && !r.installing && !r.waiting && !!r.active && navigator.serviceWorker.controller === r.active)"""


async def served_version(url: str) -> str:
    async with httpx.AsyncClient(base_url=url, timeout=5) as http:
        return re.search(r'var VERSION = "([0-9a-f]+)";', (await http.get("/sw.js")).text).group(1)


async def installed_cache(page: Page, other: str = "") -> str:
    """The one portfolio cache, once the worker has filled it (it does so in the background) and controls
    the page."""
    await until(page, ONE_PORTFOLIO_CACHE, other, seconds=WAIT_SECONDS)
    await until(page, SETTLED, seconds=WAIT_SECONDS)
    [name] = await page.evaluate("caches.keys()")
    return name


async def test_a_new_release_replaces_the_workers_cache(tmp_path, step):
    port = free_port()
    problems: list[str] = []
    async with async_playwright() as playwright:
        context = None
        try:
            step("release one: the worker installs its cache")
            async with start_live_server({"PORTFOLIO_RELEASE": "one"}, port=port) as live:
                first_version = await served_version(live.url)
                context = await playwright.chromium.launch_persistent_context(
                    str(tmp_path / "profile"),
                    executable_path=CHROMIUM,
                    args=CHROMIUM_ARGS,
                    headless=True,
                    base_url=live.url,
                    viewport=PHONE,
                    locale="en-US",
                )
                context.set_default_timeout(WAIT_SECONDS * 1000)
                page = context.pages[0] if context.pages else await context.new_page()
                record_problems(page, problems, EXPECTED_CONSOLE)
                # The sign-in page registers the worker and empties every cache (nothing of the last user
                # stays): were that to run after the worker filled its cache, the test would wait for
                # nothing. /offline is public and leaves the caches alone, so the test goes on there.
                await page.goto("/signin")
                await until(page, SETTLED, seconds=WAIT_SECONDS)
                await page.goto("/offline")
                first = await installed_cache(page)
                assert first == f"portfolio-{first_version}"

            step("release two, on the same origin: a new worker replaces the cache")
            async with start_live_server({"PORTFOLIO_RELEASE": "two"}, port=port) as live:
                second_version = await served_version(live.url)
                assert second_version != first_version, "the release is part of the worker's version"
                # A browser checks for a new worker after a navigation anyway (Chromium does, a moment
                # later); update() only makes the check start now.
                await page.goto("/offline")
                await page.evaluate("navigator.serviceWorker.ready.then((r) => r.update())")
                second = await installed_cache(page, other=first)
                assert second == f"portfolio-{second_version}"
                assert first not in await page.evaluate("caches.keys()")

            step("no server: the page and the shell come from the new cache")
            # No server now: the page and the shell come from the new cache, through the new worker (the
            # old one would look in its own cache, find nothing and make it again).
            response = await page.goto("/offline")
            assert response is not None and response.status == 200
            assert await page.get_by_role("heading", name="You are offline").is_visible()
            assert await page.evaluate("fetch('/static/app.css').then((r) => r.ok)")
            assert await page.evaluate("caches.keys()") == [second]
        finally:
            if context is not None:
                await context.close()
    assert problems == [], "errors in the browser:\n" + "\n".join(problems)
