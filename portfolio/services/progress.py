"""A student's progress at a glance: this school year's hours split by how far their verification got, the
school's work-based-learning goal, hours by career cluster, milestones, a timeline of their experiences and
their certifications' expiry. Read in a fixed number of queries, whatever the number of entries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Mapping

from portfolio import clock
from portfolio.services import signoff
from portfolio.services.accounts import CurrentUser
from portfolio.services.certifications import EXPIRING_DAYS
from portfolio.services.experiences import ENTRY_COLUMNS, school_of, school_year_start
from portfolio.tables import EXPERIENCE_KINDS, Certification, Experience
from portfolio.vocabulary import EntryStatus, Expiry, Shown

# How far an entry's verification got, by the one rule (signoff.verification_state): verified; waiting for an
# answer (asked and not answered, or signed on the spot and not yet confirmed by the supervisor); or only the
# student's word (drafts, entries sent back for changes, voided verifications). Rejected entries count nowhere.
VERIFIED, WAITING, SELF_REPORTED = "verified", "waiting", "self_reported"
WAITING_STATES = (EntryStatus.SUBMITTED, Shown.PENDING_CONFIRMATION)
NOT_COUNTED = (EntryStatus.REJECTED,)

MILESTONE_HOURS = (10, 25, 50, 100)
# The round number staff celebrate (services/celebrations), and the kinds whose first verified entry is a student's
# first internship.
CELEBRATED_HOURS = 100
INTERNSHIP_KINDS = ("internship", "apprenticeship")
TIMELINE_ENTRIES = 10  # the newest ones; the list of all entries has the rest
NO_CLUSTER = "No career cluster"


def bucket(state: str) -> str | None:
    """Which of the three sums an entry in this state adds to (None: none)."""
    if state == EntryStatus.VERIFIED:
        return VERIFIED
    if state in WAITING_STATES:
        return WAITING
    if state in NOT_COUNTED:
        return None
    return SELF_REPORTED


@dataclass(frozen=True)
class Split:
    """Minutes in each of the three sums."""

    verified: int = 0
    waiting: int = 0
    self_reported: int = 0

    @property
    def total(self) -> int:
        return self.verified + self.waiting + self.self_reported


def split(entries: Iterable[Mapping[str, Any]]) -> Split:
    minutes: dict[str, int] = defaultdict(int)
    for entry in entries:
        where = bucket(entry["state"])
        if where:
            minutes[where] += entry["minutes"]
    return Split(minutes[VERIFIED], minutes[WAITING], minutes[SELF_REPORTED])


def by_kind(entries: Iterable[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """Counted minutes by kind, most first."""
    minutes: dict[str, int] = defaultdict(int)
    for entry in entries:
        if bucket(entry["state"]) and entry["kind"] in EXPERIENCE_KINDS:
            minutes[EXPERIENCE_KINDS[entry["kind"]]] += entry["minutes"]
    return sorted(minutes.items(), key=lambda item: -item[1])


def by_cluster(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Counted minutes by career cluster, and how many of them are verified; most first."""
    found: dict[str, dict[str, Any]] = {}
    for entry in entries:
        where = bucket(entry["state"])
        if not where:
            continue
        name = entry["cluster_name"] or NO_CLUSTER
        row = found.setdefault(name, {"name": name, "minutes": 0, "verified": 0})
        row["minutes"] += entry["minutes"]
        row["verified"] += entry["minutes"] if where == VERIFIED else 0
    return sorted(found.values(), key=lambda row: (-row["minutes"], row["name"]))


def milestones(entries: Iterable[Mapping[str, Any]], goal_hours: int | None = None,
               year_start: date | None = None) -> list[dict[str, Any]]:
    """What the student reached, oldest first: their first verified entry, their first internship (verified
    internship or apprenticeship), 10, 25, 50 and 100 verified hours (every year counts), and the school's goal
    of `goal_hours` verified hours within the school year that began on `year_start`; each dated by the entry
    that reached it. services/celebrations/milestones.py finds the same ones in SQL for staff."""
    verified = sorted((e for e in entries if e["state"] == EntryStatus.VERIFIED), key=lambda e: (e["date"], e["id"]))
    reached: list[dict[str, Any]] = []
    total = in_year = 0
    goals = iter(MILESTONE_HOURS)
    goal = next(goals, None)
    internship = False
    school_goal = goal_hours if goal_hours and year_start else None
    for index, entry in enumerate(verified):
        if index == 0:
            reached.append({"key": "first", "text": "First verified entry", "date": entry["date"], "entry": entry})
        if not internship and entry.get("kind") in INTERNSHIP_KINDS:
            internship = True
            reached.append({"key": "internship", "text": "First internship", "date": entry["date"], "entry": entry})
        total += entry["minutes"]
        while goal is not None and total >= goal * 60:
            reached.append({"key": f"hours-{goal}", "text": f"{goal} verified hours", "date": entry["date"], "entry": entry})
            goal = next(goals, None)
        if school_goal and year_start and entry["date"] >= year_start:
            in_year += entry["minutes"]
            if in_year >= school_goal * 60:
                reached.append({"key": "goal", "text": f"The school's goal of {school_goal} verified hours",
                                "date": entry["date"], "entry": entry})
                school_goal = None
    return reached


def next_milestone(verified_minutes: int) -> dict[str, int] | None:
    """The next round number of verified hours and how many minutes are still missing (all years)."""
    for goal in MILESTONE_HOURS:
        if verified_minutes < goal * 60:
            return {"hours": goal, "missing": goal * 60 - verified_minutes}
    return None


def timeline(entries: list[dict[str, Any]], limit: int = TIMELINE_ENTRIES) -> list[dict[str, Any]]:
    """The newest entries (already newest first), grouped by the month they happened in."""
    months: list[dict[str, Any]] = []
    for entry in entries[:limit]:
        month = entry["date"].replace(day=1)
        if not months or months[-1]["month"] != month:
            months.append({"month": month, "entries": []})
        months[-1]["entries"].append(entry)
    return months


def expiry(expires_on: date | None, today: date) -> Expiry:
    """Valid, expires soon (within 60 days), expired, or does not expire."""
    if expires_on is None:
        return Expiry.NONE
    if expires_on < today:
        return Expiry.EXPIRED
    return Expiry.SOON if expires_on <= today + timedelta(days=EXPIRING_DAYS) else Expiry.VALID


# The ones to act on first.
EXPIRY_ORDER = {Expiry.SOON: 0, Expiry.EXPIRED: 1, Expiry.VALID: 2, Expiry.NONE: 3}


async def certifications(student: CurrentUser, today: date) -> list[dict[str, Any]]:
    """The student's certifications with their expiry status, the ones to act on first (soonest first)."""
    rows = await Certification.select(
        Certification.id, Certification.name, Certification.issuer, Certification.expires_on, Certification.status
    ).where(Certification.student == student.id).order_by(Certification.id, ascending=False)
    for row in rows:
        row["expiry"] = expiry(row["expires_on"], today)
    return sorted(rows, key=lambda row: (EXPIRY_ORDER[row["expiry"]], row["expires_on"] or date.max))


async def glance(student: CurrentUser) -> dict[str, Any]:
    """Everything the student's dashboard shows of their progress, in six queries."""
    school = await school_of(student)
    today = clock.today_at(school)
    start = school_year_start(school, today)
    entries = await (
        Experience.select(*ENTRY_COLUMNS)
        .where(Experience.student == student.id)
        .order_by(Experience.date, ascending=False)
        .order_by(Experience.id, ascending=False)
    )
    shown, news = await signoff.states_with_news(entries)
    for entry in entries:
        entry["state"] = shown.get(entry["id"], entry["status"])
    this_year = [entry for entry in entries if start <= entry["date"] <= today]
    reached = milestones(entries, school.get("wbl_goal_hours"), start)
    verified_ever = sum(entry["minutes"] for entry in entries if entry["state"] == EntryStatus.VERIFIED)
    return {
        "today": today,
        "start": start,
        "split": split(this_year),
        "goal_hours": school.get("wbl_goal_hours") or None,
        "by_kind": by_kind(this_year),
        "by_cluster": by_cluster(this_year),
        "milestones": list(reversed(reached)),
        "next_milestone": next_milestone(verified_ever),
        "timeline": timeline(entries),
        "entry_count": len(entries),
        "certifications": await certifications(student, today),
        "on_the_spot": news,
    }
