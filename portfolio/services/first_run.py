"""A new student's first steps, shown on their dashboard as a "Get started" card: say who they are (a
headline or career interests), log a first entry, install the app. Each step's state comes from their
data; the install step is also done when the app runs installed, which only the page itself can tell (a
`display-mode: standalone` media query), or when the student set it aside. The card goes once every
step is done or the student hides it."""

from __future__ import annotations

from dataclasses import dataclass

from portfolio import clock
from portfolio.services.accounts import CurrentUser
from portfolio.tables import StudentProfile
from portfolio.vocabulary import FirstRunPart


@dataclass(frozen=True)
class Steps:
    profile: bool
    entry: bool
    install_skipped: bool

    @property
    def all_done(self) -> bool:
        return self.profile and self.entry and self.install_skipped


async def steps(student: CurrentUser, entry_count: int) -> Steps | None:
    """The card's steps, or None when the card is gone. One query: the entry count comes with the dashboard."""
    row = await StudentProfile.select(
        StudentProfile.headline, StudentProfile.interests, StudentProfile.onboarded_at, StudentProfile.install_skipped_at
    ).where(StudentProfile.student == student.id).first()
    row = row or {"headline": "", "interests": [], "onboarded_at": None, "install_skipped_at": None}
    if row["onboarded_at"] is not None:
        return None
    found = Steps(
        profile=bool((row["headline"] or "").strip() or row["interests"]),
        entry=entry_count > 0,
        install_skipped=row["install_skipped_at"] is not None,
    )
    return None if found.all_done else found


async def hide(student: CurrentUser, what: FirstRunPart) -> None:
    """Record that the student hid the card (or its install step); hiding again keeps the first time."""
    column = StudentProfile.onboarded_at if what == FirstRunPart.CARD else StudentProfile.install_skipped_at
    moment = clock.now()
    if await StudentProfile.exists().where(StudentProfile.student == student.id):
        await StudentProfile.update({column: moment}).where(
            (StudentProfile.student == student.id) & column.is_null()
        )
    else:
        await StudentProfile.insert(StudentProfile(student=student.id, updated_at=moment, **{column._meta.name: moment}))
