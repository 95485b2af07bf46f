"""The attendance part's ids: a session of the owner's school, the owner confirmed on it."""

from __future__ import annotations

from tests.attendance_factories import confirmed, event


async def ids(owner, base: dict[str, int]) -> dict[str, int]:
    made = await event(owner.school_id, title="Guard site visit", partners=("Guard Visit Host",))
    await confirmed(made["opportunity_id"], owner)
    return {"session_id": made["session_id"]}
