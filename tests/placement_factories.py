"""Placements for tests: a partner of the school with a supervisor, and a placement made as staff make one."""

from __future__ import annotations

from datetime import date, timedelta

from portfolio.forms.placements import parse_placement
from portfolio.partner_tables import PartnerContact, PartnerSchool
from portfolio.placement_tables import PlacementLink
from portfolio.services.placements import records
from portfolio.tables import Organization
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
