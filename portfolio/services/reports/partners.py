"""Partner engagement over a report's scope: each partner of the scope's schools with the students it hosted, the
hours and verified hours hosted in the dates (entries linked to it), its
interactions in the dates and its last contact, whether it was active, and whether it is going cold. One query,
whatever the number of partners and entries.

A partner of several schools is one row across the district (its organization), as in the hours by partner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portfolio.partner_tables import PartnerSchool
from portfolio.services.partners.interactions import as_date
from portfolio.services.reports.scope import Scope

# Going cold: an active relationship in touch (hosted a student or met) within a year before the report's last
# day, but not in the last days of it its school sets (School.cold_after_days, as the partners directory reads
# it in services/partners/cold.py; across schools, the most watchful one's). Longer silent than a year is not
# "going" cold any more: it is gone.
LOOK_BACK = 365


@dataclass(frozen=True)
class PartnerRow:
    organization: int
    name: str
    partner: int | None  # the relationship to open, when the row is one school's
    students: int
    minutes: int
    verified: int
    meetings: int  # interactions dated in the scope
    last_hosted: date | None  # the latest entry linked to it, up to the report's last day
    last_met: date | None  # the latest interaction, likewise
    as_of: date
    cold_after: int  # the school's days (the least of its schools' for a partner of several)
    status_active: bool  # an active relationship (a prospect or a paused one is not going cold)

    @property
    def last(self) -> date | None:
        known = [d for d in (self.last_hosted, self.last_met) if d is not None]
        return max(known) if known else None

    @property
    def active(self) -> bool:
        """Hosted a student or met within the dates."""
        return bool(self.students or self.meetings)

    @property
    def quiet_days(self) -> int | None:
        return (self.as_of - self.last).days if self.last else None

    @property
    def going_cold(self) -> bool:
        return (self.status_active and self.quiet_days is not None
                and self.cold_after < self.quiet_days <= LOOK_BACK)


@dataclass(frozen=True)
class PartnersReport:
    rows: list[PartnerRow]
    as_of: date  # the day "going cold" is read at: the report's last day, or today when that is later

    @property
    def active(self) -> int:
        return sum(1 for row in self.rows if row.active)

    @property
    def going_cold(self) -> int:
        return sum(1 for row in self.rows if row.going_cold)


def _placeholders(count: int) -> str:
    return ", ".join("{}" for _ in range(count)) or "NULL"


async def engagement(scope: Scope, today: date) -> PartnersReport:
    """Every partner of the scope's schools, most hours hosted first. Hours hosted are the entries linked to the
    school's partner in the dates, as the partner's own page counts them (services/partners/engagement.py), with
    verified as the reports read it (Experience.shown_verified)."""
    as_of = min(today, scope.end)
    schools = _placeholders(len(scope.schools))
    rows = await PartnerSchool.raw(f"""WITH
rel AS (SELECT id, organization FROM partner_school WHERE school IN ({schools})),
hosted AS (
    SELECT rel.organization AS org, COUNT(DISTINCT e.student) AS students, SUM(e.minutes) AS minutes,
           SUM(CASE WHEN e.shown_verified THEN e.minutes ELSE 0 END) AS verified
    FROM rel JOIN experience e ON e.partner = rel.id
    WHERE e.date >= {{}} AND e.date <= {{}} AND e.status <> 'rejected'
    GROUP BY rel.organization
),
met AS (
    SELECT i.partner, MAX(i.happened_on) AS last,
           SUM(CASE WHEN i.happened_on >= {{}} THEN 1 ELSE 0 END) AS meetings
    FROM partner_interaction i JOIN rel ON rel.id = i.partner
    WHERE i.happened_on <= {{}} GROUP BY i.partner
),
last_hosted AS (
    -- One step down the (partner, date) index a partner, however many entries it hosted.
    SELECT rel.id AS partner,
           (SELECT e.date FROM experience e WHERE e.partner = rel.id AND e.date <= {{}} AND e.status <> 'rejected'
            ORDER BY e.date DESC LIMIT 1) AS last
    FROM rel
)
SELECT o.id AS org, o.name, COUNT(rel.id) AS relationships, MIN(rel.id) AS partner,
       MAX(h.students) AS students, MAX(h.minutes) AS minutes, MAX(h.verified) AS verified,
       SUM(COALESCE(m.meetings, 0)) AS meetings, MAX(lh.last) AS last_hosted, MAX(m.last) AS last_met
FROM rel JOIN organization o ON o.id = rel.organization
LEFT JOIN hosted h ON h.org = rel.organization
LEFT JOIN last_hosted lh ON lh.partner = rel.id
LEFT JOIN met m ON m.partner = rel.id
GROUP BY o.id, o.name""", *scope.schools, scope.start, scope.end, scope.start, as_of, as_of)
    # Apart from the figures: joined to them, PostgreSQL planned the hosted entries as a nested loop (3 s).
    settings = {r["org"]: (int(r["cold_after"]), bool(r["status_active"])) for r in await PartnerSchool.raw(f"""
SELECT ps.organization AS org, MIN(sc.cold_after_days) AS cold_after,
       MAX(CASE WHEN ps.status = 'active' THEN 1 ELSE 0 END) AS status_active
FROM partner_school ps JOIN school sc ON sc.id = ps.school WHERE ps.school IN ({schools}) GROUP BY ps.organization""",
        *scope.schools)}
    found = [PartnerRow(
        r["org"], r["name"], r["partner"] if r["relationships"] == 1 else None, int(r["students"] or 0),
        int(r["minutes"] or 0), int(r["verified"] or 0), int(r["meetings"] or 0),
        as_date(r["last_hosted"]) if r["last_hosted"] else None, as_date(r["last_met"]) if r["last_met"] else None,
        as_of, *settings.get(r["org"], (0, False))) for r in rows]
    found.sort(key=lambda r: (-r.minutes, -r.meetings, r.name.casefold(), r.organization))
    return PartnersReport(found, as_of)


async def active_count(scope: Scope) -> int:
    """How many partners (organizations) of the scope's schools hosted a student or met within its dates, as
    engagement() counts them active, in one index probe a partner instead of its figures."""
    schools = _placeholders(len(scope.schools))
    rows = await PartnerSchool.raw(f"""SELECT COUNT(DISTINCT ps.organization) AS n FROM partner_school ps
WHERE ps.school IN ({schools}) AND (
    EXISTS (SELECT 1 FROM experience e WHERE e.partner = ps.id AND e.date >= {{}} AND e.date <= {{}}
            AND e.status <> 'rejected')
    OR EXISTS (SELECT 1 FROM partner_interaction i WHERE i.partner = ps.id AND i.happened_on >= {{}}
               AND i.happened_on <= {{}}))""", *scope.schools, scope.start, scope.end, scope.start, scope.end)
    return int(rows[0]["n"]) if rows else 0
