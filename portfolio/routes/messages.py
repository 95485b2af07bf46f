"""What the app e-mailed, for staff (their school's messages) and administrators (every message): who it
was for, its subject and whether it went out. Never a body: many carry one-time links."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from portfolio.auth import recently_signed_in, role
from portfolio.formats import nice_time
from portfolio.routes.common import client_ip, go_to, render
from portfolio.services import accounts, experiences, outbox, outbox_listing
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.settings import Settings
from portfolio.vocabulary import EMAIL_KIND_LABELS

# Other people's addresses: never kept by a browser cache or the service worker.
NO_STORE = {"Cache-Control": "no-store"}


class MessagesController(Controller):
    @get("/staff/outbox", guards=[role("staff", "admin")])
    async def listing(self, request: Request, user: NamedDependency[CurrentUser], failed: FromQuery[bool] = False) -> Template:
        everything = user.has("admin")
        zone = ZoneInfo("UTC") if everything else ZoneInfo((await experiences.school_of(user))["timezone"])
        rows = await outbox_listing.listing(user.school_id, everything=everything, failed_only=failed)
        messages = [
            row | {
                "kind_label": EMAIL_KIND_LABELS.get(row["kind"], row["kind"]),
                "problem": outbox_listing.problem_label(row["last_error"]),
                "created": nice_time(row["created_at"], zone),
                "sent": nice_time(row["sent_at"], zone) if row["sent_at"] else "",
                "next_try": nice_time(row["next_attempt_at"], zone) if row["state"] == outbox.QUEUED and row["attempts"] else "",
            }
            for row in rows
        ]
        page = render(
            request, "staff_outbox", messages=messages, counts=await outbox_listing.counts(user.school_id, everything=everything),
            failed_only=failed, everything=everything, zone="UTC" if everything else "",
        )
        page.headers.update(NO_STORE)
        return page

    @post("/staff/invitations/{message_id:int}/resend", guards=[role("staff", "admin"), recently_signed_in])
    async def resend_invitation(
        self, request: Request, user: NamedDependency[CurrentUser], message_id: FromPath[int], emails: NamedDependency[Emails],
        settings: NamedDependency[Settings],
    ) -> Response:
        """An invitation this person sent that could not be delivered goes again, with a new link."""
        lifetime = timedelta(days=settings.invite_token_days)
        await accounts.resend_invitation(emails, user, message_id, lifetime, ip=client_ip(request))
        return go_to(request, ("/admin" if user.has("admin") else "/staff") + "?resent=1")
