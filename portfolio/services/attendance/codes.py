"""A student's personal check-in code: an HMAC of their id and the current time window, keyed from the app's
secret key. The QR on the student's dashboard holds the same eight characters the student can read out, so the
camera and the typed fallback check the same secret. A code is good for its own window and the one before (a
code shown at the very end of a window still works when scanned a moment later); a screenshot from an hour ago
checks nobody in."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from portfolio.clock import now

WINDOW_SECONDS = 60
LENGTH = 8
# No 0/O, 1/I/L or U/V pairs to confuse when a code is read out or typed from a phone across a table.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"


@dataclass(frozen=True)
class Code:
    text: str
    # When the screen should show the next one (the page polls a little more often than this).
    changes_at: datetime


def _key(secret_key: str) -> bytes:
    # Its own key, derived: a check-in code never reveals anything signed with the secret key for another use.
    return hmac.new(secret_key.encode(), b"portfolio/check-in-code/v1", hashlib.sha256).digest()


def window_of(moment: datetime) -> int:
    return int(moment.timestamp()) // WINDOW_SECONDS


def code_at(secret_key: str, student_id: int, window: int) -> str:
    digest = hmac.new(_key(secret_key), f"{student_id}:{window}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:10], "big")
    letters = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        letters.append(ALPHABET[index])
    return "".join(letters)


def current(secret_key: str, student_id: int) -> Code:
    window = window_of(now())
    return Code(code_at(secret_key, student_id, window),
                datetime.fromtimestamp((window + 1) * WINDOW_SECONDS, tz=now().tzinfo))


def normalized(typed: str) -> str:
    """What staff typed or the camera read, as a code: upper case, without spaces or dashes."""
    return "".join(ch for ch in str(typed).upper() if ch.isalnum())


def whose(secret_key: str, typed: str, student_ids: list[int]) -> int | None:
    """The student among `student_ids` whose code of this window or the one before is `typed`, else None."""
    code = normalized(typed)
    if len(code) != LENGTH:
        return None
    window = window_of(now())
    for student_id in student_ids:
        for w in (window, window - 1):
            if hmac.compare_digest(code_at(secret_key, student_id, w), code):
                return student_id
    return None
