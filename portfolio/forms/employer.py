"""What an employer writes: a private note about a student whose portfolio was shared with them, and the check
code of a portfolio PDF they were handed."""

from __future__ import annotations

import re
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.parse import clean_text

NOTE_MAX = 4000


def parse_note(raw: Mapping[str, Any]) -> str:
    text = clean_text(raw.get("note"))
    if not text or len(text) > NOTE_MAX:
        raise FormErrors({"note": f"Write a note of at most {NOTE_MAX} characters."}, {"note": text})
    return text


CODE_TYPED_MAX = 500
# A code alone, or the link printed on the PDF (any host: the PDF may be from a test or a renamed server).
CODE_OR_LINK = re.compile(r"^(?:\S*/p/)?([A-Za-z0-9_-]{16})/?(?:[?#]\S*)?$")
BAD_CODE = "Enter the 16 letters and digits printed on the PDF, or paste its check link."


def parse_document_code(raw: Mapping[str, Any]) -> str:
    """The check code from what was typed or pasted: spaces dropped (codes are read off paper), a link cut to its code."""
    typed = clean_text(raw.get("code"))[:CODE_TYPED_MAX]
    found = CODE_OR_LINK.match(re.sub(r"\s+", "", typed))
    if not found:
        raise FormErrors({"code": BAD_CODE}, {"code": typed})
    return found.group(1)
