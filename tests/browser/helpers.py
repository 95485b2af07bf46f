"""Checks run inside the page: axe-core (vendored next to this file), touch target sizes, horizontal
scrolling; and signing in through the real form."""

from __future__ import annotations

import asyncio
import re
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from playwright.async_api import Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

DEMO_PASSWORD = "demo-portfolio-2026"  # portfolio/services/demo.py: DEMO_PASSWORD
AXE_SOURCE = (Path(__file__).parent / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MIN_TARGET = 44  # CSS px, WCAG 2.5.5; what app.css promises for every touch target

# The CSP forbids inline scripts, so axe cannot go in a <script> tag; an evaluation through DevTools is
# not subject to the page's CSP. The trailing `true` keeps the result of the evaluation serialisable.
_INJECT_AXE = AXE_SOURCE + "\n;true"

_RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
  }));
}
"""

# Every visible interactive element smaller than the minimum. A link inside a <p> that has other text
# is exempt: it is a link in a sentence (the inline exception of WCAG 2.5.5 and 2.5.8). A checkbox or a
# radio button is measured twice: the control itself (a finger aims at the box it sees, and a long label
# beside it once squeezed it to 13 px) and its label, which is a target of its own.
_SMALL_TARGETS = """
(minimum) => {
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"]';
  const describe = (el) => {
    let text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
    const id = el.id ? "#" + el.id : "";
    const cls = el.classList.length ? "." + Array.from(el.classList).join(".") : "";
    return el.tagName.toLowerCase() + id + cls + (text ? ' "' + text.slice(0, 40) + '"' : "");
  };
  const inSentence = (el) => {
    if (el.tagName !== "A") return false;
    const paragraph = el.closest("p");
    if (!paragraph) return false;
    const own = (el.textContent || "").trim();
    const all = (paragraph.textContent || "").replace(/\\s+/g, " ").trim();
    return all.length > own.replace(/\\s+/g, " ").length;
  };
  const problems = [];
  const boxes = [];
  for (const el of document.querySelectorAll(selector)) {
    boxes.push([el, el]);
    if (el.matches('input[type="checkbox"], input[type="radio"]')) {
      const label = el.closest("label") || (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]'));
      if (label) boxes.push([el, label]);
    }
  }
  for (const [el, box] of boxes) {
    const style = getComputedStyle(box);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const rect = box.getBoundingClientRect();
    if (rect.width === 0 && rect.height === 0) continue;  // not rendered (hidden, display: none ancestor)
    // Moved off-screen until focused (the skip link): measured separately, when it has focus.
    if (rect.right <= 0 || rect.bottom <= 0) continue;
    if (inSentence(el)) continue;
    if (rect.width < minimum || rect.height < minimum) {
      problems.push({element: describe(el) + (box === el ? "" : " (its label)"), width: Math.round(rect.width * 10) / 10, height: Math.round(rect.height * 10) / 10});
    }
  }
  return problems;
}
"""


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now."""
    # A click on a link returns once the next page has started, not loaded: axe on a page still arriving
    # finds no document (seen under load).
    await page.wait_for_load_state("load")
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        assert await page.evaluate(_INJECT_AXE) is True
        assert await page.evaluate("() => typeof window.axe === 'object' && typeof axe.run === 'function'")
    return await page.evaluate(_RUN_AXE, AXE_TAGS)


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    at {node['target']}: {node['html'][:160]}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", "\n      "))
    return "\n".join(lines)


async def assert_accessible(page: Page) -> None:
    violations = await axe_violations(page)
    assert violations == [], f"axe found {len(violations)} WCAG 2.1 AA violation(s) on {page.url}:\n{format_violations(violations)}"


async def small_touch_targets(page: Page, minimum: int = MIN_TARGET) -> list[dict[str, Any]]:
    return await page.evaluate(_SMALL_TARGETS, minimum)


async def assert_touch_targets(page: Page) -> None:
    small = await small_touch_targets(page)
    viewport = page.viewport_size
    assert small == [], f"targets smaller than {MIN_TARGET}x{MIN_TARGET} px on {page.url} at {viewport}:\n" + "\n".join(
        f"- {s['element']}: {s['width']} x {s['height']}" for s in small
    )
    # The skip link is off-screen until it has focus; then it must be on screen and large enough. Focused,
    # measured and blurred in one task, so nothing else (an htmx settle) can move the focus in between.
    skip = await page.evaluate(
        """() => {
          const link = document.querySelector("a.skip");
          if (!link) return null;
          const before = document.activeElement;
          link.focus();
          const focused = document.activeElement === link;
          const r = link.getBoundingClientRect();
          link.blur();
          if (before && before !== document.body) before.focus();
          return {focused, x: r.x, y: r.y, width: r.width, height: r.height};
        }"""
    )
    if skip is not None:
        assert skip["focused"], "the skip link cannot take the focus"
        assert skip["x"] >= 0 and skip["y"] >= 0, f"the focused skip link is off-screen: {skip}"
        assert skip["width"] >= MIN_TARGET and skip["height"] >= MIN_TARGET, f"the focused skip link is {skip}"


async def horizontal_overflow(page: Page) -> dict[str, int]:
    return await page.evaluate(
        "() => ({scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth})"
    )


async def assert_no_horizontal_scroll(page: Page) -> None:
    # Measured before the stylesheet has loaded, a page that wraps long words is as wide as its longest word.
    await page.wait_for_load_state("load")
    sizes = await horizontal_overflow(page)
    if sizes["scrollWidth"] > sizes["innerWidth"]:
        wide = await page.evaluate(
            """() => Array.from(document.querySelectorAll("body *"))
                 .filter((el) => el.getBoundingClientRect().right > window.innerWidth)
                 .slice(0, 10)
                 .map((el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "")
                      + " right=" + Math.round(el.getBoundingClientRect().right))"""
        )
        raise AssertionError(f"{page.url} scrolls sideways: {sizes}; too wide: {wide}")


async def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form, by its labels, as a person would."""
    if not page.url.endswith("/signin"):
        await page.goto("/signin")
    await page.get_by_label("E-mail", exact=True).fill(email)
    await page.get_by_label("Password", exact=True).fill(password)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Sign in", exact=True).click()
    assert not page.url.split("?")[0].endswith("/signin"), f"still on the sign-in page: {await error_text(page)}"


async def error_text(page: Page) -> str:
    summary = page.locator(".error-summary")
    return await summary.inner_text() if await summary.count() else "(no error shown)"


def parse_hours(text: str) -> Decimal:
    """Hours shown as "7.5" or "7.5 h", as an exact number (no float rounding in the sums the tests compare)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)(?:\s*h)?\s*", text)
    assert match, f"not a number of hours: {text!r}"
    return Decimal(match.group(1))


async def total_hours(page: Page) -> Decimal:
    """Every hour the student logged this school year (verified or not) on their dashboard."""
    return parse_hours(await page.locator(".logged-hours").inner_text())


async def kind_hours(page: Page, label: str) -> Decimal:
    """The year's hours of one kind on the student's dashboard (0 when the kind is not listed)."""
    row = page.locator(".by-kind li").filter(has=page.locator("span", has_text=re.compile(f"^{re.escape(label)}$")))
    if await row.count() == 0:
        return Decimal(0)
    return parse_hours(await row.locator("strong").inner_text())


def path_of(page: Page) -> str:
    """The page's address without scheme and host."""
    return re.sub(r"^https?://[^/]+", "", page.url)


async def assert_phone_ready(page: Page) -> None:
    """What every page must pass: axe, 44 px targets, and no sideways scrolling."""
    await assert_accessible(page)
    await assert_touch_targets(page)
    await assert_no_horizontal_scroll(page)


async def log_draft(
    page: Page,
    title: str,
    *,
    organization: str = "Acme Manufacturing",
    hours: str = "1",
    cluster: str = "advanced-manufacturing",
    reflection: str = "",
) -> int:
    """Signed in as a student: log a job-shadow draft through the form, dated today; returns its id.

    The browser tests share the demo student, and one day holds at most 24 hours: log as few hours today as
    the test needs (a test that checks no hours logs 0.5)."""
    await page.goto("/student/experiences/new")
    await page.get_by_label("Kind", exact=True).select_option("job_shadow")
    await page.get_by_label("Title", exact=True).fill(title)
    await page.get_by_label("Organization", exact=True).fill(organization)
    await page.get_by_label("Hours", exact=True).fill(hours)
    await page.get_by_label("Career cluster", exact=True).select_option(cluster)
    if reflection:
        await page.get_by_label("Reflection").fill(reflection)
    await page.get_by_role("button", name="Save", exact=True).click()
    try:
        await page.wait_for_url(re.compile(r"/student\?saved=\d+$"))
    except PlaywrightTimeoutError:
        # The form came back with errors: say them, rather than time out as if the server were slow.
        raise AssertionError(f"the draft {title!r} was not saved: {await form_errors(page)}") from None
    return int(path_of(page).rsplit("=", 1)[1])


async def form_errors(page: Page) -> str:
    """The error summary and the field errors the page shows."""
    texts = await page.locator(".error-summary, .field .error:visible").all_inner_texts()
    return " / ".join(t.strip() for t in texts if t.strip()) or "(no error shown)"


async def until(page: Page, predicate: str, arg: object = None, seconds: float = 20) -> None:
    """Polls a predicate that returns a promise (caches.keys(), the service worker's registration).
    page.wait_for_function would not do: it takes the promise itself as a truthy answer and returns at once."""
    deadline = time.monotonic() + seconds
    while not await page.evaluate(predicate, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {seconds} s: {predicate}\ncaches: {await page.evaluate('caches.keys()')}")
        await asyncio.sleep(0.1)


def large_file(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of `size` bytes that starts with `head` and costs nothing to make (the rest is a hole).

    Give a large file to `set_input_files` as a path, never as a buffer: a buffer travels base64-encoded
    from this process through Playwright's driver into the page, where it is decoded byte by byte; for
    21 MB that took 13 to 50 s on a busy 2-core machine, up to 8 s of it inside the action's timeout. A
    path is handed to Chromium as it is (DevTools' DOM.setFileInputFiles) and nothing of the file is read
    until a form sends it."""
    with path.open("wb") as out:
        out.write(head)
        out.truncate(size)
    return path


def record_problems(page: Page, problems: list[str], expected_console: tuple[str, ...]) -> None:
    """Uncaught errors and console errors (a CSP violation is one) go into `problems`, except console
    messages that start with one of `expected_console` (failed requests while offline, say)."""
    page.on("pageerror", lambda error: problems.append(f"uncaught error: {error}"))
    page.on(
        "console",
        lambda m: problems.append(f"console error: {m.text}")
        if m.type == "error" and not m.text.startswith(expected_console)
        else None,
    )


async def link_in_outbox(page: Page, to: str, subject: str) -> str:
    """The link of the newest demo e-mail to this address whose subject holds `subject`, read from /dev/outbox."""
    message = page.locator(".entries .entry").filter(has_text=f"To {to}").filter(has_text=subject)
    deadline = time.monotonic() + 10
    while True:  # the outbox worker delivers right after the request commits: look again until it has
        await page.goto("/dev/outbox")
        if await message.count() or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    await message.first.locator("a").click()
    link = page.get_by_role("link", name="Open the link in this e-mail")
    await expect(link).to_have_count(1)
    return await link.get_attribute("href")
