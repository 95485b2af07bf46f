"""Growing delays after repeated failures, per key (an account, an address).

There is no hard lock-out: the delay is capped, so nobody can keep a student out of their account
by typing wrong passwords for it; they can only slow it to one try per `max_delay` seconds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Protocol


class KeyValueStore(Protocol):
    async def get(self, key: str, renew_for: int | None = None) -> bytes | None: ...
    async def set(self, key: str, value: str | bytes, expires_in: int | None = None) -> None: ...
    async def delete(self, key: str) -> None: ...


class Throttle:
    def __init__(
        self,
        store: KeyValueStore,
        *,
        free_attempts: int = 5,
        max_delay: int = 300,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.free_attempts = free_attempts
        self.max_delay = max_delay
        self.clock = clock

    def delay_after(self, failures: int, free_attempts: int | None = None) -> int:
        free = self.free_attempts if free_attempts is None else free_attempts
        if failures < free:
            return 0
        return min(2 ** (failures - free), self.max_delay)

    async def _state(self, key: str) -> tuple[int, float]:
        raw = await self.store.get(f"throttle:{key}")
        if not raw:
            return 0, 0.0
        data = json.loads(raw)
        return int(data["n"]), float(data["t"])

    async def wait_seconds(self, keys: dict[str, int]) -> int:
        """Seconds until another attempt is allowed; keys map to their free attempts."""
        now = self.clock()
        wait = 0.0
        for key, free in keys.items():
            failures, last = await self._state(key)
            remaining = last + self.delay_after(failures, free) - now
            wait = max(wait, remaining)
        return int(wait + 0.999)

    async def failed(self, keys: dict[str, int]) -> None:
        now = self.clock()
        for key in keys:
            failures, _ = await self._state(key)
            # Forget failures a day after the last one.
            await self.store.set(
                f"throttle:{key}", json.dumps({"n": failures + 1, "t": now}), expires_in=86400
            )

    async def succeeded(self, keys: dict[str, int]) -> None:
        for key in keys:
            await self.store.delete(f"throttle:{key}")
