"""piccolo tables of the app's own records: sign-in attempt counters, the audit log and the e-mail outbox."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from portfolio.tables import School, User
from portfolio.vocabulary import EmailKind, OutboxState


class ThrottleCounter(Table):
    """Attempts counted per key (an account, an address) for growing delays; the key only as its SHA-256."""

    key_digest = Varchar(length=64, unique=True)
    attempts = Integer(default=0)
    # Seconds since the epoch: the last counted attempt, and when the next one is allowed.
    last_at = DoublePrecision(default=0.0, index=True)
    next_at = DoublePrecision(default=0.0)


class AuditEvent(Table):
    """Append-only record of security-relevant actions."""

    at = Timestamptz(index=True)
    actor = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    action = Varchar(length=60, index=True)
    subject = Varchar(length=100, default="")
    ip = Varchar(length=45, default="")
    detail = JSON(default={})


class OutboxMessage(Table):
    """Every e-mail, written in the transaction that caused it and delivered by a worker.

    queued -> sending (claimed by one worker until lease_until) -> sent; a failed attempt goes back to queued
    with a later next_attempt_at, or to failed for good. The body is encrypted with a key derived from the
    secret key and emptied once the message is sent or has failed for good: it may carry a one-time link.
    Staff see the recipient, subject and state, never the body.
    """

    # Indexed for the daily limit on the mail one person's actions send to one address.
    recipient = Varchar(length=254, index=True)
    subject = Varchar(length=300)
    kind = Varchar(length=40, choices=EmailKind)
    body = Text(default="")
    # Made when the message is queued, so a message sent again after a crash is recognisably the same one.
    message_id = Varchar(length=250, unique=True)
    state = Varchar(length=10, default=OutboxState.QUEUED, index=True, choices=OutboxState)
    attempts = SmallInt(default=0)
    next_attempt_at = Timestamptz(index=True)
    lease_until = Timestamptz(null=True, default=None)
    lease_holder = Varchar(length=100, default="")
    # What went wrong the last time, as a kind ("connection", "refused 550"): never an address or a body.
    last_error = Varchar(length=60, default="")
    # Whose staff see it; an invitation also names who sent it (they may send it again) and whom it invites.
    school = ForeignKey(references=School, null=True, on_delete=OnDelete.set_null, index=True)
    sender = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null, index=True)
    invitee = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)
