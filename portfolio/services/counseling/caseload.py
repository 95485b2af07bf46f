"""Counselors' caseloads: staff put students of their school on a counselor's caseload (as they assign mentors),
and a counselor reads theirs with what needs them for each student, in a fixed number of queries whatever the
caseload's size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count, Max

from portfolio import clock
from portfolio.counseling_tables import CaseloadAssignment, CheckIn
from portfolio.counseling_vocabulary import CaseloadFlag
from portfolio.forms.counseling import CaseloadAssignment as AssignmentForm
from portfolio.opportunity_vocabulary import PlacementStatus
from portfolio.placement_tables import Placement
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.certifications import EXPIRING_DAYS
from portfolio.services.experiences import school_of, school_year_start
from portfolio.services.mentoring import pairing
from portfolio.services.paging import Page, cut
from portfolio.services.sharing import SHOWN_STATUSES
from portfolio.tables import Certification, Experience, VerificationRequest
from portfolio.vocabulary import EntryStatus, RequestStatus

# A constant rather than a school setting: one number serves until a school asks for its own.
CHECK_IN_DAYS = 90  # the schools' own setting (School.check_in_days) until they change it


async def assignments(school_id: int | None) -> list[dict[str, Any]]:
    """Every caseload assignment in a school, with names, for the staff page."""
    if school_id is None:
        return []
    return await (
        CaseloadAssignment.select(
            CaseloadAssignment.id,
            CaseloadAssignment.counselor.id.as_alias("counselor_id"),
            CaseloadAssignment.counselor.name.as_alias("counselor_name"),
            CaseloadAssignment.student.id.as_alias("student_id"),
            CaseloadAssignment.student.name.as_alias("student_name"),
        )
        .where((CaseloadAssignment.student.school == school_id) & (CaseloadAssignment.counselor.school == school_id))
        .order_by(CaseloadAssignment.counselor.name)
        .order_by(CaseloadAssignment.student.name)
    )


async def assign(staff: CurrentUser, form: AssignmentForm) -> int:
    """Put students of the staff member's school on the caseload of a counselor (staff) of the same school.
    Returns how many were new."""
    wanted = await pairing(staff, form.counselor_id, "staff", "counselor", form.student_ids)
    existing = {row["student"] for row in await CaseloadAssignment.select(CaseloadAssignment.student).where(
        CaseloadAssignment.counselor == form.counselor_id)}
    new = sorted(wanted - existing)
    if new:
        await CaseloadAssignment.insert(*[
            CaseloadAssignment(counselor=form.counselor_id, student=student, created_by=staff.id, created_at=clock.now())
            for student in new])
        await audit.record("caseload.assigned", actor_id=staff.id, subject=f"counselor:{form.counselor_id}", students=new)
    return len(new)


async def unassign(staff: CurrentUser, assignment_id: int) -> bool:
    row = await CaseloadAssignment.select(CaseloadAssignment.student.school).where(
        CaseloadAssignment.id == assignment_id).first()
    if row is None or staff.school_id is None or row["student.school"] != staff.school_id:
        return False
    await CaseloadAssignment.delete().where(CaseloadAssignment.id == assignment_id)
    await audit.record("caseload.unassigned", actor_id=staff.id, subject=f"assignment:{assignment_id}")
    return True


@dataclass(frozen=True)
class Caseload:
    page: Page
    counts: dict[CaseloadFlag, int]  # students with each flag, over the whole caseload
    size: int
    check_in_days: int = CHECK_IN_DAYS


def _grouped(rows: list[dict[str, Any]], value: str) -> dict[int, Any]:
    return {row["student"]: row[value] for row in rows}


async def flags_of(ids: list[int], start: date, today: date, check_in_days: int = CHECK_IN_DAYS) -> dict[int, dict[str, Any]]:
    """Each student's flags, five queries for any number of students; a check-in older than `check_in_days` is
    not recent."""
    with_wbl = {row["student"] for row in await Experience.select(Experience.student).where(
        Experience.student.is_in(ids) & (Experience.date >= start) & Experience.status.is_in(list(SHOWN_STATUSES))
    ).distinct()}
    last_check_in = _grouped(await CheckIn.select(CheckIn.student, Max(CheckIn.held_on, alias="last")).where(
        CheckIn.student.is_in(ids)).group_by(CheckIn.student), "last")
    waiting = _grouped(await VerificationRequest.select(VerificationRequest.student, Count(alias="n")).where(
        VerificationRequest.student.is_in(ids) & (VerificationRequest.status == RequestStatus.PENDING)
    ).group_by(VerificationRequest.student), "n")
    expiring = _grouped(await Certification.select(Certification.student, Count(alias="n")).where(
        Certification.student.is_in(ids) & (Certification.expires_on >= today)
        & (Certification.expires_on <= today + timedelta(days=EXPIRING_DAYS))
        & (Certification.status != EntryStatus.REJECTED)
    ).group_by(Certification.student), "n")
    unsigned = _grouped(await Placement.select(Placement.student, Count(alias="n")).where(
        Placement.student.is_in(ids) & (Placement.status == PlacementStatus.AWAITING_SIGNATURES)
    ).group_by(Placement.student), "n")
    due = today - timedelta(days=check_in_days)
    found = {}
    for student in ids:
        last = last_check_in.get(student)
        if isinstance(last, str):  # SQLite answers an aggregate of dates as text
            last = date.fromisoformat(last)
        flags = {
            CaseloadFlag.NO_WBL: student not in with_wbl,
            CaseloadFlag.NO_CHECK_IN: last is None or last < due,
            CaseloadFlag.VERIFICATIONS: waiting.get(student, 0),
            CaseloadFlag.EXPIRING: expiring.get(student, 0),
            CaseloadFlag.UNSIGNED: unsigned.get(student, 0),
        }
        found[student] = {"flags": flags, "last_check_in": last}
    return found


async def caseload(counselor: CurrentUser, flag: CaseloadFlag | None, wanted_page: int) -> Caseload:
    """The counselor's students of their own school, with their flags; only those with `flag` when one is given.
    Seven queries, whatever the caseload's size."""
    school = await school_of(counselor)
    today = clock.today_at(school)
    start = school_year_start(school, today)
    students = await (
        CaseloadAssignment.select(
            CaseloadAssignment.student.id.as_alias("id"),
            CaseloadAssignment.student.name.as_alias("name"),
            CaseloadAssignment.student.email.as_alias("email"),
        )
        .where((CaseloadAssignment.counselor == counselor.id) & (CaseloadAssignment.student.school == counselor.school_id)
               & (CaseloadAssignment.student.active == True))  # noqa: E712
        .order_by(CaseloadAssignment.student.name)
        .order_by(CaseloadAssignment.student.id)
    ) if counselor.school_id is not None else []
    days = school.get("check_in_days", CHECK_IN_DAYS)
    flags = await flags_of([s["id"] for s in students], start, today, days) if students else {}
    rows = [s | flags[s["id"]] for s in students]
    counts = {f: sum(1 for row in rows if row["flags"][f]) for f in CaseloadFlag}
    if flag is not None:
        rows = [row for row in rows if row["flags"][flag]]
    return Caseload(cut(rows, wanted_page), counts, len(students), days)
