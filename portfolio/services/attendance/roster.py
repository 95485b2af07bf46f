"""A session's roster as staff read it on a phone: the session and its opportunity, the confirmed students, who
is marked present already (walk-ins too), the hours each entry carries, and the required forms still missing.
Four queries, however many students there are."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.engine.postgres import PostgresEngine

from portfolio.clock import DEFAULT_TIMEZONE
from portfolio.db import engine
from portfolio.errors import NotFound
from portfolio.opportunity_tables import Attendance, FormCompletion, OpportunitySession, SignUp
from portfolio.opportunity_vocabulary import REQUIRED_FORM_LABELS, SignUpStatus
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners.scope import sees_every_school
from portfolio.tables import User
from portfolio.vocabulary import Role

SEARCH_LIMIT = 10


def _visible(user: CurrentUser) -> Any:
    if sees_every_school(user):
        return OpportunitySession.id > 0
    return OpportunitySession.opportunity.school == (user.school_id if user.school_id is not None else -1)


async def session(user: CurrentUser, session_id: int) -> dict[str, Any]:
    """The session with its opportunity, or NotFound: another school's reads as none at all."""
    row = await OpportunitySession.select(
        OpportunitySession.id, OpportunitySession.starts_at, OpportunitySession.ends_at, OpportunitySession.cancelled_at,
        OpportunitySession.opportunity.id.as_alias("opportunity_id"),
        OpportunitySession.opportunity.title.as_alias("title"), OpportunitySession.opportunity.kind.as_alias("kind"),
        OpportunitySession.opportunity.place.as_alias("place"),
        OpportunitySession.opportunity.required_forms.as_alias("required_forms"),
        OpportunitySession.opportunity.school.id.as_alias("school"),
        OpportunitySession.opportunity.school.timezone.as_alias("timezone"),
    ).where((OpportunitySession.id == session_id) & _visible(user)).first()
    if row is None:
        raise NotFound("session")
    zone = ZoneInfo(row["timezone"] or DEFAULT_TIMEZONE)
    row["local_start"] = _local(row["starts_at"], zone)
    row["local_end"] = _local(row["ends_at"], zone)
    row["minutes"] = max(int((row["ends_at"] - row["starts_at"]).total_seconds() // 60), 0)
    return row


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone)


async def roster(user: CurrentUser, session_id: int) -> dict[str, Any]:
    """Everyone on the session's roster, by name: confirmed sign-ups and anyone marked present."""
    found = await session(user, session_id)
    signed_up = await SignUp.select(
        SignUp.id, SignUp.student, SignUp.student.name.as_alias("name")
    ).where((SignUp.opportunity == found["opportunity_id"]) & (SignUp.status == SignUpStatus.CONFIRMED))
    marked = await Attendance.select(
        Attendance.id, Attendance.student, Attendance.student.name.as_alias("name"), Attendance.method,
        Attendance.experience, Attendance.experience.minutes.as_alias("minutes"), Attendance.sign_up,
    ).where(Attendance.session == session_id)
    done = await FormCompletion.select(FormCompletion.sign_up, FormCompletion.form).where(
        FormCompletion.sign_up.is_in([row["id"] for row in signed_up] or [0]) & FormCompletion.completed_at.is_not_null()
    )
    completed: dict[int, set[str]] = {}
    for row in done:
        completed.setdefault(row["sign_up"], set()).add(row["form"])
    present = {row["student"]: row for row in marked}
    people: dict[int, dict[str, Any]] = {}
    for row in signed_up:
        missing = [REQUIRED_FORM_LABELS.get(form, form) for form in found["required_forms"] or ()
                   if form not in completed.get(row["id"], set())]
        people[row["student"]] = {"student_id": row["student"], "name": row["name"], "signed_up": True,
                                  "missing_forms": missing}
    for row in marked:
        people.setdefault(row["student"], {"student_id": row["student"], "name": row["name"], "signed_up": False,
                                           "missing_forms": []})
    for person in people.values():
        mark = present.get(person["student_id"])
        person["present"] = mark is not None
        person["minutes"] = (mark or {}).get("minutes") or found["minutes"]
        person["experience_id"] = (mark or {}).get("experience")
        person["initials"] = initials(person["name"])
    students = sorted(people.values(), key=lambda person: (person["name"].casefold(), person["student_id"]))
    return {"session": found, "students": students, "present": len(present), "total": len(students)}


def initials(name: str) -> str:
    parts = [part for part in name.split() if part[:1].isalpha()]
    return "".join(part[0].upper() for part in (parts[:1] + parts[1:][-1:])) or "?"


async def search(user: CurrentUser, session_id: int, text: str) -> list[dict[str, Any]]:
    """Students of the session's school whose name holds `text`: a walk-in to add to the roster."""
    found = await session(user, session_id)
    wanted = text.strip()
    if len(wanted) < 2:
        return []
    pattern = "%" + wanted.replace("\\", "").replace("%", "").replace("_", "") + "%"
    # SQLite's LIKE ignores case already (and it has no ILIKE); PostgreSQL's needs ILIKE.
    matching = User.name.ilike(pattern) if isinstance(engine(), PostgresEngine) else User.name.like(pattern)
    rows = await User.select(User.id, User.name).where(
        (User.school == found["school"]) & User.roles.any(Role.STUDENT) & matching
        & (User.active == True)  # noqa: E712
    ).order_by(User.name).limit(SEARCH_LIMIT)
    return [{"student_id": row["id"], "name": row["name"], "initials": initials(row["name"])} for row in rows]


async def student_ids(school_id: int) -> list[int]:
    """Every student of the school, to find whose check-in code was scanned."""
    rows = await User.select(User.id).where((User.school == school_id) & User.roles.any(Role.STUDENT))
    return [row["id"] for row in rows]


async def student(school_id: int, student_id: int) -> dict[str, Any]:
    """A student of the school, with initials for the scanner's card; NotFound for anyone else."""
    row = await User.select(User.id, User.name).where(
        (User.id == student_id) & (User.school == school_id) & User.roles.any(Role.STUDENT)
    ).first()
    if row is None:
        raise NotFound("student")
    return {"student_id": row["id"], "name": row["name"], "initials": initials(row["name"])}
