"""`portfolio serve --workers 2`, the real server: two processes answer on one port and share nothing in
memory. A session started by one is known to the other, a CSRF token one made is accepted by the other,
and failed sign-ins count once whichever process answers (a second server over the same data takes every other
attempt), with the counts in the database or in Redis.

Which process answered a request is read from the server's log: with several workers each line names its
process, and each request here carries a mark of its own in its query."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from pathlib import Path

import httpx
import pytest

from portfolio.services.demo import DEMO_PASSWORD
from tests.conftest import REDIS_URL
from tests.factories import forget_redis_throttles
from tests.live import another_server, live_server

# Cheap hashes: what is measured is which process answers, not argon2.
CHEAP = {"PORTFOLIO_ARGON2_TIME_COST": "1", "PORTFOLIO_ARGON2_MEMORY_KIB": "8192"}
STORES = {"database": {}, "redis": {"PORTFOLIO_REDIS_URL": REDIS_URL}}
ACCESS_LINE = re.compile(r'\[(\d+)\] [^ ]+ - "(?:GET|POST) ([^ ]+) HTTP')
FREE_ATTEMPTS = 5  # settings.throttle_free_attempts


def fresh_connections(base_url: str) -> httpx.AsyncClient:
    """A browser that opens a new connection for every request, so the kernel may hand each to either worker."""
    return httpx.AsyncClient(
        base_url=base_url, timeout=30, limits=httpx.Limits(max_keepalive_connections=0, max_connections=50)
    )


async def answered_by(log: Path, mark: str) -> int:
    """The process whose access line has this request's mark (a line may reach the file just after the answer)."""
    deadline = time.monotonic() + 10
    while True:
        for pid, path in ACCESS_LINE.findall(log.read_text(errors="replace")):
            if path.endswith(f"mark={mark}"):
                return int(pid)
        assert time.monotonic() < deadline, f"no access line for mark={mark}"
        await asyncio.sleep(0.1)  # the worker has not flushed its line yet


async def both_started(log: Path) -> None:
    """The server answers once one worker has started; the other may still be importing the app."""
    deadline = time.monotonic() + 60
    while log.read_text(errors="replace").count("Application startup complete.") < 2:
        assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
        await asyncio.sleep(0.2)  # the second worker is still starting


async def csrf_token(browser: httpx.AsyncClient, path: str = "/signin") -> str:
    page = await browser.get(path)
    return re.search(r'"x-csrftoken": "([^"]+)"', page.text)[1]


async def try_password(browser: httpx.AsyncClient, email: str, password: str, mark: str) -> httpx.Response:
    return await browser.post(
        f"/signin?mark={mark}",
        data={"email": email, "password": password, "_csrf_token": await csrf_token(browser)},
    )


@pytest.mark.parametrize("store", STORES)
async def test_two_workers_share_sessions_and_sign_in_attempts(store):
    if store == "redis":
        await forget_redis_throttles()
    async with live_server({**CHEAP, **STORES[store]}, workers=2) as live:
        log = live.var_dir / "server.log"
        await both_started(log)
        async with fresh_connections(live.url) as phone:
            # Signed in by one process (the CSRF token may come from the other) ...
            signed = await try_password(phone, "student@demo.example", DEMO_PASSWORD, "signin")
            assert signed.status_code == 303, signed.text[:500]
            signer = await answered_by(log, "signin")
            # ... and known to both: twenty requests at once, each on its own connection, until both answered.
            pids: set[int] = set()
            for batch in range(10):
                marks = [f"page{batch}-{n}" for n in range(20)]
                pages = await asyncio.gather(*(phone.get(f"/student?mark={mark}") for mark in marks))
                assert all(page.status_code == 200 and "data-user-id=" in page.text for page in pages)
                pids |= {await answered_by(log, mark) for mark in marks}
                if len(pids) == 2:
                    break
            assert len(pids) == 2 and signer in pids, "both workers answered, the one that signed in and the other"
            # A write with the session's token, whichever process made the page it came from.
            session = phone.cookies["portfolio_session"]
            out = await phone.post("/signout?mark=signout", headers={"x-csrftoken": await csrf_token(phone, "/student")})
            assert out.status_code == 303
            # Ended by one, ended for both.
            phone.cookies.set("portfolio_session", session)
            stale = await asyncio.gather(*(phone.get(f"/student?mark=stale{n}") for n in range(10)))
            assert all(page.status_code == 303 for page in stale)

        # Wrong passwords for one account, at once, each on a fresh connection: of one more than the free
        # attempts, exactly one is refused. Which worker the kernel hands a connection to is its own choice (under
        # load it may give a whole burst to one), so a second server over the same data takes every other attempt:
        # the count is shared between processes whichever answers.
        async with another_server(live) as other, fresh_connections(live.url) as guesser:
            address = f"nobody-{uuid.uuid4().hex[:8]}@demo.example"
            # One token for all: pages fetched at once would each set the CSRF cookie anew.
            form = {"email": address, "password": "wrong-password-1", "_csrf_token": await csrf_token(guesser)}
            urls = [f"{(live.url, other)[n % 2]}/signin" for n in range(FREE_ATTEMPTS + 1)]
            answers = await asyncio.gather(*(guesser.post(url, data=form) for url in urls))
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [400] * FREE_ATTEMPTS + [429], statuses
