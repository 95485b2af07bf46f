"""The demo's feedback: Riverside Health's lab tour answered by six students (so its summary shows, with some
comments shared, one withheld and one not read yet, and sent to its contact), Tri-County Builders' job site
visit answered by two (so its summary says there are not enough answers yet), and Jordan, who came to that visit
too, asked on the dashboard."""

from __future__ import annotations

from portfolio.forms.feedback import CommentChoice, FeedbackForm
from portfolio.opportunity_vocabulary import (
    CommentDecision,
    CommentField,
    FeedbackAbout,
)
from portfolio.partner_tables import PartnerContact, PartnerSchool
from portfolio.services import demo_attendance
from portfolio.services.accounts import CurrentUser, load_user
from portfolio.services.emails import Emails
from portfolio.services.feedback import answers, links, review

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
JOB_SITE = [
    (4, True, "Electricians and plumbers both need an apprenticeship; the union pays during it.", "More time per station."),
    (5, True, "A framing crew of four builds a house's walls in two days.", ""),
]


async def seed(emails: Emails, counselor: CurrentUser, classmates: list[int], visits: dict[str, int]) -> None:
    """The classmates came to the lab tour and the job site visit (demo_attendance marked them present): six
    answered for the tour, two for the visit. Jordan, who came to the visit too, has not answered yet."""
    students = [await load_user(user_id) for user_id in classmates]
    tour, job_site = visits[demo_attendance.LAB_TOUR], visits[demo_attendance.JOB_SITE]
    for student, (rating, recommend, learned, change, decisions) in zip(students, LAB_TOUR):
        feedback_id = await _answer(student, tour, rating, recommend, learned, change)
        for field, decision in zip(CommentField, decisions):
            if decision:
                await review.decide(counselor, feedback_id, CommentChoice(field, CommentDecision(decision)))
    await review.add_note(counselor, feedback_id, "Talked it through: wants a phlebotomy job shadow in the spring.")
    for student, (rating, recommend, learned, change) in zip(students[:2], JOB_SITE):
        await _answer(student, job_site, rating, recommend, learned, change)
    health = await PartnerSchool.select(PartnerSchool.id).where(
        (PartnerSchool.school == counselor.school_id) & (PartnerSchool.organization.name == "Riverside Health")).first()
    sam = await PartnerContact.select(PartnerContact.id).where(
        (PartnerContact.partner == health["id"]) & (PartnerContact.name == "Sam Okoro")).first()
    await links.send(emails, counselor, health["id"], sam["id"])


async def _answer(student: CurrentUser | None, opportunity_id: int, rating: int, recommend: bool, learned: str,
                  change: str) -> int:
    assert student is not None
    await answers.save(student, FeedbackAbout.OPPORTUNITY, opportunity_id, FeedbackForm(rating, learned, recommend, change))
    given = await answers.given(student)
    return next(row["id"] for row in given if row["item_id"] == opportunity_id)
