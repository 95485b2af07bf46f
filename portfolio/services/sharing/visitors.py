"""A share link's visitor: after they give their name and organization, a signed cookie stands for it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime

from portfolio.clock import now


@dataclass(frozen=True)
class Visitor:
    share_id: int
    name: str
    organization: str


def _mac(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), b"share-visitor." + payload.encode(), hashlib.sha256).hexdigest()


def visitor_grant(secret: str, share_id: int, name: str, organization: str, expires: datetime) -> str:
    """A cookie value standing for a visitor of one share link, until `expires`."""
    body = json.dumps([share_id, name, organization, int(expires.timestamp())], separators=(",", ":"))
    payload = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    return f"{payload}.{_mac(secret, payload)}"


def check_visitor_grant(secret: str, value: str | None, share_id: int) -> Visitor | None:
    """The visitor a grant cookie names, if it is genuine, unexpired and for this share; else None."""
    try:
        payload, mac = (value or "").split(".")
        if not hmac.compare_digest(mac.encode(), _mac(secret, payload).encode()):
            return None
        sid, name, organization, expires = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        if int(sid) != share_id or int(expires) < now().timestamp() or not name or not organization:
            return None
        return Visitor(int(sid), str(name), str(organization))
    except (ValueError, TypeError, UnicodeError):
        return None
