"""A certification as the student's form sends it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Mapping
from urllib.parse import urlparse

from portfolio.errors import FormErrors
from portfolio.forms import iso_date, texts, too_long
from portfolio.forms.entry import EARLIEST_DATE
from portfolio.vocabulary import CertificationCheck, Decision

FIELDS = ("name", "issuer", "credential_id", "issued_on", "expires_on", "verification_url")
LIMITS = {"name": 200, "issuer": 200, "credential_id": 100, "verification_url": 500}


@dataclass(frozen=True)
class CertificationForm:
    name: str
    issuer: str
    credential_id: str
    issued_on: date
    expires_on: date | None
    verification_url: str

    def fields(self) -> dict[str, Any]:
        return asdict(self)


def certification_values(raw: Mapping[str, Any]) -> dict[str, str]:
    return texts(raw, FIELDS)


def _issued_problem(issued: date | None, today: date) -> str:
    if issued is None:
        return "Enter the date it was issued."
    if issued > today:
        return "The issue date cannot be in the future."
    if issued < EARLIEST_DATE:
        return f"The issue date cannot be before {EARLIEST_DATE:%Y}."
    return ""


def _expiry_problem(text: str, expires: date | None, issued: date | None) -> str:
    if text and expires is None:
        return "Enter the expiry date as year-month-day, or leave it empty."
    if expires and issued and expires <= issued:
        return "The expiry date must be after the issue date."
    return ""


def _url_problem(url: str) -> str:
    parts = urlparse(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc):
        return "Enter a web address starting with https://, or leave it empty."
    return ""


def parse_certification(raw: Mapping[str, Any], today: date) -> CertificationForm:
    values = certification_values(raw)
    issued, expires = iso_date(values["issued_on"]), iso_date(values["expires_on"]) if values["expires_on"] else None
    errors = {
        "name": "" if values["name"] else "Enter the certification's name, e.g. OSHA 10-Hour Construction.",
        "issuer": "" if values["issuer"] else "Enter who issued it, e.g. OSHA or CompTIA.",
    } | too_long(values, LIMITS) | {
        "issued_on": _issued_problem(issued, today),
        "expires_on": _expiry_problem(values["expires_on"], expires, issued),
    }
    errors = {name: problem for name, problem in errors.items() if problem}
    errors |= {"verification_url": problem} if (problem := _url_problem(values["verification_url"])) else {}
    if errors:
        raise FormErrors(errors, values)
    assert issued is not None
    return CertificationForm(
        name=values["name"], issuer=values["issuer"], credential_id=values["credential_id"], issued_on=issued,
        expires_on=expires, verification_url=values["verification_url"],
    )


@dataclass(frozen=True)
class CertificationCheckForm:
    """A verifier's decision on a certification, with the hash of the version their page showed."""

    checked: CertificationCheck
    decision: Decision
    comment: str
    content_hash: str


def certification_check_values(raw: Mapping[str, Any]) -> dict[str, str]:
    return texts(raw, ("checked", "decision", "comment", "content_hash"))


def parse_certification_check(raw: Mapping[str, Any]) -> CertificationCheckForm:
    values = certification_check_values(raw)
    errors = {
        "checked": "" if values["checked"] in set(CertificationCheck) else "Say what you checked: the certificate or the issuer's link.",
        "decision": "" if values["decision"] in set(Decision) else "Choose verify, ask for changes or reject.",
        "comment": "" if len(values["comment"]) <= 2000 else "Use at most 2000 characters.",
        "content_hash": "" if len(values["content_hash"]) == 64 else "Open the certification again and decide on what it shows.",
    }
    if values["decision"] != Decision.VERIFIED and not values["comment"] and not errors["decision"]:
        errors["comment"] = "Tell the student what to change or why it is rejected."
    errors = {name: problem for name, problem in errors.items() if problem}
    if errors:
        raise FormErrors(errors, values)
    return CertificationCheckForm(checked=CertificationCheck(values["checked"]), decision=Decision(values["decision"]),
                                  comment=values["comment"], content_hash=values["content_hash"])
