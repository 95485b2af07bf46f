"""What a celebrations page and an awards-night program hold for a scope: certifications earned, milestones
passed, signing-day commitments and partners by the verified hours they hosted. A fixed number of queries
whatever the scope's size."""

from __future__ import annotations

import asyncio
from typing import Any

from portfolio.celebration_tables import SigningDay
from portfolio.celebration_vocabulary import COMMITMENT_LABELS
from portfolio.services.celebrations import milestones
from portfolio.services.celebrations.signing import state_of
from portfolio.services.reports import hours
from portfolio.services.reports.scope import Scope, counted_certifications
from portfolio.tables import Certification

# Partners listed by hours hosted: the ones to thank on a night, not the whole directory.
PARTNERS_SHOWN = 30


async def certifications_earned(scope: Scope) -> list[dict[str, Any]]:
    """Certifications earned within the scope as the certifications report counts them (verified by the one rule,
    for the school its student was at on the day it was issued); newest first."""
    sql, args = counted_certifications(scope)
    return await Certification.raw(sql + """SELECT c.id, c.student, u.name AS student_name, c.name, c.issuer,
    c.date AS issued_on, c.school FROM certified c JOIN app_user u ON u.id = c.student
    ORDER BY c.date DESC, u.name, c.id""", *args)


async def partners_by_hours(scope: Scope) -> list[dict[str, Any]]:
    """The organizations that hosted verified hours within the scope (through a partner of one of its schools),
    most verified hours first, as the hours report by partner counts them: name, minutes and students (verified
    entries only)."""
    report = await hours.hours_by(scope, hours.DIMENSIONS["partner"], narrow="e.partner IS NOT NULL AND e.shown_verified")
    ranked = sorted((g for g in report.groups if g.verified),
                    key=lambda g: (-g.verified, g.label.casefold()))
    return [{"name": g.label, "minutes": g.verified, "students": g.students} for g in ranked[:PARTNERS_SHOWN]]


async def commitments(scope: Scope) -> list[dict[str, Any]]:
    """Signing-day commitments the scope's schools recorded, signed within its dates, that the student has not
    called wrong and staff have not withdrawn: confirmed ones and ones waiting for the student. Newest first."""
    rows = await SigningDay.select(
        SigningDay.id, SigningDay.student, SigningDay.student.name.as_alias("student_name"), SigningDay.kind,
        SigningDay.organization, SigningDay.detail, SigningDay.signed_on, SigningDay.confirmed_at,
        SigningDay.declined_at, SigningDay.withdrawn_at, SigningDay.school,
    ).where(
        SigningDay.school.is_in(list(scope.schools)) & (SigningDay.signed_on >= scope.start)
        & (SigningDay.signed_on <= scope.end) & SigningDay.withdrawn_at.is_null() & SigningDay.declined_at.is_null()
    ).order_by(SigningDay.signed_on, ascending=False).order_by(SigningDay.id, ascending=False)
    for row in rows:
        row["state"] = state_of(row)
        row["kind_label"] = COMMITMENT_LABELS.get(row["kind"], row["kind"])
    return rows


async def celebrations(scope: Scope) -> dict[str, Any]:
    """The four lists of a scope, and every student they name (for consent and certificates)."""
    # Independent queries, asked at once (each on its own connection): the district's answer comes in the time
    # of the slowest, not of their sum.
    keys = ("certifications", "milestones", "commitments", "partners")
    found = dict(zip(keys, await asyncio.gather(certifications_earned(scope), milestones.passed(scope),
                                                commitments(scope), partners_by_hours(scope))))
    names = {row["student"]: row["student_name"] for key in ("certifications", "milestones", "commitments")
             for row in found[key]}
    found["students"] = sorted(names)
    found["student_names"] = sorted(names.items(), key=lambda item: (item[1], item[0]))
    return found
