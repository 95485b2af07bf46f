"""The roster import's forms: the upload's choice of a full roster, and the confirmation of a dry run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from portfolio.forms import texts
from portfolio.parse import int_or_none


@dataclass(frozen=True)
class RosterConfirmation:
    token: str  # names the files the dry run kept (services/roster/imports.py)
    fingerprint: str  # the plan that was shown
    full: bool
    invite: bool
    # The count of people leaving, ticked again when more than 10% of a school would leave.
    large: int | None


def parse_full(raw: Mapping[str, Any]) -> bool:
    """Whether the files list everyone of their schools (then whoever they leave out leaves)."""
    return texts(raw, ("full",))["full"] == "yes"


def parse_confirmation(raw: Mapping[str, Any]) -> RosterConfirmation:
    cells = texts(raw, ("token", "fingerprint", "invite", "large"))
    return RosterConfirmation(cells["token"][:100], cells["fingerprint"][:64], parse_full(raw),
                              cells["invite"] == "yes", int_or_none(cells["large"]))
