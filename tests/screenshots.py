"""`make screenshots`: every page of every role at a phone's and a desktop's width, from the demo data.

Starts `portfolio serve` on a fresh demo database (tests/live.py), signs in as each demo account in headless
Chromium and saves a full-page PNG of every GET page the role may open to
var/screenshots/<role>/<page>-<width>.png, with var/screenshots/index.html showing them all. The pages come
from the route table; the ids in their paths are taken from the links the role's own pages show, so a new
route is photographed without anyone listing it. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import html
import re
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

from portfolio.services.demo import DEMO_PASSWORD
from portfolio.settings import Settings
from tests import samples
from tests.browser.helpers import log_draft
from tests.factories import pdf_text, route_table
from tests.live import live_server

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "screenshots"
WIDTHS = (360, 1280)
HEIGHT = 800
# The people the demo makes (portfolio/services/demo.py); "public" is nobody signed in.
ACCOUNTS = {
    "public": "",
    "student": "student@demo.example",
    "mentor": "mentor@demo.example",
    "staff": "counselor@demo.example",
    "employer": "employer@demo.example",
    "admin": "admin@demo.example",
}
# Not pages: files, downloads, the JSON API, the app's plumbing, fragments htmx asks for (the partners a student
# may mean as they type), and the demo's own mail viewer.
NOT_PAGES = re.compile(
    r"^/(api|static|dev)/|^/student/partner-suggestions$|^/(healthz|readyz|sw\.js|manifest\.webmanifest)$|^/(evidence|partner-documents)/|/(thumb|view|logo|pdf|theme\.css)$|\.(pdf|zip|csv|ics)$"
)
PAGE_SECONDS = 15
# How many more pages a walk may open only for their links.
EXPLORE = 20
WALK_SECONDS = 600
# Where a public visitor finds the links that carry tokens (a supervisor's request, an invitation).
MAIL_INDEX = "/dev/outbox"
MAIL_WAIT_SECONDS = 5
# Who forgets their password in `prepare` (the last e-mail it makes), and the subject of the e-mail they get.
FORGETFUL = "student2@demo.example"
RESET_SUBJECT = "Reset your Career Portfolio password"
NOT_SHOT = "not photographed:"


@dataclass(frozen=True)
class Route:
    template: str  # the route table's path, e.g. /student/experiences/{entry_id:int}

    @property
    def name(self) -> str:
        """A file name: /student/experiences/{entry_id:int} -> student-experiences-entry_id."""
        bare = re.sub(r"\{(\w+):\w+\}", r"\1", self.template).strip("/")
        return bare.replace("/", "-") or "home"

    @property
    def pattern(self) -> re.Pattern[str]:
        parts = re.split(r"(\{\w+:\w+\})", self.template)
        return re.compile(
            "".join(
                (r"\d+" if p.endswith(":int}") else r"[^/?#]+") if p.startswith("{") else re.escape(p) for p in parts
            )
            + "$"
        )

    @property
    def has_params(self) -> bool:
        return "{" in self.template


def route_settings() -> Settings:
    """Enough settings to build the app's route table (demo on); nothing is read or written with them."""
    var_dir = Path(tempfile.gettempdir()) / "portfolio-routes"
    return Settings(var_dir=var_dir, database_url=f"sqlite:///{var_dir / 'unused.sqlite3'}", secret_key="routes", demo=True)


def pages_for(role: str, settings: Settings | None = None) -> list[Route]:
    """The GET pages `role` may open ("public": nobody signed in), in route-table order."""
    found: dict[str, Route] = {}
    for path, method, guards, roles in route_table(settings or route_settings()):
        if method != "GET" or NOT_PAGES.search(path):
            continue
        names = {g.__name__ for g in guards}
        if role == "public":
            wanted = not roles and "signed_in" not in names
        else:
            # "/" only sends a signed-in person to their own home, which is photographed under its own name.
            wanted = role in roles or (not roles and "signed_in" in names and path != "/")
        if wanted:
            found.setdefault(path, Route(path))
    return list(found.values())


async def links_on(page: Page) -> list[str]:
    """The page's own path and the same-origin paths it links to or shows in a field (a share's address)."""
    return await page.evaluate(
        """() => [location.href,
                  ...Array.from(document.querySelectorAll("a[href]"), (a) => a.href),
                  ...Array.from(document.querySelectorAll("input"), (i) => i.value).filter((v) => v.startsWith(location.origin))]
             .map((href) => new URL(href, location.href))
             .filter((u) => u.origin === location.origin)
             .map((u) => u.pathname)"""
    )


async def sign_in(page: Page, email: str) -> None:
    await page.goto("/signin")
    await page.get_by_label("E-mail", exact=True).fill(email)
    await page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Sign in", exact=True).click()
    if page.url.split("?")[0].endswith("/signin"):
        raise RuntimeError(f"could not sign in as {email}")


async def shoot(page: Page, path: str, route: Route, role_dir: Path, widths: tuple[int, ...]) -> tuple[str, list[str]]:
    """Opens `path` and saves it at every width. Returns why it was not saved ("" when it was) and the
    same-origin links the page shows. A page that sends the browser elsewhere is not saved (the page it lands
    on is its own), nor one that answers "not found" to this role (a step it needs was not taken)."""
    response = await page.goto(path, wait_until="load")
    if response is not None and response.status >= 500:
        raise RuntimeError(f"{path} answered {response.status}")
    landed = re.sub(r"^https?://[^/]+", "", page.url).split("?")[0]
    if response is not None and response.status >= 400:
        return f"answers {response.status}", []
    if landed != path:
        return f"redirects to {landed}", await links_on(page)
    for width in widths:
        await page.set_viewport_size({"width": width, "height": HEIGHT})
        await page.wait_for_load_state("load")
        await page.screenshot(path=str(role_dir / f"{route.name}-{width}.png"), full_page=True)
    return "", await links_on(page)


async def _links_of(page: Page, path: str) -> list[str]:
    response = await page.goto(path, wait_until="load")
    return await links_on(page) if response is not None and response.status < 400 else []


async def prepare(browser: Browser, base_url: str) -> list[str]:
    """What the demo data lacks for the pages people reach by e-mail or by a shared link: the student shares a
    link and e-mails a supervisor, a counselor invites someone, someone forgets a password. Done through the
    forms, as people do; a step whose form changed is reported and skipped, so the pages it would have opened
    are listed as not reached. Returns the paths the steps' pages show (the share's address)."""
    found: list[str] = []
    steps = [
        ("student@demo.example", "a shared link", _share_link),
        ("student@demo.example", "a supervisor's request", _ask_supervisor),
        ("student@demo.example", "a supervisor's receipt", _on_the_spot),
        ("student@demo.example", "a PDF's check code", _pdf_code),
        ("counselor@demo.example", "an invitation", _invite),
        ("counselor@demo.example", "a guardian's consent link", _consent_link),
        ("counselor@demo.example", "a partner's document", _partner_document),
        ("", "a password reset", _forgot),
    ]
    for email, what, step in steps:
        context = await browser.new_context(base_url=base_url, locale="en-US", service_workers="block")
        context.set_default_timeout(PAGE_SECONDS * 1000)
        try:
            page = await context.new_page()
            if email:
                await sign_in(page, email)
            found += await step(page) or []
            found += await links_on(page)
        except Exception as error:  # noqa: BLE001 - a screenshot run goes on without the pages this step makes
            print(f"could not make {what}: {str(error).splitlines()[0]}", flush=True)
        finally:
            await context.close()
    return found


async def _share_link(page: Page) -> None:
    await page.goto("/student/sharing")
    await page.get_by_label("Anyone I give a link to").check()
    await page.get_by_label("Ends after how many days").fill("30")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Share", exact=True).click()


async def _ask_supervisor(page: Page) -> None:
    await page.goto("/student/verify/new")
    await page.locator('input[name="entries"]').first.check()
    await page.get_by_label("Supervisor's name").fill("Sam Ortiz")
    await page.get_by_label("Work e-mail").fill("sam.ortiz@cityit.example")
    async with page.expect_navigation():
        await page.get_by_role("button", name="E-mail my supervisor").click()


async def _on_the_spot(page: Page) -> None:
    entry_id = await log_draft(page, "Ran the press brake", hours="0.5")
    await page.goto(f"/v/onsite?entries={entry_id}")
    await page.get_by_label("Your name").fill("Morgan Lee")
    await page.get_by_label("Your job title").fill("Site manager")
    await page.get_by_label("Your work e-mail").fill("morgan.lee@acme-manufacturing.example")
    await page.get_by_label("Or type your full name to sign").fill("Morgan Lee")
    async with page.expect_navigation():
        await page.get_by_role("button", name="Verify these hours").click()


async def _pdf_code(page: Page) -> list[str]:
    """The address a printed portfolio's QR code opens."""
    response = await page.request.get("/student/portfolio.pdf")
    return [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"https?://\S+/p/[\w-]+", pdf_text(await response.body()))]


async def _consent_link(page: Page) -> None:
    await page.goto("/staff")
    record = page.locator('a[href^="/staff/students/"]').first
    await page.goto(await record.get_attribute("href"))
    await page.get_by_label("Guardian's name").fill("Casey Rivera")
    await page.get_by_label("Guardian's e-mail").fill("casey.rivera@demo.example")
    async with page.expect_navigation():
        await page.get_by_role("button", name="E-mail the guardian a consent link").click()


async def _partner_document(page: Page) -> None:
    """An insurance certificate expiring within the month, so the expiring list and a renewal have one."""
    await page.goto("/staff/partners")
    partner = await page.evaluate(
        "() => Array.from(document.querySelectorAll('a[href]'), (a) => a.pathname).find((p) => /^\\/staff\\/partners\\/\\d+$/.test(p))")
    await page.goto(f"{partner}/documents/new")
    await page.get_by_label("Kind").select_option("insurance")
    await page.get_by_label("Title").fill("Certificate of liability insurance")
    await page.get_by_label("Expires on").fill((date.today() + timedelta(days=30)).isoformat())
    with tempfile.TemporaryDirectory() as folder:
        upload = Path(folder) / "insurance.pdf"
        upload.write_bytes(samples.pdf())
        await page.get_by_label("File").set_input_files(str(upload))
        async with page.expect_navigation():
            await page.get_by_role("button", name="Upload", exact=True).click()


async def _see_share(page: Page, links: list[str]) -> list[str]:
    """A visitor with a shared link gives their name before the portfolio opens, on their own device."""
    link = next((link for link in links if re.fullmatch(r"/s/[^/]+", link)), None)
    if link is None:
        return []
    await page.goto(link)
    await page.get_by_label("Your name").fill("Robin Hale")
    await page.get_by_label("Your organization").fill("Hale Welding")
    async with page.expect_navigation():
        await page.get_by_role("button", name="See the portfolio").click()
    return await links_on(page)


async def _invite(page: Page) -> None:
    await page.goto("/staff/invite")
    await page.get_by_label("Name", exact=True).fill("Riley Park")
    await page.get_by_label("E-mail", exact=True).fill("riley.park@demo.example")
    await page.get_by_label("Student", exact=True).check()
    async with page.expect_navigation():
        await page.get_by_role("button", name="Send invitation").click()


async def _forgot(page: Page) -> None:
    await page.goto("/forgot")
    await page.get_by_label("E-mail", exact=True).fill(FORGETFUL)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Send link").click()


@asynccontextmanager
async def role_page(browser: Browser, base_url: str, role: str, width: int = WIDTHS[0]) -> AsyncIterator[Page]:
    """A page in a fresh context, signed in as the role's demo account (nobody for "public")."""
    context = await browser.new_context(
        base_url=base_url, viewport={"width": width, "height": HEIGHT}, locale="en-US", service_workers="block",
        reduced_motion="reduce",
    )
    context.set_default_timeout(PAGE_SECONDS * 1000)
    try:
        page = await context.new_page()
        if ACCOUNTS[role]:
            await sign_in(page, ACCOUNTS[role])
        yield page
    finally:
        await context.close()


async def walk(
    page: Page,
    role: str,
    out: Path | None = None,
    widths: tuple[int, ...] = WIDTHS,
    seconds: float = WALK_SECONDS,
    known: list[str] | None = None,
) -> dict[str, str]:
    """Opens every page of one role, photographed into `out` at each of `widths` (none: only opened); returns {page
    name: the path opened, or "<path> not photographed: <why>"}. `known` are paths found before (a shared
    link's address). A page whose path needs an id no link shows is left out, and its route is named under
    "missing"."""
    role_dir = (out or Path()) / role
    if widths:
        role_dir.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + seconds
    links: list[str] = list(known or [])
    if not ACCOUNTS[role]:
        links += await _mail_links(page)
        links += await _see_share(page, links)
    routes = pages_for(role)
    todo = list(routes)
    done: dict[str, str] = {}
    opened: set[str] = set()
    explored = 0
    progress = True
    while todo and progress and time.monotonic() < deadline:
        progress = False
        for route in list(todo):
            path = route.template if not route.has_params else next(
                (link for link in links if route.pattern.fullmatch(link)), None
            )
            if path is None:
                continue
            why_not, shown = await shoot(page, path, route, role_dir, widths)
            opened.add(path)
            links += shown
            done[route.name] = f"{path} {NOT_SHOT} {why_not}" if why_not else path
            todo.remove(route)
            progress = True
            if time.monotonic() >= deadline:
                break
        if todo and not progress and explored < EXPLORE:
            # A page reached only from another instance of a page already seen (a draft's Edit, not the
            # first entry's): open one more of the role's pages not opened yet, for its links.
            more = next((link for link in links if link not in opened and any(r.pattern.fullmatch(link) for r in routes)), None)
            if more is not None:
                opened.add(more)
                explored += 1
                links += await _links_of(page, more)
                progress = True
    if todo:
        done["missing"] = " ".join(r.template for r in todo)
    return done


async def walk_role(
    browser: Browser,
    base_url: str,
    role: str,
    out: Path,
    widths: tuple[int, ...] = WIDTHS,
    seconds: float = WALK_SECONDS,
    known: list[str] | None = None,
) -> dict[str, str]:
    """Photographs every page of one role (see walk)."""
    async with role_page(browser, base_url, role, widths[0]) as page:
        return await walk(page, role, out, widths, seconds, known)


async def _mail_links(page: Page) -> list[str]:
    """The links in the demo's e-mails, where a visitor without an account gets theirs."""
    # A forgotten password's e-mail is queued after the answer is sent: the index is read again until it is there.
    deadline = time.monotonic() + MAIL_WAIT_SECONDS
    await page.goto(MAIL_INDEX)
    while RESET_SUBJECT not in await page.locator("body").inner_text() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        await page.goto(MAIL_INDEX)
    mails = [link for link in await links_on(page) if link.startswith(MAIL_INDEX + "/")]
    found: list[str] = []
    for mail in mails[:20]:
        await page.goto(mail)
        text = await page.locator("body").inner_text()
        found += [re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"https?://[^\s<>\"']+", text)]
    return found


def write_index(out: Path, walked: dict[str, dict[str, str]], widths: tuple[int, ...] = WIDTHS) -> Path:
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Career Portfolio: every page</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:16px}figure{display:inline-block;vertical-align:top;"
        "margin:0 16px 24px 0}figcaption{font-weight:600}img{border:1px solid #ccc;display:inline-block;"
        "vertical-align:top;margin-right:8px}.w360{width:180px}.w1280{width:400px}</style></head><body>",
        "<h1>Career Portfolio: every page of every role</h1>",
    ]
    for role, pages in walked.items():
        parts.append(f"<h2 id='{role}'>{html.escape(role)}</h2>")
        if pages.get("missing"):
            parts.append(f"<p>Not reached (no link to one): {html.escape(pages['missing'])}</p>")
        for name, path in pages.items():
            if name == "missing":
                continue
            if NOT_SHOT in path:
                parts.append(f"<p>{html.escape(path)}</p>")
                continue
            imgs = "".join(
                f"<a href='{role}/{name}-{w}.png'><img class='w{w}' src='{role}/{name}-{w}.png' alt='{html.escape(path)} at {w} px' "
                f"loading='lazy'></a>"
                for w in widths
            )
            parts.append(f"<figure><figcaption>{html.escape(path)}</figcaption>{imgs}</figure>")
    parts.append("</body></html>")
    index = out / "index.html"
    index.write_text("\n".join(parts), encoding="utf-8")
    return index


async def main() -> int:
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    started = time.monotonic()
    walked: dict[str, dict[str, str]] = {}
    shutil.rmtree(OUT, ignore_errors=True)  # no picture of a page that is gone
    async with live_server() as live, async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            known = await prepare(browser, live.url)
            for role in ACCOUNTS:
                left = WALK_SECONDS - (time.monotonic() - started)
                walked[role] = await walk_role(browser, live.url, role, OUT, seconds=max(left, 1), known=known)
                shot = [n for n, path in walked[role].items() if n != "missing" and NOT_SHOT not in path]
                print(f"{role}: {len(shot)} pages", flush=True)
        finally:
            await browser.close()
    index = write_index(OUT, walked)
    missing = {role: pages["missing"] for role, pages in walked.items() if pages.get("missing")}
    for role, templates in missing.items():
        print(f"{role}: not reached: {templates}")
    for role, pages in walked.items():
        for path in pages.values():
            if NOT_SHOT in path:
                print(f"{role}: {path}")
    print(f"{index} ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
