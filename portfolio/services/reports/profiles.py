"""Report profiles as data an admin keeps: the list (everyone who reports reads it), adding, editing and retiring
one. A retired profile stays, so a report made with it can be made again."""

from __future__ import annotations

from typing import Any

from portfolio import clock
from portfolio.db import write_transaction
from portfolio.errors import NotFound
from portfolio.forms.report_profiles import ProfileForm
from portfolio.report_tables import ReportProfile
from portfolio.services.accounts import CurrentUser
from portfolio.vocabulary import Role


async def listing(active_only: bool = False) -> list[dict[str, Any]]:
    query = ReportProfile.select().order_by(ReportProfile.active, ascending=False).order_by(
        ReportProfile.position, ReportProfile.id)
    if active_only:
        query = query.where(ReportProfile.active == True)  # noqa: E712
    return await query


async def get(profile_id: int) -> dict[str, Any]:
    found = await ReportProfile.select().where(ReportProfile.id == profile_id).first()
    if found is None:
        raise NotFound("profile")
    return found


def _admin(user: CurrentUser) -> None:
    # Profiles are the district's: a school's staff read them and never change them.
    if not user.has(Role.ADMIN):
        raise NotFound("profile")


def _columns(form: ProfileForm) -> dict[Any, Any]:
    return {ReportProfile.name: form.name, ReportProfile.state: form.state, ReportProfile.source: form.source,
            ReportProfile.school_year: form.school_year, ReportProfile.kinds: list(form.kinds),
            ReportProfile.min_hours: form.min_hours, ReportProfile.verified_only: form.verified_only,
            ReportProfile.grades: list(form.grades), ReportProfile.accumulation: form.accumulation,
            ReportProfile.one_experience_min_hours: form.one_experience_min_hours,
            ReportProfile.credit_hours: form.credit_hours, ReportProfile.denominator: form.denominator}


async def create(user: CurrentUser, form: ProfileForm) -> int:
    _admin(user)
    moment = clock.now()
    async with write_transaction():
        last = await ReportProfile.select(ReportProfile.position).order_by(ReportProfile.position, ascending=False).first()
        row = ReportProfile(position=(last["position"] if last else 0) + 1, created_at=moment, updated_at=moment)
        for column, value in _columns(form).items():
            setattr(row, column._meta.name, value)
        saved = await ReportProfile.insert(row).returning(ReportProfile.id)
    return saved[0]["id"]


async def update(user: CurrentUser, profile_id: int, form: ProfileForm) -> None:
    _admin(user)
    async with write_transaction():
        await get(profile_id)
        await ReportProfile.update({**_columns(form), ReportProfile.updated_at: clock.now()}).where(
            ReportProfile.id == profile_id)


async def retire(user: CurrentUser, profile_id: int, retired: bool = True) -> None:
    _admin(user)
    async with write_transaction():
        await get(profile_id)
        await ReportProfile.update({ReportProfile.active: not retired, ReportProfile.updated_at: clock.now()}).where(
            ReportProfile.id == profile_id)
