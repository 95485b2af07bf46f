"""Lighthouse (mobile) on every page of every role: for the browser tests (accessibility and best practices)
and for `make bench` (performance).

The pages are the ones `make screenshots` opens (tests/screenshots.py walks the route table, filling ids from
the links each role's pages show). Each role's pages are audited with that role's session cookie by
tests/node/audit.mjs, in one headless Chromium of its own (Lighthouse drives Chromium over its
DevTools port; Playwright's Chromium speaks over a pipe).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser

from tests.screenshots import ACCOUNTS, NOT_SHOT, prepare, role_page, walk

HERE = Path(__file__).resolve().parent / "node"
SCRIPT = HERE / "audit.mjs"
CHROMIUM = "/usr/bin/chromium"
PASS = 0.95
WALK_SECONDS = 300


@dataclass(frozen=True)
class Page:
    role: str
    path: str
    cookie: str  # the role's session (a visitor's too: a shared link's name form)


@dataclass
class Audit:
    page: Page
    scores: dict[str, float | None] = field(default_factory=dict)
    failing: list[dict] = field(default_factory=list)
    error: str | None = None

    def below(self, threshold: float = PASS) -> dict[str, float | None]:
        return {c: s for c, s in self.scores.items() if s is None or s < threshold}

    def explain(self) -> str:
        lines = [f"{self.page.role} {self.page.path}: {self.scores} {self.error or ''}".rstrip()]
        for audit in self.failing:
            lines.append(f"  {audit['id']} ({audit['score']}): {audit['title']}")
            lines += [f"    {item}" for item in audit["items"]]
        return "\n".join(lines)


def installed() -> bool:
    return (HERE / "node_modules" / "lighthouse").is_dir()


async def every_page(
    browser: Browser, base_url: str, roles: tuple[str, ...] = tuple(ACCOUNTS), seconds: float = WALK_SECONDS
) -> tuple[list[Page], dict[str, str]]:
    """Every page each role opens without being sent elsewhere, with its session; and, per role, the routes
    no link led to."""
    deadline = time.monotonic() + seconds
    known = await prepare(browser, base_url)
    pages: list[Page] = []
    missing: dict[str, str] = {}
    for role in roles:
        async with role_page(browser, base_url, role) as page:
            walked = await walk(page, role, widths=(), seconds=max(deadline - time.monotonic(), 1), known=known)
            cookie = "; ".join(f"{c['name']}={c['value']}" for c in await page.context.cookies())
        if walked.get("missing"):
            missing[role] = walked.pop("missing")
        pages += [Page(role, path, cookie) for path in walked.values() if NOT_SHOT not in path]
    return pages, missing


async def audit(base_url: str, pages: list[Page], categories: tuple[str, ...], seconds: float) -> list[Audit]:
    """Lighthouse on each page; a page it could not finish in time comes back with an error."""
    request = {
        "chrome": CHROMIUM,
        "categories": list(categories),
        "pages": [{"id": n, "url": base_url + p.path, "cookie": p.cookie} for n, p in enumerate(pages)],
    }
    results = [Audit(p, error="not audited in time") for p in pages]
    process = await asyncio.create_subprocess_exec(
        "node", str(SCRIPT), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=HERE,
    )
    assert process.stdin and process.stdout and process.stderr
    process.stdin.write(json.dumps(request).encode())
    process.stdin.close()
    deadline = time.monotonic() + seconds
    try:
        while (left := deadline - time.monotonic()) > 0:
            line = await asyncio.wait_for(process.stdout.readline(), left)
            if not line:
                break
            found = json.loads(line)
            results[found["id"]] = Audit(pages[found["id"]], found["scores"], found["failing"], found["error"])
    except TimeoutError:
        pass
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
    if process.returncode not in (0, -9) and not any(r.scores for r in results):
        raise RuntimeError(f"Lighthouse failed ({process.returncode}): {(await process.stderr.read()).decode()[-2000:]}")
    return results
