"""The real app in a subprocess, on a fresh database seeded with the demo data, and headless Chromium.

One server and one browser for the whole run; each test gets fresh browser contexts (no shared cookies).
Tests that add entries read the page first and compute what they expect from it, so order does not matter.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

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
STARTUP_SECONDS = 20
PG_ADMIN_URL = os.environ.get("PORTFOLIO_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PORTFOLIO = Path(sys.executable).parent / "portfolio"  # the console script installed beside this Python


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _pg_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def _cli(env: dict[str, str], log: Path, *args: str) -> None:
    with log.open("ab") as out:
        result = subprocess.run([str(PORTFOLIO), *args], env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"`portfolio {' '.join(args)}` failed ({result.returncode}):\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
async def live_server():
    """`portfolio serve` on a free port, with its own var/ dir and database, after migrate and seed-demo."""
    var_dir = Path(tempfile.mkdtemp(prefix="portfolio-browser-"))
    log = var_dir / "server.log"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update({"PORTFOLIO_VAR_DIR": str(var_dir), "PORTFOLIO_DEMO": "1", "PORTFOLIO_BASE_URL": base_url})
    pg_name = ""
    if os.environ.get("PORTFOLIO_TEST_DB") == "postgres":
        pg_name = f"portfolio_browser_{uuid.uuid4().hex[:10]}"
        await _pg_admin(f'CREATE DATABASE "{pg_name}"')
        env["PORTFOLIO_DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{pg_name}"
    else:
        env.pop("PORTFOLIO_DATABASE_URL", None)  # SQLite under var_dir
    server: subprocess.Popen | None = None
    try:
        _cli(env, log, "migrate")
        _cli(env, log, "seed-demo")
        assert "Demo data loaded." in log.read_text(), log.read_text()[-2000:]
        with log.open("ab") as out:
            server = subprocess.Popen(
                [str(PORTFOLIO), "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        async with httpx.AsyncClient(base_url=base_url, timeout=2) as http:
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"the server exited with {server.returncode}:\n{log.read_text()[-4000:]}")
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no answer from {base_url}/healthz in {STARTUP_SECONDS} s:\n{log.read_text()[-4000:]}")
                await asyncio.sleep(0.1)  # poll again: the server is still starting
        yield base_url
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
        if pg_name:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(var_dir, ignore_errors=True)


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
    """A page in a fresh context (its own cookies): new_page(viewport=SMALL_PHONE, javascript=False).

    Every page records uncaught script errors and console errors (a CSP violation is one) in
    `page.problems`; the fixture fails the test if any were seen."""
    contexts: list[BrowserContext] = []
    pages: list[Page] = []

    async def factory(viewport: dict[str, int] = PHONE, javascript: bool = True) -> Page:
        context = await browser.new_context(
            base_url=live_server,
            viewport=viewport,
            java_script_enabled=javascript,
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
