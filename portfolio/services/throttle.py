"""Growing delays after repeated attempts, per key (an account, an address).

An attempt is counted before the password is checked, in one atomic step of the store (a conditional
upsert in the database, a script in Redis): of forty parallel guesses only those the delays allow reach
the password check, because each one has taken its place in the count before any of them is checked.
While attempts are free, one is never refused: requests at once read the clock in one order and reach the
store in another, and an earlier moment arriving after a later one must not look like a request too soon.

There is no hard lock-out: the delay is capped, so nobody can keep a student out of their account by
typing wrong passwords for it; they can only slow it to one try per `max_delay` seconds.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from portfolio import clock
from portfolio.record_tables import ThrottleCounter

# Counts are forgotten a day after the last attempt.
FORGET_AFTER_SECONDS = 86400


def _now() -> float:
    return clock.now().timestamp()


@dataclass(frozen=True)
class Limit:
    """One key's rule: `free` attempts before delays start; on success `forgive` attempts are taken back
    (None: the count is forgotten)."""

    key: str
    free: int
    forgive: int | None = None


def delay_after(attempts: int, free: int, max_delay: int) -> int:
    """Seconds to wait after `attempts` counted attempts: none while they are free, then 1, 2, 4, ... max."""
    if attempts < free:
        return 0
    return min(2 ** min(attempts - free, 62), max_delay)


class Counters(Protocol):
    async def claim(self, key: str, free: int, max_delay: int, moment: float, force: bool = False) -> float:
        """Count one attempt if one is allowed at `moment` (always when forced): 0.0, or else (counting
        nothing) the moment the next one is allowed."""

    async def next_allowed(self, key: str) -> float:
        """The moment the next attempt is allowed (past or 0.0 when it is allowed now); counts nothing."""

    async def take_back(self, key: str, count: int, free: int, max_delay: int) -> None:
        """Uncount `count` attempts, and shorten the delay to what the smaller count gives."""

    async def forget(self, key: str, moment: float) -> None: ...


def _digest(key: str) -> str:
    # The store holds no addresses and no account names, only what they hash to.
    return hashlib.sha256(key.encode()).hexdigest()


def _delay_sql(attempts: str, free: int, max_delay: int) -> str:
    """delay_after() as SQL, a CASE over the steps below the cap (SQLite has no POWER). Only integers
    this module chose are written into it."""
    steps, step = [], 0
    while 2**step < max_delay:
        steps.append(f"WHEN {attempts} = {int(free) + step} THEN {2**step}")
        step += 1
    return f"(CASE WHEN {attempts} < {int(free)} THEN 0 {' '.join(steps)} ELSE {int(max_delay)} END)"


class DatabaseCounters:
    """Counts in the `throttle_counter` table, on SQLite and PostgreSQL alike. Each step is one statement;
    the moment of an attempt reaches the update as `excluded.last_at`, the row the insert proposed."""

    TABLE = "throttle_counter"

    async def claim(self, key: str, free: int, max_delay: int, moment: float, force: bool = False) -> float:
        table = self.TABLE
        # A count a day old starts again from one.
        attempts = (
            f"(CASE WHEN {table}.last_at <= excluded.last_at - {FORGET_AFTER_SECONDS} THEN 1 "
            f"ELSE {table}.attempts + 1 END)"
        )
        sql = (
            f"INSERT INTO {table} (key_digest, attempts, last_at, next_at) VALUES ({{}}, 1, {{}}, {{}}) "
            f"ON CONFLICT (key_digest) DO UPDATE SET attempts = {attempts}, "
            f"next_at = excluded.last_at + {_delay_sql(attempts, free, max_delay)}, last_at = excluded.last_at "
            f"WHERE {table}.next_at <= excluded.last_at OR {table}.attempts < {int(free)}{' OR 1 = 1' if force else ''} "
            f"RETURNING attempts"
        )
        first = moment + delay_after(1, free, max_delay)
        counted = await ThrottleCounter.raw(sql, _digest(key), float(moment), float(first))
        # Refused: read when the next one is allowed (at least a second away, should the row have gone since).
        return 0.0 if counted else max(await self.next_allowed(key), moment + 1)

    async def next_allowed(self, key: str) -> float:
        row = await ThrottleCounter.select(ThrottleCounter.next_at).where(
            ThrottleCounter.key_digest == _digest(key)
        ).first()
        return float(row["next_at"]) if row else 0.0

    async def take_back(self, key: str, count: int, free: int, max_delay: int) -> None:
        table = self.TABLE
        fewer = f"(CASE WHEN {table}.attempts > {int(count)} THEN {table}.attempts - {int(count)} ELSE 0 END)"
        sql = (
            f"UPDATE {table} SET next_at = {table}.next_at - {_delay_sql(f'{table}.attempts', free, max_delay)} "
            f"+ {_delay_sql(fewer, free, max_delay)}, attempts = {fewer} WHERE key_digest = {{}}"
        )
        await ThrottleCounter.raw(sql, _digest(key))

    async def forget(self, key: str, moment: float) -> None:
        # Rows nobody tried for a day say nothing any more: they go with it.
        await ThrottleCounter.delete().where(
            (ThrottleCounter.key_digest == _digest(key)) | (ThrottleCounter.last_at <= moment - FORGET_AFTER_SECONDS)
        )


# Redis runs a script without anything else in between: the read, the decision and the write are one step.
_REDIS_DELAY = """
local function delay(n, free, max)
  if n < free then return 0 end
  return math.min(2 ^ math.min(n - free, 62), max)
end
"""
_REDIS_CLAIM = _REDIS_DELAY + """
local now, free, max, ttl, force = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local state = redis.call('HMGET', KEYS[1], 'n', 'next')
local n, nxt = tonumber(state[1]) or 0, tonumber(state[2]) or 0
if now < nxt and n >= free and force ~= '1' then return tostring(nxt) end
n = n + 1
redis.call('HSET', KEYS[1], 'n', n, 'next', tostring(now + delay(n, free, max)))
redis.call('EXPIRE', KEYS[1], ttl)
return '0'
"""
_REDIS_TAKE_BACK = _REDIS_DELAY + """
local count, free, max = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'n', 'next')
if not state[1] then return 0 end
local n, nxt = tonumber(state[1]), tonumber(state[2])
local m = math.max(n - count, 0)
redis.call('HSET', KEYS[1], 'n', m, 'next', tostring(nxt - delay(n, free, max) + delay(m, free, max)))
return 1
"""


class RedisCounters:
    """Counts in Redis (a hash per key: the count and the next allowed moment), for several app processes."""

    def __init__(self, client: Any, prefix: str = "portfolio:throttle:") -> None:
        self.client = client
        self.prefix = prefix
        self._claim = client.register_script(_REDIS_CLAIM)
        self._take_back = client.register_script(_REDIS_TAKE_BACK)

    def _key(self, key: str) -> str:
        return self.prefix + _digest(key)

    async def claim(self, key: str, free: int, max_delay: int, moment: float, force: bool = False) -> float:
        answer = await self._claim(
            keys=[self._key(key)], args=[repr(moment), free, max_delay, FORGET_AFTER_SECONDS, "1" if force else "0"]
        )
        return float(answer)

    async def next_allowed(self, key: str) -> float:
        value = await self.client.hget(self._key(key), "next")
        return float(value) if value else 0.0

    async def take_back(self, key: str, count: int, free: int, max_delay: int) -> None:
        await self._take_back(keys=[self._key(key)], args=[count, free, max_delay])

    async def forget(self, key: str, moment: float) -> None:
        await self.client.delete(self._key(key))  # Redis forgets old keys itself (EXPIRE)

    async def close(self) -> None:
        await self.client.aclose()


class Throttle:
    def __init__(
        self,
        counters: Counters,
        *,
        max_delay: int = 300,
        clock: Callable[[], float] = _now,
    ) -> None:
        self.counters = counters
        self.max_delay = max_delay
        self.clock = clock

    async def attempt(self, limits: Iterable[Limit]) -> int:
        """Count one attempt under every limit, before what it tries is checked. 0 when it may go on; else
        the seconds to wait, and nothing stays counted."""
        moment = self.clock()
        counted: list[Limit] = []
        for limit in limits:
            next_at = await self.counters.claim(limit.key, limit.free, self.max_delay, moment)
            if next_at:
                for done in counted:
                    await self.counters.take_back(done.key, 1, done.free, self.max_delay)
                return max(1, math.ceil(next_at - moment))
            counted.append(limit)
        return 0

    async def succeeded(self, limits: Iterable[Limit] | dict[str, int]) -> None:
        """What was tried was right: forget the count, or forgive part of it (as each limit says)."""
        moment = self.clock()
        for limit in _limits(limits):
            if limit.forgive is None:
                await self.counters.forget(limit.key, moment)
            else:
                await self.counters.take_back(limit.key, limit.forgive, limit.free, self.max_delay)

    # For the forms that count every request (a forgotten password's), not attempts at a secret:

    async def wait_seconds(self, keys: dict[str, int]) -> int:
        """Seconds until another attempt is allowed; keys map to their free attempts. Counts nothing."""
        moment = self.clock()
        wait = 0.0
        for key in keys:
            wait = max(wait, await self.counters.next_allowed(key) - moment)
        return math.ceil(wait)

    async def failed(self, keys: dict[str, int]) -> None:
        moment = self.clock()
        for key, free in keys.items():
            await self.counters.claim(key, free, self.max_delay, moment, force=True)


def _limits(limits: Iterable[Limit] | dict[str, int]) -> list[Limit]:
    if isinstance(limits, dict):
        return [Limit(key, free) for key, free in limits.items()]
    return list(limits)
