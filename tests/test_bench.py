"""`make bench`'s own parts, cheaply (seconds, no district): wrk under tests/lua/bench.lua against the ceiling
app reports requests and latency, and counts an answer that is not 2xx as an error; the profile that explains a
page's bound splits its time by whose code it was in."""

from __future__ import annotations

import asyncio
import os

import pytest

from tests import bench_profile, bench_reports, load
from tests.bench import ceiling_server
from tests.bench_district import cookie_header, sign_in
from tests.live import live_server

# Nothing here touches the database: once, in the SQLite run, is enough.
pytestmark = pytest.mark.skipif(os.environ.get("PORTFOLIO_TEST_DB") == "postgres", reason="database-free; runs on SQLite")


async def test_wrk_measures_the_ceiling_and_counts_errors(tmp_path):
    assert load.wrk(), load.INSTALL  # a missing load generator fails here rather than passing unseen
    async with ceiling_server(tmp_path / "ceiling.log") as url:
        page = await load.run(url, 2, 1, ["pages", "/"])
        missing = await load.run(url, 2, 1, ["pages", "/", "/no-such-page"])
    assert page.requests > 0 and page.rps > 0 and page.errors == 0
    assert 0 < page.p50 <= page.p95 <= page.p99
    # Every other request is the missing page: about half are errors.
    assert 0.4 * missing.requests <= missing.errors <= 0.6 * missing.requests
    assert load.memory_mb(os.getpid())[0] > 0


async def test_the_profile_splits_a_page_s_time_by_whose_code_it_was_in():
    """The report's bounds: the demo student's dashboard, one request at a time in a process of the app's own,
    is slower than the ceiling page, and its time is split among the database, piccolo, the templates and the
    rest, adding up to the whole."""
    async with live_server() as live:
        client, _ = await sign_in(live.url, "student@demo.example")
        pages = {"dashboard": (["/student"], cookie_header(client))}
        await client.aclose()
        found = await asyncio.to_thread(bench_profile.profile, live.env, live.url, pages, 0.5)
    dashboard, ceiling = found["dashboard"], found["ceiling"]
    assert 0 < ceiling.ms < dashboard.ms and 0 < dashboard.bound(ceiling.ms) < 1
    assert dashboard.queries >= 3 and ceiling.queries == 0
    assert sum(dashboard.split.values()) == pytest.approx(dashboard.ms, rel=0.01)
    for part in ("templates", "piccolo", "app", "framework"):
        assert dashboard.split.get(part, 0) > 0, (part, dashboard.split)
    assert dashboard.split.get("waits", 0) + dashboard.split.get("driver", 0) > 0, dashboard.split
    assert dashboard.split.get("other", 0) < dashboard.ms / 4, dashboard.split


async def test_the_server_is_sampled_under_load_from_outside(tmp_path):
    """What a page's row under load reads: the ceiling app's CPU time per request and its event loop's busy time,
    split by whose code it was in (Litestar's and Jinja's here, no database)."""
    pids: list[int] = []
    async with ceiling_server(tmp_path / "ceiling.log", pids) as url:
        got, seen = await bench_profile.under_load(pids[0], 2, tmp_path / "samples.txt", load.run(url, 4, 2, ["pages", "/"]))
    assert got.requests > 0 and 0 < seen.cpu_ms < 1000 * 2 / got.requests * 2
    assert 0.2 < seen.busy <= 1, seen
    assert seen.split.get("framework", 0) > 0 and seen.split.get("templates", 0) > 0, seen.split
    assert sum(seen.split.values()) == pytest.approx(1)


async def test_every_report_is_timed_for_the_admin_and_for_staff():
    """The reports' part on the demo data: each report of bench_reports.REPORTS answers (200) both the admin and
    the staff member it names, three times after a warm-up, and its row says so; a report that fails is a missed
    target, not a fast one."""
    async with live_server() as live:
        clients = {who: (await sign_in(live.url, email))[0]
                   for who, email in (("admin", "admin@demo.example"), ("staff", "counselor@demo.example"))}
        try:
            timed = await bench_reports.measure(clients)
        finally:
            for client in clients.values():
                await client.aclose()
    asked = {(key, who) for key, _, _, whom in bench_reports.REPORTS for who in whom}
    assert {(t.key, t.who) for t in timed} == asked
    assert all(t.status == 200 and len(t.times) == bench_reports.RUNS and t.met for t in timed), timed
    broken = bench_reports.Timed("x", "Broken", "admin", [1.0, 1.0, 1.0], 500)
    assert not broken.met and "| Broken | admin |" in "\n".join(bench_reports.lines([broken]))
