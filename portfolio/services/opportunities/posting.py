"""Staff post and change opportunities and their sessions. A change a student's calendar must take (a session
moved, added or cancelled, the opportunity cancelled) raises the opportunity's sequence and e-mails every
confirmed student the calendar file that carries it, in the same transaction."""

from __future__ import annotations

from typing import Any

from portfolio import clock, db
from portfolio.errors import NotEditable, NotFound
from portfolio.forms.opportunities import OpportunityChoices, OpportunityForm, SessionTimes, deadline_value
from portfolio.opportunity_tables import (
    Opportunity,
    OpportunityCluster,
    OpportunityPartner,
    OpportunityProgram,
    OpportunitySession,
    SignUp,
)
from portfolio.opportunity_vocabulary import OpportunityStatus, SignUpStatus
from portfolio.partner_tables import PartnerSchool
from portfolio.program_tables import Program
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.opportunities import calendar, seats
from portfolio.services.opportunities.scope import opportunity, session
from portfolio.services.partners.scope import sees_every_school
from portfolio.tables import CareerCluster, School


async def choices(user: CurrentUser, school_id: int) -> OpportunityChoices:
    """The school's partners (not ended), the active clusters and the school's programs."""
    partners = await PartnerSchool.select(PartnerSchool.id, PartnerSchool.organization.name.as_alias("name")).where(
        (PartnerSchool.school == school_id)).order_by(PartnerSchool.organization.name)
    clusters = await CareerCluster.select(CareerCluster.id, CareerCluster.name).where(
        CareerCluster.active == True  # noqa: E712
    ).order_by(CareerCluster.position)
    programs = await Program.select(Program.id, Program.name).where(Program.school == school_id).order_by(Program.name)
    return OpportunityChoices({p["id"]: p["name"] for p in partners}, {c["id"]: c["name"] for c in clusters},
                              {p["id"]: p["name"] for p in programs})


async def school_for_new(user: CurrentUser, wanted: int | None) -> dict[str, Any] | None:
    """The school a new opportunity is for: the staff member's own; an admin's choice (None until chosen)."""
    school_id = wanted if sees_every_school(user) and wanted else user.school_id
    if school_id is None:
        return None
    row = await School.select(School.id, School.name, School.timezone).where(School.id == school_id).first()
    if row is None:
        raise NotFound("school")
    return row


async def schools(user: CurrentUser) -> list[dict[str, Any]]:
    return await School.select(School.id, School.name).order_by(School.name) if sees_every_school(user) else []


async def _links(opportunity_id: int, form: OpportunityForm) -> None:
    """The partners (with stations), clusters and programs as the form has them."""
    for table in (OpportunityPartner, OpportunityCluster, OpportunityProgram):
        await table.delete().where(table.opportunity == opportunity_id)
    if form.partners:
        await OpportunityPartner.insert(*[OpportunityPartner(opportunity=opportunity_id, partner=p, station=s)
                                          for p, s in form.partners.items()])
    if form.clusters:
        await OpportunityCluster.insert(*[OpportunityCluster(opportunity=opportunity_id, cluster=c) for c in form.clusters])
    if form.programs:
        await OpportunityProgram.insert(*[OpportunityProgram(opportunity=opportunity_id, program=p) for p in form.programs])


def _columns(form: OpportunityForm) -> dict[Any, Any]:
    return {
        Opportunity.kind: form.kind, Opportunity.title: form.title, Opportunity.description: form.description,
        Opportunity.place: form.place, Opportunity.status: form.status, Opportunity.enrolment: form.enrolment,
        Opportunity.capacity: form.capacity, Opportunity.signup_deadline: form.signup_deadline,
        Opportunity.grades: list(form.grades), Opportunity.minimum_age: form.minimum_age,
        Opportunity.required_forms: [str(f) for f in form.required_forms],
    }


async def create(user: CurrentUser, school_id: int, form: OpportunityForm) -> int:
    moment = clock.now()
    async with db.write_transaction():
        row = await Opportunity.insert(Opportunity(school=school_id, created_by=user.id, created_at=moment,
                                                   updated_at=moment)).returning(Opportunity.id)
        opportunity_id = row[0]["id"]
        await Opportunity.update(_columns(form)).where(Opportunity.id == opportunity_id)
        await _links(opportunity_id, form)
        await OpportunitySession.insert(*[OpportunitySession(opportunity=opportunity_id, starts_at=s.starts_at,
                                                             ends_at=s.ends_at) for s in form.sessions])
    return opportunity_id


async def update(emails: Emails, user: CurrentUser, opportunity_id: int, form: OpportunityForm) -> None:
    """Saves the form; more seats (or no limit) go to the waitlist at once, and a new title or place reaches the
    confirmed students' calendars."""
    await opportunity(user, opportunity_id)
    async with db.write_transaction():
        before = await seats.locked(opportunity_id)
        if before["status"] == OpportunityStatus.CANCELLED:
            raise NotEditable("A cancelled opportunity cannot change.")
        calendar_changed = (before["title"], before["place"]) != (form.title, form.place)
        await Opportunity.update(_columns(form) | {Opportunity.updated_at: clock.now()}).where(Opportunity.id == opportunity_id)
        await _links(opportunity_id, form)
        await seats.fill_free_seats(emails, opportunity_id)
        if calendar_changed:
            await tell_confirmed(emails, opportunity_id, "changed")


def as_form(found: dict[str, Any], links: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": found["kind"], "title": found["title"], "description": found["description"], "place": found["place"],
        "status": found["status"], "enrolment": found["enrolment"], "capacity": str(found["capacity"] or ""),
        "signup_deadline": deadline_value(found["signup_deadline"], found["timezone"]),
        "grades": [str(g) for g in found["grades"]], "minimum_age": str(found["minimum_age"] or ""),
        "required_forms": list(found["required_forms"]), "partners": [str(p["partner"]) for p in links["partners"]],
        "stations": {str(p["partner"]): p["station"] for p in links["partners"]},
        "clusters": [str(c) for c in links["clusters"]], "programs": [str(p) for p in links["programs"]],
    }


async def links(opportunity_id: int) -> dict[str, Any]:
    partners = await OpportunityPartner.select(
        OpportunityPartner.partner, OpportunityPartner.station,
        OpportunityPartner.partner.organization.name.as_alias("name"),
    ).where(OpportunityPartner.opportunity == opportunity_id).order_by(OpportunityPartner.id)
    clusters = await OpportunityCluster.select(OpportunityCluster.cluster, OpportunityCluster.cluster.name.as_alias("name")).where(
        OpportunityCluster.opportunity == opportunity_id).order_by(OpportunityCluster.cluster.position)
    programs = await OpportunityProgram.select(OpportunityProgram.program, OpportunityProgram.program.name.as_alias("name")).where(
        OpportunityProgram.opportunity == opportunity_id).order_by(OpportunityProgram.program.name)
    return {"partners": partners, "clusters": [c["cluster"] for c in clusters], "cluster_names": [c["name"] for c in clusters],
            "programs": [p["program"] for p in programs], "program_names": [p["name"] for p in programs]}


# --- sessions ---------------------------------------------------------------------------------------

async def _bump(opportunity_id: int) -> None:
    await Opportunity.update({Opportunity.sequence: Opportunity.sequence + 1, Opportunity.updated_at: clock.now()}).where(
        Opportunity.id == opportunity_id)


async def tell_confirmed(emails: Emails, opportunity_id: int, change: str, only: list[int] | None = None) -> None:
    """Raise the sequence and send the confirmed students the calendar file of the change: all the sessions
    (METHOD:PUBLISH), or a CANCEL of the sessions in `only` or, for a cancelled opportunity, of all of them."""
    await _bump(opportunity_id)
    found = await seats.details(opportunity_id)
    sessions = [s for s in found["sessions"] if only is None or s["id"] in only]
    method = calendar.CANCEL if change in ("cancelled", "session_cancelled") else calendar.PUBLISH
    if change == "changed":
        sessions = [s for s in sessions if not s["cancelled"]]
    ics = calendar.ics(found, sessions, emails.domain, method)
    # A cancelled opportunity is news to those waiting too; a changed one only to those with a seat.
    told = [SignUpStatus.CONFIRMED] + ([SignUpStatus.WAITLISTED] if change == "cancelled" else [])
    students = await SignUp.select(SignUp.student.email.as_alias("email"), SignUp.student.name.as_alias("name")).where(
        (SignUp.opportunity == opportunity_id) & SignUp.status.is_in(told))
    for student in students:
        await emails.opportunity_change(to=student["email"], name=student["name"], change=change, opportunity=found,
                                        sessions=sessions, calendar=calendar.attachment(ics, method),
                                        school_id=found["school"])


async def add_session(emails: Emails, user: CurrentUser, opportunity_id: int, times: SessionTimes) -> int:
    async with db.write_transaction():
        found = await opportunity(user, opportunity_id)
        if found["status"] == OpportunityStatus.CANCELLED:
            raise NotEditable("A cancelled opportunity cannot change.")
        row = await OpportunitySession.insert(OpportunitySession(
            opportunity=opportunity_id, starts_at=times.starts_at, ends_at=times.ends_at)).returning(OpportunitySession.id)
        await tell_confirmed(emails, opportunity_id, "changed")
    return row[0]["id"]


async def change_session(emails: Emails, user: CurrentUser, opportunity_id: int, session_id: int, times: SessionTimes) -> None:
    async with db.write_transaction():
        found = await session(user, opportunity_id, session_id)
        if found["cancelled_at"] is not None:
            raise NotEditable("A cancelled session cannot change.")
        if (found["starts_at"], found["ends_at"]) == (times.starts_at, times.ends_at):
            return
        # A moved session is reminded again the day before its new date.
        await OpportunitySession.update({OpportunitySession.starts_at: times.starts_at, OpportunitySession.ends_at: times.ends_at,
                                         OpportunitySession.reminded_at: None}).where(OpportunitySession.id == session_id)
        await tell_confirmed(emails, opportunity_id, "changed")


async def cancel_session(emails: Emails, user: CurrentUser, opportunity_id: int, session_id: int) -> None:
    async with db.write_transaction():
        cancelled = await OpportunitySession.update({OpportunitySession.cancelled_at: clock.now()}).where(
            (OpportunitySession.id == (await session(user, opportunity_id, session_id))["id"])
            & OpportunitySession.cancelled_at.is_null()).returning(OpportunitySession.id)
        if cancelled:
            await tell_confirmed(emails, opportunity_id, "session_cancelled", only=[session_id])


async def cancel(emails: Emails, user: CurrentUser, opportunity_id: int) -> None:
    """The whole opportunity: every session's event is taken out of the confirmed students' calendars."""
    async with db.write_transaction():
        found = await opportunity(user, opportunity_id)
        if found["status"] == OpportunityStatus.CANCELLED:
            return
        await Opportunity.update({Opportunity.status: OpportunityStatus.CANCELLED}).where(Opportunity.id == opportunity_id)
        await tell_confirmed(emails, opportunity_id, "cancelled")
