"""One database's part of `make bench`: `portfolio seed-district` (without its files) in a fresh database, one
`portfolio serve` process on it, each page under wrk at 10 and 50 connections beside the ceiling app measured
just before, JSON create with 50 writers, sign-in, and the server's memory."""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from portfolio.services.demo import DEMO_PASSWORD
from portfolio.services.district import ACCOUNTS
from tests import bench_profile, bench_reports, load
from tests.live import live_server

CONNECTIONS = (10, 50)
WRITERS = 50
# Students whose sessions the writers share, one after another: a district's queues sync many students at once.
WRITING_STUDENTS = 10
CONCURRENT_SIGNINS = 4
PATHS_PER_PAGE = 20
# Pages measured after every other (and after JSON create): at full size their requests outlast a measure, and the
# requests wrk leaves open are still answered after it stops, slowing whatever would come next.
LAST = ("employer_list",)
CLUSTER = "construction"
# Production hashing cost: sign-in time and its memory are part of what is measured.
ENV = {"PORTFOLIO_ARGON2_TIME_COST": "", "PORTFOLIO_ARGON2_MEMORY_KIB": "", "PORTFOLIO_DATABASE_URL": "",
       "PORTFOLIO_REDIS_URL": ""}
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
# BENCH_ONLY=reports: only the reports' times, for working on a report (the report says the rest was not run).
REPORTS_ONLY = os.environ.get("BENCH_ONLY") == "reports"
# (key, what, who, the page to start from, the links on it to follow; without links, the page itself)
PAGES = [
    ("dashboard", "Student dashboard", "student", "/student", ""),
    ("entries", "All entries (first page)", "student", "/student/experiences", ""),
    ("entry", "An entry's page", "student", "/student/experiences", r'href="(/student/experiences/\d+)"'),
    ("mentor_queue", "Mentor queue (200 students)", "mentor", "/mentor", ""),
    ("employer_list", "Employer's students (1,000 shared)", "employer", "/employer", ""),
    ("portfolio", "Employer's view of a portfolio", "employer", "/employer", r'href="(/employer/students/\d+)"'),
    ("staff_student", "Staff's student page", "staff", "/mentor", ""),  # paths: the mentor's students, below
    ("directory", "Partner directory", "staff", "/staff/partners", ""),
    ("partner", "A partner's page", "staff", "/staff/partners", r'href="(/staff/partners/\d+)"'),
]


@dataclass(frozen=True)
class Measure:
    load: load.Load
    ceiling: load.Load  # the ceiling app, just before, at as many connections
    settled: bool = True  # the server was idle again within load.settle's limit after it
    under_load: bench_profile.UnderLoad | None = None  # what the server did meanwhile (at 10 connections)

    @property
    def share(self) -> float:
        return self.load.rps / max(self.ceiling.rps, 1e-9)


@dataclass
class Run:
    database: str
    seeded_seconds: float = 0.0
    pages: dict[str, dict[int, Measure]] = field(default_factory=dict)
    create: Measure | None = None
    signins: list[float] = field(default_factory=list)  # milliseconds, one after another
    memory_pages: tuple[float, float] = (0.0, 0.0)  # (peak, now) MB after the pages and JSON create
    memory_signins: tuple[float, float] = (0.0, 0.0)  # (peak during, resident before) CONCURRENT_SIGNINS sign-ins at once
    problems: list[str] = field(default_factory=list)
    requests: dict[str, tuple[list[str], str]] = field(default_factory=dict)  # page -> (its paths, the cookie)
    profiles: dict[str, bench_profile.Profile] = field(default_factory=dict)  # page (and "ceiling") -> where time goes
    reports: list[bench_reports.Timed] = field(default_factory=list)


@contextmanager
def database(name: str) -> Iterator[None]:
    """tests/live.py makes its database on PostgreSQL when PORTFOLIO_TEST_DB says so."""
    before = os.environ.get("PORTFOLIO_TEST_DB")
    os.environ["PORTFOLIO_TEST_DB"] = name
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PORTFOLIO_TEST_DB", None)
        else:
            os.environ["PORTFOLIO_TEST_DB"] = before


async def sign_in(base_url: str, email: str, address: str = "") -> tuple[httpx.AsyncClient, float]:
    """A client signed in with the demo password, and how long the sign-in took (the form, then the POST).
    `address`: the client's address as a proxy in front would forward it."""
    client = httpx.AsyncClient(base_url=base_url, timeout=60, headers={"x-forwarded-for": address} if address else {})
    start = time.perf_counter()
    page = await client.get("/signin")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert token, "the sign-in page carries no CSRF token"
    response = await client.post("/signin", data={"email": email, "password": DEMO_PASSWORD, "_csrf_token": token[1]})
    assert response.status_code == 303, (email, response.status_code, response.text[:300])
    return client, (time.perf_counter() - start) * 1000


def cookie_header(client: httpx.AsyncClient) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


async def _paths(clients: dict[str, httpx.AsyncClient], who: str, start: str, links: str, key: str) -> list[str]:
    response = await clients[who if key != "staff_student" else "mentor"].get(start)
    assert response.status_code == 200, (start, response.status_code)
    if key == "staff_student":
        # The mentor's students are students of the staff member's school.
        found = re.findall(r'href="/mentor/students/(\d+)"', response.text)
        return [f"/staff/students/{n}" for n in dict.fromkeys(found)][:PATHS_PER_PAGE]
    if not links:
        return [start]
    return list(dict.fromkeys(re.findall(links, response.text)))[:PATHS_PER_PAGE]


async def _checked(client: httpx.AsyncClient, paths: list[str]) -> list[str]:
    """Every path answers 200 to this client (also the warm-up); what does not is a problem to report."""
    wrong = []
    for path in paths:
        response = await client.get(path)
        if response.status_code != 200:
            wrong.append(f"{path} answered {response.status_code}")
    return wrong


@dataclass(frozen=True)
class Target:
    """Where the load goes: the app's server (its address and process) and the ceiling app's address."""

    url: str
    pid: int
    ceiling_url: str
    seconds: float

    async def measure(self, connections: int, args: list[str], cookie: str = "", sampled: Path | None = None) -> Measure:
        """One wrk run beside the ceiling; `sampled`: a file for py-spy's samples of the server meanwhile."""
        # The ceiling is measured beside every page, for as long as half of it: on a shared machine it moves.
        ceiling = await load.run(self.ceiling_url, connections, self.seconds / 2, ["pages", "/"])
        measuring = load.run(self.url, connections, self.seconds, args, cookie)
        if sampled is None:
            return Measure(await measuring, ceiling, await load.settle(self.pid))
        measured, seen = await bench_profile.under_load(self.pid, self.seconds, sampled, measuring)
        return Measure(measured, ceiling, await load.settle(self.pid), seen)


async def _pages(run: Run, target: Target, clients: dict[str, httpx.AsyncClient], last: bool, samples: Path) -> None:
    for key, _, who, start, links in PAGES:
        if (key in LAST) != last:
            continue
        paths = await _paths(clients, who, start, links, key)
        if not paths:
            run.problems.append(f"{key}: no links found on {start}")
            continue
        run.problems += [f"{key}: {wrong}" for wrong in await _checked(clients[who], paths)]
        cookie = cookie_header(clients[who])
        run.requests[key] = (paths, cookie)
        run.pages[key] = {c: await target.measure(c, ["pages", *paths], cookie, samples / f"{key}-{c}.txt" if c == 10 else None)
                          for c in CONNECTIONS}


async def _create(run: Run, target: Target, writers: list[httpx.AsyncClient], samples: Path) -> None:
    pairs = []
    for client in writers:
        token = (await client.get("/api/v1/me")).json()["csrf_token"]
        pairs += [cookie_header(client), token]
    run.create = await target.measure(WRITERS, ["create", CLUSTER, *pairs], sampled=samples / "create.txt")


def _students(first: int, count: int) -> list[str]:
    """Other students of the README's school: what they write leaves the README student's pages as they are."""
    return [f"student0-{n}@district.example" for n in range(first, first + count)]


async def measure(name: str, scale: float, seconds: float, ceiling_url: str) -> Run:
    run = Run(name)
    overrides = dict(ENV)
    if name == "postgres":
        overrides["PORTFOLIO_REDIS_URL"] = REDIS_URL
    seed = ("seed-district", "--no-files", "--scale", f"{scale:g}")
    with database(name):
        async with live_server(overrides, seed=seed) as live:
            seeded = re.search(r"District data loaded in ([\d.]+) s", (live.var_dir / "server.log").read_text())
            run.seeded_seconds = float(seeded[1]) if seeded else 0.0
            clients: dict[str, httpx.AsyncClient] = {}
            for who in ("student", "mentor", "employer", "staff", "admin"):
                clients[who], took = await sign_in(live.url, ACCOUNTS[who])
                run.signins.append(took)
            writers = []
            for email in _students(1, WRITING_STUDENTS):
                client, took = await sign_in(live.url, email)
                writers.append(client)
                run.signins.append(took)
            target = Target(live.url, live.pid, ceiling_url, seconds)
            try:
                if not REPORTS_ONLY:
                    # Each sign-in's argon2 hash took its memory: the peak counts from here, the pages' own.
                    await load.settle(live.pid)
                    load.reset_peak(live.pid)
                    await _pages(run, target, clients, last=False, samples=live.var_dir)
                    await _create(run, target, writers, live.var_dir)
                    await _pages(run, target, clients, last=True, samples=live.var_dir)
                    run.memory_pages = load.memory_mb(live.pid)
                    await load.settle(live.pid)
                    load.reset_peak(live.pid)
                    resident = load.memory_mb(live.pid)[1]
                    # Other accounts from other addresses: sign-ins at once from one address can be refused (429) when
                    # their throttle counts reach the database out of the order of their clocks.
                    more = await asyncio.gather(*(sign_in(live.url, email, f"10.0.0.{n + 1}") for n, email in
                                                  enumerate(_students(WRITING_STUDENTS + 1, CONCURRENT_SIGNINS))))
                    run.memory_signins = (load.memory_mb(live.pid)[0], resident)
                    for client, _ in more:
                        await client.aclose()
                    run.profiles = await asyncio.to_thread(bench_profile.profile, live.env, live.url, run.requests)
                # Last, on a server at rest: one person asking at a time.
                await load.settle(live.pid)
                run.reports = await bench_reports.measure(clients)
            finally:
                for client in [*clients.values(), *writers]:
                    await client.aclose()
    return run
