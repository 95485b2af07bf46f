"""Staff pairing a mentor with students."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from portfolio.parse import int_ids, int_or_none


@dataclass(frozen=True)
class Assignment:
    mentor_id: int | None
    student_ids: list[int]


def parse_assignment(raw: Mapping[str, Any]) -> Assignment:
    """The mentor and students picked; whether they are of the staff member's school is the service's rule."""
    return Assignment(int_or_none(raw.get("mentor")), int_ids(raw.get("students")))
