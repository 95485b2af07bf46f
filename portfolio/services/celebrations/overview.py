"""What a celebrations page and an awards-night program hold for a scope: certifications earned, milestones
passed, signing-day commitments and partners by the verified hours they hosted. A fixed number of queries
whatever the scope's size."""

from __future__ import annotations

from typing import Any

from portfolio.celebration_tables import SigningDay
from portfolio.celebration_vocabulary import COMMITMENT_LABELS
from portfolio.services.celebrations import milestones
from portfolio.services.celebrations.signing import state_of
from portfolio.services.reports.scope import SPANS, Scope, _placeholders, counted_entries, covers
from portfolio.tables import Certification
from portfolio.vocabulary import EntryStatus

# Partners listed by hours hosted: the ones to thank on a night, not the whole directory.
PARTNERS_SHOWN = 30


async def certifications_earned(scope: Scope) -> list[dict[str, Any]]:
    """Verified certifications issued within the scope's dates, each counted for the school its student was at
    on the day it was issued; newest first."""
    sql = f"""WITH {SPANS}
SELECT c.id, c.student, u.name AS student_name, c.name, c.issuer, c.issued_on, s.school
FROM certification c JOIN spans s ON s.student = c.student AND {covers("c.issued_on")}
JOIN app_user u ON u.id = c.student
WHERE c.status = {{}} AND c.issued_on >= {{}} AND c.issued_on <= {{}} AND s.school IN ({_placeholders(scope.schools)})
ORDER BY c.issued_on DESC, u.name, c.id
"""
    return await Certification.raw(sql, EntryStatus.VERIFIED.value, scope.start, scope.end, *scope.schools)


async def partners_by_hours(scope: Scope) -> list[dict[str, Any]]:
    """The organizations that hosted verified hours within the scope (through a partner of one of its schools),
    most hours first: name, minutes, students."""
    counted, args = counted_entries(scope)
    sql = f"""{counted}
SELECT o.id, o.name, SUM(c.minutes) AS minutes, COUNT(DISTINCT c.student) AS students
FROM counted c JOIN partner_school p ON p.id = c.partner JOIN organization o ON o.id = p.organization
WHERE c.verified = 1
GROUP BY o.id, o.name
ORDER BY minutes DESC, o.name
LIMIT {PARTNERS_SHOWN}
"""
    return await Certification.raw(sql, *args)


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
    found = {
        "certifications": await certifications_earned(scope),
        "milestones": await milestones.passed(scope),
        "commitments": await commitments(scope),
        "partners": await partners_by_hours(scope),
    }
    names = {row["student"]: row["student_name"] for key in ("certifications", "milestones", "commitments")
             for row in found[key]}
    found["students"] = sorted(names)
    found["student_names"] = sorted(names.items(), key=lambda item: (item[1], item[0]))
    return found
