"""What verifiers and students send about a verification: a decision, a workplace supervisor's details, and a
signature drawn or typed on the student's phone."""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.parse import clean_name, is_email, mailbox_key, normalize_email
from portfolio.vocabulary import DECISION_WORDS, Decision

SUPERVISOR_FIELDS = ("supervisor_name", "supervisor_title", "supervisor_organization", "supervisor_email")
MAX_SIGNATURE_BYTES = 200_000
NAME_MAX = 200
OWN_EMAIL = "This is your own e-mail. Enter your supervisor's."
STUDENT_EMAIL = "This address belongs to a student account. Enter the supervisor's own work e-mail."


@dataclass(frozen=True)
class DecisionForm:
    decision: Decision
    comment: str


@dataclass(frozen=True)
class LinkDecisionForm:
    """A supervisor's decision from an e-mailed link, with the name and title the record shows."""

    decision: Decision
    comment: str
    name: str
    title: str


@dataclass(frozen=True)
class SupervisorForm:
    name: str
    title: str
    organization: str
    email: str

    def request_fields(self) -> dict[str, str]:
        """As a verification request keeps them."""
        return {"supervisor_name": self.name, "supervisor_title": self.title,
                "supervisor_organization": self.organization, "supervisor_email": self.email}


@dataclass(frozen=True)
class OnTheSpotForm:
    supervisor: SupervisorForm
    signature_png: str
    signature_typed: str


def parse_decision(raw: Mapping[str, Any]) -> DecisionForm:
    choice = str(raw.get("decision", ""))
    comment = str(raw.get("comment", "")).strip()
    if choice not in DECISION_WORDS:
        raise FormErrors({"decision": "Choose verify, ask for changes, or reject."})
    if choice != Decision.VERIFIED and not comment:
        raise FormErrors({"comment": "Say what should change, or why: the student will read it."})
    if len(comment) > 2000:
        raise FormErrors({"comment": "Use at most 2000 characters."})
    return DecisionForm(Decision(choice), comment)


def parse_link_decision(raw: Mapping[str, Any]) -> LinkDecisionForm:
    decided = parse_decision(raw)
    values = {name: clean_name(raw.get(name)) for name in ("name", "title")}
    errors = {}
    if not values["name"] or len(values["name"]) > NAME_MAX:
        errors["name"] = "Enter your name as it should appear on the record."
    if not values["title"] or len(values["title"]) > NAME_MAX:
        errors["title"] = "Enter your job title."
    if errors:
        raise FormErrors(errors, values | {"comment": decided.comment})
    return LinkDecisionForm(decided.decision, decided.comment, values["name"], values["title"])


def supervisor_values(raw: Mapping[str, Any]) -> dict[str, str]:
    values = {name: clean_name(raw.get(name)) for name in SUPERVISOR_FIELDS}
    return values | {"supervisor_email": normalize_email(values["supervisor_email"])}


def parse_supervisor(raw: Mapping[str, Any], student_email: str, need_title: bool = False) -> SupervisorForm:
    """A workplace supervisor's details as a student types them; never the student's own address (another
    spelling of it included). The services also refuse every other student's (signoff.asking)."""
    values = supervisor_values(raw)
    errors = {}
    if not values["supervisor_name"]:
        errors["supervisor_name"] = "Enter the supervisor's name."
    if need_title and not values["supervisor_title"]:
        errors["supervisor_title"] = "Enter the supervisor's job title."
    if not is_email(values["supervisor_email"]):
        errors["supervisor_email"] = "Enter the supervisor's work e-mail, like name@company.com."
    elif mailbox_key(values["supervisor_email"]) == mailbox_key(student_email):
        errors["supervisor_email"] = OWN_EMAIL
    errors |= {name: f"Use at most {NAME_MAX} characters." for name, value in values.items() if len(value) > NAME_MAX}
    if errors:
        raise FormErrors(errors, values)
    return SupervisorForm(values["supervisor_name"], values["supervisor_title"], values["supervisor_organization"],
                          values["supervisor_email"])


def _readable_png(drawn: str) -> bool:
    from PIL import Image

    prefix = "data:image/png;base64,"
    try:
        if not drawn.startswith(prefix) or len(drawn) > MAX_SIGNATURE_BYTES * 4 // 3 + len(prefix):
            return False
        png = base64.b64decode(drawn[len(prefix):], validate=True)
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG" or image.width * image.height > 4_000_000:
                return False
            image.verify()
    # Pillow refuses a PNG that claims too many pixels with DecompressionBombError, which is no OSError.
    except (ValueError, binascii.Error, OSError, Image.DecompressionBombError):
        return False
    return True


def _signature(raw: Mapping[str, Any], name: str) -> tuple[str, str]:
    """A drawn signature (a PNG from the canvas) or a typed one: typing is the accessible alternative."""
    typed = str(raw.get("signature_typed", "")).strip()
    drawn = str(raw.get("signature_png", "")).strip()
    if drawn:
        if not _readable_png(drawn):
            raise FormErrors({"signature": "The drawn signature could not be read. Draw it again, or type your name."})
        return drawn, ""
    if not typed:
        raise FormErrors({"signature": "Sign with your finger, or type your full name to sign."})
    if typed.casefold() != name.casefold():
        raise FormErrors({"signature": "Type your name exactly as above to sign."})
    return "", typed


def parse_on_the_spot(raw: Mapping[str, Any], student_email: str) -> OnTheSpotForm:
    supervisor = parse_supervisor(raw, student_email, need_title=True)
    try:
        drawn, typed = _signature(raw, supervisor.name)
    except FormErrors as problem:
        problem.values = supervisor_values(raw)
        raise
    return OnTheSpotForm(supervisor, drawn, typed)


def parse_receipt_answer(raw: Mapping[str, Any]) -> bool:
    """A supervisor's answer to an on-the-spot receipt: whether the signature is theirs."""
    mine = str(raw.get("mine", ""))
    if mine not in ("0", "1"):
        raise FormErrors({"mine": "Choose one of the two buttons."})
    return mine == "1"
