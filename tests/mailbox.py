"""Reading what the app e-mailed: the outbox folder, or a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

from aiosmtpd.controller import Controller

LINK_RE = re.compile(r"https?://\S+")


def outbox(var_dir: Path, to: str) -> list[EmailMessage]:
    messages = [
        message_from_bytes(path.read_bytes(), policy=default_policy)
        for path in sorted((var_dir / "outbox").glob("*.eml"))
    ]
    return [m for m in messages if m["To"] == to]  # type: ignore[misc]


def link_in(message: EmailMessage, base_url: str = "http://testserver.local") -> str:
    """The path of the one link in a message's plain-text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    links = LINK_RE.findall(text)
    assert len(links) == 1, links
    assert links[0].startswith(base_url)
    return links[0][len(base_url):]


class Collector:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.original_content, policy=default_policy)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """A real SMTP server on a free loopback port, for as long as the `with` lasts."""

    def __init__(self) -> None:
        self.collector = Collector()
        self.port = free_port()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()
