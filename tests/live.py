"""The real server in a subprocess, on a fresh database seeded with the demo data (what `make run` does).

Used by the browser tests and by `make bench`.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.pg import copy_database, create_database, drop_database

STARTUP_SECONDS = 20
PORTFOLIO = Path(sys.executable).parent / "portfolio"  # the console script installed beside this Python


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cli(env: dict[str, str], log: Path, *args: str) -> None:
    with log.open("ab") as out:
        result = subprocess.run([str(PORTFOLIO), *args], env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"`portfolio {' '.join(args)}` failed ({result.returncode}):\n{log.read_text()[-4000:]}")


async def _wait_until_healthy(server: subprocess.Popen, base_url: str, log: Path, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as http:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"the server exited with {server.returncode}:\n{log.read_text()[-4000:]}")
            try:
                if (await http.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer from {base_url}/healthz in {seconds} s:\n{log.read_text()[-4000:]}")
            await asyncio.sleep(0.1)  # poll again: the server is still starting


@dataclass(frozen=True)
class Live:
    url: str
    pid: int
    var_dir: Path
    # The server's environment, for a command run against its database.
    env: dict[str, str] = field(default_factory=dict)


@contextmanager
def fresh_environment(overrides: dict[str, str] | None = None) -> Iterator[tuple[dict[str, str], Path]]:
    """An environment for the app's commands with its own var/ and an empty database.

    The database is PostgreSQL when PORTFOLIO_TEST_DB=postgres, else SQLite under its var/. An override
    with an empty value removes that variable.
    """
    var_dir = Path(tempfile.mkdtemp(prefix="portfolio-live-"))
    env = dict(os.environ)
    env.update({"PORTFOLIO_VAR_DIR": str(var_dir), "PORTFOLIO_DEMO": "1"})
    for name, value in (overrides or {}).items():
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    pg_name = ""
    if os.environ.get("PORTFOLIO_TEST_DB") == "postgres":
        pg_name, env["PORTFOLIO_DATABASE_URL"] = create_database("portfolio_live")
    else:
        env.pop("PORTFOLIO_DATABASE_URL", None)  # SQLite under var_dir
    try:
        yield env, var_dir
    finally:
        if pg_name:
            drop_database(pg_name)
        shutil.rmtree(var_dir, ignore_errors=True)


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PORTFOLIO), *args], env=env, capture_output=True, text=True, check=False)


@asynccontextmanager
async def live_server(overrides: dict[str, str] | None = None, port: int | None = None,
                      seed: tuple[str, ...] = ("seed-demo",), workers: int = 1) -> AsyncIterator[Live]:
    """`portfolio serve` on a free port, in a fresh environment, after migrate and `seed` (seed-demo, or
    seed-district and its options), with `workers` processes answering on the port.

    Pass the port of a server that has stopped to start another on the same origin (what a deploy looks
    like to a browser that keeps a service worker per origin)."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    with fresh_environment({"PORTFOLIO_BASE_URL": base_url, **(overrides or {})}) as (env, var_dir):
        log = var_dir / "server.log"
        server: subprocess.Popen | None = None
        try:
            _migrate_and_seed(env, log, seed, overrides or {})
            with log.open("ab") as out:
                server = subprocess.Popen(
                    [str(PORTFOLIO), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            await _wait_until_healthy(server, base_url, log, STARTUP_SECONDS * workers)
            yield Live(url=base_url, pid=server.pid, var_dir=var_dir, env=env)
        finally:
            if server is not None:
                _stop(server)


# Migrating and seeding takes seconds (more on a busy machine); a run's later servers with the same seed start
# from a copy of the first one's database: {(seed, overrides): a SQLite file or a PostgreSQL template}.
_seeded: dict[tuple, str] = {}
# Overrides that change nothing in the database seeding writes.
_NOT_SEEDED = {"PORTFOLIO_BASE_URL", "PORTFOLIO_RELEASE"}
SQLITE_FILE = "portfolio.sqlite3"


def _migrate_and_seed(env: dict[str, str], log: Path, seed: tuple[str, ...], overrides: dict[str, str]) -> None:
    changed = {k: v for k, v in overrides.items() if k not in _NOT_SEEDED and os.environ.get(k, "") != v}
    key = (seed, tuple(sorted(changed.items())))
    var_dir = Path(env["PORTFOLIO_VAR_DIR"])
    url = env.get("PORTFOLIO_DATABASE_URL", "")
    if key in _seeded:
        if url:
            name = url.rsplit("/", 1)[1]
            drop_database(name)  # the empty one fresh_environment made, under the name it drops afterwards
            copy_database(_seeded[key], name)
        else:
            _sqlite_copy(Path(_seeded[key]), var_dir / SQLITE_FILE)
        return
    _cli(env, log, "migrate")
    _cli(env, log, *seed)
    seeded = log.read_text()
    assert "Demo data loaded." in seeded or "District data loaded" in seeded, seeded[-2000:]
    if any(p.is_file() and p.name != log.name and not p.name.startswith(SQLITE_FILE) for p in var_dir.rglob("*")):
        return  # the seed wrote files beside the database: not kept
    if url:
        _seeded[key] = create_database("portfolio_seeded", template=url.rsplit("/", 1)[1])[0]
        atexit.register(drop_database, _seeded[key])
    else:
        kept = Path(tempfile.mkdtemp(prefix="portfolio-seeded-")) / SQLITE_FILE
        _sqlite_copy(var_dir / SQLITE_FILE, kept)
        _seeded[key] = str(kept)
        atexit.register(shutil.rmtree, kept.parent, True)


def _sqlite_copy(source: Path, target: Path) -> None:
    """A whole copy of a SQLite database, whatever its journal holds."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


@asynccontextmanager
async def another_server(live: Live) -> AsyncIterator[str]:
    """A second `portfolio serve` on a port of its own over the same database, store and var/ as `live`: two
    processes a test can address one by one, as a proxy in front of a district's would. Its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = live.var_dir / f"server-{port}.log"
    with log.open("ab") as out:
        server = subprocess.Popen([str(PORTFOLIO), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                  env=live.env | {"PORTFOLIO_BASE_URL": base_url}, stdout=out, stderr=subprocess.STDOUT)
    try:
        await _wait_until_healthy(server, base_url, log)
        yield base_url
    finally:
        _stop(server)
