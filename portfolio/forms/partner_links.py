"""Staff merging an organization name students typed into one of their partners."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.forms import texts
from portfolio.parse import int_or_none

NAME_MAX = 200


@dataclass(frozen=True)
class MergeForm:
    name: str
    partner_id: int


def parse_merge(raw: Mapping[str, Any]) -> MergeForm:
    values = texts(raw, ("name", "partner"))
    partner_id = int_or_none(values["partner"])
    errors = {"name": "" if values["name"] and len(values["name"]) <= NAME_MAX else "Choose a name to merge.",
              "partner": "" if partner_id is not None else "Choose the partner to merge it into."}
    errors = {name: problem for name, problem in errors.items() if problem}
    if errors:
        raise FormErrors(errors, values)
    assert partner_id is not None
    return MergeForm(values["name"], partner_id)
