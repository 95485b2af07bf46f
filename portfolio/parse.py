"""Reading values from forms and query strings: ids (a field may come once, several times, or not at all),
text as typed, names, e-mail addresses."""

from __future__ import annotations

import re
from typing import Any

from email_validator import EmailNotValidError, validate_email

EMAIL_MAX = 254
# Ids and the numbers forms carry are stored in the databases' integer columns (piccolo's Serial is a 32-bit
# integer on PostgreSQL): a larger number names nothing, and sent to the database it fails the query.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# Every e-mailed or shared link's token: URL-safe base64 of 24 to 64 bytes, random (secrets.token_urlsafe)
# or, for a share link, derived from the share and the secret key. Anything else is refused before it is hashed, looked up or put in a header.
LINK_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32,86}")


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
    """Exactly one well-formed address, and nothing else: no list ("a@x.org,b@y.org"), no display name, no
    quoted or non-ASCII local part, no line break. email-validator checks the syntax of RFC 5321/5322 and
    of domain names; deliverability (a DNS look-up) is off, so checking never waits on the network."""
    if len(text) > EMAIL_MAX:
        return False
    try:
        validate_email(text, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return False
    return True


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple, set)) else [str(value)]


def clean_text(value: Any) -> str:
    """Text as typed, without control characters (a NUL breaks PostgreSQL text; others break PDFs),
    keeping line breaks and tabs; trimmed."""
    text = "" if value is None else str(value)
    return "".join(ch for ch in text if ch in "\n\t" or (ord(ch) >= 32 and not 0x7F <= ord(ch) < 0xA0)).strip()


def clean_name(value: Any) -> str:
    """A name or another one-line field: control characters out and every run of white space (line breaks
    included) one space, so a name can never start a new line in an e-mail header or a PDF."""
    return " ".join(clean_text(value).split())


def int_or_none(value: Any) -> int | None:
    """The whole number, if it is one a database column can hold; None otherwise."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if in_int_range(number) else None


def in_int_range(number: int) -> bool:
    return INT_MIN <= number <= INT_MAX


def is_link_token(text: Any) -> bool:
    return isinstance(text, str) and LINK_TOKEN_RE.fullmatch(text) is not None


def int_ids(values: Any) -> list[int]:
    """The whole numbers among the values, each once, in order; anything else is dropped."""
    found = (int_or_none(v) for v in as_list(values))
    return list(dict.fromkeys(v for v in found if v is not None))
