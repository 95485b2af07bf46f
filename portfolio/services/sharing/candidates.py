"""The employer's list: one card per student with an active share to the employer's organization, filtered,
sorted by verified hours (or by when they shared) and cut into pages.

At district scale an employer has 1,000 shared students with 20,000 entries. Ranking them reads one small row a
student: their shares, and their shown minutes kept by the database (StudentMinutes, by triggers on experience;
only students who picked entries have theirs summed, from the picked entries). Filters by cluster or
certification read just what they test. Only the page's 25 students are then read in full for their cards. The
portfolio of one student works the verification rule out afresh instead. Listing is not a disclosure: nothing is
recorded here."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Sum

from portfolio.clock import now
from portfolio.services import experiences
from portfolio.services.accounts import CurrentUser
from portfolio.services.paging import Page, cut
from portfolio.services.sharing.employers import shortlist
from portfolio.tables import Certification, Experience, Share, ShareItem, StudentMinutes, StudentProfile, User
from portfolio.vocabulary import EntryStatus

# portfolio_view.SHOWN_STATUSES as SQL that keeps the status index (an IN list makes SQLite read every entry).
SHOWN = Experience.status != EntryStatus.REJECTED


@dataclass
class Shared:
    """One student as the employer's shares cover them: enough to filter and sort, not yet a card."""

    id: int
    shared_at: datetime
    everything: bool = False
    experiences: set[int] = field(default_factory=set)  # picked, when not everything
    certifications: set[int] = field(default_factory=set)
    verified_minutes: int = 0
    self_reported_minutes: int = 0
    shortlisted: bool = False


@dataclass(frozen=True)
class Wanted:
    """The list's filters and order, as the route typed them."""

    cluster: str | None = None
    min_hours: float | None = None
    certification: str = ""
    shortlist_only: bool = False
    sort: str = "hours"


class _Scope:
    """The organization's active shares at one moment, as sub-selects the database reads again cheaply (never
    lists of 1,000 ids)."""

    def __init__(self, organization_id: int, moment: datetime) -> None:
        self.active = (Share.organization == organization_id) & Share.revoked_at.is_null() & (Share.expires_at > moment)
        self.students = Share.select(Share.student).where(self.active)
        self.everything = Share.select(Share.student).where(self.active & (Share.everything == True))  # noqa: E712
        self.picked = ShareItem.select(ShareItem.experience).where(
            ShareItem.share.is_in(Share.select(Share.id).where(self.active & (Share.everything == False)))  # noqa: E712
        )

    def shown_entries(self) -> Any:
        """The shared entries a portfolio shows: every one of a student sharing everything, the picked ones of
        the others."""
        return SHOWN & (Experience.student.is_in(self.everything)
                        | (Experience.id.is_in(self.picked) & Experience.student.not_in(self.everything)))


async def employer_list(employer: CurrentUser, moment: datetime | None = None, **wanted: Any) -> list[dict[str, Any]]:
    """Every card, in the list's order (for a short list, and for tests)."""
    ranked = await ranked_students(employer, Wanted(**wanted), moment)
    return await cards(employer, ranked, moment)


async def employer_page(employer: CurrentUser, page: int, moment: datetime | None = None, **wanted: Any) -> Page:
    """One page of the list: every shared student ranked from a small row each, then the page's 25 cards."""
    listing = cut(await ranked_students(employer, Wanted(**wanted), moment), page)
    return replace(listing, rows=await cards(employer, listing.rows, moment))


async def ranked_students(employer: CurrentUser, wanted: Wanted, moment: datetime | None = None) -> list[Shared]:
    """The students the filters keep, in the list's order, in a fixed number of queries whatever the number of
    students and entries."""
    if employer.organization_id is None:
        return []
    scope = _Scope(employer.organization_id, moment or now())
    shares = await Share.select(Share.id, Share.student, Share.everything, Share.created_at).where(scope.active)
    if not shares:
        return []
    students = _from_shares(shares)
    await _add_picked_items(students, shares)
    await _add_minutes(students, scope)
    for student_id in await shortlist(employer):
        if student_id in students:
            students[student_id].shortlisted = True
    kept = [s for s in students.values() if _kept(s, wanted)]
    if wanted.cluster:
        in_cluster = await _in_cluster(scope, wanted.cluster)
        kept = [s for s in kept if s.id in in_cluster]
    if wanted.certification.strip():
        holding = await _holding(scope, students, wanted.certification.strip().casefold())
        kept = [s for s in kept if s.id in holding]
    return _sorted(kept, wanted.sort)


async def cards(employer: CurrentUser, ranked: list[Shared], moment: datetime | None = None) -> list[dict[str, Any]]:
    """The cards of these students, in their order: name, headline, verified and self-reported minutes, career
    clusters (profile interests, then the clusters of the shared entries), certification names, when last shared,
    shortlisted. Four queries, reading only these students' rows."""
    if not ranked or employer.organization_id is None:
        return []
    ids = [s.id for s in ranked]
    names = {u["id"]: u["name"] for u in await User.select(User.id, User.name).where(User.id.is_in(ids))}
    profiles = {p["student"]: p for p in await StudentProfile.select(
        StudentProfile.student, StudentProfile.headline, StudentProfile.interests).where(StudentProfile.student.is_in(ids))}
    scope = _Scope(employer.organization_id, moment or now())
    entry_clusters: dict[int, set[str]] = {}
    for row in await Experience.select(Experience.student, Experience.cluster.code.as_alias("code")).where(
        Experience.student.is_in(ids) & scope.shown_entries() & Experience.cluster.is_not_null()
    ).distinct():
        entry_clusters.setdefault(row["student"], set()).add(row["code"])
    by_id = {s.id: s for s in ranked}
    cert_names: dict[int, list[str]] = {}
    for cert in await Certification.select(Certification.id, Certification.student, Certification.name).where(
        Certification.student.is_in(ids)
    ).order_by(Certification.issued_on, ascending=False):
        student = by_id[cert["student"]]
        if student.everything or cert["id"] in student.certifications:
            cert_names.setdefault(student.id, []).append(cert["name"])
    active = {c["code"]: c["name"] for c in await experiences.clusters()}
    found = []
    for s in ranked:
        profile = profiles.get(s.id) or {}
        codes = list(dict.fromkeys([*(profile.get("interests") or []), *sorted(entry_clusters.get(s.id, ()))]))
        found.append({
            "id": s.id, "name": names.get(s.id, ""), "headline": profile.get("headline", ""),
            "cluster_codes": codes, "clusters": [active[c] for c in codes if c in active],
            "verified_minutes": s.verified_minutes, "self_reported_minutes": s.self_reported_minutes,
            "certification_names": cert_names.get(s.id, []), "shared_at": s.shared_at, "shortlisted": s.shortlisted,
        })
    return found


def _from_shares(shares: list[dict[str, Any]]) -> dict[int, Shared]:
    students: dict[int, Shared] = {}
    for share in shares:
        student = students.setdefault(share["student"], Shared(share["student"], share["created_at"]))
        student.everything = student.everything or share["everything"]
        student.shared_at = max(student.shared_at, share["created_at"])
    return students


async def _add_picked_items(students: dict[int, Shared], shares: list[dict[str, Any]]) -> None:
    """The entries and certifications the picked shares name, on their student."""
    picked_shares = [s["id"] for s in shares if not s["everything"]] or [0]  # the same queries either way
    for item in await ShareItem.select(ShareItem.share.student.as_alias("student"), ShareItem.experience,
                                       ShareItem.certification).where(ShareItem.share.is_in(picked_shares)):
        student = students[item["student"]]
        if item["experience"]:
            student.experiences.add(item["experience"])
        if item["certification"]:
            student.certifications.add(item["certification"])


async def _add_minutes(students: dict[int, Shared], scope: _Scope) -> None:
    """Verified and self-reported minutes: kept totals for students sharing everything, the picked entries summed
    for the others (a few rows each)."""
    for row in await StudentMinutes.select(StudentMinutes.student, StudentMinutes.verified, StudentMinutes.self_reported).where(
        StudentMinutes.student.is_in(scope.everything)
    ):
        student = students[row["student"]]
        student.verified_minutes, student.self_reported_minutes = row["verified"], row["self_reported"]
    for row in await Experience.select(Experience.student, Experience.shown_verified, Sum(Experience.minutes).as_alias("minutes")).where(
        SHOWN & Experience.id.is_in(scope.picked) & Experience.student.not_in(scope.everything)
    ).group_by(Experience.student, Experience.shown_verified):
        student = students[row["student"]]
        if row["shown_verified"]:
            student.verified_minutes += row["minutes"] or 0
        else:
            student.self_reported_minutes += row["minutes"] or 0


async def _in_cluster(scope: _Scope, code: str) -> set[int]:
    """Students showing the cluster: as an interest on their profile, or on a shared entry."""
    found = {row["student"] for row in await Experience.select(Experience.student).where(
        scope.shown_entries() & (Experience.cluster.code == code)).distinct()}
    for profile in await StudentProfile.select(StudentProfile.student, StudentProfile.interests).where(
        StudentProfile.student.is_in(scope.students)
    ):
        if code in (profile["interests"] or []):
            found.add(profile["student"])
    return found


async def _holding(scope: _Scope, students: dict[int, Shared], wanted: str) -> set[int]:
    """Students with a shared certification whose name contains `wanted` (compared case-folded in Python, as SQL
    LIKE folds ASCII only)."""
    found = set()
    for cert in await Certification.select(Certification.id, Certification.student, Certification.name).where(
        Certification.student.is_in(scope.students)
    ):
        student = students[cert["student"]]
        if (student.everything or cert["id"] in student.certifications) and wanted in cert["name"].casefold():
            found.add(student.id)
    return found


def _kept(student: Shared, wanted: Wanted) -> bool:
    if wanted.min_hours is not None and student.verified_minutes < wanted.min_hours * 60:
        return False
    return student.shortlisted or not wanted.shortlist_only


def _sorted(students: list[Shared], sort: str) -> list[Shared]:
    students.sort(key=lambda s: (s.shared_at, s.id), reverse=True)
    if sort != "recent":
        students.sort(key=lambda s: s.verified_minutes, reverse=True)  # stable: newest first among equals
    return students
