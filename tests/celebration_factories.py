"""Celebrations' test data: verified entries made through the services (a student logs, a mentor verifies), a
signing-day commitment recorded by staff, and publication consents as students and staff give them."""

from __future__ import annotations

from datetime import date

from portfolio.celebration_vocabulary import CommitmentKind
from portfolio.forms.celebrations import CommitmentForm
from portfolio.forms.verification import DecisionForm
from portfolio.services import signoff
from portfolio.services.celebrations import publication, signing
from portfolio.vocabulary import Decision
from tests.factories import mentor_for, new_entry, queue_ids
from tests.mailbox import emails_for


async def verified(make_user, settings, student, *entries: tuple[str, str, str]) -> list[int]:
    """Entries of `student` (date, kind, hours), each verified by a mentor of their school; their ids."""
    ids = [await new_entry(student, title=f"{kind} on {day}", date=day, kind=kind, hours=hours)
           for day, kind, hours in entries]
    emails = emails_for(settings)
    mentor = await mentor_for(make_user, student)
    await signoff.ask_mentor(emails, student, ids, mentor.id)
    items = await queue_ids(mentor)
    await signoff.decide_as_mentor(emails, mentor, [items[i] for i in ids], DecisionForm(Decision.VERIFIED, ""))
    return ids


async def commitment(staff, student, organization: str = "Acme Manufacturing", signed_on: date | None = None,
                     kind: CommitmentKind = CommitmentKind.EMPLOYER, detail: str = "Welder apprentice") -> int:
    return await signing.record(staff, student.id, CommitmentForm(kind, organization, detail,
                                                                  signed_on or date.today()))


async def publishable(staff, student, guardian: str | None = "Pat Parent") -> None:
    """The student opts in and, when `guardian` names one, staff record the guardian's agreement."""
    await publication.opt_in(student)
    if guardian:
        await publication.record_guardian(staff, student.id, guardian)
