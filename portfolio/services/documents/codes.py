"""Every PDF made is a PortfolioDocument row: a random code (printed as a URL and a QR code, /p/{code}), the
SHA-256 of the portfolio data it shows, and the scope it covered. The check page hashes the same scope again
now and says whether the PDF is still current; it shows the student's name and the date, nothing else."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import secrets
import string
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from portfolio.clock import now
from portfolio.errors import FormErrors, NotFound
from portfolio.services import school_logo, sharing
from portfolio.services.documents.fonts import fold_ascii
from portfolio.services.documents.pdf import SELF, render_pdf
from portfolio.tables import PortfolioDocument, User

CODE_RE = re.compile(r"^[A-Za-z0-9_-]{16}$")




def new_code() -> str:
    """16 random letters and digits (about 95 bits), so codes cannot be guessed or walked. No "-" or "_":
    the PDF's line breaking could split the printed URL at a hyphen, and people retype these."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(16))


def scope_of(access: sharing.Access | None) -> dict[str, Any]:
    """Enough to show the same items again later: everything, or the entry and certification ids."""
    if access is None or access.everything:
        return {"everything": True, "experiences": [], "certifications": [], "shares": list(access.share_ids) if access else []}
    return {"everything": False, "experiences": sorted(access.experiences), "certifications": sorted(access.certifications),
            "shares": list(access.share_ids)}


def access_of(student_id: int, scope: Mapping[str, Any]) -> sharing.Access | None:
    if scope.get("everything", True):
        return None
    return sharing.Access(student_id=student_id, everything=False, experiences=set(scope.get("experiences") or []),
                          certifications=set(scope.get("certifications") or []))


def _day(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def canonical(pf: Mapping[str, Any]) -> dict[str, Any]:
    """Exactly the portfolio data the PDF shows, in a fixed shape and order (lists sorted by id)."""
    profile = pf.get("profile") or {}

    def entry(e: Mapping[str, Any]) -> dict[str, Any]:
        signoff = e.get("signoff")
        return {
            "id": e["id"], "kind": e["kind"], "title": e["title"], "organization": e["organization_name"],
            "date": _day(e["date"]), "minutes": e["minutes"], "cluster": e.get("cluster_code"),
            "reflection": e["reflection"], "state": e["state"],
            "signoff": None if not signoff else {
                "method": signoff["method"], "verifier_name": signoff["verifier_name"],
                "verifier_title": signoff["verifier_title"], "verifier_organization": signoff["verifier_organization"],
                "date": _day(signoff["created_at"]),
            },
            "evidence": sorted(f["sha256"] for f in e.get("evidence", [])),
        }

    def cert(c: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": c["id"], "name": c["name"], "issuer": c["issuer"], "credential_id": c["credential_id"],
            "issued_on": _day(c["issued_on"]), "expires_on": _day(c["expires_on"]),
            "verification_url": c["verification_url"], "evidence": sorted(f["sha256"] for f in c.get("evidence", [])),
            "state": c.get("state"),
            "signoff": None if not c.get("signoff") else {
                "verifier_name": c["signoff"]["verifier_name"], "checked": c["signoff"]["checked"],
                "date": _day(c["signoff"]["created_at"]),
            },
        }

    return {
        "student": {"id": pf["student"]["id"], "name": pf["student"]["name"], "school": pf["student"]["school_name"]},
        "profile": {key: profile.get(key) for key in ("headline", "about", "skills", "graduation_year")},
        "verified": sorted((entry(e) for e in pf["verified"]), key=lambda e: e["id"]),
        "self_reported": sorted((entry(e) for e in pf["self_reported"]), key=lambda e: e["id"]),
        "certifications": sorted((cert(c) for c in pf["certifications"]), key=lambda c: c["id"]),
    }


def content_hash(pf: Mapping[str, Any]) -> str:
    text = json.dumps(canonical(pf), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Made:
    code: str
    pdf: bytes
    filename: str
    created_at: datetime


async def timezone_of(student_id: int) -> str:
    row = await User.select(User.school.timezone.as_alias("tz")).where(User.id == student_id).first()
    return (row or {}).get("tz") or "America/New_York"


def local_day(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def check_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/p/{code}"


def filename_for(name: str, day: date) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold_ascii(name).lower()).strip("-")[:60] or "student"
    return f"portfolio-{slug}-{day.isoformat()}.pdf"


async def make_pdf(student_id: int, access: sharing.Access | None, audience: str, base_url: str,
                   created_by: int | None = None) -> Made:
    """A PDF of what `access` shows (None: everything), recorded with a new check code."""
    moment = now()
    pf = await sharing.portfolio(student_id, access)
    code = new_code()
    tz = await timezone_of(student_id)
    await PortfolioDocument.insert(
        PortfolioDocument(student=student_id, code=code, content_hash=content_hash(pf), scope=scope_of(access),
                          audience=(audience or SELF)[:200], created_by=created_by, created_at=moment)
    )
    day = local_day(moment, tz)
    pdf = await asyncio.to_thread(render_pdf, pf, day=day, audience=audience or SELF, url=check_url(base_url, code),
                                  logo=await school_logo.of_student(student_id))
    return Made(code=code, pdf=pdf, filename=filename_for(pf["student"]["name"], day), created_at=moment)


async def require_known(code: str, typed: str) -> None:
    """FormErrors when no PDF has this code: the form that asked says so by its field, with what was typed."""
    if not CODE_RE.match(code) or not await PortfolioDocument.exists().where(PortfolioDocument.code == code):
        raise FormErrors({"code": "No portfolio PDF has this code. Check it against the PDF: letters are case-sensitive."},
                         {"code": typed})


async def check(code: str) -> dict[str, Any]:
    """What the public check page says: the student's name, the day the PDF was made, and whether what it shows
    is still what the portfolio shows now for the same items."""
    if not CODE_RE.match(code or ""):
        raise NotFound(message="There is no such document.")
    row = await PortfolioDocument.select(
        PortfolioDocument.student, PortfolioDocument.content_hash, PortfolioDocument.scope, PortfolioDocument.created_at,
        PortfolioDocument.student.name.as_alias("student_name"),
    ).where(PortfolioDocument.code == code).first()
    if row is None:
        raise NotFound(message="There is no such document.")
    scope = row["scope"]
    if isinstance(scope, str):
        scope = json.loads(scope or "{}")
    pf = await sharing.portfolio(row["student"], access_of(row["student"], scope or {}))
    return {
        "student_name": row["student_name"],
        "made_on": local_day(row["created_at"], await timezone_of(row["student"])),
        "current": content_hash(pf) == row["content_hash"],
    }
