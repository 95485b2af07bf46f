"""The form of an agreement or document kept with a partner: what it is, its dates; the file comes beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.forms import iso_date, texts, too_long
from portfolio.forms.entry import EARLIEST_DATE
from portfolio.partner_vocabulary import DocumentKind

TITLE_MAX = 200
DOCUMENT_LIMITS = {"title": TITLE_MAX}
FIELDS = ("kind", "title", "signed_on", "expires_on")


@dataclass(frozen=True)
class DocumentForm:
    kind: DocumentKind
    title: str
    signed_on: date | None
    expires_on: date | None
    # The fields as typed, for the form again when the file is refused.
    values: dict[str, Any]


def document_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    return texts(raw, FIELDS)


def _date_problem(text: str, parsed: date | None, what: str) -> str:
    if text and parsed is None:
        return f"Enter the {what} as year-month-day, or leave it empty."
    if parsed is not None and parsed < EARLIEST_DATE:
        return f"The {what} cannot be before {EARLIEST_DATE:%Y}."
    return ""


def parse_document(raw: Mapping[str, Any], today: date) -> DocumentForm:
    values = document_values(raw)
    signed = iso_date(values["signed_on"]) if values["signed_on"] else None
    expires = iso_date(values["expires_on"]) if values["expires_on"] else None
    errors = too_long(values, DOCUMENT_LIMITS)
    try:
        kind = DocumentKind(values["kind"])
    except ValueError:
        kind = None
        errors["kind"] = "Choose what kind of document it is."
    if not values["title"]:
        errors["title"] = "Enter a title, like \"General liability certificate 2026-27\"."
    problems = {"signed_on": _date_problem(values["signed_on"], signed, "signed or issued date"),
                "expires_on": _date_problem(values["expires_on"], expires, "expiry date")}
    if signed is not None and signed > today and not problems["signed_on"]:
        problems["signed_on"] = "The signed or issued date cannot be in the future."
    if signed and expires and expires <= signed and not problems["expires_on"]:
        problems["expires_on"] = "The expiry date must be after the signed or issued date."
    errors |= {name: problem for name, problem in problems.items() if problem}
    if errors:
        raise FormErrors(errors, values)
    assert kind is not None
    return DocumentForm(kind, values["title"], signed, expires, values)
