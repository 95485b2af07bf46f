"""Signing day: staff record a student's commitment after school (an employer, an apprenticeship, a college,
the military), and the student confirms it or says it is wrong. Only a confirmed commitment is celebrated;
staff may withdraw one recorded by mistake. Staff reach only their own school's students and commitments; a
student only their own."""

from __future__ import annotations

from typing import Any, Mapping

from portfolio.celebration_tables import SigningDay
from portfolio.celebration_vocabulary import CommitmentState
from portfolio.clock import now
from portfolio.db import lock_row, write_transaction
from portfolio.errors import NotEditable, NotFound
from portfolio.forms.celebrations import CommitmentForm
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.counseling.scope import school_student
from portfolio.tables import User

COLUMNS = (SigningDay.id, SigningDay.student, SigningDay.kind, SigningDay.organization, SigningDay.detail,
           SigningDay.signed_on, SigningDay.created_at, SigningDay.confirmed_at, SigningDay.declined_at,
           SigningDay.withdrawn_at)


def state_of(row: Mapping[str, Any]) -> CommitmentState:
    if row["withdrawn_at"]:
        return CommitmentState.WITHDRAWN
    if row["declined_at"]:
        return CommitmentState.DECLINED
    return CommitmentState.CONFIRMED if row["confirmed_at"] else CommitmentState.WAITING


def _with_state(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["state"] = state_of(row)
    return rows


async def record(staff: CurrentUser, student_id: int, form: CommitmentForm) -> int:
    """Staff record a commitment for a student of their school; it waits for the student to confirm it. The same
    commitment sent twice (a double tap) is recorded once."""
    await school_student(staff, student_id)
    async with write_transaction():
        await lock_row(User, student_id)
        same = await SigningDay.select(SigningDay.id).where(
            (SigningDay.student == student_id) & (SigningDay.school == staff.school_id) & (SigningDay.kind == form.kind)
            & (SigningDay.organization == form.organization) & (SigningDay.signed_on == form.signed_on)
            & SigningDay.withdrawn_at.is_null()).first()
        if same:
            return same["id"]
        rows = await SigningDay.insert(SigningDay(
            student=student_id, school=staff.school_id, kind=form.kind, organization=form.organization,
            detail=form.detail, signed_on=form.signed_on, recorded_by=staff.id, created_at=now())).returning(SigningDay.id)
    await audit.record("signing_day.recorded", actor_id=staff.id, subject=f"signing_day:{rows[0]['id']}")
    return rows[0]["id"]


async def of_student_for_staff(staff: CurrentUser, student_id: int) -> list[dict[str, Any]]:
    """The commitments the staff member's school recorded for a student of theirs, newest first."""
    await school_student(staff, student_id)
    return _with_state(await SigningDay.select(*COLUMNS).where(
        (SigningDay.student == student_id) & (SigningDay.school == staff.school_id)
    ).order_by(SigningDay.signed_on, ascending=False).order_by(SigningDay.id, ascending=False))


async def withdraw(staff: CurrentUser, student_id: int, signing_id: int) -> None:
    await school_student(staff, student_id)
    async with write_transaction():
        ended = await SigningDay.update({SigningDay.withdrawn_at: now(), SigningDay.withdrawn_by: staff.id}).where(
            (SigningDay.id == signing_id) & (SigningDay.student == student_id) & (SigningDay.school == staff.school_id)
            & SigningDay.withdrawn_at.is_null()).returning(SigningDay.id)
    if not ended:
        raise NotFound(signing_id)
    await audit.record("signing_day.withdrawn", actor_id=staff.id, subject=f"signing_day:{signing_id}")


async def mine(student: CurrentUser) -> list[dict[str, Any]]:
    """The student's own commitments that staff have not withdrawn, newest first (their dashboard)."""
    return _with_state(await SigningDay.select(*COLUMNS).where(
        (SigningDay.student == student.id) & SigningDay.withdrawn_at.is_null()
    ).order_by(SigningDay.signed_on, ascending=False).order_by(SigningDay.id, ascending=False))


async def answer(student: CurrentUser, signing_id: int, confirmed: bool) -> None:
    """The student confirms their commitment or says it is wrong; only their own, and only once (a double tap
    finds it answered: the same answer again is no change, the other one is refused)."""
    async with write_transaction():
        await lock_row(SigningDay, signing_id)
        row = await SigningDay.select(*COLUMNS).where(
            (SigningDay.id == signing_id) & (SigningDay.student == student.id) & SigningDay.withdrawn_at.is_null()
        ).first()
        if row is None:
            raise NotFound(signing_id)
        state = state_of(row)
        wanted = CommitmentState.CONFIRMED if confirmed else CommitmentState.DECLINED
        if state == wanted:
            return
        if state != CommitmentState.WAITING:
            raise NotEditable("You have already answered this. Ask your counselor to record it again.")
        column = SigningDay.confirmed_at if confirmed else SigningDay.declined_at
        await SigningDay.update({column: now()}).where(SigningDay.id == signing_id)
    await audit.record(f"signing_day.{wanted}", actor_id=student.id, subject=f"signing_day:{signing_id}")
