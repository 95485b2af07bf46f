"""Reading values from forms and query strings: ids (a field may come once, several times, or not at all),
text as typed, e-mail addresses."""

from __future__ import annotations

import re
from typing import Any

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MAX = 254


def normalize_email(email: str) -> str:
    return email.strip().lower()


# Providers that deliver every dotted spelling of a name to one mailbox.
DOTLESS_DOMAINS = {"gmail.com", "googlemail.com"}


def mailbox_key(email: str) -> str:
    """The mailbox an address reaches, as far as we can tell: "Jo.Doe+boss@gmail.com" and "jodoe@gmail.com" are one
    person. Used only to compare addresses, never to send."""
    local, _, domain = normalize_email(email).rpartition("@")
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def is_email(text: str) -> bool:
    return bool(EMAIL_RE.match(text)) and len(text) <= EMAIL_MAX


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple, set)) else [str(value)]


def clean_text(value: Any) -> str:
    """Text as typed, without control characters (a NUL breaks PostgreSQL text; others break PDFs),
    keeping line breaks and tabs; trimmed."""
    text = "" if value is None else str(value)
    return "".join(ch for ch in text if ch in "\n\t" or (ord(ch) >= 32 and not 0x7F <= ord(ch) < 0xA0)).strip()


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def int_ids(values: Any) -> list[int]:
    """The whole numbers among the values, each once, in order; anything else is dropped."""
    found = (int_or_none(v) for v in as_list(values))
    return list(dict.fromkeys(v for v in found if v is not None))
