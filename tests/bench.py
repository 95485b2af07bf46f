"""`make bench`: the pages of issue 22 on the district data, on SQLite and on PostgreSQL with Redis, measured with
wrk beside a bare Litestar app (the ceiling) in the same run; writes var/bench/report.md and exits 1 when a target
is missed.

BENCH_SCALE=0.05 seeds a district twenty times smaller and measures for shorter (a quick check that it all works);
BENCH_SECONDS sets how long each wrk run lasts; BENCH_DATABASES=sqlite (or postgres) measures one database;
BENCH_LIGHTHOUSE=0 leaves out Lighthouse's scores of every page (several minutes)."""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import httpx

from tests import bench_district, bench_report, load
from tests.live import free_port, live_server

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_SECONDS = 1200


@asynccontextmanager
async def ceiling_server(log: Path, pids: list[int] | None = None) -> AsyncIterator[str]:
    """tests/ceiling_app.py under uvicorn as `portfolio serve` runs (proxy headers, access log on); its URL,
    and its process id appended to `pids`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "tests.ceiling_app:app", "--host", "127.0.0.1", "--port", str(port),
             "--proxy-headers"], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    if pids is not None:
        pids.append(server.pid)
    try:
        async with httpx.AsyncClient(timeout=2) as http:
            for _ in range(100):
                try:
                    if (await http.get(url)).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)  # still starting
            else:
                raise RuntimeError(f"the ceiling app did not start:\n{log.read_text()[-2000:]}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


async def lighthouse_performance(base_url: str) -> list:
    """Lighthouse's mobile performance score (simulated slow 4G and a 4x slower CPU) of every page of every
    role on the demo data: reported, not a target, since on a busy 2-core machine it moves with whatever else runs."""
    from playwright.async_api import async_playwright

    from tests import lighthouse
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    if not lighthouse.installed():
        return []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            pages, _ = await lighthouse.every_page(browser, base_url)
        finally:
            await browser.close()
    return await lighthouse.audit(base_url, pages, ("performance",), LIGHTHOUSE_SECONDS)


def lighthouse_table(audits: list) -> list[str]:
    if not audits:
        return ["", "Lighthouse is not installed (make install-test): no performance scores."]
    scores = [a.scores.get("performance") for a in audits if a.scores.get("performance") is not None]
    lines = [
        "", "## Lighthouse performance (mobile), every page of every role, demo data", "",
        f"{len(scores)} of {len(audits)} pages scored; lowest {min(scores, default=0):.2f}, "
        f"median {statistics.median(scores) if scores else 0:.2f}.", "",
        "| role | page | score |", "| --- | --- | --- |",
    ]
    for a in audits:
        score = a.scores.get("performance")
        shown = f"{score:.2f}" if score is not None else f"not scored: {a.error}"
        # Token pages: the address is a credential, so the report names the route only.
        path = re.sub(r"^/(v/receipt|v/r|s|v|consent|invite|reset|p)/[^/]+", r"/\1/…", a.page.path)
        lines.append(f"| {a.page.role} | {path} | {shown} |")
    return lines


async def main() -> int:
    if not load.wrk():
        print(load.INSTALL, file=sys.stderr)
        return 2
    scale = float(os.environ.get("BENCH_SCALE", "1"))
    seconds = float(os.environ.get("BENCH_SECONDS", "10" if scale >= 1 else "5"))
    databases = os.environ.get("BENCH_DATABASES", "sqlite postgres").split()
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    lines = bench_report.header(time.strftime("%Y-%m-%d %H:%M:%S %Z"), os.cpu_count() or 0,
                                " ".join(Path("/proc/loadavg").read_text().split()[:3]), scale, seconds)
    ok = True
    async with ceiling_server(out / "ceiling.log") as ceiling_url:
        for name in databases:
            print(f"measuring on {name} (district at scale {scale:g}, {seconds:g} s per measure)...", flush=True)
            part, met = bench_report.section(await bench_district.measure(name, scale, seconds, ceiling_url), seconds)
            lines += part
            ok &= met
            print("\n".join(part), flush=True)
    if os.environ.get("BENCH_LIGHTHOUSE", "1") != "0":
        async with live_server(bench_district.ENV) as live:
            lines += lighthouse_table(await lighthouse_performance(live.url))
    lines += ["", "Every target met." if ok else "Some targets were MISSED (above)."]
    text = "\n".join(lines) + "\n"
    (out / "report.md").write_text(text)
    print(lines[-1])
    print(f"written to {out / 'report.md'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
