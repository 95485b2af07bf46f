"""The employer's side: the students shared with their organization, the shortlist and private notes (the list
itself is candidates.py)."""

from __future__ import annotations

from typing import Any

from portfolio.services.accounts import CurrentUser
from portfolio.services.sharing.access import active_share
from portfolio.tables import (
    EmployerNote,
    Organization,
    Share,
    Shortlist,
)


async def shared_with(employer: CurrentUser) -> list[int]:
    """Students with an active share to the employer's organization."""
    if employer.organization_id is None:
        return []
    rows = await Share.select(Share.student).where((Share.organization == employer.organization_id) & active_share())
    return sorted({r["student"] for r in rows})


async def shortlist(employer: CurrentUser) -> set[int]:
    rows = await Shortlist.select(Shortlist.student).where(Shortlist.organization == employer.organization_id)
    return {r["student"] for r in rows}


async def set_shortlisted(employer: CurrentUser, student_id: int, on: bool) -> None:
    if on:
        if not await Shortlist.exists().where((Shortlist.organization == employer.organization_id) & (Shortlist.student == student_id)):
            await Shortlist.insert(Shortlist(organization=employer.organization_id, student=student_id, added_by=employer.id))
    else:
        await Shortlist.delete().where((Shortlist.organization == employer.organization_id) & (Shortlist.student == student_id))


async def notes(employer: CurrentUser, student_id: int) -> list[dict[str, Any]]:
    return await EmployerNote.select(
        EmployerNote.id, EmployerNote.text, EmployerNote.created_at, EmployerNote.author.name.as_alias("author_name")
    ).where((EmployerNote.organization == employer.organization_id) & (EmployerNote.student == student_id)).order_by(
        EmployerNote.id, ascending=False
    )


async def add_note(employer: CurrentUser, student_id: int, text: str) -> None:
    """A note (read by forms.employer.parse_note) only the employer's organization sees."""
    await EmployerNote.insert(EmployerNote(organization=employer.organization_id, student=student_id, author=employer.id, text=text))


async def organization_name(organization_id: int | None) -> str:
    if organization_id is None:
        return ""
    row = await Organization.select(Organization.name).where(Organization.id == organization_id).first()
    return row["name"] if row else ""
