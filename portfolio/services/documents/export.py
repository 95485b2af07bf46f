"""The student's full export: portfolio.json, every evidence original, and portfolio.pdf, in one ZIP."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
import zipfile
from datetime import date, datetime, time, timezone
from decimal import Decimal
from typing import IO, Any

from portfolio.clock import now
from portfolio.services.accounts import CurrentUser
from portfolio.services.documents.codes import make_pdf, scope_of
from portfolio.services.documents.fonts import fold_ascii
from portfolio.services.documents.pdf import SELF
from portfolio.storage import EvidenceStore
from portfolio.tables import (
    Certification,
    Disclosure,
    Evidence,
    Experience,
    PortfolioDocument,
    Share,
    ShareItem,
    SignOff,
    StudentProfile,
    User,
)

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/heic": ".heic", "application/pdf": ".pdf"}


def safe_name(name: str, content_type: str = "") -> str:
    """A file name that is only a name: ASCII letters, digits, dot, dash and underscore; never a path or hidden;
    with the extension of what the file really is."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", fold_ascii(name or "")).replace("..", "_").strip("._-")[:100]
    cleaned = cleaned or "evidence"
    wanted = EXTENSIONS.get(content_type)
    if wanted and not cleaned.lower().endswith(wanted) and not (wanted == ".jpg" and cleaned.lower().endswith(".jpeg")):
        cleaned += wanted
    return cleaned


def _json_value(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def _loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def export_data(student: CurrentUser) -> tuple[dict[str, Any], dict[int, str]]:
    """Everything kept about the student, as the student may read it (no secrets: token hashes and storage keys
    are left out), and the storage key of each evidence file by id."""
    sid = student.id
    account = await User.select(
        User.id, User.name, User.email, User.created_at, User.school.name.as_alias("school_name")
    ).where(User.id == sid).first()
    profile = await StudentProfile.select().where(StudentProfile.student == sid).first()
    entries = await Experience.select(
        *Experience.all_columns(exclude=[Experience.student]), Experience.cluster.name.as_alias("cluster_name")
    ).where(Experience.student == sid).order_by(Experience.date).order_by(Experience.id)
    signoffs = await SignOff.select(
        *SignOff.all_columns(exclude=[SignOff.receipt_token_hash])
    ).where(SignOff.experience.student == sid).order_by(SignOff.id)
    certs = await Certification.select(*Certification.all_columns(exclude=[Certification.student])).where(
        Certification.student == sid
    ).order_by(Certification.issued_on).order_by(Certification.id)
    files = await Evidence.select(
        Evidence.id, Evidence.experience, Evidence.certification, Evidence.original_name, Evidence.content_type,
        Evidence.size, Evidence.sha256, Evidence.width, Evidence.height, Evidence.pages, Evidence.uploaded_at,
        Evidence.storage_key,
    ).where(Evidence.student == sid).order_by(Evidence.id)
    shares = await _shares(sid)
    disclosures = await Disclosure.select(
        Disclosure.id, Disclosure.kind, Disclosure.viewer_name, Disclosure.viewer_organization, Disclosure.share,
        Disclosure.created_at,
    ).where(Disclosure.student == sid).order_by(Disclosure.id)
    documents = await PortfolioDocument.select(
        PortfolioDocument.code, PortfolioDocument.audience, PortfolioDocument.scope, PortfolioDocument.created_at,
    ).where(PortfolioDocument.student == sid).order_by(PortfolioDocument.id)

    keys = {f["id"]: f.pop("storage_key") for f in files}  # where the store keeps it: not for the export
    for f in files:
        f["file"] = f"evidence/{f['id']}-{safe_name(f['original_name'], f['content_type'])}"
    for e in entries:
        e["sign_offs"] = [s for s in signoffs if s["experience"] == e["id"]]
        e["evidence"] = [f for f in files if f["experience"] == e["id"]]
    for c in certs:
        c["evidence"] = [f for f in files if f["certification"] == c["id"]]
    for d in documents:
        d["scope"] = _loads(d["scope"])
    return {
        "format": "career-portfolio-export/1",
        "exported_at": now(),
        "student": account,
        "profile": profile,
        "experiences": entries,
        "certifications": certs,
        "evidence": files,
        "shares": shares,
        "disclosures": disclosures,
        "documents": documents,
    }, keys


async def _shares(student_id: int) -> list[dict[str, Any]]:
    rows = await Share.select(
        Share.id, Share.organization.name.as_alias("organization_name"), Share.token_hash, Share.everything, Share.label,
        Share.expires_at, Share.revoked_at, Share.created_at,
    ).where(Share.student == student_id).order_by(Share.id)
    items = await ShareItem.select(ShareItem.share, ShareItem.experience, ShareItem.certification).where(
        ShareItem.share.is_in([r["id"] for r in rows] or [0])
    )
    for row in rows:
        row["kind"] = "link" if row.pop("token_hash") else "organization"
        row["experiences"] = sorted(i["experience"] for i in items if i["share"] == row["id"] and i["experience"])
        row["certifications"] = sorted(i["certification"] for i in items if i["share"] == row["id"] and i["certification"])
    return rows


async def write_export(student: CurrentUser, store: EvidenceStore, base_url: str, out: IO[bytes]) -> None:
    """The student's export as a ZIP written to `out` (a temporary file): portfolio.json, every evidence
    original as evidence/<id>-<name>, and portfolio.pdf. Files are copied from the store a chunk at a time."""
    data, keys = await export_data(student)
    made = await make_pdf(student.id, None, SELF, base_url, created_by=student.id)
    data["documents"].append({"code": made.code, "audience": SELF, "scope": scope_of(None), "created_at": made.created_at})
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for f in data["evidence"]:
            key = keys[f["id"]]
            if not await store.exists(key):
                f["missing"] = True
                continue
            # Photos and PDFs are compressed already: stored as they are.
            info = zipfile.ZipInfo(f["file"], date_time=_zip_time(f["uploaded_at"]))
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, "w", force_zip64=True) as entry:
                async for chunk in store.stream(key):
                    await asyncio.to_thread(entry.write, chunk)
        await asyncio.to_thread(archive.writestr, "portfolio.pdf", made.pdf, zipfile.ZIP_STORED)
        text = json.dumps(data, default=_json_value, ensure_ascii=False, indent=2)
        await asyncio.to_thread(archive.writestr, "portfolio.json", text.encode("utf-8"))


def _zip_time(moment: datetime | None) -> tuple[int, int, int, int, int, int]:
    moment = moment or now()
    if moment.year < 1980:
        moment = datetime(1980, 1, 1, tzinfo=timezone.utc)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
