"""Reading what the app e-mailed: the outbox folder, or a real SMTP server (aiosmtpd) on loopback.

The app queues every message in the outbox table and a worker delivers it, so a test first delivers what
is queued (`deliver`), the way the worker would, and then reads: `await outbox(var_dir, to)` does both.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import socket
import time
from datetime import datetime, timezone
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller

from portfolio.mail import make_mailer
from portfolio.record_tables import OutboxMessage
from portfolio.services.emails import Emails
from portfolio.services.outbox import SENDING, Sealer, Worker
from portfolio.settings import Settings, get_settings

LINK_RE = re.compile(r"https?://\S+")
DRAIN_SECONDS = 15


def emails_for(settings: Settings) -> Emails:
    """The Emails service as the app makes it for these settings (without an in-process worker)."""
    return Emails(settings.base_url, Sealer(settings.secret_key))


async def deliver(settings: Settings | None = None) -> int:
    """Deliver every message due now through `settings`' transport (the outbox folder under its var/, or
    its SMTP server), waiting for messages another worker (an app's own) is sending. Returns how many
    this call sent."""
    settings = settings or get_settings()
    worker = Worker(make_mailer(settings), Sealer(settings.secret_key))
    sent = 0
    deadline = time.monotonic() + DRAIN_SECONDS
    while True:
        sent += await worker.run_once()
        busy = await OutboxMessage.exists().where(
            (OutboxMessage.state == SENDING) & (OutboxMessage.lease_until > datetime.now(timezone.utc))
        )
        if not busy or time.monotonic() > deadline:
            return sent
        await asyncio.sleep(0.02)  # an app's worker holds a message: wait for it to finish


def read_outbox(var_dir: Path, to: str) -> list[EmailMessage]:
    """The messages to `to` in var_dir's outbox folder, oldest first, without delivering anything."""
    messages = [
        message_from_bytes(path.read_bytes(), policy=default_policy)
        for path in sorted((var_dir / "outbox").glob("*.eml"))
    ]
    return [m for m in messages if m["To"] == to]  # type: ignore[misc]


async def outbox(var_dir: Path, to: str) -> list[EmailMessage]:
    """Deliver what is queued into var_dir's outbox folder, then read the messages to `to`."""
    await deliver(dataclasses.replace(get_settings(), var_dir=var_dir, smtp_url=""))
    return read_outbox(var_dir, to)


def link_in(message: EmailMessage, base_url: str = "http://testserver.local") -> str:
    """The path of the one link in a message's plain-text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    links = LINK_RE.findall(text)
    assert len(links) == 1, links
    assert links[0].startswith(base_url)
    return links[0][len(base_url):]


class Collector:
    """Keeps every message; refuses (550) the recipients in `refuse`."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook name
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.original_content, policy=default_policy)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """A real SMTP server on a free loopback port, for as long as the `with` lasts; `stop()` and `start()`
    take it down and bring it back on the same port."""

    def __init__(self) -> None:
        self.collector = Collector()
        self.port = free_port()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        # A stopped aiosmtpd controller has closed its event loop: a restart is a new one on the same port.
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> "SmtpServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
