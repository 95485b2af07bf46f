"""Where a signed-in page's time goes, request by request, in one process (no server, no network): the README's
district people open the pages `make bench` measures, one request at a time, and each layer's share is timed.

    PORTFOLIO_DEMO=1 PORTFOLIO_VAR_DIR=<a district's var dir> .venv/bin/python -m tests.profile_pages [--tree PAGE]

It prints, per page, the mean milliseconds of a request inside the app and of its parts: the session (store read),
the user's row, the queries (piccolo building them and reading their rows, and the database's own time), the
templates and gzip. `--tree dashboard` prints pyinstrument's call tree of that page (pip install pyinstrument).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from collections import defaultdict
from contextlib import contextmanager
from functools import wraps
from typing import Any

import httpx
import jinja2
from litestar.middleware.compression.gzip_facade import GzipCompression
from piccolo.query.base import Query

from portfolio import auth, db
from portfolio.app import create_app
from portfolio.db import engine
from portfolio.services import accounts
from portfolio.services.demo import DEMO_PASSWORD
from portfolio.settings import get_settings
from portfolio.tables import User
from tests.factories import csrf_token

# CPU time of the whole process (the SQLite threads' included): one request at a time, it is the request's own
# cost, and unlike the wall clock it holds still on a machine busy with other work.
CLOCK = time.process_time
REQUESTS = 20
ROUNDS = 8
WARM_UP = 10
PEOPLE = {"student": "student@district.example", "mentor": "mentor@district.example", "staff": "staff@district.example"}

spent: dict[str, float] = defaultdict(float)
counts: dict[str, int] = defaultdict(int)


def _timed_async(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    @wraps(original)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        start = CLOCK()
        try:
            return await original(*args, **kwargs)
        finally:
            spent[label] += CLOCK() - start
            counts[label] += 1

    setattr(owner, name, timed)


def _timed_sync(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    @wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = CLOCK()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += CLOCK() - start
            counts[label] += 1

    setattr(owner, name, timed)


def instrument(app: Any) -> Any:
    _timed_async(auth.Sessions, "resume", "session")
    _timed_async(accounts, "load_user", "user")
    auth.load_user = accounts.load_user
    _timed_async(Query, "run", "queries")
    _timed_async(type(engine()), "run_querystring", "database")
    _timed_sync(jinja2.Template, "render", "templates")
    _timed_sync(GzipCompression, "write", "gzip")
    _timed_sync(GzipCompression, "close", "gzip")

    async def whole(scope: Any, receive: Any, send: Any) -> None:
        start = CLOCK()
        try:
            await app(scope, receive, send)
        finally:
            if scope["type"] == "http":
                spent["request"] += CLOCK() - start
                counts["request"] += 1

    return whole


async def _client(app: Any, email: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://127.0.0.1:8000")
    await client.get("/signin")
    answer = await client.post("/signin", data={"email": email, "password": DEMO_PASSWORD, "_csrf_token": csrf_token(client)},
                               follow_redirects=False)
    assert answer.status_code == 303, re.findall(r"<p[^>]*>[^<]+", answer.text)[:5]
    client.headers["accept-encoding"] = "gzip"
    return client


async def _pages(clients: dict[str, httpx.AsyncClient]) -> dict[str, tuple[str, str]]:
    listing = (await clients["student"].get("/student/experiences")).text
    entry = re.search(r'href="(/student/experiences/\d+)"', listing)
    student_id = await User.select(User.id).where(User.email == PEOPLE["student"]).first()
    return {
        "dashboard": ("student", "/student"),
        "entry": ("student", entry.group(1) if entry else "/student/experiences"),
        "mentor_queue": ("mentor", "/mentor"),
        "staff_student": ("staff", f"/staff/students/{student_id['id']}"),
        "directory": ("staff", "/staff/partners"),
    }


@contextmanager
def _tree(enabled: bool):
    if not enabled:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0002, async_mode="enabled")
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))


async def main(tree: str | None, requests: int) -> None:
    app = create_app(get_settings())
    measured = instrument(app)
    # The app's start without its mail worker: only the pages are measured.
    await db.open_database()
    clients = {role: await _client(measured, email) for role, email in PEOPLE.items()}
    pages = await _pages(clients)
    print(f"{'page':14} {'ms':>6} | " + " ".join(f"{k:>9}" for k in ("session", "user", "queries", "(n)", "database",
                                                                        "templates", "gzip", "rest")))
    for page, (role, path) in pages.items():
        client = clients[role]
        for _ in range(WARM_UP):
            assert (await client.get(path)).status_code == 200, path
        best: tuple[dict[str, float], float] | None = None
        # The quickest of several rounds: what other work on the machine adds to one round is left out.
        for _ in range(ROUNDS):
            spent.clear()
            counts.clear()
            with _tree(tree == page):
                for _ in range(requests):
                    await client.get(path)
            n = counts["request"]
            ms = {k: 1000 * v / n for k, v in spent.items()}
            if best is None or ms["request"] < best[0]["request"]:
                best = (ms, counts["queries"] / n)
        ms, queries = best
        rest = ms["request"] - ms.get("session", 0) - ms.get("queries", 0) - ms.get("templates", 0) - ms.get("gzip", 0)
        print(f"{page:14} {ms['request']:6.2f} | {ms.get('session', 0):9.2f} {ms.get('user', 0):9.2f} "
              f"{ms.get('queries', 0):9.2f} {queries:9.1f} {ms.get('database', 0):9.2f} "
              f"{ms.get('templates', 0):9.2f} {ms.get('gzip', 0):9.2f} {rest:9.2f}")
    for client in clients.values():
        await client.aclose()
    await db.close_database()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", help="print pyinstrument's call tree of this page")
    parser.add_argument("--requests", type=int, default=REQUESTS, help="requests a round (the quickest round counts)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.tree, arguments.requests))
