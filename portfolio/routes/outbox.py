"""The local outbox, so a demo can follow e-mailed links. Registered only when PORTFOLIO_DEMO=1."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import public
from portfolio.mail import OutboxMailer
from portfolio.routes.common import render

LINK_RE = re.compile(r"https?://\S+")
NAME_RE = re.compile(r"^[0-9T]+-[0-9a-f]{8}\.eml$")


def _read(path) -> EmailMessage:
    return message_from_bytes(path.read_bytes(), policy=default_policy)  # type: ignore[return-value]


class OutboxController(Controller):
    path = "/dev/outbox"
    # Demo data only: anyone may read the demo outbox, which is the point of it.
    guards = [public]

    @get("/")
    async def index(self, request: Request) -> Template:
        mailer: OutboxMailer = request.app.state.mailer
        messages = []
        for path in mailer.messages()[:100]:
            message = _read(path)
            messages.append({"name": path.name, "to": message["To"], "subject": message["Subject"], "date": message["Date"]})
        return render(request, "outbox", messages=messages)

    @get("/{name:str}")
    async def show(self, request: Request, name: FromPath[str]) -> Template:
        mailer: OutboxMailer = request.app.state.mailer
        path = mailer.folder / name
        if not NAME_RE.match(name) or not path.exists():
            raise NotFoundException()
        message = _read(path)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body else ""
        return render(
            request,
            "outbox_message",
            to=message["To"],
            subject=message["Subject"],
            text=text,
            links=LINK_RE.findall(text),
        )
