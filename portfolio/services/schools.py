"""Schools, as administrators manage them: the list, adding one, renaming it, its time zone and the day its
school year starts (which decide what "today" and "this school year" mean for its people), and its
work-based-learning goal (the ring on its students' dashboards), and its accent colour (the header and
buttons its people see). A school's own staff change its identity (name, colour, logo) as well."""

from __future__ import annotations

import dataclasses
from typing import Any

from piccolo.query.functions.aggregate import Count
from piccolo.query.functions.string import Lower

from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.errors import FormErrors, NotFound
from portfolio.forms.people import CounselingSettings, PartnerSettings, SchoolForm, SchoolIdentity
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.tables import School, User
from portfolio.vocabulary import Role

_COLUMNS = (School.id, School.name, School.timezone, School.year_start_month, School.year_start_day, School.wbl_goal_hours,
            School.accent_colour, School.logo_version, School.cold_after_days,
            School.check_in_days)
TAKEN = "Another school already has this name."


async def listing() -> list[dict[str, Any]]:
    """Every school with how many accounts it has."""
    rows = await School.select(*_COLUMNS).order_by(School.name)
    counts = await User.select(User.school, Count().as_alias("n")).where(User.school.is_not_null()).group_by(User.school)
    people = {row["school"]: row["n"] for row in counts}
    for row in rows:
        row["people"] = people.get(row["id"], 0)
    return rows


async def get(school_id: int) -> dict[str, Any]:
    row = await School.select(*_COLUMNS).where(School.id == school_id).first()
    if row is None:
        raise NotFound(school_id)
    return row


def refuse_others(actor: CurrentUser, school_id: int, form: SchoolForm | SchoolIdentity | None = None) -> None:
    """NotFound unless the actor may make this change (form None: the logo): administrators change anything of
    any school; staff, the identity alone of the school they belong to. The routes give staff their own school;
    this holds even if one ever gave another."""
    own_identity = not isinstance(form, SchoolForm) and actor.has(Role.STAFF) and actor.school_id == school_id
    if not (actor.has(Role.ADMIN) or own_identity):
        raise NotFound(school_id)


async def _refuse_taken_name(form: SchoolForm | SchoolIdentity, school_id: int | None = None) -> None:
    query = School.exists().where(Lower(School.name) == form.name.lower())
    if school_id is not None:
        query = query.where(School.id != school_id)
    if await query:
        raise FormErrors({"name": TAKEN}, _values(form))


def _values(form: SchoolForm | SchoolIdentity) -> dict[str, Any]:
    return dataclasses.asdict(form)


async def add(actor: CurrentUser, form: SchoolForm, ip: str = "") -> int:
    async with write_transaction():
        await _refuse_taken_name(form)
        row = await School.insert(School(created_at=now(), **_values(form))).returning(School.id)
        school_id = row[0]["id"]
        await audit.record("school.created", actor_id=actor.id, subject=f"school:{school_id}", ip=ip)
    return school_id


async def update(actor: CurrentUser, school_id: int, form: SchoolForm | SchoolIdentity, ip: str = "") -> None:
    """Everything an administrator's form holds, or the identity alone (a school's staff, or an administrator)."""
    refuse_others(actor, school_id, form)
    values = _values(form)
    async with write_transaction():
        before = await get(school_id)
        await _refuse_taken_name(form, school_id)
        await School.update({getattr(School, key): value for key, value in values.items()}).where(School.id == school_id)
        changed = sorted(key for key, value in values.items() if before[key] != value)
        await audit.record("school.changed", actor_id=actor.id, subject=f"school:{school_id}", ip=ip, changed=changed)


async def accent(school_id: int) -> str:
    """The school's accent colour, "" when it has none (or there is no such school)."""
    row = await School.select(School.accent_colour).where(School.id == school_id).first()
    return row["accent_colour"] if row else ""


async def set_program_settings(actor: CurrentUser, school_id: int, form: PartnerSettings | CounselingSettings,
                               ip: str = "") -> None:
    """The school's own staff (or an administrator) set how their program judges itself: when partners count as
    going cold, when a student has gone too long without a check-in."""
    refuse_others(actor, school_id)
    changed = dataclasses.asdict(form)
    async with write_transaction():
        await School.update({getattr(School, name): value for name, value in changed.items()}).where(School.id == school_id)
        await audit.record("school.changed", actor_id=actor.id, subject=f"school:{school_id}", ip=ip,
                           changed=sorted(changed))
