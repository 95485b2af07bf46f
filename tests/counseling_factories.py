"""Counseling rows for tests, written as the app keeps them: caseloads, check-ins with next steps, plans."""

from __future__ import annotations

from datetime import date, datetime, timezone

from portfolio.counseling_tables import CaseloadAssignment, CheckIn, NextStep


async def on_caseload(counselor, student) -> int:
    row = await CaseloadAssignment.insert(CaseloadAssignment(
        counselor=counselor.id, student=student.id, created_at=datetime.now(timezone.utc))).returning(CaseloadAssignment.id)
    return row[0]["id"]


async def check_in(student, counselor, held_on: date | None = None, notes: str = "Private guard note",
                   steps: tuple[str, ...] = (), kind: str = "career_conversation") -> tuple[int, list[int]]:
    """A check-in with the student (recorded by `counselor`, a user or None) and its next steps, owned by the student."""
    moment = datetime.now(timezone.utc)
    made = await CheckIn.insert(CheckIn(
        school=student.school_id, student=student.id, counselor=counselor.id if counselor else None,
        held_on=held_on or date.today(), kind=kind, participants=["student", "counselor"], notes=notes,
        created_at=moment, updated_at=moment)).returning(CheckIn.id)
    check_in_id = made[0]["id"]
    step_ids = []
    for position, what in enumerate(steps):
        row = await NextStep.insert(NextStep(check_in=check_in_id, student=student.id, what=what, owner="student",
                                             position=position)).returning(NextStep.id)
        step_ids.append(row[0]["id"])
    return check_in_id, step_ids
