"""The feedback forms: a student's answer on an experience, a counselor's note, staff's decision on a comment,
and the contact a partner's summary goes to. Limits are shown on the forms (FEEDBACK_LIMITS)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.forms import texts, too_long
from portfolio.opportunity_vocabulary import CommentDecision, CommentField
from portfolio.parse import int_or_none

COMMENT_MAX = 2000
NOTE_MAX = 4000
FEEDBACK_LIMITS = {"learned": COMMENT_MAX, "change": COMMENT_MAX, "note": NOTE_MAX}


@dataclass(frozen=True)
class FeedbackForm:
    rating: int
    learned: str
    recommend: bool
    change: str


@dataclass(frozen=True)
class CommentChoice:
    field: CommentField
    decision: CommentDecision


def feedback_values(raw: Mapping[str, Any]) -> dict[str, str]:
    return texts(raw, ("rating", "learned", "recommend", "change"))


def parse_feedback(raw: Mapping[str, Any]) -> FeedbackForm:
    """The answer as typed; every problem at once, and what was typed comes back with them."""
    values = feedback_values(raw)
    errors = too_long(values, {"learned": COMMENT_MAX, "change": COMMENT_MAX})
    rating = int_or_none(values["rating"])
    if rating is None or not 1 <= rating <= 5:
        errors["rating"] = "Choose a rating from 1 (poor) to 5 (excellent)."
    if values["recommend"] not in ("yes", "no"):
        errors["recommend"] = "Choose yes or no."
    if errors:
        raise FormErrors(errors, values)
    return FeedbackForm(rating or 0, values["learned"], values["recommend"] == "yes", values["change"])


def parse_note(raw: Mapping[str, Any]) -> str:
    values = texts(raw, ("note",))
    errors = too_long(values, {"note": NOTE_MAX})
    if not values["note"]:
        errors["note"] = "Write the note first."
    if errors:
        raise FormErrors(errors, values)
    return values["note"]


def parse_comment_choice(raw: Mapping[str, Any]) -> CommentChoice:
    values = texts(raw, ("field", "decision"))
    try:
        return CommentChoice(CommentField(values["field"]), CommentDecision(values["decision"]))
    except ValueError:
        raise FormErrors({"form": "Choose whether to share or withhold the comment."}, values) from None


def parse_contact(raw: Mapping[str, Any], contacts: Mapping[int, str]) -> int:
    """The contact to send the summary to, among the partner's active contacts with an e-mail address."""
    contact = int_or_none(texts(raw, ("contact",))["contact"])
    if contact is None or contact not in contacts:
        raise FormErrors({"contact": "Choose a contact of this partner with an e-mail address."}, {"contact": ""})
    return contact
