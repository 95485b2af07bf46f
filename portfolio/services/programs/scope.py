"""Which programs a person may open: their own school's; an admin, every school's."""

from __future__ import annotations

from typing import Any

from portfolio.errors import NotFound
from portfolio.program_tables import Program
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners.scope import sees_every_school


def visible(user: CurrentUser) -> Any:
    if sees_every_school(user):
        return Program.id > 0
    return Program.school == (user.school_id if user.school_id is not None else -1)


async def program(user: CurrentUser, program_id: int) -> dict[str, Any]:
    """The program with its school and cluster names, or NotFound: another school's reads as none at all."""
    row = await Program.select(
        Program.id, Program.name, Program.school, Program.cluster, Program.created_at, Program.updated_at,
        Program.school.name.as_alias("school_name"), Program.school.timezone.as_alias("timezone"),
        Program.cluster.name.as_alias("cluster_name"),
    ).where((Program.id == program_id) & visible(user)).first()
    if row is None:
        raise NotFound("program")
    return row
