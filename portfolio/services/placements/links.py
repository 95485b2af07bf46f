"""A placement's e-mailed links (a guardian's or supervisor's signature, a week's timesheet, the evaluation):
only the token's hash is kept; opening one trades it for a short-lived grant cookie, as a supervisor's
verification link does (signoff.link_grant), so the token leaves the address bar. Each link is bound to its
one purpose and addressee: a signature link signs only its party's line over the text it was sent for."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta, timezone
from typing import Any

from portfolio.clock import now
from portfolio.errors import LinkInvalid
from portfolio.placement_tables import PlacementLink
from portfolio.services import audit
from portfolio.services.accounts import token_hash
from portfolio.services.signoff import link_grant

LINK_DAYS = 14


async def new_link(placement_id: int, purpose: str, email: str, name: str = "", *, agreement_hash: str = "",
                   week: int | None = None, days: int = LINK_DAYS) -> str:
    """A new link (inside the caller's write transaction); returns the raw token, which is e-mailed, never kept."""
    raw = secrets.token_urlsafe(32)
    await PlacementLink.insert(PlacementLink(
        placement=placement_id, purpose=purpose, email=email, name=name, agreement_hash=agreement_hash, week=week,
        token_hash=token_hash(raw), expires_at=now() + timedelta(days=days), created_at=now()))
    return raw


def usable(link: dict[str, Any] | None) -> bool:
    return bool(link) and not link["used_at"] and not link["revoked_at"] and link["expires_at"] > now()  # type: ignore[index]


async def open_link(raw: str, ip: str) -> int:
    """The id of the usable link the token names (recording that it was opened); raises LinkInvalid."""
    link = await PlacementLink.select().where(PlacementLink.token_hash == token_hash(raw)).first()
    if not usable(link):
        raise LinkInvalid("link")
    await PlacementLink.update({PlacementLink.opened_at: now()}).where(
        (PlacementLink.id == link["id"]) & PlacementLink.opened_at.is_null())  # type: ignore[index]
    await audit.record("placement.link_opened", subject=f"placement_link:{link['id']}", ip=ip)  # type: ignore[index]
    return link["id"]  # type: ignore[index]


def grant(secret: str, link_id: int, expires: datetime) -> str:
    return link_grant(secret, link_id, link_id, expires)


async def granted(secret: str, value: str | None, link_id: int) -> dict[str, Any]:
    """The link a grant cookie stands for, if genuine, unexpired and the link still usable; raises LinkInvalid."""
    try:
        rid, lid, exp, _mac = (value or "").split(".")
        expires = datetime.fromtimestamp(int(exp), timezone.utc)
        good = hmac.compare_digest((value or "").encode(), grant(secret, int(lid), expires).encode())
        if not good or int(rid) != link_id or int(lid) != link_id or expires < now():
            raise ValueError
    except ValueError:
        raise LinkInvalid("grant") from None
    return await usable_link(link_id)


async def usable_link(link_id: int) -> dict[str, Any]:
    link = await PlacementLink.select().where(PlacementLink.id == link_id).first()
    if not usable(link):
        raise LinkInvalid("grant")
    return link  # type: ignore[return-value]


async def use(link_id: int) -> None:
    """Inside the caller's write transaction: the link is spent; LinkInvalid if it was spent meanwhile."""
    spent = await PlacementLink.update({PlacementLink.used_at: now()}).where(
        (PlacementLink.id == link_id) & PlacementLink.used_at.is_null() & PlacementLink.revoked_at.is_null()
        & (PlacementLink.expires_at > now())).returning(PlacementLink.id)
    if not spent:
        raise LinkInvalid("used")


async def revoke(placement_id: int, purposes: tuple[str, ...], week: int | None = None) -> None:
    where = (PlacementLink.placement == placement_id) & PlacementLink.purpose.is_in(list(purposes)) & \
        PlacementLink.used_at.is_null() & PlacementLink.revoked_at.is_null()
    if week is not None:
        where &= PlacementLink.week == week
    await PlacementLink.update({PlacementLink.revoked_at: now()}).where(where)
