"""A school's programs of study and the students in them."""

from __future__ import annotations

from datetime import date
from typing import Any

from portfolio import clock, db
from portfolio.errors import NotFound
from portfolio.forms.programs import ProgramChoices, ProgramForm
from portfolio.program_tables import Program, ProgramStudent
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners import records as partners
from portfolio.services.programs import cadence
from portfolio.services.programs.scope import program, visible
from portfolio.tables import User
from portfolio.vocabulary import Role


async def choices(user: CurrentUser, school_id: int | None = None) -> ProgramChoices:
    """Clusters, the staff (of the person's school, or of `school_id`) and, for an admin, the schools."""
    found = await partners.choices(user, school_id)
    return ProgramChoices(found.clusters, found.owners, found.schools)


async def listing(user: CurrentUser, today: date) -> list[dict[str, Any]]:
    """The programs the person may open, with how many students, the last meeting and whether it is overdue;
    the same few queries for 1 or 100 programs."""
    rows = await Program.select(
        Program.id, Program.name, Program.school.name.as_alias("school_name"),
        Program.cluster.name.as_alias("cluster_name"),
    ).where(visible(user)).order_by(Program.school.name).order_by(Program.name).order_by(Program.id)
    ids = [r["id"] for r in rows]
    enrolled = await ProgramStudent.select(ProgramStudent.program).where(
        ProgramStudent.program.is_in(ids or [0]) & ProgramStudent.ended_on.is_null())
    last = await cadence.last_meetings(ids, today)
    for row in rows:
        row["students"] = sum(1 for e in enrolled if e["program"] == row["id"])
        row["last_meeting"] = last.get(row["id"])
        row["overdue"] = cadence.overdue(row["last_meeting"], today)
    return rows


async def create(user: CurrentUser, form: ProgramForm) -> int:
    school_id = form.school_id if form.school_id is not None else user.school_id
    if school_id is None:
        raise NotFound("school")
    now = clock.now()
    row = await Program.insert(Program(school=school_id, name=form.name, cluster=form.cluster, created_at=now,
                                       updated_at=now)).returning(Program.id)
    return row[0]["id"]


async def update(user: CurrentUser, program_id: int, form: ProgramForm) -> None:
    await program(user, program_id)
    await Program.update({Program.name: form.name, Program.cluster: form.cluster, Program.updated_at: clock.now()}).where(
        Program.id == program_id)


def as_form(found: dict[str, Any]) -> dict[str, Any]:
    return {"name": found["name"], "cluster": str(found["cluster"] or "")}


async def students(program_id: int) -> list[dict[str, Any]]:
    """The students in the program now, by name."""
    return await ProgramStudent.select(
        ProgramStudent.student.as_alias("id"), ProgramStudent.student.name.as_alias("name"), ProgramStudent.started_on,
    ).where((ProgramStudent.program == program_id) & ProgramStudent.ended_on.is_null()).order_by(
        ProgramStudent.student.name)


async def student_choices(school_id: int, program_id: int) -> dict[int, str]:
    """The school's active students who are not in the program now."""
    inside = ProgramStudent.select(ProgramStudent.student).where(
        (ProgramStudent.program == program_id) & ProgramStudent.ended_on.is_null())
    rows = await User.select(User.id, User.name).where(
        (User.school == school_id) & User.roles.any(Role.STUDENT) & (User.active == True)  # noqa: E712
        & User.id.not_in(inside)).order_by(User.name)
    return {r["id"]: r["name"] for r in rows}


async def add_student(user: CurrentUser, program_id: int, student_id: int, today: date) -> None:
    """Into the program from today; one taken out earlier comes back with a new start date."""
    await program(user, program_id)
    async with db.write_transaction():
        where = (ProgramStudent.program == program_id) & (ProgramStudent.student == student_id)
        if await ProgramStudent.exists().where(where):
            await ProgramStudent.update({ProgramStudent.started_on: today, ProgramStudent.ended_on: None}).where(where)
        else:
            await ProgramStudent.insert(ProgramStudent(program=program_id, student=student_id, started_on=today))


async def remove_student(user: CurrentUser, program_id: int, student_id: int, today: date) -> None:
    """Out of the program as of today; the dates stay."""
    await program(user, program_id)
    where = (ProgramStudent.program == program_id) & (ProgramStudent.student == student_id) & ProgramStudent.ended_on.is_null()
    if not await ProgramStudent.exists().where(where):
        raise NotFound("student")
    await ProgramStudent.update({ProgramStudent.ended_on: today}).where(where)
