"""Load from wrk (Debian's package `wrk`) for `make bench`, and the memory of the process under load."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("lua") / "bench.lua"
INSTALL = "wrk is not installed. On Debian or Ubuntu: `sudo apt-get install wrk`; then run `make bench` again."
RESULT = re.compile(r"^RESULT (.*)$", re.M)
# Two client threads: the machine the figures come from has two cores, shared with the server.
THREADS = 2


def wrk() -> str | None:
    return shutil.which("wrk")


@dataclass(frozen=True)
class Load:
    connections: int
    rps: float
    p50: float  # milliseconds
    p95: float
    p99: float
    requests: int
    errors: int  # non-2xx answers and socket errors
    created: int  # 201 answers (what JSON create made)


async def run(url: str, connections: int, seconds: float, args: list[str], cookie: str = "") -> Load:
    """`seconds` of wrk on `url` with `connections` open at once; `args` go to tests/lua/bench.lua."""
    command = [wrk() or "wrk", f"-t{min(THREADS, connections)}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               "--timeout", "10s", "-s", str(SCRIPT)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    process = await asyncio.create_subprocess_exec(
        *command, url, "--", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=seconds + 60)
    text = output.decode(errors="replace")
    found = RESULT.search(text)
    if process.returncode != 0 or not found:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{text[-2000:]}")
    values = {key: int(float(value)) for key, value in (pair.split("=") for pair in found[1].split())}
    # No request finished within the run: each took longer than all of it.
    p50, p95, p99 = (values[f"{p}_us"] / 1000 if values["requests"] else float("inf") for p in ("p50", "p95", "p99"))
    return Load(
        connections=connections,
        rps=values["requests"] / max(values["duration_us"], 1) * 1e6,
        p50=p50, p95=p95, p99=p99,
        requests=values["requests"], errors=values["non2xx"] + values["socket_errors"], created=values["created"],
    )


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def memory_mb(pid: int) -> tuple[float, float]:
    """(peak, now) resident memory in MB of the process and its children (a server's workers): VmHWM and VmRSS
    from /proc."""
    peak = now = 0.0
    for each in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{each}/status").read_text()
        except OSError:
            continue
        fields = dict(re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", status, re.M))
        peak += int(fields.get("VmHWM", 0)) / 1024
        now += int(fields.get("VmRSS", 0)) / 1024
    return peak, now


def cpu_seconds(pid: int) -> float:
    """CPU time the process and its children (a server's workers) have used so far, every thread's."""
    return _cpu_ticks([pid, *_children(pid)]) / os.sysconf("SC_CLK_TCK")


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


async def settle(pid: int, limit: float = 120.0) -> bool:
    """Wait until the server is idle: when wrk stops, the requests it leaves open are still being answered,
    and would slow whatever is measured next."""
    pids = [pid, *_children(pid)]
    before = _cpu_ticks(pids)
    for _ in range(int(limit / 0.25)):
        await asyncio.sleep(0.25)  # idle: at most one tick (10 ms) of CPU time in this quarter second
        now = _cpu_ticks(pids)
        if now - before <= 1:
            return True
        before = now
    return False


def reset_peak(pid: int) -> None:
    """Start VmHWM again from the present (Linux's clear_refs 5), so that the peak is what follows."""
    for each in [pid, *_children(pid)]:
        try:
            Path(f"/proc/{each}/clear_refs").write_text("5")
        except OSError:
            pass
