"""Which placements a person may open: staff, their school's; an admin, every school's; a student, their own.
Another's reads as none at all (NotFound)."""

from __future__ import annotations

from typing import Any

from portfolio.errors import NotFound
from portfolio.placement_tables import Placement
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners.scope import sees_every_school

COLUMNS = (
    Placement.id, Placement.school, Placement.student, Placement.partner, Placement.supervisor, Placement.kind,
    Placement.title, Placement.cluster, Placement.starts_on, Placement.ends_on, Placement.schedule, Placement.paid,
    Placement.learning_goals, Placement.status, Placement.agreement_hash, Placement.created_at, Placement.updated_at,
    Placement.student.name.as_alias("student_name"), Placement.student.email.as_alias("student_email"),
    Placement.partner.organization.name.as_alias("partner_name"),
    Placement.supervisor.name.as_alias("supervisor_name"), Placement.supervisor.title.as_alias("supervisor_title"),
    Placement.supervisor.email.as_alias("supervisor_email"), Placement.cluster.name.as_alias("cluster_name"),
    Placement.cluster.code.as_alias("cluster_code"), Placement.school.name.as_alias("school_name"),
    Placement.school.timezone.as_alias("timezone"),
)


def visible(user: CurrentUser) -> Any:
    if sees_every_school(user):
        return Placement.id > 0
    if user.has("staff"):
        return Placement.school == (user.school_id if user.school_id is not None else -1)
    return Placement.student == user.id


async def by_id(placement_id: int) -> dict[str, Any]:
    row = await Placement.select(*COLUMNS).where(Placement.id == placement_id).first()
    if row is None:
        raise NotFound("placement")
    return row


async def placement(user: CurrentUser, placement_id: int) -> dict[str, Any]:
    row = await Placement.select(*COLUMNS).where((Placement.id == placement_id) & visible(user)).first()
    if row is None:
        raise NotFound("placement")
    return row


async def own(student: CurrentUser, placement_id: int) -> dict[str, Any]:
    """A student's own placement (whatever other roles they hold)."""
    row = await Placement.select(*COLUMNS).where((Placement.id == placement_id) & (Placement.student == student.id)).first()
    if row is None:
        raise NotFound("placement")
    return row
