"""The outbox: every e-mail is a row written in the transaction that caused it, and a worker delivers it.

A message is `queued`, then `sending` while one worker holds it (a lease: `lease_until`, `lease_holder`),
then `sent`; a failed attempt puts it back to `queued` with a later `next_attempt_at` (1 minute, 5, 30, 2
hours, 6, 12), or to `failed` for good after the last one. A worker that crashes leaves its message
`sending` until the lease runs out; then another worker claims it and sends it again with the same
Message-ID: delivery is at least once, and a receiver can tell the copies are one message.

Bodies are kept encrypted (Fernet, with a key derived from the secret key) because many carry a one-time
link, and are emptied once a message is sent or has failed for good: the database never holds a usable
token. Logs and `last_error` name what went wrong as a kind ("connection", "refused 550"), never an address
or a body.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import secrets
import socket
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from aiosmtplib import SMTPAuthenticationError, SMTPRecipientsRefused, SMTPResponseException
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from portfolio import db
from portfolio.clock import now
from portfolio.mail import Attachment, Mail, Mailer
from portfolio.record_tables import OutboxMessage
from portfolio.vocabulary import OutboxState

log = logging.getLogger(__name__)

QUEUED, SENDING, SENT, FAILED = OutboxState.QUEUED, OutboxState.SENDING, OutboxState.SENT, OutboxState.FAILED
# The wait after the 1st, 2nd, ... failed attempt; after the last one the message has failed for good.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=12),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# A refusal (5xx) is the server's final word on that message: one more try a minute later covers a server
# that was briefly misconfigured, then it fails for good.
REFUSED_ATTEMPTS = 2
LEASE = timedelta(minutes=5)
BATCH = 5  # with the SMTP timeout of 30 s, a whole batch fits well inside one lease
# Kinds of failure that say the mail server (not this message) was the problem: once it answers again,
# messages waiting because of them are tried at once instead of at their next backoff.
SERVER_TROUBLE = ("connection", "timeout", "deferred", "authentication")


class Sealer:
    """Encrypts bodies at rest.

    Fernet (from the `cryptography` package, maintained by the Python Cryptographic Authority) is an
    authenticated recipe: AES-128-CBC with an HMAC-SHA256 over it, so a body cannot be read or changed
    without the key. The key is derived from PORTFOLIO_SECRET_KEY with HKDF-SHA256 under a label of its
    own, so it is never the key that signs CSRF tokens, and every app process and worker derives the same.
    """

    INFO = b"career-portfolio outbox body v1"

    def __init__(self, secret_key: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=self.INFO).derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, text: str, html: str, attachments: tuple[Attachment, ...] = ()) -> str:
        body: dict[str, Any] = {"text": text, "html": html}
        if attachments:
            body["attachments"] = [{"filename": a.filename, "content_type": a.content_type, "content": a.content}
                                   for a in attachments]
        return self._fernet.encrypt(json.dumps(body).encode()).decode()

    def open(self, sealed: str) -> tuple[str, str]:
        return self.open_all(sealed)[:2]  # type: ignore[return-value]

    def open_all(self, sealed: str) -> tuple[str, str, tuple[Attachment, ...]]:
        """Text, HTML and attachments; a body sealed before messages carried attachments has none."""
        body = json.loads(self._fernet.decrypt(sealed.encode()))
        attachments = tuple(Attachment(a["filename"], a["content_type"], a["content"]) for a in body.get("attachments", ()))
        return body["text"], body["html"], attachments


# --- queueing -------------------------------------------------------------------------------------

async def enqueue(
    mail: Mail,
    sealer: Sealer,
    message_id: str,
    *,
    school_id: int | None,
    sender_id: int | None = None,
    invitee_id: int | None = None,
    wake: Callable[[], None] | None = None,
) -> int:
    """Write one message into the outbox, inside the caller's write transaction: it exists if and only if
    what caused it committed. `wake` is called once that commit is done."""
    if not db.in_write_transaction():
        raise RuntimeError("an e-mail is queued inside the write_transaction() of the action that causes it")
    moment = now()
    row = await OutboxMessage.insert(
        OutboxMessage(
            recipient=mail.to, subject=mail.subject[:300], kind=mail.kind, body=sealer.seal(mail.text, mail.html, mail.attachments),
            message_id=message_id, state=QUEUED, next_attempt_at=moment, school=school_id, sender=sender_id,
            invitee=invitee_id, created_at=moment,
        )
    ).returning(OutboxMessage.id)
    if wake is not None:
        db.after_commit(wake)
    return row[0]["id"]


async def count_since(since: datetime, kinds: frozenset[str], *, sender_id: int | None, recipient: str | None = None) -> int:
    """Messages of these kinds queued since `since` by this sender (None: by nobody signed in), to this
    recipient if one is given."""
    where = (OutboxMessage.created_at >= since) & OutboxMessage.kind.is_in(list(kinds))
    where &= OutboxMessage.sender.is_null() if sender_id is None else (OutboxMessage.sender == sender_id)
    if recipient is not None:
        where &= OutboxMessage.recipient == recipient
    return await OutboxMessage.count().where(where)


# --- delivering -----------------------------------------------------------------------------------

def _claimable(moment: datetime):
    return ((OutboxMessage.state == QUEUED) & (OutboxMessage.next_attempt_at <= moment)) | (
        (OutboxMessage.state == SENDING) & (OutboxMessage.lease_until < moment)
    )


async def claim(holder: str, moment: datetime, limit: int = BATCH, lease: timedelta = LEASE) -> list[dict[str, Any]]:
    """Take up to `limit` due messages (or messages whose worker's lease ran out) for `holder`.

    The claim is one conditional UPDATE ... RETURNING that checks again that each row is still claimable:
    of two workers that picked the same candidates, the second finds them taken (PostgreSQL re-checks the
    condition on the row the first one committed; SQLite runs one writer at a time) and gets none of them.
    """
    candidates = await OutboxMessage.select(OutboxMessage.id).where(_claimable(moment)).order_by(
        OutboxMessage.next_attempt_at
    ).limit(limit)
    if not candidates:
        return []
    claimed = await OutboxMessage.update(
        {
            OutboxMessage.state: SENDING,
            OutboxMessage.lease_until: moment + lease,
            OutboxMessage.lease_holder: holder,
            OutboxMessage.attempts: OutboxMessage.attempts + 1,
        }
    ).where(OutboxMessage.id.is_in([c["id"] for c in candidates]) & _claimable(moment)).returning(
        OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.kind, OutboxMessage.body,
        OutboxMessage.message_id, OutboxMessage.attempts, OutboxMessage.created_at,
    )
    # In the order they were queued (RETURNING promises no order): two messages to one person arrive in turn.
    return sorted(claimed, key=lambda message: message["id"])


def failure_kind(error: BaseException) -> tuple[str, bool]:
    """What went wrong, without addresses (aiosmtplib's messages carry them), and whether it is the
    server's final word on this message."""
    if isinstance(error, InvalidToken):
        return "unreadable", True  # the secret key changed since it was queued
    if isinstance(error, SMTPRecipientsRefused):
        code = max((r.code for r in error.recipients), default=550)
        return (f"refused {code}", True) if code >= 500 else (f"deferred {code}", False)
    if isinstance(error, SMTPAuthenticationError):
        return f"authentication {error.code}", False  # our configuration: it may be fixed, so keep trying
    if isinstance(error, SMTPResponseException):
        return (f"refused {error.code}", True) if error.code >= 500 else (f"deferred {error.code}", False)
    if isinstance(error, TimeoutError):
        return "timeout", False
    if isinstance(error, OSError):  # ConnectionError, refused or reset connections, a full disk
        return "connection", False
    return f"error {type(error).__name__}"[:60], False


def _retry_at(attempts: int, moment: datetime) -> datetime:
    return moment + BACKOFF[min(attempts, len(BACKOFF)) - 1]


class Worker:
    """Delivers the outbox: `run()` until `stop()` (the in-process worker of `portfolio serve`, and
    `portfolio worker`), or `run_once()` for what is due now (`portfolio remind`, tests)."""

    def __init__(
        self,
        mailer: Mailer,
        sealer: Sealer,
        *,
        poll_seconds: float = 5.0,
        lease: timedelta = LEASE,
        batch: int = BATCH,
        clock: Callable[[], datetime] = now,
        holder: str = "",
    ) -> None:
        self.mailer = mailer
        self.sealer = sealer
        self.poll_seconds = poll_seconds
        self.lease = lease
        self.batch = batch
        self.clock = clock
        self.holder = holder or f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"
        self._woken = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._server_trouble = False

    def wake(self) -> None:
        """Something was queued: deliver now rather than at the next poll."""
        self._woken.set()

    async def run_once(self) -> int:
        """Deliver every message due now; returns how many were sent."""
        sent = 0
        while not self._stopping:
            claimed = await claim(self.holder, self.clock(), self.batch, self.lease)
            if not claimed:
                break
            for message in claimed:
                if self._stopping:
                    await self._release(message)
                    continue
                sent += await self._deliver(message)
        return sent

    async def _deliver(self, message: dict[str, Any]) -> int:
        mine = (
            (OutboxMessage.id == message["id"]) & (OutboxMessage.lease_holder == self.holder)
            & (OutboxMessage.state == SENDING)
        )
        try:
            if message["attempts"] > MAX_ATTEMPTS:
                # Claimed again and again by workers that never finished it: it crashes them, most likely.
                raise _Abandoned()
            text, html, attachments = self.sealer.open_all(message["body"])
            await self.mailer.send(
                Mail(to=message["recipient"], subject=message["subject"], text=text, html=html, kind=message["kind"],
                     message_id=message["message_id"], date=message["created_at"], attachments=attachments)
            )
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - every failure is recorded; none may stop the worker
            kind, final = ("abandoned", True) if isinstance(error, _Abandoned) else failure_kind(error)
            attempts = message["attempts"]
            give_up = (final and attempts >= REFUSED_ATTEMPTS) or attempts >= MAX_ATTEMPTS or kind in ("unreadable", "abandoned")
            moment = self.clock()
            if give_up:
                changes = {OutboxMessage.state: FAILED, OutboxMessage.body: ""}
            else:
                changes = {OutboxMessage.state: QUEUED, OutboxMessage.next_attempt_at: _retry_at(attempts, moment)}
            await OutboxMessage.update(
                {**changes, OutboxMessage.last_error: kind, OutboxMessage.lease_until: None, OutboxMessage.lease_holder: ""}
            ).where(mine)
            log.warning("mail %s (%s), attempt %s: %s%s", message["id"], message["kind"], attempts, kind,
                        "; failed for good" if give_up else "")
            self._server_trouble = self._server_trouble or kind.split(" ")[0] in SERVER_TROUBLE
            return 0
        done = await OutboxMessage.update(
            {OutboxMessage.state: SENT, OutboxMessage.sent_at: self.clock(), OutboxMessage.body: "",
             OutboxMessage.lease_until: None, OutboxMessage.lease_holder: "", OutboxMessage.last_error: ""}
        ).where(mine).returning(OutboxMessage.id)
        if not done:
            # The lease ran out while sending and another worker has it now: it will be sent again with
            # the same Message-ID (at least once).
            log.warning("mail %s (%s) was sent after its lease ran out", message["id"], message["kind"])
        if self._server_trouble:
            await self._server_answers_again()
        return 1

    async def _server_answers_again(self) -> None:
        """The server took a message after failing: what waits because of the server goes out now."""
        self._server_trouble = False
        moment = self.clock()
        trouble = OutboxMessage.last_error == SERVER_TROUBLE[0]
        for kind in SERVER_TROUBLE[1:]:
            trouble = trouble | (OutboxMessage.last_error == kind) | OutboxMessage.last_error.like(f"{kind} %")
        await OutboxMessage.update({OutboxMessage.next_attempt_at: moment}).where(
            (OutboxMessage.state == QUEUED) & (OutboxMessage.next_attempt_at > moment) & trouble
        )

    async def _release(self, message: dict[str, Any]) -> None:
        """Give back a claimed message not tried (stopping): the attempt does not count."""
        await OutboxMessage.update(
            {OutboxMessage.state: QUEUED, OutboxMessage.lease_until: None, OutboxMessage.lease_holder: "",
             OutboxMessage.attempts: OutboxMessage.attempts - 1}
        ).where((OutboxMessage.id == message["id"]) & (OutboxMessage.lease_holder == self.holder)
                & (OutboxMessage.state == SENDING))

    async def run(self) -> None:
        """Deliver, then wait for a wake-up or the next poll; until stop()."""
        while not self._stopping:
            self._woken.clear()
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database may be away for a moment; try again later
                log.exception("the mail worker's pass failed")
            if self._stopping:
                break
            try:
                await asyncio.wait_for(self._woken.wait(), timeout=self.poll_seconds)
            except TimeoutError:
                pass

    def start(self) -> None:
        self._stopping = False
        self._task = asyncio.create_task(self.run(), name="mail worker")

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Finish the message being sent (for up to `grace_seconds`), give back the rest of the batch."""
        self._stopping = True
        self._woken.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=grace_seconds)
        except TimeoutError:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            # What it held waits for the lease to run out, then another worker sends it (maybe twice).
        self._task = None


class _Abandoned(Exception):
    pass
