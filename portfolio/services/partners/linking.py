"""Students' entries linked to their school's partners: suggestions while a student types the organization, the
link made when the typed name is a partner's, and staff merging the names students typed into a partner.

The link is the school's bookkeeping, outside what a verifier signed: it never changes the typed name, the
content hash or a sign-off, so linking or merging never voids a verification."""

from __future__ import annotations

import re
from typing import Any

from piccolo.engine.postgres import PostgresEngine
from piccolo.query.functions.aggregate import Count

from portfolio import db
from portfolio.partner_tables import PartnerSchool
from portfolio.partner_vocabulary import PartnerStatus
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners.scope import relationship, sees_every_school, visible
from portfolio.tables import Experience

SUGGESTIONS = 8
SHORTEST_QUERY = 2
_SPACES = re.compile(r"\s+")
_WILDCARDS = re.compile(r"[%_\\]")


def same_name(text: str) -> str:
    """The form two names are compared in: 'ACME  manufacturing ' is 'acme manufacturing'."""
    return _SPACES.sub(" ", text).strip().casefold()


def _active_of(school_id: int | None) -> Any:
    return (PartnerSchool.school == (school_id if school_id is not None else -1)) & (
        PartnerSchool.status == PartnerStatus.ACTIVE)


async def suggestions(student: CurrentUser, typed: str) -> list[str]:
    """Names of the student's own school's active partners that contain what they typed, shortest first."""
    words = _WILDCARDS.sub("", _SPACES.sub(" ", typed).strip())[:200]
    if len(words) < SHORTEST_QUERY:
        return []
    name = PartnerSchool.organization.name
    # SQLite's LIKE ignores the case of ASCII letters already; PostgreSQL needs ILIKE.
    matches = name.ilike(f"%{words}%") if isinstance(db.engine(), PostgresEngine) else name.like(f"%{words}%")
    rows = await PartnerSchool.select(name.as_alias("name")).where(_active_of(student.school_id) & matches).order_by(
        name).limit(50)
    found = sorted({row["name"] for row in rows}, key=lambda n: (not n.casefold().startswith(words.casefold()), len(n), n))
    return found[:SUGGESTIONS]


async def partner_for_name(school_id: int | None, typed: str) -> int | None:
    """The school's one active partner whose name is the typed one (case and spacing aside), else None: a name
    two partners share links to neither, rather than to a guess."""
    if school_id is None or not typed.strip():
        return None
    wanted = same_name(typed)
    rows = await PartnerSchool.select(PartnerSchool.id, PartnerSchool.organization.name.as_alias("name")).where(
        _active_of(school_id))
    found = [row["id"] for row in rows if same_name(row["name"]) == wanted]
    return found[0] if len(found) == 1 else None


async def unlinked_names(user: CurrentUser) -> list[dict[str, Any]]:
    """The organization names of the school's unlinked entries (an admin: every school's), one row per name as
    compared (case and spacing aside) with how many entries carry it, most first; each with the partners of that
    school it may be merged into. Three queries, however many entries."""
    where = Experience.partner.is_null()
    if not sees_every_school(user):
        where &= Experience.student.school == (user.school_id if user.school_id is not None else -1)
    else:
        where &= Experience.student.school.is_not_null()
    rows = await Experience.select(
        Experience.organization_name, Experience.student.school.as_alias("school"),
        Count(Experience.id).as_alias("entries"),
    ).where(where).group_by(Experience.organization_name, Experience.student.school)
    partners = await PartnerSchool.select(
        PartnerSchool.id, PartnerSchool.school, PartnerSchool.status, PartnerSchool.organization.name.as_alias("name"),
        PartnerSchool.school.name.as_alias("school_name"),
    ).where(visible(user)).order_by(PartnerSchool.organization.name)
    names: dict[tuple[int, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["school"], same_name(row["organization_name"]))
        found = names.setdefault(key, {"name": row["organization_name"], "school": row["school"], "entries": 0})
        found["entries"] += row["entries"]
    school_names = {p["school"]: p["school_name"] for p in partners}
    listed = []
    for found in names.values():
        found["partners"] = [p for p in partners if p["school"] == found["school"]]
        found["school_name"] = school_names.get(found["school"], "")
        listed.append(found)
    return sorted(listed, key=lambda n: (-n["entries"], same_name(n["name"])))


async def merge_name(user: CurrentUser, name: str, partner_id: int) -> int:
    """Link every unlinked entry of the partner's school whose organization name is `name` (case and spacing
    aside) to the partner; returns how many. Another school's partner is NotFound, and another school's entries
    are never touched. The typed names, content hashes and sign-offs stay exactly as they were."""
    found = await relationship(user, partner_id)
    wanted = same_name(name)
    if not wanted:
        return 0
    async with db.write_transaction():
        rows = await Experience.select(Experience.id, Experience.organization_name).where(
            Experience.partner.is_null() & (Experience.student.school == found["school"]))
        ids = [row["id"] for row in rows if same_name(row["organization_name"]) == wanted]
        if ids:
            await Experience.update({Experience.partner: partner_id}).where(
                Experience.id.is_in(ids) & Experience.partner.is_null())
    return len(ids)
