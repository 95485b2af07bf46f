"""Plain services: throttling delays, hour parsing, school years, password hashing."""

from __future__ import annotations

import asyncio
import secrets
from datetime import date, datetime, timezone

import pytest
import redis.asyncio as aioredis

from portfolio import clock
from portfolio.forms.entry import parse_minutes
from portfolio.parse import int_ids, int_or_none, is_link_token
from portfolio.services.devices import KnownDevices
from portfolio.services.experiences import school_year_start
from portfolio.services.passwords import Hasher, password_problem
from portfolio.services.throttle import DatabaseCounters, Limit, RedisCounters, Throttle
from tests.conftest import REDIS_URL
from tests.factories import forget_redis_throttles


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["database", "redis"])
async def counters(request):
    """The two stores attempts are counted in: the app's database, and Redis (several app processes)."""
    if request.param == "database":
        yield DatabaseCounters()
        return
    await forget_redis_throttles()
    redis_counters = RedisCounters(aioredis.Redis.from_url(REDIS_URL))
    yield redis_counters
    await redis_counters.close()


async def test_delays_grow_and_are_capped(counters):
    clock = Clock()
    throttle = Throttle(counters, max_delay=60, clock=clock)
    limits = [Limit("acct:x", 3)]
    waits = []
    for _ in range(12):
        assert await throttle.attempt(limits) == 0
        waits.append(await throttle.wait_seconds({"acct:x": 3}))
        clock.now += waits[-1]
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    clock.now -= 1
    assert await throttle.attempt(limits) == 1  # refused, and not counted
    clock.now += 1
    assert await throttle.attempt(limits) == 0  # never a hard lock-out
    await throttle.succeeded(limits)
    assert await throttle.attempt(limits) == 0
    assert await throttle.wait_seconds({"acct:x": 3}) == 0


async def test_parallel_attempts_are_counted_one_at_a_time(counters):
    throttle = Throttle(counters, max_delay=300, clock=Clock())
    waits = await asyncio.gather(*(throttle.attempt([Limit("acct:raced", 5)]) for _ in range(40)))
    assert waits.count(0) == 5 and all(wait == 1 for wait in waits if wait)


async def test_free_attempts_are_free_whatever_order_their_moments_arrive_in(counters):
    """Sign-ins at once from one address (a class behind a school's one router) read the clock in one order
    and reach the store in another: while attempts are free, an earlier moment after a later one is no
    reason to wait."""
    clock = Clock()
    throttle = Throttle(counters, max_delay=300, clock=clock)
    limits = [Limit("ip:class", 3)]
    for step in (0.0, -0.004, -0.002):
        clock.now = 1_000_000.0 + step
        assert await throttle.attempt(limits) == 0
    clock.now = 1_000_000.0 - 0.001
    assert await throttle.attempt(limits) == 1  # the free ones are used up: the delay holds


async def test_an_address_is_forgiven_by_successes_and_refusals_count_nothing(counters):
    clock = Clock()
    throttle = Throttle(counters, max_delay=300, clock=clock)
    address, account = Limit("ip:1", 4, forgive=2), Limit("acct:a", 1)
    assert await throttle.attempt([account]) == 0
    for _ in range(3):
        assert await throttle.attempt([address]) == 0
    # The account refuses the next attempt: what the address had counted for it is taken back.
    assert await throttle.attempt([address, account]) == 1
    assert [await throttle.attempt([address]) for _ in range(2)] == [0, 1]
    # Two right passwords take back their own attempts and two earlier failures: room again.
    clock.now += 1
    for _ in range(2):
        assert await throttle.attempt([address]) == 0
        await throttle.succeeded([address])
    assert [await throttle.attempt([address]) for _ in range(3)] == [0, 0, 1]


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("2.5", 150), ("2,5", 150), ("2:30", 150), ("0.25", 15), ("24", 1440), (" 1.75 ", 105), ("abc", None), ("", None), ("1:75", None), ("-1", None)],
)
def test_hours_are_read_as_people_write_them(text, minutes):
    assert parse_minutes(text) == minutes


def test_school_year_starts_on_the_schools_date():
    school = {"year_start_month": 7, "year_start_day": 1}
    assert school_year_start(school, date(2026, 11, 25)) == date(2026, 7, 1)
    assert school_year_start(school, date(2027, 3, 1)) == date(2026, 7, 1)
    assert school_year_start(school, date(2027, 7, 1)) == date(2027, 7, 1)


async def test_passwords_are_argon2id_and_checked_off_the_loop():
    hasher = Hasher(time_cost=1, memory_kib=1024)
    hashed = await hasher.hash("correct horse battery")
    assert hashed.startswith("$argon2id$")
    assert await hasher.verify("correct horse battery", hashed)
    assert not await hasher.verify("wrong horse battery", hashed)
    assert not await hasher.verify("correct horse battery", "")  # no hash: never a match
    assert not await hasher.verify("x" * 10_000, hashed)


def test_password_rules():
    assert password_problem("short") is not None
    assert password_problem("x" * 129) is not None
    assert password_problem("me@example.org", "me@example.org") is not None
    assert password_problem("a long enough passphrase") is None


def test_access_logs_never_show_link_tokens():
    import logging

    from portfolio.logs import RedactSecrets

    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/reset/abcDEF123-_secret?x=1", "1.1", 200), None,
    )
    RedactSecrets().filter(record)
    line = record.getMessage()
    assert "abcDEF123" not in line and "/reset/[redacted]?x=1" in line
    for path, shown in (
        ("/v/Tok3n_secret", "/v/[redacted]"),
        ("/v/receipt/Tok3n_secret", "/v/receipt/[redacted]"),
        ("/invite/Tok3n_secret", "/invite/[redacted]"),
        ("/v/r/12", "/v/r/12"),
        ("/v/onsite?entries=3", "/v/onsite?entries=3"),
        ("/s/Sh4re_tok-en", "/s/[redacted]"),
        ("/s/Sh4re_tok-en/portfolio", "/s/[redacted]"),
        ("/s/Sh4re_tok-en/evidence/12/view", "/s/[redacted]"),
        ("/consent/C0nsent_tok-en", "/consent/[redacted]"),
        ("/slip/Sl1p_tok-en", "/slip/[redacted]"),
        ("/w/Pl4cement_tok-en", "/w/[redacted]"),
        ("/w/l/12/sign", "/w/l/12/sign"),
        ("/partner-feedback/Summ4ry_tok-en/pdf", "/partner-feedback/[redacted]"),
        ("/student/sharing/3/preview", "/student/sharing/3/preview"),
        ("/staff/students/4/consent", "/staff/students/4/consent"),
        ("/static/app.css", "/static/app.css"),
    ):
        record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "%s", (path,), None)
        RedactSecrets().filter(record)
        assert record.getMessage() == shown, path


def test_every_route_with_a_token_in_its_path_keeps_it_out_of_the_logs(settings):
    import logging

    from portfolio.logs import RedactSecrets
    from tests.factories import route_table

    token = "T0ken_of_43_characters-xxxxxxxxxxxxxxxxxxxx"
    paths = {path for path, _method, _guards, _roles in route_table(settings) if "{token:str}" in path}
    assert len(paths) >= 8
    for path in paths:
        record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "%s",
                                   (path.replace("{token:str}", token).replace("{evidence_id:int}", "1"),), None)
        RedactSecrets().filter(record)
        assert token not in record.getMessage(), path


def test_a_device_mark_is_the_accounts_own_and_cannot_be_made_without_the_key():
    devices = KnownDevices("one secret key")
    cookie = devices.remember(None, "sam@example.org")
    assert devices.knows(cookie, "sam@example.org") and "sam" not in cookie
    assert not devices.knows(cookie, "alex@example.org")
    assert not KnownDevices("another secret key").knows(cookie, "sam@example.org")
    day, nonce, tag = cookie.split("-")
    assert not devices.knows(f"{day}-{nonce}-{'0' * len(tag)}", "sam@example.org")
    assert not devices.knows(f"{int(day) + 1}-{nonce}-{tag}", "sam@example.org")  # the day is signed too
    # A shared computer keeps the marks of the last few accounts, newest first.
    for n in range(7):
        cookie = devices.remember(cookie, f"student{n}@example.org")
    assert devices.knows(cookie, "student6@example.org") and devices.knows(cookie, "student2@example.org")
    assert not devices.knows(cookie, "student1@example.org") and not devices.knows(cookie, "sam@example.org")
    # Signing in again renews the account's mark instead of adding a second one.
    again = devices.remember(cookie, "student2@example.org")
    assert again.count(".") == cookie.count(".") and devices.knows(again, "student2@example.org")


def test_a_device_mark_lasts_a_year():
    devices = KnownDevices("one secret key")
    with clock.fixed(datetime(2026, 1, 10, tzinfo=timezone.utc)):
        cookie = devices.remember(None, "sam@example.org")
    with clock.fixed(datetime(2027, 1, 9, tzinfo=timezone.utc)):
        assert devices.knows(cookie, "sam@example.org")
    with clock.fixed(datetime(2027, 1, 12, tzinfo=timezone.utc)):
        assert not devices.knows(cookie, "sam@example.org")
def test_ids_and_tokens_are_read_within_what_the_database_and_our_links_hold():
    assert int_or_none("2147483647") == 2**31 - 1 and int_or_none(str(2**31)) is None
    assert int_or_none(str(-(2**63) - 1)) is None and int_or_none("12") == 12 and int_or_none("x") is None
    assert int_ids(["3", str(2**64), "3", "4"]) == [3, 4]
    for token in (secrets.token_urlsafe(24), secrets.token_urlsafe(32)):
        assert is_link_token(token)
    for bad in ("abc;Max-Age=1", "a\r\nb" * 12, "a\x00" * 20, "é" * 40, "short", "x" * 87, None, 12):
        assert not is_link_token(bad), bad
