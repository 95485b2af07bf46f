"""Known devices: a browser that signed in to an account before carries a cookie that says so.

Each mark is a random nonce and the day it was given, signed with an HMAC of the secret key over the
account's address: the cookie names no account, cannot be made for another one, and a browser keeps the
marks of the last few accounts that signed in on it (a family's shared computer). A known device is let
past the limit on its network address (a school's NAT collects every student's typos), never past the
account's own.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from portfolio import clock

LIFETIME_DAYS = 365
KEEP = 5


def _today() -> int:
    return int(clock.now().timestamp() // 86400)


class KnownDevices:
    def __init__(self, secret_key: str) -> None:
        # A key of its own, so a mark can never stand for anything else the secret key signs.
        self._key = hashlib.sha256(b"known-device\0" + secret_key.encode()).digest()

    def _tag(self, email: str, day: int, nonce: str) -> str:
        message = f"{email}\0{day}\0{nonce}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    def _marks(self, cookie: str | None) -> list[tuple[int, str, str]]:
        marks = []
        for part in (cookie or "").split(".")[:KEEP]:
            day, _, rest = part.partition("-")
            nonce, _, tag = rest.partition("-")
            if day.isdigit() and nonce and tag:
                marks.append((int(day), nonce, tag))
        return marks

    def knows(self, cookie: str | None, email: str) -> bool:
        """Whether this browser signed in to the account with this address before (within a year)."""
        today = _today()
        return any(
            today - day <= LIFETIME_DAYS and hmac.compare_digest(tag, self._tag(email, day, nonce))
            for day, nonce, tag in self._marks(cookie)
        )

    def remember(self, cookie: str | None, email: str) -> str:
        """The cookie again, with a new mark for this account first (and its older ones dropped)."""
        today = _today()
        nonce = secrets.token_hex(8)
        kept = [
            f"{day}-{n}-{tag}" for day, n, tag in self._marks(cookie)
            if today - day <= LIFETIME_DAYS and not hmac.compare_digest(tag, self._tag(email, day, n))
        ]
        return ".".join([f"{today}-{nonce}-{self._tag(email, today, nonce)}", *kept][:KEEP])
