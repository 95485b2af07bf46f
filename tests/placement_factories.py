"""Placements for tests: a partner of the school with a supervisor, and a placement made as staff make one."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from portfolio import clock
from portfolio.forms.placements import parse_placement
from portfolio.opportunity_vocabulary import AgreementParty, PlacementLinkPurpose
from portfolio.partner_tables import PartnerContact, PartnerSchool
from portfolio.placement_tables import PlacementLink
from portfolio.services import experiences
from portfolio.services.placements import agreement, links, records, scope
from portfolio.tables import Organization
from tests.factories import as_entry, entry
from tests.mailbox import emails_for

SUPERVISOR_EMAIL = "pat.supervisor@acme.example"


async def partner_with_supervisor(school_id: int, name: str = "Acme Manufacturing",
                                  email: str = SUPERVISOR_EMAIL) -> tuple[int, int]:
    """(partner id, supervisor contact id) of an active partner of the school."""
    org = (await Organization.insert(Organization(name=name, kind="partner")).returning(Organization.id))[0]["id"]
    partner = (await PartnerSchool.insert(PartnerSchool(organization=org, school=school_id, status="active")).returning(
        PartnerSchool.id))[0]["id"]
    contact = (await PartnerContact.insert(PartnerContact(partner=partner, name="Pat Supervisor", title="Shop lead",
                                                          email=email)).returning(PartnerContact.id))[0]["id"]
    return partner, contact


def placement_fields(student_id: int, partner: int, supervisor: int, **overrides) -> dict[str, str]:
    today = date.today()
    values = {"student": str(student_id), "partner": str(partner), "supervisor": str(supervisor), "kind": "internship",
              "title": "Machining intern", "cluster": "", "starts_on": (today - timedelta(days=21)).isoformat(),
              "ends_on": (today + timedelta(days=60)).isoformat(), "schedule": "Tue and Thu, 1 to 5 pm", "paid": "paid",
              "learning_goals": "Read a blueprint; run a lathe safely."}
    return values | overrides


async def make_placement(settings, staff, student, **overrides) -> int:
    partner, supervisor = await partner_with_supervisor(staff.school_id)
    choices = await records.choices(staff)
    form = parse_placement(placement_fields(student.id, partner, supervisor, **overrides), choices, date.today())
    return await records.create(emails_for(settings), staff, form)


async def links_of(placement_id: int, purpose: str) -> list[dict]:
    return await PlacementLink.select().where((PlacementLink.placement == placement_id) & (PlacementLink.purpose == purpose)).order_by(
        PlacementLink.id)


async def activate(placement_id: int, student, staff) -> None:
    """Every party signs the current text (the student is an adult): the placement is under way."""
    found = await scope.by_id(placement_id)
    digest = found["agreement_hash"]
    await agreement.sign_in_person(placement_id, AgreementParty.STUDENT, digest, student.name, student.id, student.email, "")
    await agreement.sign_in_person(placement_id, AgreementParty.STAFF, digest, staff.name, staff.id, staff.email, "")
    (link,) = [row for row in await links_of(placement_id, PlacementLinkPurpose.SUPERVISOR_SIGNATURE) if links.usable(row)]
    await agreement.sign_by_link(link["id"], digest, "Pat Supervisor", "")


def last_week(school_timezone: str = "America/New_York") -> date:
    """The Monday of last week, where the school is."""
    today = clock.today_at(school_timezone)
    return today - timedelta(days=today.weekday() + 7)


async def log_at_placement(student, day: date, hours: str = "4", title: str = "Ran the lathe") -> int:
    saved = await experiences.create(student, await as_entry(student, entry(
        organization="Acme Manufacturing", date=day.isoformat(), hours=hours, title=title, kind="internship")), uuid.uuid4())
    return saved.entry["id"]
