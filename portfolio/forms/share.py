"""A student's new share, and what a share link's visitor says of themselves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Collection, Mapping

from portfolio.errors import FormErrors
from portfolio.parse import clean_name, int_ids, int_or_none
from portfolio.vocabulary import Audience

DEFAULT_DAYS = 30
MAX_DAYS = 365
VISITOR_FIELD_MAX = 200


@dataclass(frozen=True)
class ShareForm:
    audience: Audience
    organization: int | None
    days: int
    everything: bool
    experiences: list[int]
    certifications: list[int]
    label: str
    # Supervisors' evaluations of placements (services/placements/sharing).
    evaluations: list[int] = field(default_factory=list)


def share_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The form as sent, to show it again."""
    values: dict[str, Any] = {name: str(raw.get(name, "")).strip() for name in ("audience", "organization", "scope", "days", "label")}
    return values | {"experiences": int_ids(raw.get("experiences")), "certifications": int_ids(raw.get("certifications")),
                     "evaluations": int_ids(raw.get("evaluations"))}


def parse_share(raw: Mapping[str, Any], employer_ids: Collection[int]) -> ShareForm:
    values = share_values(raw)
    errors: dict[str, str] = {}
    organization = None
    if values["audience"] == Audience.ORGANIZATION:
        organization = int_or_none(values["organization"])
        if organization not in employer_ids:
            errors["organization"] = "Choose an employer."
    elif values["audience"] != Audience.LINK:
        errors["audience"] = "Choose an employer or a link."
    days = int_or_none(values["days"] or DEFAULT_DAYS)
    if days is None or not 1 <= days <= MAX_DAYS:
        errors["days"] = f"Choose between 1 and {MAX_DAYS} days."
    everything = (values["scope"] or "everything") != "picked"
    if not everything and not values["experiences"] and not values["certifications"] and not values["evaluations"]:
        errors["scope"] = "Pick at least one entry or certification, or share everything."
    if errors:
        raise FormErrors(errors, values)
    assert days is not None
    return ShareForm(audience=Audience(values["audience"]), organization=organization, days=days, everything=everything,
                     experiences=values["experiences"], certifications=values["certifications"],
                     label=values["label"][:100], evaluations=values["evaluations"])


@dataclass(frozen=True)
class VisitorForm:
    name: str
    organization: str


def parse_visitor(raw: Mapping[str, Any]) -> VisitorForm:
    """The name and organization a link visitor gives; both required."""
    name = clean_name(raw.get("name"))
    organization = clean_name(raw.get("organization"))
    errors = {}
    if not name or len(name) > VISITOR_FIELD_MAX:
        errors["name"] = "Enter your name."
    if not organization or len(organization) > VISITOR_FIELD_MAX:
        errors["organization"] = "Enter your organization (your company or school)."
    if errors:
        raise FormErrors(errors, {"name": name, "organization": organization})
    return VisitorForm(name, organization)
