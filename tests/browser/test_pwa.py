"""The installable app in headless Chromium: installability, hours logged offline and sent exactly once
(also when a send dies half-way), a queued entry never sent under another user's session, and the pages
this adds at phone and desktop width.

These tests use a persistent context each (Chromium's install checks fail in incognito) with service
workers allowed; the other browser tests block them.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import date, timedelta

import pytest
from playwright.async_api import BrowserContext, Page, expect

from portfolio.assets import static_url
from tests import samples
from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    PHONE,
    SMALL_PHONE,
    _response,
)
from tests.browser.helpers import assert_phone_ready, record_problems, sign_in, until

pytestmark = pytest.mark.browser

STUDENT = "student@demo.example"
STUDENT2 = "student2@demo.example"
# htmx reports a request that got no answer on the console: expected while the context is offline.
EXPECTED_OFFLINE_CONSOLE = ("htmx:sendError", "htmx:afterRequest", "Failed to load resource")


@pytest.fixture
async def app_context(browser, live_server, tmp_path):
    """A persistent Chromium profile (service workers on). Records page errors like the `new_page` fixture."""
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    async def factory(viewport: dict[str, int] = PHONE) -> BrowserContext:
        context = await browser.browser_type.launch_persistent_context(
            str(tmp_path / f"profile-{len(contexts)}"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            base_url=live_server,
            viewport=viewport,
            locale="en-US",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)

        def watch(page: Page) -> None:
            page.problems = problems  # type: ignore[attr-defined]
            record_problems(page, problems, EXPECTED_OFFLINE_CONSOLE)
            page.on("response", lambda response: _response(page, response))

        for page in context.pages:
            watch(page)
        context.on("page", watch)
        return context

    yield factory
    for context in contexts:
        await context.close()
    assert problems == [], "errors in the browser:\n" + "\n".join(problems)


# Every path in the one cache there is.
KEPT = """(paths) => caches.keys().then((names) => names.length === 1 &&
  caches.open(names[0]).then((cache) => Promise.all(paths.map((path) => cache.match(path))))
    .then((hits) => hits.every(Boolean)))"""


async def first_page(context: BrowserContext) -> Page:
    return context.pages[0] if context.pages else await context.new_page()


async def ready_offline(page: Page, email: str) -> str:
    """Sign in, wait for the service worker, and open the pages a student needs offline once online (the
    worker keeps them). Returns the signed-in user's id."""
    await sign_in(page, email)
    script = await page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.scriptURL)")
    assert script == re.sub(r"^(https?://[^/]+).*$", r"\1/sw.js", page.url)
    await page.goto("/student/experiences/new")
    assert await page.evaluate("!!navigator.serviceWorker.controller")
    await page.goto("/student")
    return await page.evaluate("document.body.dataset.userId")


PHOTO = {"name": "IMG_0042.JPG", "mimeType": "image/jpeg", "buffer": samples.jpeg_with_gps()}


async def fill_entry(page: Page, title: str, hours: str = "0.5", days_ago: int = 50, photo: dict | None = None) -> None:
    """Dated in the past: the other browser tests log today for the same demo student, and one day holds
    at most 24 hours."""
    await page.goto("/student/experiences/new")
    if photo:
        await page.get_by_label("Photos or PDFs").set_input_files(photo)
    date_field = page.get_by_label("Date", exact=True)
    await date_field.fill((date.fromisoformat(await date_field.input_value()) - timedelta(days=days_ago)).isoformat())
    await page.get_by_label("Kind", exact=True).select_option("job_shadow")
    await page.get_by_label("Title", exact=True).fill(title)
    await page.get_by_label("Organization", exact=True).fill("Offline Test Co")
    await page.get_by_label("Hours", exact=True).fill(hours)
    await page.get_by_label("Career cluster", exact=True).select_option("advanced-manufacturing")
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.wait_for_url(re.compile(r"/student$"))


async def queued(page: Page) -> list[dict]:
    """This user's entries in the phone's queue."""
    return await page.evaluate(
        "PortfolioQueue.forUser(document.body.dataset.userId).then((items) => items.map((i) => "
        "({uuid: i.client_uuid, user: i.user_id, title: i.values.title, state: i.state, error: i.error, "
        "files: (i.files || []).map((f) => ({uuid: f.client_uuid, name: f.name, size: f.size}))})))"
    )


async def wait_until_sent(page: Page, seconds: float = 25) -> None:
    """Until this user's queue is empty; reloads now and then (app start is one of the sync triggers)."""
    for attempt in range(int(seconds * 2)):
        if not await queued(page):
            return
        await asyncio.sleep(0.5)
        if attempt % 6 == 5:
            await page.reload()
    raise AssertionError(f"still queued: {await queued(page)}")


def _titled(page: Page, title: str):
    return page.locator(".entries .entry-title").filter(has_text=re.compile(f"^{re.escape(title)}$"))


async def count_on_server(page: Page, title: str) -> int:
    await page.goto("/student/experiences")
    return await _titled(page, title).count()


async def files_on_server(page: Page, title: str) -> list[str]:
    """The names of the files on the server's entry with this title."""
    await page.goto("/student/experiences")
    await _titled(page, title).click()
    # The entry's page, not the list still on screen: the list has no evidence and would read as none.
    await expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    await expect(page.locator("#evidence")).to_be_attached()
    return await page.locator("#evidence .evidence-name").all_inner_texts()


async def test_the_app_is_installable(app_context):
    context = await app_context()
    page = await first_page(context)
    await sign_in(page, STUDENT)
    scope = await page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert re.fullmatch(r"http://[^/]+/", scope)
    href = await page.locator('link[rel="manifest"]').get_attribute("href")
    assert href == "/manifest.webmanifest"
    icons = await page.evaluate(
        """async (href) => {
          const manifest = await (await fetch(href)).json();
          return Promise.all(manifest.icons.map((icon) => new Promise((resolve) => {
            const image = new Image();
            image.onload = () => resolve([icon.sizes, image.naturalWidth + "x" + image.naturalHeight, icon.purpose]);
            image.onerror = () => resolve([icon.sizes, "failed", icon.purpose]);
            image.src = icon.src;
          })));
        }""",
        href,
    )
    assert sorted(icons) == [["192x192", "192x192", "any"], ["512x512", "512x512", "any"], ["512x512", "512x512", "maskable"]]
    cdp = await context.new_cdp_session(page)
    manifest = await cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    assert (await cdp.send("Page.getInstallabilityErrors"))["installabilityErrors"] == []
    # One cache, the current version's (tests/browser/test_pwa_update.py: a new version replaces it), with
    # the shell and the page signed in to: sign-in empties the caches, then the worker fills them again
    # in the background, so the app opens offline at once.
    await until(page, KEPT, ["/student", static_url("app.css"), "/offline"])
    names = await page.evaluate("caches.keys()")
    assert len(names) == 1 and names[0].startswith("portfolio-")
    # The pages link the hashed URLs the worker keeps; a page kept before a deploy links plain names or the
    # hashes of its day, and offline the worker answers those from the same cache.
    await page.reload()
    loaded = await page.evaluate("performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname)")
    assert static_url("app.css") in loaded and "/static/app.css" not in loaded
    await context.set_offline(True)
    for url in ("/static/app.css", "/static/app.0123456789.css", static_url("app.css")):
        assert await page.evaluate("(url) => fetch(url).then((r) => r.ok && r.text()).then((css) => css.includes('--brand'))", url), url
    await context.set_offline(False)


async def test_hours_logged_offline_arrive_exactly_once(app_context, step):
    context = await app_context()
    page = await first_page(context)
    await ready_offline(page, STUDENT)
    first, second = (f"Offline shadow {n} {uuid.uuid4().hex[:6]}" for n in (1, 2))

    step("offline, two entries wait on the phone, the second with a photo")
    await context.set_offline(True)
    await fill_entry(page, first)
    await expect(page.get_by_role("status").filter(has_text="Saved on this phone")).to_be_visible()
    await fill_entry(page, second, hours="0.75", days_ago=51, photo=PHOTO)
    waiting = page.locator("[data-sync-list]")
    await expect(waiting.get_by_role("heading", name="Waiting to sync")).to_be_visible()
    for title in (first, second):
        await expect(waiting.locator(".sync-item", has_text=title)).to_contain_text("Waiting to sync")
    await expect(page.locator(".offline-banner")).to_contain_text("You are offline")
    await expect(waiting.locator(".sync-item", has_text=second)).to_contain_text("1 file")
    items = await queued(page)
    assert [i["title"] for i in items] == [first, second]
    assert len({i["uuid"] for i in items}) == 2, "the cached form's UUID is not reused for a second entry"
    assert [(f["name"], f["size"]) for f in items[1]["files"]] == [(PHOTO["name"], len(PHOTO["buffer"]))]
    for viewport in (SMALL_PHONE, DESKTOP):
        await page.set_viewport_size(viewport)
        await assert_phone_ready(page)
    await page.close()

    step("back online, the answers to the first sends are lost, and nothing is doubled")
    # The first send of an entry and of the photo reach the server, but their answers are lost (a timeout):
    # neither may be doubled.
    posts: list[str] = []
    file_posts: list[str] = []

    async def answer_lost_once(route):
        posts.append(route.request.post_data_json["client_uuid"])
        if len(posts) == 1:
            await route.fetch()
            await route.abort("timedout")
        else:
            await route.continue_()

    async def file_answer_lost_once(route):
        file_posts.append(route.request.url)
        if len(file_posts) == 1:
            await route.fetch()
            await route.abort("timedout")
        else:
            await route.continue_()

    await context.route("**/api/v1/experiences", answer_lost_once)
    await context.route("**/api/v1/experiences/*/evidence", file_answer_lost_once)
    await context.set_offline(False)
    page = await context.new_page()
    await page.goto("/student")
    await wait_until_sent(page)
    assert posts.count(posts[0]) >= 2, f"the lost send was retried with its UUID: {posts}"
    assert set(posts) == {i["uuid"] for i in items}
    assert len(file_posts) >= 2, f"the lost file was sent again: {file_posts}"
    for title in (first, second):
        assert await count_on_server(page, title) == 1, title
    assert await files_on_server(page, first) == []
    assert await files_on_server(page, second) == [PHOTO["name"]]


async def test_a_queued_entry_is_sent_only_under_its_own_users_session(app_context, step):
    step("the first student queues an entry offline")
    context = await app_context()
    page = await first_page(context)
    first_id = await ready_offline(page, STUDENT)
    title = f"Queued by the first student {uuid.uuid4().hex[:6]}"
    await context.set_offline(True)
    await fill_entry(page, title, days_ago=52)
    [item] = [i for i in await queued(page) if i["title"] == title]
    assert item["user"] == first_id

    step("back online with the API out of reach, the first student signs out; the entry stays queued")
    await context.route("**/api/v1/**", lambda route: route.abort())
    await context.set_offline(False)
    await page.goto("/account")
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url(re.compile(r"/signin\?signed_out=1$"))
    await context.unroute("**/api/v1/**")

    step("the second student signs in: nothing is sent under their session")
    posts: list[str] = []
    context.on(
        "request",
        lambda r: posts.append(r.post_data_json["client_uuid"]) if r.method == "POST" and r.url.endswith("/api/v1/experiences") else None,
    )
    await sign_in(page, STUDENT2)
    second_id = await page.evaluate("document.body.dataset.userId")
    assert second_id != first_id
    # Every trigger: app start, a reload, and Background Sync in the worker (which asks /api/v1/me).
    await page.reload()
    await page.evaluate("navigator.serviceWorker.ready.then((r) => r.sync && r.sync.register(PortfolioQueue.SYNC_TAG))")
    await asyncio.sleep(2)
    assert posts == [], "nothing is sent under the second student's session"
    await expect(page.locator("[data-sync-list]")).to_be_hidden()
    assert await count_on_server(page, title) == 0

    step("offline, the second student never sees the first one's pages")
    await page.goto("/student")
    await context.set_offline(True)
    for path in ("/student", "/student/experiences/new", "/student/experiences"):
        await page.goto(path)
        assert await page.evaluate("document.body.dataset.userId || ''") in ("", second_id), path
    await context.set_offline(False)

    step("the first student signs in again, and the entry is sent once")
    await page.goto("/account")
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url(re.compile(r"/signin\?signed_out=1$"))
    await sign_in(page, STUDENT)
    await wait_until_sent(page)
    assert posts == [item["uuid"]]
    assert await count_on_server(page, title) == 1


async def test_an_entry_the_server_refuses_can_be_fixed_from_the_queue(app_context):
    context = await app_context()
    page = await first_page(context)
    await ready_offline(page, STUDENT)
    await context.set_offline(True)
    await fill_entry(page, "   ", days_ago=53)  # only spaces: the browser accepts it, the server does not
    await context.set_offline(False)
    await page.reload()
    row = page.locator("[data-sync-list] .sync-item")
    await expect(row).to_contain_text("Needs a fix")
    await expect(row).to_contain_text(re.compile("title", re.IGNORECASE))
    for viewport in (SMALL_PHONE, DESKTOP):
        await page.set_viewport_size(viewport)
        await assert_phone_ready(page)
    await page.set_viewport_size(PHONE)

    await row.get_by_role("link", name="Fix it").click()
    await expect(page.get_by_label("Organization", exact=True)).to_have_value("Offline Test Co")
    title = f"Fixed from the queue {uuid.uuid4().hex[:6]}"
    await page.get_by_label("Title", exact=True).fill(title)
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.wait_for_url(re.compile(r"/student$"))
    await wait_until_sent(page)
    # On the list of all entries (the dashboard shows the ten latest by date; other tests add newer ones).
    assert await count_on_server(page, title) == 1


@pytest.mark.parametrize("viewport", [SMALL_PHONE, DESKTOP], ids=["360px", "1280px"])
async def test_the_offline_page_is_phone_ready(new_page, viewport):
    page = await new_page(viewport)
    await page.goto("/offline")
    await expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    await assert_phone_ready(page)


# Playwright's offline mode cuts the network but, in this Chromium, leaves navigator.onLine true and fires
# no online/offline events. This stands in for the browser's own signal (the network is cut for real too).
BROWSER_SAYS_OFFLINE = """
(() => {
  let offline = false;
  Object.defineProperty(Navigator.prototype, "onLine", {configurable: true, get: () => !offline});
  window.__setOffline = (value) => {
    offline = value;
    window.dispatchEvent(new Event(value ? "offline" : "online"));
  };
})();
"""


async def go_offline(context: BrowserContext, page: Page, offline: bool) -> None:
    await context.set_offline(offline)
    await page.evaluate("(value) => window.__setOffline(value)", offline)


async def test_the_browser_saying_offline_queues_at_once_and_the_online_event_sends(app_context):
    context = await app_context()
    await context.add_init_script(BROWSER_SAYS_OFFLINE)
    page = await first_page(context)
    await ready_offline(page, STUDENT)
    form_posts: list[str] = []
    context.on("request", lambda r: form_posts.append(r.url) if r.method == "POST" and r.url.endswith("/student/experiences") else None)

    await go_offline(context, page, True)
    await expect(page.locator(".offline-banner")).to_contain_text("You are offline")
    await page.goto("/student/experiences/new")
    await page.evaluate("window.__setOffline(true)")  # a new document: the browser still says offline
    title = f"Logged with no signal {uuid.uuid4().hex[:6]}"
    date_field = page.get_by_label("Date", exact=True)
    await date_field.fill((date.fromisoformat(await date_field.input_value()) - timedelta(days=54)).isoformat())
    await page.get_by_label("Kind", exact=True).select_option("site_visit")
    await page.get_by_label("Title", exact=True).fill(title)
    await page.get_by_label("Organization", exact=True).fill("Offline Test Co")
    await page.get_by_label("Hours", exact=True).fill("1")
    await page.get_by_label("Career cluster", exact=True).select_option("advanced-manufacturing")
    await page.get_by_label("Photos or PDFs").set_input_files(PHOTO)
    await page.get_by_role("button", name="Save", exact=True).click()
    await page.wait_for_url(re.compile(r"/student$"))
    assert form_posts == [], "with the browser offline, the form is kept on the phone without trying to send it"
    await page.evaluate("window.__setOffline(true)")
    await expect(page.get_by_role("status").filter(has_text="waiting to sync")).to_be_visible()
    row = page.locator("[data-sync-list] .sync-item", has_text=title)
    await expect(row).to_contain_text("Waiting to sync")

    # The connection comes back while the dashboard is open: the online event sends it, no reload.
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    await go_offline(context, page, False)
    await expect(page.locator("[data-sync-list] .sync-item", has_text=title)).to_contain_text("Synced", timeout=15_000)
    await expect(page.locator(".offline-banner")).to_have_count(0)
    assert navigations == []
    assert await queued(page) == []
    assert await count_on_server(page, title) == 1
    assert await files_on_server(page, title) == [PHOTO["name"]]


async def test_a_signed_out_session_asks_to_sign_in_then_sends(app_context):
    context = await app_context()
    await context.add_init_script(BROWSER_SAYS_OFFLINE)
    page = await first_page(context)
    await ready_offline(page, STUDENT)
    title = f"Sent after signing in {uuid.uuid4().hex[:6]}"
    await context.set_offline(True)
    await fill_entry(page, title, days_ago=55, photo=PHOTO)
    await page.evaluate("window.__setOffline(true)")

    # The session ends while the phone is offline (it expired, or was signed out elsewhere).
    await context.clear_cookies()
    await go_offline(context, page, False)
    row = page.locator("[data-sync-list] .sync-item", has_text=title)
    await expect(row).to_contain_text("Signed out — sign in to send", timeout=15_000)
    for viewport in (SMALL_PHONE, DESKTOP):
        await page.set_viewport_size(viewport)
        await assert_phone_ready(page)
    await page.set_viewport_size(PHONE)
    assert [i["state"] for i in await queued(page)] == ["signed_out"]

    await row.get_by_role("link", name="Sign in to send").click()
    await expect(page).to_have_url(re.compile(r"/signin\?next=/student$"))
    await sign_in(page, STUDENT)
    await page.wait_for_url(re.compile(r"/student$"))
    await wait_until_sent(page)
    assert await count_on_server(page, title) == 1
    assert await files_on_server(page, title) == [PHOTO["name"]]


async def test_a_refused_photo_leaves_the_entry_saved_and_says_why(app_context):
    context = await app_context()
    page = await first_page(context)
    await ready_offline(page, STUDENT)
    title = f"With a file that is not a photo {uuid.uuid4().hex[:6]}"
    await context.set_offline(True)
    not_a_photo = {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": samples.html_renamed()}
    await fill_entry(page, title, days_ago=56, photo=not_a_photo)
    await context.set_offline(False)
    await page.reload()
    row = page.locator("[data-sync-list] .sync-item", has_text=title)
    await expect(row).to_contain_text("Needs a fix", timeout=15_000)
    await expect(row).to_contain_text("Saved, but notes.jpg was not added")
    await assert_phone_ready(page)
    await row.get_by_role("link", name="Open the entry").click()
    await expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert await files_on_server(page, title) == []
    assert await count_on_server(page, title) == 1
    await page.goto("/student")
    await page.locator("[data-sync-list] .sync-item", has_text=title).get_by_role("button", name="Remove this notice").click()
    await expect(page.locator("[data-sync-list]")).to_be_hidden()


CACHED_PATHS = """() => caches.keys().then((names) => Promise.all(names.map((name) => caches.open(name)
  .then((cache) => cache.keys())))).then((lists) => lists.flat().map((r) => new URL(r.url).pathname))"""


async def test_the_worker_keeps_no_one_else_s_record_and_no_page_past_its_session(app_context, step):
    step("a counselor reads a student's record: the worker keeps none of it, and offline it is gone")
    context = await app_context()
    page = await first_page(context)
    await sign_in(page, "counselor@demo.example")
    await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    await page.goto("/staff")  # now under the worker's control
    record = await page.locator('a[href^="/staff/students/"]').first.get_attribute("href")
    await page.goto(record)
    await page.goto("/mentor")
    await until(page, KEPT, [static_url("app.css"), "/offline"])
    assert not [path for path in await page.evaluate(CACHED_PATHS) if not path.startswith(("/static/", "/offline"))]
    await context.set_offline(True)
    await page.goto(record)
    await expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    await context.set_offline(False)
    await page.goto("/account")
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url(re.compile(r"/signin\?signed_out=1$"))

    step("a student's own pages are kept, and the app's start address opens the dashboard offline")
    await ready_offline(page, STUDENT)
    await until(page, KEPT, ["/student", "/student/experiences/new"])
    await context.set_offline(True)
    await page.goto("/")
    await expect(page.get_by_role("heading", name="You are offline")).to_be_hidden()
    assert await page.evaluate("document.body.dataset.userId || ''")

    step("a kept page whose session has ended is refused and dropped")
    await page.evaluate("""() => caches.keys().then((names) => caches.open(names[0])).then((cache) => Promise.all([
      cache.put("/student/experiences/new", new Response("<p id=stale>stale</p>", {headers: {
        "Content-Type": "text/html", "X-Session-Expires": String(Math.floor(Date.now() / 1000) - 60)}})),
      cache.put("/student/certifications", new Response("<p id=stale>unmarked</p>", {headers: {"Content-Type": "text/html"}})),
    ]))""")
    for path in ("/student/experiences/new", "/student/certifications"):
        await page.goto(path)
        await expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
        assert not await page.locator("#stale").count(), path
    assert "/student/experiences/new" not in await page.evaluate(CACHED_PATHS)
    await context.set_offline(False)
