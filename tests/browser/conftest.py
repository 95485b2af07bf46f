"""The real app in a subprocess, on a fresh database seeded with the demo data, and headless Chromium.

One server and one browser for the whole run; each test gets fresh browser contexts (no shared cookies).
The server's demo database is shared by all browser tests on purpose (seeding it takes seconds) and is
not emptied between them: tests that add entries read the page first and compute what they expect from
it, so order does not matter. It is not the database that tests/conftest.py empties before each test.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.live import live_server as start_live_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
async def live():
    """The real server on a fresh demo database (see tests/live.py), with the environment its commands take."""
    async with start_live_server() as server:
        yield server


@pytest.fixture(scope="session")
async def live_server(live) -> str:
    return live.url


@pytest.fixture(scope="session")
async def browser():
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


def _console(page: Page, message) -> None:
    # A failed request is reported by the response handler, where an expected 422 can be told apart.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        page.problems.append(f"console error: {message.text}")


def _response(page: Page, response) -> None:
    # Pages may answer 4xx on purpose (a form with errors is 422), but a style sheet or a script must
    # load, and nothing may answer 5xx.
    request = response.request
    if response.status >= 500 or (response.status >= 400 and request.resource_type not in ("document", "xhr", "fetch")):
        page.problems.append(f"{response.status} for {request.resource_type} {request.url}")


@pytest.fixture
async def new_page(browser: Browser, live_server: str):
    """A page in a fresh context (its own cookies): new_page(viewport=SMALL_PHONE, javascript=False,
    color_scheme="dark").

    Every page records uncaught script errors and console errors (a CSP violation is one) in
    `page.problems`; the fixture fails the test if any were seen."""
    contexts: list[BrowserContext] = []
    pages: list[Page] = []

    async def factory(viewport: dict[str, int] = PHONE, javascript: bool = True, color_scheme: str = "light") -> Page:
        context = await browser.new_context(
            base_url=live_server,
            viewport=viewport,
            java_script_enabled=javascript,
            color_scheme=color_scheme,
            locale="en-US",
            service_workers="block",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = await context.new_page()
        page.problems = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda error: page.problems.append(f"uncaught error: {error}"))
        page.on("console", lambda message: _console(page, message))
        page.on("response", lambda response: _response(page, response))
        pages.append(page)
        return page

    yield factory
    problems = [problem for page in pages for problem in page.problems]  # type: ignore[attr-defined]
    for context in contexts:
        await context.close()
    assert problems == [], "errors in the browser:\n" + "\n".join(problems)


@pytest.fixture
async def page(new_page) -> Page:
    """A phone-sized page (390 x 844) in a fresh context."""
    return await new_page(PHONE)
