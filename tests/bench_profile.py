"""Where a page's time goes, for `make bench`'s report: what bounds a page that misses its share of the ceiling.

In a process of its own, on the bench's database and settings (the server's environment), the app is built as
`portfolio serve` builds it and each page is requested one request at a time through Litestar's test client:
timed, its queries counted, then profiled with pyinstrument, and its time split by whose code it was in. The
ceiling app's page is timed the same way. One process serving one page at a time cannot do better than the
ceiling's time over the page's time, whatever the load: that is the bound the report shows.

Run by tests/bench_district.py as `python -m tests.bench_profile` with a job on stdin and the answer on stdout
(JSON), so that the profile's imports and engine are the server's, not the bench's own process's."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.load import Load

# Whose code a moment of a request was in, by the file of the innermost frame (first match wins). The
# client's own frames are left out: a real server parses HTTP in uvicorn instead.
BUCKETS = (
    ("client", ("/httpx/", "/httpcore/", "/tests/bench_profile.py")),
    ("templates", ("/jinja2/", ".html")),
    ("driver", ("/aiosqlite/", "/asyncpg/", "/redis/", "/portfolio/sqlite_pool.py", "sqlite3")),
    ("piccolo", ("/piccolo/",)),
    ("framework", ("/litestar/", "/msgspec/", "/multidict/", "/starlette/")),
    ("app", ("/portfolio/",)),
    ("stdlib", ("/lib/python3",)),
)
WAIT = "waits"  # awaiting the database's thread (SQLite), PostgreSQL or Redis: time the process could serve others
SHOWN = (
    (WAIT, "waiting on the database or Redis"),
    ("driver", "database drivers"),
    ("piccolo", "piccolo building queries and reading rows"),
    ("app", "the app's own code"),
    ("templates", "Jinja templates"),
    ("framework", "Litestar and middleware"),
    ("stdlib", "standard library (asyncio, json, gzip, hashlib…)"),
    ("other", "other libraries"),
)
BUDGET_SECONDS = 3.0  # per page and per phase (timing, profiling): enough requests for a steady figure
MOST = 60


@dataclass(frozen=True)
class Profile:
    ms: float  # median milliseconds per request, one at a time
    queries: float  # per request
    split: dict[str, float]  # SHOWN bucket -> milliseconds per request

    def bound(self, ceiling_ms: float) -> float:
        """The best share of the ceiling one process could reach on this page."""
        return ceiling_ms / self.ms if self.ms else 0.0


def bucket(file_path: str) -> str:
    for name, parts in BUCKETS:
        if any(part in file_path for part in parts):
            return name
    return "other"


def split(root: Any) -> dict[str, float]:
    """Seconds by bucket from pyinstrument's frame tree: each frame's own time goes to its file's bucket; its
    `[self]` leaf to the same, and an `[await]` leaf to the waits."""
    from pyinstrument.frame import AWAIT_FRAME_IDENTIFIER, SELF_TIME_FRAME_IDENTIFIER

    seconds: dict[str, float] = {}
    stack = [(root, "other")]
    while stack:
        frame, parent = stack.pop()
        if frame.identifier == AWAIT_FRAME_IDENTIFIER:
            name = WAIT
        elif frame.identifier == SELF_TIME_FRAME_IDENTIFIER:
            name = parent
        elif frame.is_synthetic:
            name = "other"
        elif (frame.file_path or "<").startswith("<"):
            name = parent  # a built-in function (str.join, os.stat...): its caller's
        else:
            name = bucket(frame.file_path)
        own = frame.time - sum(child.time for child in frame.children)
        seconds[name] = seconds.get(name, 0.0) + own
        stack += [(child, name) for child in frame.children]
    return seconds


async def _requests(client: Any, paths: list[str], headers: dict[str, str], seconds: float) -> list[float]:
    """Requests round the paths, one at a time, for about `seconds`; each one's milliseconds."""
    took: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(took) < MOST and (len(took) < 5 or time.perf_counter() < deadline):
        start = time.perf_counter()
        response = await client.get(paths[len(took) % len(paths)], headers=headers)
        took.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{response.request.url.path} answered {response.status_code}")
    return took


async def _page(client: Any, paths: list[str], cookie: str, seconds: float) -> dict[str, Any]:
    from pyinstrument import Profiler

    from tests.factories import counting_queries

    headers = {"cookie": cookie} if cookie else {}
    await _requests(client, paths, headers, 0)  # warm: templates compiled, connections open
    async with counting_queries() as seen:
        took = await _requests(client, paths, headers, seconds)
    profiler = Profiler(interval=0.0002, async_mode="enabled")
    profiler.start()
    profiled = await _requests(client, paths, headers, seconds)
    profiler.stop()
    by_bucket = split(profiler.last_session.root_frame())
    by_bucket.pop("client", None)
    total = sum(by_bucket.values()) or 1.0
    ms = sorted(took)[len(took) // 2]
    # The profile's proportions, applied to the unprofiled time: the profiler's own overhead is left out.
    return {"ms": ms, "queries": len(seen) / len(took), "profiled": len(profiled),
            "split": {name: ms * seconds / total for name, seconds in by_bucket.items()}}


@asynccontextmanager
async def _client(app: Any, base_url: str) -> AsyncIterator[Any]:
    """httpx calling the app in this task's own event loop (Litestar's test client runs it on another thread,
    out of the profiler's sight), inside the app's lifespan."""
    import httpx

    async with app.lifespan(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client:
        yield client


async def _job(job: dict[str, Any]) -> dict[str, Any]:
    from portfolio.app import create_app_from_env
    from tests.ceiling_app import app as ceiling

    found: dict[str, Any] = {}
    async with _client(create_app_from_env(), job["base_url"]) as client:
        for key, page in job["pages"].items():
            found[key] = await _page(client, page["paths"], page["cookie"], job["seconds"])
    async with _client(ceiling, job["base_url"]) as client:
        found["ceiling"] = await _page(client, ["/"], "", job["seconds"])
    return found


def profile(env: dict[str, str], base_url: str, pages: dict[str, tuple[list[str], str]],
            seconds: float = BUDGET_SECONDS) -> dict[str, Profile]:
    """Each page's profile, and the ceiling's under "ceiling", from a process with the server's environment;
    `seconds` of requests per page for the timing and as many for the profile (at least 5 requests each)."""
    job = {"base_url": base_url, "seconds": seconds, "pages": {key: {"paths": paths, "cookie": cookie} for key, (paths, cookie) in pages.items()}}
    done = subprocess.run([sys.executable, "-m", "tests.bench_profile"], input=json.dumps(job), env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the profile failed ({done.returncode}):\n{done.stderr[-3000:]}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return {key: Profile(found["ms"], found["queries"], found["split"]) for key, found in answer.items()}


# --- under load: what the server's process does while wrk measures a page -----------------------------------

PY_SPY = Path(sys.executable).parent / "py-spy"
LOOP = "run_forever (asyncio/base_events.py"  # on the stack of the event loop's thread, which serves every request
IDLE = "EpollSelector.select (selectors.py"  # the loop waiting for something to do
# Another thread waiting for work (aiosqlite's threads wait on their queue with a timeout, which py-spy samples
# as running): its innermost frame is in one of these.
WAITING = ("(threading.py:", "(queue.py:")


@dataclass(frozen=True)
class UnderLoad:
    cpu_ms: float  # the server's CPU time per request answered, all its threads (the database's included)
    busy: float  # share of the event loop thread's samples it was not waiting for work
    threads: float  # other threads' busy samples per loop sample: SQLite's threads, as a share of one core
    split: dict[str, float]  # bucket -> share of the loop thread's busy samples

    def summary(self) -> str:
        return " | ".join(f"{self.split.get(name, 0.0):.0%}" for name, _ in SHOWN if name != WAIT)


def short_bucket(frame: str) -> str:
    """The bucket of a py-spy frame, `function (path/relative/to/its/root.py:line)`."""
    path = frame[frame.rfind("(") + 1:].rsplit(":", 1)[0]
    root = path.split("/", 1)[0].removesuffix(".py")
    if root in sys.stdlib_module_names or path.startswith("<frozen"):
        return "stdlib"
    return bucket("/" + path)


def read_samples(text: str) -> tuple[float, float, dict[str, float]]:
    """py-spy's raw samples (a stack and its count a line): the loop thread's busy share, the other threads'
    busy samples per loop sample, and the loop's busy samples' shares by the bucket of the innermost frame."""
    busy: dict[str, int] = {}
    idle = others = 0
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        if LOOP not in stack:
            others += 0 if any(part in stack.rsplit(";", 1)[-1] for part in WAITING) else int(count)
            continue
        leaf = stack.rsplit(";", 1)[-1]
        if leaf.startswith(IDLE):
            idle += int(count)
        else:
            name = short_bucket(leaf)
            busy[name] = busy.get(name, 0) + int(count)
    total = sum(busy.values())
    return total / max(total + idle, 1), others / max(total + idle, 1), {name: n / max(total, 1) for name, n in busy.items()}


async def under_load(pid: int, seconds: float, out: Path, measuring: Awaitable[Load]) -> tuple[Load, UnderLoad]:
    """Run a measure while py-spy samples the server from outside (its code is unchanged), and what the
    server's process did meanwhile: CPU time per request (from /proc) and where its event loop spent it."""
    from tests.load import cpu_seconds

    spy = await asyncio.create_subprocess_exec(
        str(PY_SPY), "record", "--pid", str(pid), "--subprocesses", "--nonblocking", "--rate", "200", "--duration",
        str(max(1, round(seconds))), "--format", "raw", "--output", str(out),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    before = cpu_seconds(pid)
    got = await measuring
    spent = cpu_seconds(pid) - before
    await asyncio.wait_for(spy.wait(), timeout=seconds + 30)
    busy, threads, split = read_samples(out.read_text() if out.exists() else "")
    return got, UnderLoad(spent * 1000 / max(got.requests, 1), busy, threads, split)


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_job(json.load(sys.stdin)))))
