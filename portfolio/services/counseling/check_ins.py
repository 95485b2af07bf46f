"""Check-ins: what staff of a student's school record of a conversation with the student. The notes stay with
staff of that school; the next steps are the student's to see, and the student marks their own done."""

from __future__ import annotations

from typing import Any

from portfolio import clock
from portfolio.counseling_tables import CheckIn, NextStep
from portfolio.db import write_transaction
from portfolio.errors import NotFound
from portfolio.forms.counseling import CheckInForm
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.counseling.scope import school_student

# What the student sees of a step: never the check-in's notes.
STEP_COLUMNS = (NextStep.id, NextStep.check_in, NextStep.what, NextStep.owner, NextStep.due_on, NextStep.done_at)


async def _steps_of(check_in_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in check_in_ids}
    if check_in_ids:
        for step in await NextStep.select(*STEP_COLUMNS).where(NextStep.check_in.is_in(check_in_ids)).order_by(
                NextStep.position).order_by(NextStep.id):
            found[step["check_in"]].append(step)
    return found


async def history(staff: CurrentUser, student_id: int) -> list[dict[str, Any]]:
    """The student's check-ins, newest first, with notes and steps: for staff of the student's school only."""
    await school_student(staff, student_id)
    rows = await (
        CheckIn.select(CheckIn.id, CheckIn.held_on, CheckIn.kind, CheckIn.participants, CheckIn.notes,
                       CheckIn.updated_at, CheckIn.created_at, CheckIn.counselor.name.as_alias("counselor_name"),
                       CheckIn.updated_by.name.as_alias("updated_by_name"))
        .where((CheckIn.student == student_id) & (CheckIn.school == staff.school_id))
        .order_by(CheckIn.held_on, ascending=False)
        .order_by(CheckIn.id, ascending=False)
    )
    steps = await _steps_of([row["id"] for row in rows])
    return [row | {"steps": steps[row["id"]]} for row in rows]


async def get(staff: CurrentUser, student_id: int, check_in_id: int) -> dict[str, Any]:
    await school_student(staff, student_id)
    row = await CheckIn.select().where(
        (CheckIn.id == check_in_id) & (CheckIn.student == student_id) & (CheckIn.school == staff.school_id)).first()
    if row is None:
        raise NotFound("check-in")
    return row | {"steps": (await _steps_of([check_in_id]))[check_in_id]}


async def _write_steps(staff: CurrentUser, check_in_id: int, student_id: int, form: CheckInForm) -> None:
    """The form's steps become the check-in's: a step kept (by its id) keeps its id, and when and by whom it was
    done, so a student's page open meanwhile still marks the right one; a step left out is removed."""
    before = {row["id"]: row for row in await NextStep.select(NextStep.id, NextStep.done_at).where(
        NextStep.check_in == check_in_id)}
    kept: set[int] = set()
    new = []
    for position, step in enumerate(form.steps):
        values = {NextStep.what: step.what, NextStep.owner: step.owner, NextStep.due_on: step.due_on,
                  NextStep.position: position}
        old = before.get(step.step_id) if step.step_id not in kept else None
        if not step.done:
            values |= {NextStep.done_at: None, NextStep.done_by: None}
        elif old is None or old["done_at"] is None:
            values |= {NextStep.done_at: clock.now(), NextStep.done_by: staff.id}
        if old is None:
            new.append(NextStep(check_in=check_in_id, student=student_id,
                                **{column._meta.name: value for column, value in values.items()}))
            continue
        kept.add(old["id"])
        await NextStep.update(values).where(NextStep.id == old["id"])
    if gone := [step_id for step_id in before if step_id not in kept]:
        await NextStep.delete().where(NextStep.id.is_in(gone))
    if new:
        await NextStep.insert(*new)


async def record(staff: CurrentUser, student_id: int, form: CheckInForm) -> int:
    await school_student(staff, student_id)
    moment = clock.now()
    async with write_transaction():
        made = await CheckIn.insert(CheckIn(
            school=staff.school_id, student=student_id, counselor=staff.id, held_on=form.held_on, kind=form.kind,
            participants=list(form.participants), notes=form.notes, created_at=moment, updated_at=moment,
            updated_by=staff.id)).returning(CheckIn.id)
        check_in_id = made[0]["id"]
        await _write_steps(staff, check_in_id, student_id, form)
        await audit.record("check_in.recorded", actor_id=staff.id, subject=f"check_in:{check_in_id}", student=student_id)
    return check_in_id


async def update(staff: CurrentUser, student_id: int, check_in_id: int, form: CheckInForm) -> None:
    async with write_transaction():
        await get(staff, student_id, check_in_id)
        await CheckIn.update({
            CheckIn.held_on: form.held_on, CheckIn.kind: form.kind, CheckIn.participants: list(form.participants),
            CheckIn.notes: form.notes, CheckIn.updated_at: clock.now(), CheckIn.updated_by: staff.id,
        }).where(CheckIn.id == check_in_id)
        await _write_steps(staff, check_in_id, student_id, form)
        await audit.record("check_in.edited", actor_id=staff.id, subject=f"check_in:{check_in_id}", student=student_id)


async def steps_for_student(student_id: int) -> list[dict[str, Any]]:
    """A student's next steps, the open ones first (soonest due first), with the date and kind of their check-in;
    one query, and nothing of the notes."""
    rows = await NextStep.select(
        *STEP_COLUMNS, NextStep.check_in.held_on.as_alias("held_on"), NextStep.check_in.kind.as_alias("kind"),
    ).where(NextStep.student == student_id).order_by(NextStep.check_in.held_on, ascending=False).order_by(NextStep.position)
    return sorted(rows, key=lambda s: (s["done_at"] is not None, s["due_on"] is None, s["due_on"] or s["held_on"]))


async def mark_done(student: CurrentUser, step_id: int, done: bool) -> None:
    """The student marks one of their own next steps done (or not); anyone else's step is not found."""
    found = await NextStep.update({NextStep.done_at: clock.now() if done else None,
                                   NextStep.done_by: student.id if done else None}).where(
        (NextStep.id == step_id) & (NextStep.student == student.id)).returning(NextStep.id)
    if not found:
        raise NotFound("next step")
