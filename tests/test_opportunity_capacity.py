"""Capacity under real concurrency: the real server (`portfolio serve`, on SQLite or PostgreSQL as the test run
is), 50 students signed in on their own connections asking at once for the last 10 seats. Exactly 10 are
confirmed and 40 waitlisted, none lost, and each answer says which the student got."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys

import httpx

from portfolio.services.demo import DEMO_PASSWORD
from tests.live import live_server

CHEAP = {"PORTFOLIO_ARGON2_TIME_COST": "1", "PORTFOLIO_ARGON2_MEMORY_KIB": "1024"}
STUDENTS, TAKEN, CAPACITY = 50, 30, 40


def seats_command(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "tests.opportunity_seats", *args], env=env, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def token_in(page: httpx.Response) -> str:
    return re.search(r'"x-csrftoken": "([^"]+)"', page.text)[1]


async def signed_in_phone(url: str, email: str, opportunity_id: int) -> tuple[httpx.AsyncClient, str]:
    """A student's phone, signed in, on the opportunity's page (with the token its form sends)."""
    phone = httpx.AsyncClient(base_url=url, timeout=60)
    signed = await phone.post("/signin", data={"email": email, "password": DEMO_PASSWORD,
                                               "_csrf_token": token_in(await phone.get("/signin"))})
    assert signed.status_code == 303, signed.text[:300]
    page = await phone.get(f"/student/opportunities/{opportunity_id}")
    assert "Sign up" in page.text
    return phone, token_in(page)


async def test_fifty_students_at_once_take_exactly_the_last_ten_seats_and_the_rest_wait():
    async with live_server(CHEAP) as live:
        seeded = seats_command(live.env, "seed", str(STUDENTS), str(TAKEN), str(CAPACITY))
        opportunity_id = seeded["opportunity_id"]
        phones = await asyncio.gather(*[signed_in_phone(live.url, email, opportunity_id) for email in seeded["emails"]])
        try:
            # Each phone has its page (and its CSRF token) first; then all ask at once.
            start = asyncio.Event()

            async def ask(phone: httpx.AsyncClient, token: str) -> httpx.Response:
                await start.wait()
                return await phone.post(f"/student/opportunities/{opportunity_id}/sign-up", headers={"x-csrftoken": token})

            tasks = [asyncio.create_task(ask(phone, token)) for phone, token in phones]
            await asyncio.sleep(0.1)
            start.set()
            answers = await asyncio.gather(*tasks)
        finally:
            await asyncio.gather(*[phone.aclose() for phone, _ in phones])
        assert [a.status_code for a in answers] == [303] * STUDENTS, [a.text[:200] for a in answers if a.status_code != 303]
        said = [a.headers["location"].rsplit("done=", 1)[1] for a in answers]
        assert said.count("confirmed") == CAPACITY - TAKEN and said.count("waitlisted") == STUDENTS - (CAPACITY - TAKEN)
        stored = seats_command(live.env, "count", str(opportunity_id))
        assert stored["counts"] == {"confirmed": CAPACITY, "waitlisted": STUDENTS - (CAPACITY - TAKEN)}
        assert len(set(stored["waitlist"])) == STUDENTS - (CAPACITY - TAKEN)
