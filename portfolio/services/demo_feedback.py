"""The demo's feedback: Riverside Health's lab tour answered by six students (so its summary shows, with some
comments shared, one withheld and one not read yet, and sent to its contact), Tri-County Builders' Senior Days
answered by two (so its summary says there are not enough answers yet), and Jordan, who came to Senior Days
too, asked on the dashboard."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from portfolio import clock
from portfolio.forms.feedback import CommentChoice, FeedbackForm
from portfolio.opportunity_tables import Attendance, Opportunity, OpportunityPartner, OpportunitySession
from portfolio.opportunity_vocabulary import (
    CheckInMethod,
    CommentDecision,
    CommentField,
    FeedbackAbout,
    OpportunityStatus,
)
from portfolio.partner_tables import PartnerContact, PartnerSchool
from portfolio.services.accounts import CurrentUser, create_user, load_user
from portfolio.services.emails import Emails
from portfolio.services.feedback import answers, links, review

# Students of the demo school who cannot sign in: they only answered.
CLASSMATES = [("Maya Johnson", "maya.johnson"), ("Luis Ortega", "luis.ortega"), ("Priya Shah", "priya.shah"),
              ("Noah Williams", "noah.williams"), ("Grace Kim", "grace.kim"), ("Eli Thompson", "eli.thompson")]
# rating, would recommend, what they learned, what the partner could change, staff's decisions (learned, change)
LAB_TOUR = [
    (5, True, "How a blood sample is tracked from the ER to the lab, and that lab techs need a two-year degree.",
     "", ("approved", None)),
    (4, True, "Phlebotomy is its own certification and the hospital pays for it.", "A longer stop in radiology.",
     ("approved", "approved")),
    (5, True, "The lab runs all night; there are shifts for every kind of schedule.", "", ("approved", None)),
    (3, False, "What a medical lab scientist does all day.", "It was hard to hear in the lab with the machines running.",
     (None, "approved")),
    (4, True, "Sterile technique: why gloves come off in a certain order.",
     "My mentor there, the one with the red glasses, kept checking his phone.", ("approved", "withheld")),
    (5, True, "Nurses and lab staff talk all the time; it is teamwork.", "Let us try the pipettes.", (None, None)),
]
SENIOR_DAYS = [
    (4, True, "Electricians and plumbers both need an apprenticeship; the union pays during it.", "More time per table."),
    (5, True, "A framing crew of four builds a house's walls in two days.", ""),
]


async def seed(emails: Emails, counselor: CurrentUser, jordan: CurrentUser, today: date) -> None:
    classmates = []
    for name, local in CLASSMATES:
        user_id = await create_user(f"{local}@demo.example", name, ["student"], school_id=counselor.school_id)
        classmates.append(await load_user(user_id))
    health = await _partner(counselor, "Riverside Health")
    builders = await _partner(counselor, "Tri-County Builders Association")
    tour = await _opportunity(counselor, health, "Riverside Health lab tour", "site_visit", today - timedelta(days=20))
    for student, (rating, recommend, learned, change, decisions) in zip(classmates, LAB_TOUR):
        feedback_id = await _answer(student, tour, rating, recommend, learned, change)
        for field, decision in zip(CommentField, decisions):
            if decision:
                await review.decide(counselor, feedback_id, CommentChoice(field, CommentDecision(decision)))
    await review.add_note(counselor, feedback_id, "Talked it through: wants a phlebotomy job shadow in the spring.")
    days = await _opportunity(counselor, builders, "Senior Days", "career_fair", today - timedelta(days=6))
    for student, (rating, recommend, learned, change) in zip(classmates[:2], SENIOR_DAYS):
        await _answer(student, days, rating, recommend, learned, change)
    await _attend(jordan, days)  # Jordan's dashboard asks how it was
    sam = await PartnerContact.select(PartnerContact.id).where(
        (PartnerContact.partner == health) & (PartnerContact.name == "Sam Okoro")).first()
    await links.send(emails, counselor, health, sam["id"])


async def _partner(counselor: CurrentUser, name: str) -> int:
    row = await PartnerSchool.select(PartnerSchool.id).where(
        (PartnerSchool.school == counselor.school_id) & (PartnerSchool.organization.name == name)).first()
    return row["id"]


async def _opportunity(counselor: CurrentUser, partner_id: int, title: str, kind: str, day: date) -> dict:
    starts = datetime.combine(day, time(9, 0), ZoneInfo("America/New_York"))
    now = clock.now()
    opportunity_id = (await Opportunity.insert(Opportunity(
        school=counselor.school_id, kind=kind, title=title, status=OpportunityStatus.CLOSED, created_by=counselor.id,
        created_at=now, updated_at=now)).returning(Opportunity.id))[0]["id"]
    await OpportunityPartner.insert(OpportunityPartner(opportunity=opportunity_id, partner=partner_id))
    session_id = (await OpportunitySession.insert(OpportunitySession(
        opportunity=opportunity_id, starts_at=starts, ends_at=starts + timedelta(hours=3))
    ).returning(OpportunitySession.id))[0]["id"]
    return {"id": opportunity_id, "session": session_id, "marked_by": counselor.id, "marked_at": starts}


async def _attend(student: CurrentUser, opportunity: dict) -> None:
    await Attendance.insert(Attendance(session=opportunity["session"], student=student.id, method=CheckInMethod.ROSTER,
                                       marked_by=opportunity["marked_by"], marked_at=opportunity["marked_at"]))


async def _answer(student: CurrentUser, opportunity: dict, rating: int, recommend: bool, learned: str,
                  change: str) -> int:
    await _attend(student, opportunity)
    await answers.save(student, FeedbackAbout.OPPORTUNITY, opportunity["id"], FeedbackForm(rating, learned, recommend, change))
    given = await answers.given(student)
    return next(row["id"] for row in given if row["item_id"] == opportunity["id"])
