"""The employer's side: the list of students shared with their organization, the shortlist and private
notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Sum

from portfolio.clock import now
from portfolio.services import experiences
from portfolio.services.accounts import CurrentUser
from portfolio.services.paging import Page, cut
from portfolio.services.sharing.access import active_share
from portfolio.tables import (
    Certification,
    EmployerNote,
    Experience,
    Organization,
    Share,
    ShareItem,
    Shortlist,
    StudentProfile,
)
from portfolio.vocabulary import EntryStatus


async def shared_with(employer: CurrentUser) -> list[int]:
    """Students with an active share to the employer's organization."""
    if employer.organization_id is None:
        return []
    rows = await Share.select(Share.student).where((Share.organization == employer.organization_id) & active_share())
    return sorted({r["student"] for r in rows})


async def shortlist(employer: CurrentUser) -> set[int]:
    rows = await Shortlist.select(Shortlist.student).where(Shortlist.organization == employer.organization_id)
    return {r["student"] for r in rows}


async def set_shortlisted(employer: CurrentUser, student_id: int, on: bool) -> None:
    if on:
        if not await Shortlist.exists().where((Shortlist.organization == employer.organization_id) & (Shortlist.student == student_id)):
            await Shortlist.insert(Shortlist(organization=employer.organization_id, student=student_id, added_by=employer.id))
    else:
        await Shortlist.delete().where((Shortlist.organization == employer.organization_id) & (Shortlist.student == student_id))


async def notes(employer: CurrentUser, student_id: int) -> list[dict[str, Any]]:
    return await EmployerNote.select(
        EmployerNote.id, EmployerNote.text, EmployerNote.created_at, EmployerNote.author.name.as_alias("author_name")
    ).where((EmployerNote.organization == employer.organization_id) & (EmployerNote.student == student_id)).order_by(
        EmployerNote.id, ascending=False
    )


async def add_note(employer: CurrentUser, student_id: int, text: str) -> None:
    """A note (read by forms.employer.parse_note) only the employer's organization sees."""
    await EmployerNote.insert(EmployerNote(organization=employer.organization_id, student=student_id, author=employer.id, text=text))


async def organization_name(organization_id: int | None) -> str:
    if organization_id is None:
        return ""
    row = await Organization.select(Organization.name).where(Organization.id == organization_id).first()
    return row["name"] if row else ""


async def employer_list(employer: CurrentUser, cluster: str | None = None, min_hours: float | None = None,
                        certification: str = "", shortlist_only: bool = False, sort: str = "hours",
                        moment: datetime | None = None) -> list[dict[str, Any]]:
    """One card per student with an active share to the employer's organization, in a fixed number of queries
    whatever the number of students and entries: name, headline, verified and self-reported minutes, career
    clusters (profile interests and clusters of the shared entries), certification names, when last shared,
    shortlisted.

    Only what the shares cover counts (picked shares count their picked items). An entry's minutes count as
    verified by the one rule's answer stored on it (Experience.shown_verified, kept by every write that can
    change it: services/verification.py), summed in SQL: no entry is loaded. The portfolio of one student
    works the rule out afresh instead. Listing is not a disclosure: nothing is recorded here."""
    if employer.organization_id is None:
        return []
    moment = moment or now()
    active = (Share.organization == employer.organization_id) & Share.revoked_at.is_null() & (Share.expires_at > moment)
    shares = await Share.select(
        Share.id, Share.student, Share.everything, Share.created_at, Share.student.name.as_alias("student_name"),
    ).where(active)
    if not shares:
        return []
    by_student = _cards_from_shares(shares)
    await _add_picked_items(by_student, shares)
    # Sub-selects rather than lists of every student's id: the database reads the shares again, cheaply.
    students = Share.select(Share.student).where(active)
    profiles = {p["student"]: p for p in await StudentProfile.select(
        StudentProfile.student, StudentProfile.headline, StudentProfile.interests).where(StudentProfile.student.is_in(students))}
    sums = await _shared_minutes(active)
    certs = await Certification.select(Certification.id, Certification.student, Certification.name).where(
        Certification.student.is_in(students)
    ).order_by(Certification.issued_on, ascending=False)
    names = {c["code"]: c["name"] for c in await experiences.clusters()}
    marked = await shortlist(employer)

    for card in by_student.values():
        _start_card(card, profiles.get(card["id"]) or {}, marked)
    _count_minutes(by_student, sums)
    _add_certification_names(by_student, certs)
    wanted = certification.strip().casefold()
    cards = [_finish_card(card, names) for card in by_student.values()]
    return _sorted([card for card in cards if _matches(card, cluster, min_hours, wanted, shortlist_only)], sort)


async def employer_page(employer: CurrentUser, page: int, **wanted: Any) -> Page:
    """One page of employer_list's cards. The cards are small (minutes come summed from SQL), so every shared
    student's card is made, filtered and sorted in the same fixed number of queries, and the page is cut from
    them: only its 25 are rendered."""
    return cut(await employer_list(employer, **wanted), page)


def _cards_from_shares(shares: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """student ID -> their card, begun from their shares: what the shares cover is filled in later."""
    by_student: dict[int, dict[str, Any]] = {}
    for share in shares:
        card = by_student.setdefault(share["student"], {
            "id": share["student"], "name": share["student_name"], "everything": False, "share_ids": [],
            "shared_at": share["created_at"], "experiences": set(), "certifications": set(),
        })
        card["everything"] = card["everything"] or share["everything"]
        card["share_ids"].append(share["id"])
        card["shared_at"] = max(card["shared_at"], share["created_at"])
    return by_student


async def _add_picked_items(by_student: dict[int, dict[str, Any]], shares: list[dict[str, Any]]) -> None:
    """The entries and certifications the picked shares name, on their student's card."""
    picked_shares = [s["id"] for s in shares if not s["everything"]] or [0]
    items = await ShareItem.select(ShareItem.share.student.as_alias("student"), ShareItem.experience,
                                   ShareItem.certification).where(ShareItem.share.is_in(picked_shares))
    for item in items:
        card = by_student[item["student"]]
        if item["experience"]:
            card["experiences"].add(item["experience"])
        if item["certification"]:
            card["certifications"].add(item["certification"])


async def _shared_minutes(active: Any) -> list[dict[str, Any]]:
    """Minutes of the shared entries by student, career cluster and stored answer (verified or not): one row
    per group, however many entries. Every entry of a student sharing everything; the picked ones of the
    others. Two queries, each led by its share sub-select: with an OR of the two, or a status IN list, SQLite
    reads every entry of the district through the status index instead."""
    everything = Share.select(Share.student).where(active & (Share.everything == True))  # noqa: E712
    picked = ShareItem.select(ShareItem.experience).where(
        ShareItem.share.is_in(Share.select(Share.id).where(active & (Share.everything == False)))  # noqa: E712
    )
    shown = Experience.status != EntryStatus.REJECTED  # portfolio_view.SHOWN_STATUSES, as SQL that keeps the index
    rows: list[dict[str, Any]] = []
    for shared in (Experience.student.is_in(everything),
                   Experience.id.is_in(picked) & Experience.student.not_in(everything)):
        cluster_code = Experience.cluster.code
        rows += await Experience.select(
            Experience.student, cluster_code.as_alias("cluster_code"), Experience.shown_verified,
            Sum(Experience.minutes).as_alias("minutes"),
        ).where(shared & shown).group_by(Experience.student, cluster_code, Experience.shown_verified).order_by(
            Experience.student).order_by(cluster_code)
    return rows


def _start_card(card: dict[str, Any], profile: dict[str, Any], marked: set[int]) -> None:
    card["headline"] = profile.get("headline", "")
    card["cluster_codes"] = list(dict.fromkeys(profile.get("interests") or []))
    card["verified_minutes"] = card["self_reported_minutes"] = 0
    card["certification_names"] = []
    card["shortlisted"] = card["id"] in marked


def _count_minutes(by_student: dict[int, dict[str, Any]], sums: list[dict[str, Any]]) -> None:
    """The shared minutes as verified or self-reported, and their clusters, on each student's card."""
    for row in sums:
        card = by_student[row["student"]]
        card["verified_minutes" if row["shown_verified"] else "self_reported_minutes"] += row["minutes"] or 0
        if row["cluster_code"] and row["cluster_code"] not in card["cluster_codes"]:
            card["cluster_codes"].append(row["cluster_code"])


def _add_certification_names(by_student: dict[int, dict[str, Any]], certs: list[dict[str, Any]]) -> None:
    for cert in certs:
        card = by_student[cert["student"]]
        if card["everything"] or cert["id"] in card["certifications"]:
            card["certification_names"].append(cert["name"])


def _finish_card(card: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The card as shown: cluster names, without what only counting needed."""
    card["clusters"] = [names[c] for c in card["cluster_codes"] if c in names]
    for key in ("everything", "experiences", "certifications"):
        del card[key]
    return card


def _matches(card: dict[str, Any], cluster: str | None, min_hours: float | None, wanted: str, shortlist_only: bool) -> bool:
    if cluster and cluster not in card["cluster_codes"]:
        return False
    if min_hours is not None and card["verified_minutes"] < min_hours * 60:
        return False
    if wanted and not any(wanted in name.casefold() for name in card["certification_names"]):
        return False
    if shortlist_only and not card["shortlisted"]:
        return False
    return True


def _sorted(cards: list[dict[str, Any]], sort: str) -> list[dict[str, Any]]:
    cards.sort(key=lambda c: (c["shared_at"], c["id"]), reverse=True)
    if sort != "recent":
        cards.sort(key=lambda c: c["verified_minutes"], reverse=True)  # stable: newest first among equals
    return cards
