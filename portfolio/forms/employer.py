"""What an employer writes: a private note about a student whose portfolio was shared with them."""

from __future__ import annotations

from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.parse import clean_text

NOTE_MAX = 4000


def parse_note(raw: Mapping[str, Any]) -> str:
    text = clean_text(raw.get("note"))
    if not text or len(text) > NOTE_MAX:
        raise FormErrors({"note": f"Write a note of at most {NOTE_MAX} characters."}, {"note": text})
    return text
