"""The outbox as people see it: staff list their school's e-mail (recipient, subject, state, tries and the
problem in words, never a body), and whoever sent an invitation finds it when it failed."""

from __future__ import annotations

from typing import Any

from portfolio.record_tables import OutboxMessage
from portfolio.tables import User
from portfolio.vocabulary import EmailKind, OutboxState

PROBLEMS = {
    "connection": "the mail server did not answer",
    "timeout": "the mail server did not answer in time",
    "refused": "the mail server refused it",
    "deferred": "the mail server asked to try again later",
    "authentication": "the mail server refused the app's sign-in",
    "unreadable": "it could not be read (the secret key changed)",
    "abandoned": "sending it failed again and again",
}


def problem_label(kind: str) -> str:
    """`last_error` in words: "refused 550" -> "the mail server refused it (550)"."""
    if not kind:
        return ""
    word, _, code = kind.partition(" ")
    label = PROBLEMS.get(word, "an unexpected error")
    return f"{label} ({code})" if code and word in PROBLEMS else label


LISTED = (
    OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.kind, OutboxMessage.state,
    OutboxMessage.attempts, OutboxMessage.last_error, OutboxMessage.next_attempt_at, OutboxMessage.created_at,
    OutboxMessage.sent_at,
)


async def listing(school_id: int | None, everything: bool = False, failed_only: bool = False,
                  limit: int = 200) -> list[dict[str, Any]]:
    """Messages of one school (or every message, for an administrator), newest first; never a body."""
    if not everything and school_id is None:
        return []
    query = OutboxMessage.select(*LISTED)
    if not everything:
        query = query.where(OutboxMessage.school == school_id)
    if failed_only:
        query = query.where(OutboxMessage.state == OutboxState.FAILED)
    return await query.order_by(OutboxMessage.id, ascending=False).limit(limit)


async def counts(school_id: int | None, everything: bool = False) -> dict[str, int]:
    """How many messages are in each state."""
    found = dict.fromkeys((OutboxState.QUEUED, OutboxState.SENDING, OutboxState.SENT, OutboxState.FAILED), 0)
    if not everything and school_id is None:
        return found
    for state in found:
        query = OutboxMessage.count().where(OutboxMessage.state == state)
        if not everything:
            query = query.where(OutboxMessage.school == school_id)
        found[state] = await query
    return found


async def failed_invitations(sender_id: int) -> list[dict[str, Any]]:
    """Invitations this person sent that failed for good, to people who have not joined, and that were not
    sent again since."""
    rows = await OutboxMessage.select(
        OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.created_at, OutboxMessage.last_error,
        OutboxMessage.invitee.id.as_alias("invitee_id"), OutboxMessage.invitee.name.as_alias("invitee_name"),
        OutboxMessage.invitee.password_hash.as_alias("invitee_password"),
    ).where(
        (OutboxMessage.sender == sender_id) & (OutboxMessage.kind == EmailKind.INVITE) & (OutboxMessage.state == OutboxState.FAILED)
        & OutboxMessage.invitee.is_not_null()
    ).order_by(OutboxMessage.id, ascending=False).limit(50)
    found = []
    for row in rows:
        if row["invitee_password"]:
            continue  # joined after all
        newer = await OutboxMessage.exists().where(
            (OutboxMessage.invitee == row["invitee_id"]) & (OutboxMessage.kind == EmailKind.INVITE) & (OutboxMessage.id > row["id"])
        )
        if not newer:
            found.append({k: v for k, v in row.items() if k != "invitee_password"})
    return found


async def invitation(message_id: int, sender_id: int) -> dict[str, Any] | None:
    """A failed invitation that `sender_id` sent and did not send again, with whom it invites, if they have
    not joined."""
    row = await OutboxMessage.select(
        OutboxMessage.id, OutboxMessage.school, OutboxMessage.invitee.id.as_alias("invitee_id"),
    ).where(
        (OutboxMessage.id == message_id) & (OutboxMessage.sender == sender_id) & (OutboxMessage.kind == EmailKind.INVITE)
        & (OutboxMessage.state == OutboxState.FAILED)
    ).first()
    if row is None or row["invitee_id"] is None:
        return None
    if await OutboxMessage.exists().where(
        (OutboxMessage.invitee == row["invitee_id"]) & (OutboxMessage.kind == EmailKind.INVITE) & (OutboxMessage.id > message_id)
    ):
        return None  # sent again already
    invitee = await User.select(User.id, User.email, User.name, User.password_hash).where(
        User.id == row["invitee_id"]
    ).first()
    if invitee is None or invitee["password_hash"]:
        return None
    return {"id": row["id"], "invitee_id": invitee["id"], "email": invitee["email"], "name": invitee["name"],
            "school_id": row["school"]}
