"""Placements as staff make and list them, and as a student sees theirs."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from portfolio import clock
from portfolio.db import write_transaction
from portfolio.errors import NotEditable, NotFound
from portfolio.forms.placements import PlacementChoices, PlacementForm
from portfolio.opportunity_vocabulary import PlacementLinkPurpose, PlacementStatus
from portfolio.partner_tables import PartnerContact, PartnerSchool
from portfolio.placement_tables import Placement, TimesheetWeek
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.placements import agreement, links
from portfolio.services.placements.scope import COLUMNS, placement, visible
from portfolio.tables import CareerCluster, School, User
from portfolio.vocabulary import Role


async def choices(user: CurrentUser, school_id: int | None = None) -> PlacementChoices:
    """The school's (the staff member's, or `school_id`'s for an admin editing one) students, partners, their
    active contacts with an e-mail, and the clusters."""
    school = school_id if school_id is not None else user.school_id
    if school is None:
        raise NotFound("school")
    students = await User.select(User.id, User.name).where(
        (User.school == school) & User.roles.any(Role.STUDENT) & (User.active == True)).order_by(User.name)  # noqa: E712
    partners = await PartnerSchool.select(PartnerSchool.id, PartnerSchool.organization.name.as_alias("name")).where(
        PartnerSchool.school == school).order_by(PartnerSchool.organization.name)
    contacts = await PartnerContact.select(PartnerContact.id, PartnerContact.name, PartnerContact.partner,
                                           PartnerContact.partner.organization.name.as_alias("partner_name")).where(
        (PartnerContact.partner.school == school) & (PartnerContact.active == True) & (PartnerContact.email != "")  # noqa: E712
    ).order_by(PartnerContact.name)
    clusters = await CareerCluster.select(CareerCluster.id, CareerCluster.name).where(
        CareerCluster.active == True).order_by(CareerCluster.position)  # noqa: E712
    return PlacementChoices(
        {r["id"]: r["name"] for r in students}, {r["id"]: r["name"] for r in partners},
        {r["id"]: (f"{r['name']} ({r['partner_name']})", r["partner"]) for r in contacts},
        {r["id"]: r["name"] for r in clusters})


async def school_for_new(user: CurrentUser, asked: int | None) -> tuple[int | None, dict[int, str]]:
    """The school a new placement is for: the staff member's own; for an admin, the one asked for, if it is a
    school (else None, with the schools to choose among)."""
    if user.school_id is not None:
        return user.school_id, {}
    schools = {s["id"]: s["name"] for s in await School.select(School.id, School.name).order_by(School.name)}
    return (asked if asked in schools else None), schools


def _facts(form: PlacementForm) -> dict[Any, Any]:
    return {Placement.student: form.student, Placement.partner: form.partner, Placement.supervisor: form.supervisor,
            Placement.kind: form.kind, Placement.title: form.title, Placement.cluster: form.cluster,
            Placement.starts_on: form.starts_on, Placement.ends_on: form.ends_on, Placement.schedule: form.schedule,
            Placement.paid: form.paid, Placement.learning_goals: form.learning_goals}


async def create(emails: Emails, user: CurrentUser, form: PlacementForm, school_id: int | None = None) -> int:
    school = school_id if school_id is not None else user.school_id
    moment = clock.now()
    async with write_transaction():
        facts = {column._meta.name: value for column, value in _facts(form).items()}
        row = await Placement.insert(Placement(school=school, created_by=user.id, created_at=moment, updated_at=moment,
                                               status=PlacementStatus.AWAITING_SIGNATURES, **facts)).returning(Placement.id)
        placement_id = row[0]["id"]
        await agreement.refresh(emails, placement_id)
    return placement_id


async def update(emails: Emails, user: CurrentUser, placement_id: int, form: PlacementForm) -> None:
    """New facts make a new agreement text: the signatures over the old one are voided and asked again."""
    async with write_transaction():
        await placement(user, placement_id)
        await Placement.update(_facts(form) | {Placement.updated_at: clock.now()}).where(Placement.id == placement_id)
        await agreement.refresh(emails, placement_id)


async def cancel(user: CurrentUser, placement_id: int, ip: str = "") -> None:
    """The placement will not happen, or stops: it is cancelled, every e-mailed link not yet used stops working
    (a signature, a week's hours, the evaluation), and no weekly e-mail goes out for it again. What the student
    logged stays theirs. An ended or cancelled one cannot be cancelled."""
    async with write_transaction():
        found = await placement(user, placement_id)
        if found["status"] in (PlacementStatus.ENDED, PlacementStatus.CANCELLED):
            raise NotEditable("This placement has already ended.", title="Already over")
        await Placement.update({Placement.status: PlacementStatus.CANCELLED, Placement.updated_at: clock.now()}).where(
            Placement.id == placement_id)
        await links.revoke(placement_id, tuple(PlacementLinkPurpose))
        await audit.record("placement.cancelled", actor_id=user.id, subject=f"placement:{placement_id}", ip=ip)


def as_form(found: dict[str, Any]) -> dict[str, str]:
    return {"student": str(found["student"]), "partner": str(found["partner"]), "supervisor": str(found["supervisor"] or ""),
            "kind": found["kind"], "title": found["title"], "cluster": str(found["cluster"] or ""),
            "starts_on": found["starts_on"].isoformat(), "ends_on": found["ends_on"].isoformat(),
            "schedule": found["schedule"], "paid": "paid" if found["paid"] else "unpaid",
            "learning_goals": found["learning_goals"]}


async def waiting_weeks(placement_ids: list[int]) -> dict[int, list[date]]:
    """The weeks e-mailed to each placement's supervisor and not yet confirmed, by placement (one query)."""
    rows = await TimesheetWeek.select(TimesheetWeek.placement, TimesheetWeek.week_start).where(
        TimesheetWeek.placement.is_in(placement_ids or [0]) & TimesheetWeek.done_at.is_null()).order_by(TimesheetWeek.week_start)
    found: dict[int, list[date]] = {}
    for row in rows:
        found.setdefault(row["placement"], []).append(row["week_start"])
    return found


async def listing(user: CurrentUser) -> dict[str, list[dict[str, Any]]]:
    """The placements the person may open, in three groups: awaiting signatures, under way (with the weeks
    waiting for the supervisor), ended and cancelled. The same two queries for 1 or 1,000 placements."""
    rows = await Placement.select(*COLUMNS).where(visible(user)).order_by(Placement.starts_on, ascending=False).order_by(Placement.id)
    waiting = await waiting_weeks([r["id"] for r in rows])
    groups: dict[str, list[dict[str, Any]]] = {"awaiting": [], "active": [], "ended": [], "cancelled": []}
    for row in rows:
        row["waiting_weeks"] = waiting.get(row["id"], [])
        key = {PlacementStatus.AWAITING_SIGNATURES: "awaiting", PlacementStatus.ACTIVE: "active",
               PlacementStatus.CANCELLED: "cancelled"}.get(row["status"], "ended")
        groups[key].append(row)
    return groups


def week_of(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


# Built once (the dashboard asks every visit): piccolo copies every column of each table joined through for every
# `Placement.partner.organization.<column>` read.
_DASHBOARD_COLUMNS = (Placement.id, Placement.title, Placement.status,
                      Placement.partner.organization.name.as_alias("partner_name"))


async def for_dashboard(student: CurrentUser) -> list[dict[str, Any]]:
    """The student's placements waiting for signatures or under way, for their dashboard's card (one query)."""
    return await Placement.select(*_DASHBOARD_COLUMNS).where(
        (Placement.student == student.id)
        & Placement.status.is_in([PlacementStatus.AWAITING_SIGNATURES, PlacementStatus.ACTIVE])).order_by(Placement.starts_on)
