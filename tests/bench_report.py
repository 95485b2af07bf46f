"""The report of `make bench` (var/bench/report.md): every page as a share of the ceiling measured in the same
run, and the targets of issue 22, met or MISSED."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from tests import bench_profile, bench_reports
from tests.bench_district import CONCURRENT_SIGNINS, CONNECTIONS, PAGES, WRITERS, WRITING_STUDENTS, Measure, Run

NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL with Redis sessions"}
# Shares of the ceiling's requests/s, at 10 and at 50 connections alike (the lower of the two counts).
SHARES = {"dashboard": 0.20, "entry": 0.20, "employer_list": 0.15, "portfolio": 0.15, "mentor_queue": 0.10}
P95_MS = 25.0  # at 10 connections, every page
CREATE_RPS = {"postgres": 500.0, "sqlite": 200.0}
RSS_MB = 250.0


@dataclass(frozen=True)
class Target:
    what: str
    result: str
    goal: str
    met: bool


def targets(run: Run) -> list[Target]:
    found: list[Target] = []
    labels = {key: label for key, label, *_ in PAGES}
    for key, goal in SHARES.items():
        if key in run.pages:
            lowest = min(run.pages[key][c].share for c in CONNECTIONS)
            found.append(Target(f"{labels[key]}, share of the ceiling", f"{lowest:.1%}{_bound(run, key)}",
                                f">= {goal:.0%}", lowest >= goal))
    for key, by_connections in run.pages.items():
        p95 = by_connections[10].load.p95
        found.append(Target(f"{labels[key]}, p95 at 10 connections", f"{_ms(p95)} ms", f"< {P95_MS:g} ms", p95 < P95_MS))
    if run.create:
        goal, made = CREATE_RPS[run.database], run.create.load
        found.append(Target(f"JSON create, {WRITERS} writers", f"{made.rps:.0f}/s, {made.errors} errors",
                            f">= {goal:g}/s, 0 errors", made.rps >= goal and made.errors == 0))
    peak = run.memory_pages[0]
    if peak:  # zero: the pages were not served (BENCH_ONLY=reports)
        found.append(Target("Server memory while serving these pages (VmHWM)", f"{peak:.0f} MB", f"< {RSS_MB:g} MB", peak < RSS_MB))
    found += [Target(f"{t.what} ({t.who}), slowest of {bench_reports.RUNS}", f"{t.slowest:.0f} ms, answer {t.status}",
                     f"< {bench_reports.REPORT_MS:g} ms", t.met) for t in run.reports]
    found += [Target(problem, "wrong answer", "200", False) for problem in run.problems]
    return found


def _bound(run: Run, key: str) -> str:
    if key not in run.profiles or "ceiling" not in run.profiles:
        return ""
    return f" (one process at best {run.profiles[key].bound(run.profiles['ceiling'].ms):.1%})"


def bounds(run: Run) -> list[str]:
    """What bounds each page, measured: its time one request at a time in one process, split by whose code it
    was in (tests/bench_profile.py), beside the ceiling page's."""
    if "ceiling" not in run.profiles:
        return []
    ceiling = run.profiles["ceiling"]
    labels = {key: label for key, label, *_ in PAGES}
    lines = [
        "", f"### What bounds each page on {NAMES[run.database]}", "",
        f"Each page requested one at a time in one process of the app (Litestar's test client, the server's settings "
        f"and database), timed, then profiled with pyinstrument and split by whose code each moment was in; milliseconds "
        f"per request. The ceiling page takes {ceiling.ms:.2f} ms this way, so one process cannot serve a page at more "
        "than the ceiling's time over the page's time of what the ceiling serves (\"at best\"), however it is loaded; "
        "waiting on the database or Redis is time the process can serve other requests in, the rest is not.", "",
        "| page | ms | queries | at best | " + " | ".join(label for _, label in bench_profile.SHOWN) + " |",
        "| --- " * (4 + len(bench_profile.SHOWN)) + "|",
    ]
    for key, found in run.profiles.items():
        if key == "ceiling":
            continue
        parts = " | ".join(f"{found.split.get(name, 0.0):.1f}" for name, _ in bench_profile.SHOWN)
        lines.append(f"| {labels.get(key, key)} | {found.ms:.1f} | {found.queries:.0f} | {found.bound(ceiling.ms):.1%} | {parts} |")
    return lines + under_load(run)


def under_load(run: Run) -> list[str]:
    """What the server's process did while wrk measured each page at 10 connections (py-spy from outside)."""
    labels = {key: label for key, label, *_ in PAGES}
    sampled = {labels[key]: by[10] for key, by in run.pages.items() if 10 in by and by[10].under_load}
    if run.create and run.create.under_load:
        sampled[f"JSON create ({WRITERS} connections)"] = run.create
    if not sampled:
        return []
    shown = [label for name, label in bench_profile.SHOWN if name != bench_profile.WAIT]
    lines = [
        "", "Under load (wrk, 10 connections), sampled from outside with py-spy: the server's CPU time per request "
        "answered (every thread's, SQLite's included), how much of the time its event loop, which runs every "
        "request's Python, was busy rather than waiting for work, how busy its other threads were (SQLite's "
        "connections run on threads of their own; 100% is one core), and where the loop's busy time went. The "
        "loop serves one request's Python at a time: busy most of the time, it is the bound.", "",
        "| page | req/s | CPU ms per request | loop busy | other threads | " + " | ".join(shown) + " |",
        "| --- " * (5 + len(shown)) + "|",
    ]
    for label, measured in sampled.items():
        seen = measured.under_load
        lines.append(f"| {label} | {measured.load.rps:,.0f} | {seen.cpu_ms:.1f} | {seen.busy:.0%} | {seen.threads:.0%} | "
                     f"{seen.summary()} |")
    return lines


def _ms(value: float) -> str:
    return f"{value:.1f}" if value != float("inf") else "none finished"


def _row(what: str, connections: int, measured: Measure) -> str:
    got = measured.load
    busy = "" if measured.settled else " (server still busy 2 min after)"
    return (f"| {what}{busy} | {connections} | {got.requests:,} | {got.rps:,.0f} | {measured.ceiling.rps:,.0f} | "
            f"{measured.share:.1%} | {_ms(got.p50)} | {_ms(got.p95)} | {_ms(got.p99)} | {got.errors} |")


def section(run: Run, seconds: float) -> tuple[list[str], bool]:
    lines = [
        "", f"## {NAMES[run.database]}", "",
        f"`portfolio seed-district --no-files` took {run.seeded_seconds:.0f} s. Each row: wrk for {seconds:g} s after "
        f"the ceiling app for half as long at as many connections; times in ms; errors are non-2xx answers and socket "
        "errors. A page slower than the run counts only the requests that finished.", "",
        "| page | connections | requests | req/s | ceiling req/s | share of ceiling | p50 | p95 | p99 | errors |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, label, *_ in PAGES:
        lines += [_row(label, c, run.pages[key][c]) for c in CONNECTIONS if key in run.pages]
    if run.create:
        lines.append(_row(f"JSON create ({run.create.load.created:,} entries made)", WRITERS, run.create))
    if run.signins:
        lines += ["", f"Sign-in with production argon2 cost, {len(run.signins)} one after another: median "
                  f"{statistics.median(run.signins):.0f} ms, slowest {max(run.signins):.0f} ms (the form and the POST)."]
    peak, now = run.memory_pages
    during, before = run.memory_signins
    lines += ["", f"Server memory (one process): peak {peak:.0f} MB while it served the pages and JSON create, "
              f"{now:.0f} MB resident after them; {CONCURRENT_SIGNINS} sign-ins at once took it from {before:.0f} MB "
              f"resident to a peak of {during:.0f} MB (each argon2 hash takes its configured memory). JSON create: "
              f"{WRITERS} connections sharing {WRITING_STUDENTS} other students' sessions, a new client UUID each "
              "time; the employer's list is measured last, after it (its requests outlast a measure).", ""]
    lines += bounds(run) + bench_reports.lines(run.reports) + [""]
    found = targets(run)
    lines += ["| target | result | goal | |", "| --- | --- | --- | --- |"]
    lines += [f"| {t.what} | {t.result} | {t.goal} | {'met' if t.met else 'MISSED'} |" for t in found]
    return lines, all(t.met for t in found)


def header(started: str, cores: int, load_average: str, scale: float, seconds: float) -> list[str]:
    quick = "" if scale >= 1 else (f" This is a quick run at scale {scale:g}: the targets are for the full district "
                                   "and are shown only for orientation.")
    return [
        "# Benchmark report", "",
        f"Run {started} on {cores} cores shared with other work (load average at the start: {load_average}); "
        f"district at scale {scale:g}; one server process per database, wrk and the server on loopback.{quick}", "",
        "Each page's requests/s is shown as a share of the ceiling (a bare Litestar app on the same virtualenv and "
        "uvicorn, rendering one small Jinja page: tests/ceiling_app.py) measured just before it, at the same number of "
        "connections.",
    ]
