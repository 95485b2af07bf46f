"""`make bench` on a district of full size (`portfolio seed-district`, its evidence files left out): the partner
directory and a partner's page as the README's staff member sees them, as targets; a student's dashboard, a
mentor's queue and an employer's list of students, reported."""

from __future__ import annotations

import asyncio
import re
import time

import httpx

from portfolio.services.demo import DEMO_PASSWORD
from portfolio.services.district import ACCOUNTS

REQUESTS = 300
# The reported pages are fewer requests: the employer's list of 1,000 students takes seconds.
REPORTED_REQUESTS = 30
CLIENTS = 20
PER_CLIENT = 15
# (what, measured value key, target, unit); a target is an upper bound.
TARGETS = [
    ("Partner directory, first page, one client, p95", "directory_p95", 150.0, "ms"),
    ("Partner directory, first page, 20 clients at once, p95", "directory_concurrent_p95", 1500.0, "ms"),
    ("Partner directory, filtered search, one client, p95", "search_p95", 150.0, "ms"),
    ("A partner's page, one client, p95", "partner_p95", 150.0, "ms"),
    ("A partner's page, 20 clients at once, p95", "partner_concurrent_p95", 1500.0, "ms"),
]
# What else the district's people open, reported: (what, key).
REPORTED = [("Student dashboard (about 20 entries)", "dashboard"), ("Mentor queue (200 students)", "mentor_queue"),
            ("Employer's students (1,000 shared)", "employer")]
SEARCH = "/staff/partners?q=Valley&status=active"


async def _series(clients: list[httpx.AsyncClient], paths: list[str], results: dict[str, float], key: str,
                  count: int = REQUESTS) -> None:
    """p50/p95 of `count` requests from one client, then of CLIENTS clients at once (PER_CLIENT each) when there
    are that many, over `paths` in turn."""
    from tests.bench import percentile, timed

    one = clients[0]
    for path in paths[:10]:  # warm-up
        await one.get(path)
    turns = [paths[n % len(paths)] for n in range(count + CLIENTS * PER_CLIENT)]
    samples = [await timed(lambda path=path: one.get(path)) for path in turns[:count]]
    results[f"{key}_p50"], results[f"{key}_p95"] = percentile(samples, 0.5), percentile(samples, 0.95)
    if len(clients) == 1:
        return

    async def burst(n: int, client: httpx.AsyncClient) -> list[float]:
        return [await timed(lambda path=path: client.get(path)) for path in turns[n:n + PER_CLIENT]]

    start = time.perf_counter()
    concurrent = [s for batch in await asyncio.gather(*(burst(n, c) for n, c in enumerate(clients))) for s in batch]
    results[f"{key}_rps"] = len(concurrent) / (time.perf_counter() - start)
    results[f"{key}_concurrent_p95"] = percentile(concurrent, 0.95)


async def measure(base_url: str) -> dict[str, float]:
    from tests.bench import signed_in_client

    results: dict[str, float] = {}
    staff = [await signed_in_client(base_url, (ACCOUNTS["staff"], DEMO_PASSWORD)) for _ in range(CLIENTS)]
    first = await staff[0].get("/staff/partners")
    partners = list(dict.fromkeys(re.findall(r'href="(/staff/partners/\d+)"', first.text)))
    assert partners, "the district's staff member sees no partners"
    results["directory_rows"] = len(partners)
    await _series(staff, ["/staff/partners"], results, "directory")
    await _series(staff[:1], [SEARCH], results, "search")
    await _series(staff, partners, results, "partner")
    for client in staff:
        await client.aclose()
    for (_, key), (who, path) in zip(REPORTED, (("student", "/student"), ("mentor", "/mentor"), ("employer", "/employer"))):
        client = await signed_in_client(base_url, (ACCOUNTS[who], DEMO_PASSWORD))
        await _series([client], [path], results, key, REPORTED_REQUESTS)
        await client.aclose()
    return results


def report(results: dict[str, float], seeded_seconds: float) -> tuple[list[str], bool]:
    lines = [
        "",
        "## District data (8 schools, 20,000 students, 400,000 entries, 600 partners, 3,000 contacts)",
        "",
        f"`portfolio seed-district` (without files) took {seeded_seconds:.0f} s. Signed in as {ACCOUNTS['staff']}, whose "
        f"school works with about 170 of the 600 partners; {REQUESTS} requests from one client, then {CLIENTS} clients at once.",
        "",
        "| measure | result | target | |",
        "| --- | --- | --- | --- |",
    ]
    ok = True
    for label, key, target, unit in TARGETS:
        met = results[key] <= target
        ok &= met
        lines.append(f"| {label} | {results[key]:.1f} {unit} | {target:g} {unit} | {'met' if met else 'MISSED'} |")
    lines += ["", f"Also: directory median {results['directory_p50']:.1f} ms ({results['directory_rps']:.0f} requests/s "
              f"with {CLIENTS} clients), search median {results['search_p50']:.1f} ms, partner page median "
              f"{results['partner_p50']:.1f} ms ({results['partner_rps']:.0f} requests/s).", "",
              f"Reported, not targets ({REPORTED_REQUESTS} requests, one client):", "", "| page | median | p95 |", "| --- | --- | --- |"]
    lines += [f"| {label} | {results[key + '_p50']:.1f} ms | {results[key + '_p95']:.1f} ms |" for label, key in REPORTED]
    return lines, ok


async def run() -> tuple[list[str], bool]:
    """Seed a district in a fresh environment, serve it, measure; the report's lines and whether every target
    was met."""
    from tests.bench import ENV
    from tests.live import live_server

    async with live_server(ENV, seed=("seed-district", "--no-files")) as live:
        seeded = re.search(r"District data loaded in ([\d.]+) s", (live.var_dir / "server.log").read_text())
        return report(await measure(live.url), float(seeded[1]))


async def main() -> int:
    """Only this part of `make bench`: `python -m tests.bench_district`."""
    lines, ok = await run()
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    import sys

    sys.exit(asyncio.run(main()))
