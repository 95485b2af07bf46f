"""Small counts kept from leaving staff: in anything meant for a board or a partner, a count of 1 to 4 students
is shown as "fewer than 5" (with the hours and shares that would give it away), as FERPA's de-identification
guidance and state reporting rules do. One suppressed cell among a group whose total is shown could be worked out
by subtraction, so the next smallest cell of that group is suppressed too (secondary suppression)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

SMALLEST = 5  # the smallest count of students shown
HIDDEN = "fewer than 5"


@dataclass(frozen=True)
class Cell:
    """A count of students as a summary shows it: the number, or hidden."""

    count: int
    hidden: bool

    @property
    def text(self) -> str:
        return HIDDEN if self.hidden else f"{self.count:,}"


def small(count: int) -> bool:
    return 0 < count < SMALLEST


def cell(count: int) -> Cell:
    """One count standing alone (no total beside it to subtract from)."""
    return Cell(count, small(count))


def group(counts: Sequence[int], total_shown: bool = True) -> list[Cell]:
    """The counts of one breakdown (students by cluster, say), in their order. With its total shown, a lone
    hidden cell would be the total minus the rest: the smallest other non-zero cell is hidden with it."""
    hidden = {i for i, count in enumerate(counts) if small(count)}
    if total_shown and len(hidden) == 1:
        others = sorted((count, i) for i, count in enumerate(counts) if i not in hidden and count > 0)
        if others:
            hidden.add(others[0][1])
    return [Cell(count, i in hidden) for i, count in enumerate(counts)]
