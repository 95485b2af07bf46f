"""Plain services: throttling delays, hour parsing, school years, password hashing."""

from __future__ import annotations

import secrets
from datetime import date

import pytest
from litestar.stores.memory import MemoryStore

from portfolio.forms.entry import parse_minutes
from portfolio.parse import int_ids, int_or_none, is_link_token
from portfolio.services.experiences import school_year_start
from portfolio.services.passwords import Hasher, password_problem
from portfolio.services.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_delays_grow_and_are_capped():
    clock = Clock()
    throttle = Throttle(MemoryStore(), free_attempts=3, max_delay=60, clock=clock)
    keys = {"acct:x": 3}
    waits = []
    for _ in range(12):
        await throttle.failed(keys)
        waits.append(await throttle.wait_seconds(keys))
    assert waits == [0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    clock.now += 59
    assert await throttle.wait_seconds(keys) == 1
    clock.now += 1
    assert await throttle.wait_seconds(keys) == 0  # never a hard lock-out
    await throttle.succeeded(keys)
    await throttle.failed(keys)
    assert await throttle.wait_seconds(keys) == 0


async def test_an_address_has_more_room_than_an_account():
    clock = Clock()
    throttle = Throttle(MemoryStore(), free_attempts=2, max_delay=300, clock=clock)
    for _ in range(3):
        await throttle.failed({"ip:1": 8})
    assert await throttle.wait_seconds({"ip:1": 8}) == 0
    assert await throttle.wait_seconds({"ip:1": 8, "acct:a": 2}) == 0


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
        ("/student/sharing/3/preview", "/student/sharing/3/preview"),
        ("/staff/students/4/consent", "/staff/students/4/consent"),
        ("/static/app.css", "/static/app.css"),
    ):
        record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "%s", (path,), None)
        RedactSecrets().filter(record)
        assert record.getMessage() == shown, path


def test_ids_and_tokens_are_read_within_what_the_database_and_our_links_hold():
    assert int_or_none("2147483647") == 2**31 - 1 and int_or_none(str(2**31)) is None
    assert int_or_none(str(-(2**63) - 1)) is None and int_or_none("12") == 12 and int_or_none("x") is None
    assert int_ids(["3", str(2**64), "3", "4"]) == [3, 4]
    for token in (secrets.token_urlsafe(24), secrets.token_urlsafe(32)):
        assert is_link_token(token)
    for bad in ("abc;Max-Age=1", "a\r\nb" * 12, "a\x00" * 20, "é" * 40, "short", "x" * 87, None, 12):
        assert not is_link_token(bad), bad
