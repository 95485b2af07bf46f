"""Writing a confirmed roster plan, inside the caller's one write transaction: new accounts, their profiles
and enrollments in batches; changed accounts one statement each; alumni in batches; staff who left through
the people service's deactivation (their partners wait for an owner); imported guardians as addresses the
school confirmed; and, when chosen, the invitations of the new accounts through the outbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from portfolio import clock
from portfolio.roster_tables import Enrollment
from portfolio.services import people
from portfolio.services.accounts import CurrentUser, send_invitation
from portfolio.services.emails import Emails
from portfolio.services.roster.planning import Action, Plan
from portfolio.tables import GuardianConsent, StudentProfile, User
from portfolio.vocabulary import ConsentMethod, Role

# Rows a statement inserts or names (SQLite caps the values one statement takes).
BATCH = 300
PROFILE = ("grade", "birth_date")


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start:start + BATCH]


def _enrollment(student_id: int, action: Action, today: date) -> Enrollment:
    return Enrollment(student=student_id, school=action.school_id, began_on=action.get("began_on") or today,
                      source_id=action.get("sourced_id") or action.get("source", ""))


async def _create(actions: list[Action], today: date) -> dict[str, int]:
    """The new accounts, with their students' profiles and enrollments; their ids by sourcedId."""
    ids: dict[str, int] = {}
    for batch in _batches(actions):
        rows = await User.insert(*[User(email=a.get("email"), name=a.get("name"), roles=list(a.get("roles")),
                                        school=a.school_id, sourced_id=a.get("sourced_id")) for a in batch]
                                 ).returning(User.id, User.sourced_id)
        ids |= {r["sourced_id"]: r["id"] for r in rows}
    students = [a for a in actions if Role.STUDENT in a.get("roles")]
    for batch in _batches(students):
        await StudentProfile.insert(*[StudentProfile(student=ids[a.get("sourced_id")], grade=a.get("grade"),
                                                     birth_date=a.get("birth_date"), skills=[], interests=[])
                                      for a in batch])
        await Enrollment.insert(*[_enrollment(ids[a.get("sourced_id")], a, today) for a in batch])
    return ids


async def _update(action: Action, today: date) -> None:
    changes = dict(action.values)
    columns = {getattr(User, key): value for key, value in changes.items()
               if key in ("name", "email", "sourced_id", "school", "active", "alumni_since")}
    if "roles" in changes:
        columns[User.roles] = list(changes["roles"])
    if columns:
        await User.update(columns).where(User.id == action.user_id)
    profile = {getattr(StudentProfile, key): changes[key] for key in PROFILE if key in changes}
    if profile and not await StudentProfile.update(profile).where(
            StudentProfile.student == action.user_id).returning(StudentProfile.id):
        await StudentProfile.insert(StudentProfile(student=action.user_id, skills=[], interests=[],
                                                   **{key: changes[key] for key in PROFILE if key in changes}))
    if "school" in changes or "alumni_since" in changes:
        # A move, or a return: the time at the school before ends, a new one begins. A student added by hand
        # before the school imported rosters has no enrollment yet: theirs began when their account did.
        if changes.get("left") and not await Enrollment.exists().where(Enrollment.student == action.user_id):
            joined = await User.select(User.created_at).where(User.id == action.user_id).first()
            await Enrollment.insert(Enrollment(student=action.user_id, school=changes["left"], ended_on=today,
                                               began_on=joined["created_at"].date() if joined else today))
        await Enrollment.update({Enrollment.ended_on: today}).where(
            (Enrollment.student == action.user_id) & Enrollment.ended_on.is_null())
        await Enrollment.insert(_enrollment(action.user_id, action, today))


async def _graduate(ids: list[int], today: date) -> None:
    for batch in _batches(ids):
        await User.update({User.alumni_since: today}).where(User.id.is_in(batch))
        await Enrollment.update({Enrollment.ended_on: today}).where(
            Enrollment.student.is_in(batch) & Enrollment.ended_on.is_null())


async def _link(actor: CurrentUser, actions: list[Action], ids: dict[str, int]) -> None:
    """Imported guardians: addresses from the school's records, so confirmed by the importer, and where the
    student's consent requests go (services/sharing/guardians.py)."""
    moment = clock.now()
    new = [GuardianConsent(student=a.user_id or ids[a.get("student")], guardian_name=a.get("name"),
                           guardian_email=a.get("email"), method=ConsentMethod.GUARDIAN_LINK, confirmed_by=actor.id,
                           confirmed_at=moment, roster_guardian=a.get("guardian"))
           for a in actions if a.get("consent") is None]
    for batch in _batches(new):
        await GuardianConsent.insert(*batch)
    for action in (a for a in actions if a.get("consent") is not None):
        await GuardianConsent.update({GuardianConsent.guardian_name: action.get("name"),
                                      GuardianConsent.guardian_email: action.get("email")}).where(
            GuardianConsent.id == action.get("consent"))


async def write(actor: CurrentUser, plan: Plan, emails: Emails | None, lifetime: timedelta, ip: str = "") -> None:
    """The plan's actions; with `emails`, an invitation to each new account."""
    today = clock.now().date()
    by_kind: dict[str, list[Action]] = {}
    for action in plan.actions:
        by_kind.setdefault(action.kind, []).append(action)
    ids = await _create(by_kind.get("create", []), today)
    for action in by_kind.get("update", []):
        await _update(action, today)
    await _graduate([a.user_id for a in by_kind.get("graduate", []) if a.user_id is not None], today)
    for action in by_kind.get("deactivate", []):
        assert action.user_id is not None
        await people.deactivate(actor, action.user_id, ip=ip, unowned=True)
    await _link(actor, by_kind.get("link", []), ids)
    if emails is not None:
        for action in by_kind.get("create", []):
            await send_invitation(emails, actor, ids[action.get("sourced_id")], action.get("email"),
                                  action.get("name"), action.school_id, lifetime, ip)
