"""A summary meant to leave staff (for an advisory board, a school board or a partner): the same figures as the
reports, with no student named and every count of 1 to 4 students hidden (suppression.py), together with the
hours of such a group, which would give it away."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from portfolio.formats import hours as shown_hours
from portfolio.services.accounts import CurrentUser
from portfolio.services.reports import certifications, hours, participation, suppression
from portfolio.services.reports import partners as engagement
from portfolio.services.reports.scope import Scope
from portfolio.services.reports.suppression import Cell

HEADINGS = ("Section", "Group", "Students", "Hours", "Share")


@dataclass(frozen=True)
class Line:
    """One row of the summary: a group's students (maybe hidden) and what goes with them, as text."""

    section: str
    label: str
    students: Cell
    hours: str = ""
    share: str = ""

    def cells(self) -> list[str]:
        return [self.section, self.label, self.students.text, self.hours, self.share]


def _hidden_with(cell: Cell, text: str) -> str:
    return "" if cell.hidden else text


def _share(part: int, whole: int) -> str:
    return f"{part / whole * 100:.0f}%" if whole else ""


@dataclass(frozen=True)
class Summary:
    profile: dict[str, Any]
    participation: list[Line]
    hours: list[Line]
    certifications: list[Line]
    active_partners: int

    def lines(self) -> list[Line]:
        return [*self.participation, *self.hours, *self.certifications]


async def summary(user: CurrentUser, scope: Scope, profile: dict[str, Any]) -> Summary:
    # Four reports' queries, independent of one another: asked at once, each on its own connection (SQLite's
    # readers release the GIL), a district's two years answer in the time of the slowest instead of their sum.
    counted, by_cluster, earned, active = await asyncio.gather(
        participation.participation(user, scope, profile), hours.hours_by(scope, hours.DIMENSIONS["cluster"]),
        certifications.earned(scope, "name"), engagement.active_count(scope))
    total = counted.total
    whole, met = suppression.cell(total.students), suppression.cell(total.met)
    rate = _share(total.met, total.students) if not (whole.hidden or met.hidden) else ""
    taking_part = [Line("Participation", "Students the definition counts among", whole),
                   Line("Participation", "Met the definition", met, share=rate)]

    cells = suppression.group([g.students for g in by_cluster.groups])
    everyone = suppression.cell(by_cluster.total.students)
    hour_lines = [Line("Hours", "All work-based learning", everyone,
                       _hidden_with(everyone, shown_hours(by_cluster.total.minutes)),
                       _hidden_with(everyone, f"{_share(by_cluster.total.verified, by_cluster.total.minutes)} verified"))]
    hour_lines += [Line("Hours by career cluster", g.label, cell, _hidden_with(cell, shown_hours(g.minutes)),
                        _hidden_with(cell, f"{_share(g.verified, g.minutes)} verified"))
                   for g, cell in zip(by_cluster.groups, cells)]

    cert_cells = suppression.group([g.students for g in earned.groups])
    cert_lines = [Line("Certifications earned", f"{g.name} ({g.issuer})" if g.issuer else g.name, cell)
                  for g, cell in zip(earned.groups, cert_cells)]
    cert_lines.append(Line("Certifications earned", "Students who earned one", suppression.cell(earned.total.students)))

    return Summary(profile, taking_part, hour_lines, cert_lines, active)
