"""The transports: messages go to var/outbox/ by default, or over SMTP when PORTFOLIO_SMTP_URL is set.

Nothing here is called by a request: the Emails service (services/emails.py) writes each message to the
outbox table, and the worker (services/outbox.py) delivers it through one of these Mailers.
Logs name the message kind only, never a recipient or a body: those are student data.
"""

from __future__ import annotations

import logging
import os
import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, select_autoescape

from portfolio import clock
from portfolio.formats import hours, nice_date
from portfolio.settings import Settings

log = logging.getLogger(__name__)

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates" / "email"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    keep_trailing_newline=True,
)
_templates.filters.update(hours=hours, nice_date=nice_date)


@dataclass(frozen=True)
class Attachment:
    """A file carried by a message (a calendar file): its name, MIME type ("text/calendar; method=REQUEST")
    and text content."""

    filename: str
    content_type: str
    content: str


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    kind: str
    # Both fixed when the message is queued, so a message delivered twice is the same message twice.
    message_id: str = ""
    date: datetime | None = None
    attachments: tuple[Attachment, ...] = ()


def one_line(text: str) -> str:
    """A header value: no control characters, every run of white space one space. Names are cleaned when
    they are typed; this keeps a name stored before that (or from a roster) from breaking a message."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def render(kind: str, to: str, subject: str, attachments: tuple[Attachment, ...] = (), **context: Any) -> Mail:
    """Render templates/email/<kind>.txt and .html into one message."""
    subject = one_line(subject)
    context = {"subject": subject, **context}
    return Mail(
        to=one_line(to),
        subject=subject,
        text=_templates.get_template(f"{kind}.txt").render(context),
        html=_templates.get_template(f"{kind}.html").render(context),
        kind=kind,
        attachments=attachments,
    )


def to_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage(policy=default_policy)
    message["From"] = sender
    message["To"] = one_line(mail.to)
    message["Subject"] = one_line(mail.subject)
    message["Date"] = format_datetime(mail.date or clock.now())
    message["Message-ID"] = mail.message_id or make_msgid(domain="career-portfolio")
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        # Attachments are text (a calendar file): "text/calendar; method=REQUEST" keeps its parameters, which
        # tell mail clients to offer it as an invitation rather than a plain file.
        subtype, *params = [part.strip() for part in attachment.content_type.partition("/")[2].split(";")]
        message.add_attachment(attachment.content, subtype=subtype, filename=attachment.filename,
                               params=dict(p.split("=", 1) for p in params if "=" in p))
    return message


class Mailer(ABC):
    @abstractmethod
    async def send(self, mail: Mail) -> None: ...


class OutboxMailer(Mailer):
    """Writes each message as an .eml file: the embedded default, read on the demo outbox page."""

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = folder
        self.sender = sender

    async def send(self, mail: Mail) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
        path = self.folder / f"{stamp}-{secrets.token_hex(4)}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(to_message(mail, self.sender).as_bytes())
        os.replace(tmp, path)
        log.info("mail written to outbox: %s", mail.kind)

    def messages(self) -> list[Path]:
        if not self.folder.exists():
            return []
        return sorted(self.folder.glob("*.eml"), reverse=True)


class SmtpMailer(Mailer):
    """smtp://user:password@host:port (STARTTLS when offered) or smtps://... (TLS from the start)."""

    def __init__(self, url: str, sender: str) -> None:
        parts = urlparse(url)
        query = parse_qs(parts.query)
        self.sender = sender
        self.options: dict[str, Any] = {
            "hostname": parts.hostname or "localhost",
            "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "username": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            "use_tls": parts.scheme == "smtps",
            "start_tls": None if query.get("starttls", [""])[0] != "required" else True,
            "timeout": 30,
        }

    async def send(self, mail: Mail) -> None:
        await aiosmtplib.send(to_message(mail, self.sender), **self.options)
        log.info("mail sent over SMTP: %s", mail.kind)


def make_mailer(settings: Settings) -> Mailer:
    if settings.smtp_url:
        return SmtpMailer(settings.smtp_url, settings.mail_from)
    return OutboxMailer(settings.outbox_dir, settings.mail_from)
