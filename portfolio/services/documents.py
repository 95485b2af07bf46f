"""Portfolio documents: a printable PDF of a portfolio with a public check code, and a student's full export.

Every PDF made is a PortfolioDocument row: a random code (printed as a URL and a QR code, /p/{code}), the
SHA-256 of the portfolio data it shows, and the scope it covered. The check page hashes the same scope again
now and says whether the PDF is still current; it shows the student's name and the date, nothing else.

The PDF is drawn with fpdf2 (pure Python): DejaVu Sans when Debian's fonts-dejavu-core is installed, else the
PDF core fonts with text folded to Latin-1. Either way anything a student typed is drawn as plain text, and a
character the font cannot draw becomes "?" rather than an error. The QR code (segno) is drawn as vectors, so
it prints sharply at any resolution.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import secrets
import string
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Mapping
from zoneinfo import ZoneInfo

from portfolio.formats import hours, nice_date
from portfolio.services import sharing
from portfolio.services.accounts import CurrentUser
from portfolio.services.signoff import METHOD_LABELS
from portfolio.storage import EvidenceStore
from portfolio.tables import (
    EXPERIENCE_KINDS,
    EXPERIENCE_STATUSES,
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

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{16}$")
SELF = "self"
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/heic": ".heic", "application/pdf": ".pdf"}


class NotFound(Exception):
    """No document with this code."""


def now() -> datetime:
    return datetime.now(timezone.utc)


def new_code() -> str:
    """16 random letters and digits (about 95 bits), so codes cannot be guessed or walked. No "-" or "_":
    the PDF's line breaking could split the printed URL at a hyphen, and people retype these."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(16))


# --- what a PDF covers, and its hash ---------------------------------------------------------------

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


# --- making a PDF ----------------------------------------------------------------------------------

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
    slug = re.sub(r"[^a-z0-9]+", "-", _fold_ascii(name).lower()).strip("-")[:60] or "student"
    return f"portfolio-{slug}-{day.isoformat()}.pdf"


async def make_pdf(student_id: int, access: sharing.Access | None, audience: str, base_url: str,
                   created_by: int | None = None) -> Made:
    """A PDF of what `access` shows (None: everything), recorded with a new check code."""
    moment = now()
    pf = await sharing.portfolio(student_id, access, moment)
    code = new_code()
    tz = await timezone_of(student_id)
    await PortfolioDocument.insert(
        PortfolioDocument(student=student_id, code=code, content_hash=content_hash(pf), scope=scope_of(access),
                          audience=(audience or SELF)[:200], created_by=created_by, created_at=moment)
    )
    day = local_day(moment, tz)
    pdf = await asyncio.to_thread(render_pdf, pf, day=day, audience=audience or SELF, url=check_url(base_url, code))
    return Made(code=code, pdf=pdf, filename=filename_for(pf["student"]["name"], day), created_at=moment)


async def check(code: str) -> dict[str, Any]:
    """What the public check page says: the student's name, the day the PDF was made, and whether what it shows
    is still what the portfolio shows now for the same items."""
    if not CODE_RE.match(code or ""):
        raise NotFound(code)
    row = await PortfolioDocument.select(
        PortfolioDocument.student, PortfolioDocument.content_hash, PortfolioDocument.scope, PortfolioDocument.created_at,
        PortfolioDocument.student.name.as_alias("student_name"),
    ).where(PortfolioDocument.code == code).first()
    if row is None:
        raise NotFound(code)
    scope = row["scope"]
    if isinstance(scope, str):
        scope = json.loads(scope or "{}")
    pf = await sharing.portfolio(row["student"], access_of(row["student"], scope or {}))
    return {
        "student_name": row["student_name"],
        "made_on": local_day(row["created_at"], await timezone_of(row["student"])),
        "current": content_hash(pf) == row["content_hash"],
    }


# --- text the fonts can draw -----------------------------------------------------------------------

# Punctuation people type (or phones substitute) that Latin-1 lacks.
_ASCII_FOLDS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2013": "-",
    "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u2022": "*", "\u20ac": "EUR", "\u2122": "TM", "\u0141": "L",
    "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0152": "OE", "\u0153": "oe", "\u0131": "i",
})


def _strip_controls(text: str) -> str:
    """No control, format (bidi overrides, zero-width) or surrogate characters; tabs become spaces."""
    text = unicodedata.normalize("NFC", str(text)).replace("\r\n", "\n").replace("\t", " ")
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))


def to_latin1(text: str) -> str:
    """For the core fonts: Latin-1 as is, accents kept where Latin-1 has them, else dropped, else "?"."""
    out = []
    for ch in _strip_controls(text).translate(_ASCII_FOLDS):
        if ord(ch) < 256:
            out.append(ch)
            continue
        folded = "".join(c for c in unicodedata.normalize("NFKD", ch) if ord(c) < 256 and not unicodedata.combining(c))
        out.append(folded or "?")
    return "".join(out)


def _fold_ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", to_latin1(text)) if ord(c) < 128)


@lru_cache(maxsize=4)
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


@dataclass(frozen=True)
class Fonts:
    family: str
    files: dict[str, Path]  # style ("", "B", "I") -> TTF; empty for the core fonts

    def clean(self, text: Any) -> str:
        text = "" if text is None else str(text)
        if not self.files:
            return to_latin1(text)
        drawable = _cmap(str(self.files[""]))
        return "".join(ch if ch == "\n" or ord(ch) in drawable else "?" for ch in _strip_controls(text))


def fonts(font_dir: Path | None = None) -> Fonts:
    folder = font_dir or FONT_DIR
    files = {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf", "I": folder / "DejaVuSans-Oblique.ttf"}
    if all(path.is_file() for path in files.values()):
        return Fonts("DejaVu", files)
    return Fonts("helvetica", {})


# --- drawing the PDF -------------------------------------------------------------------------------

INK = (20, 20, 20)
MUTED = (90, 90, 90)
GREEN = (11, 93, 75)


def render_pdf(pf: Mapping[str, Any], *, day: date, audience: str, url: str, font_dir: Path | None = None) -> bytes:
    """The portfolio as a Letter-size PDF: the same marks as the page (verified first, with how and by whom;
    then self-reported; certifications with expiry; reflections), dated, with the check URL and its QR code."""
    import segno
    from fpdf import FPDF

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting logs every glyph at INFO

    chosen = fonts(font_dir)
    t = chosen.clean
    student = pf["student"]
    profile = pf.get("profile") or {}
    made = f"Made on {nice_date(day)}" + ("" if audience == SELF else f" for {audience}")

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(chosen.family, "", 8)
            self.set_text_color(*MUTED)
            self.cell(0, 5, t(f"{student['name']} · Career portfolio · {made} · page {self.page_no()} of {{nb}}"),
                      align="C")

    pdf = Document(format="letter", unit="mm")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    for style, path in chosen.files.items():
        pdf.add_font(chosen.family, style, str(path))
    pdf.set_title(t(f"Career portfolio of {student['name']}"))
    pdf.set_author(t(student["name"]))
    pdf.set_creator("Career Portfolio")
    pdf.add_page()
    width = pdf.epw

    def text(value: str, size: float = 10, style: str = "", color: tuple[int, int, int] = INK, height: float | None = None,
             w: float = 0, link: str = "") -> None:
        pdf.set_font(chosen.family, style, size)
        pdf.set_text_color(*color)
        pdf.multi_cell(w, height or size * 0.5, t(value), new_x="LMARGIN", new_y="NEXT", link=link)

    # The QR code, top right, as filled squares (runs of dark modules merged per row).
    qr = segno.make(url, error="m")
    side = 30.0
    modules = list(qr.matrix)
    cell = side / len(modules)
    left, top = pdf.l_margin + width - side, pdf.t_margin
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(modules):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(left + start * cell, top + r * cell, (c - start) * cell, cell, style="F")
            else:
                c += 1
    pdf.link(left, top, side, side, url)

    header_width = width - side - 6
    text("CAREER PORTFOLIO", 8, "B", GREEN, w=header_width)
    text(student["name"], 20, "B", height=9, w=header_width)
    if profile.get("headline"):
        text(profile["headline"], 11, "", w=header_width)
    school = student.get("school_name") or ""
    if profile.get("graduation_year"):
        school += f" · class of {profile['graduation_year']}"
    if school:
        text(school, 9, "", MUTED, w=header_width)
    pdf.ln(2)
    text(f"{hours(pf['verified_minutes'])} verified hours · {hours(pf['self_reported_minutes'])} self-reported hours",
         12, "B", GREEN, w=header_width)
    text(made + ".", 9, "", MUTED, w=header_width)
    pdf.set_y(max(pdf.get_y(), top + side + 2))
    text("Check that this PDF is current:", 8, "", MUTED)
    text(url, 8, "", MUTED, link=url)
    pdf.ln(1)
    pdf.set_draw_color(180, 180, 180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    pdf.ln(3)
    if profile.get("about"):
        text(profile["about"], 10)
        pdf.ln(1)
    if profile.get("skills"):
        text("Skills: " + ", ".join(profile["skills"]), 10)
        pdf.ln(1)

    def heading(title: str) -> None:
        if pdf.get_y() > pdf.page_break_trigger - 30:
            pdf.add_page()
        pdf.ln(3)
        text(title, 13, "B", GREEN, height=7)
        pdf.ln(1)

    def keep_together() -> None:
        if pdf.get_y() > pdf.page_break_trigger - 22:
            pdf.add_page()

    def files_line(files: list[Mapping[str, Any]]) -> None:
        if files:
            names = ", ".join(f["original_name"] + (f" ({f['pages']} pages)" if f.get("pages") else "") for f in files)
            text(f"Evidence on file: {names}", 8, "", MUTED)

    def entry(e: Mapping[str, Any]) -> None:
        keep_together()
        text(e["title"], 11, "B", height=5.5)
        meta = [EXPERIENCE_KINDS.get(e["kind"], e["kind"]), e["organization_name"], nice_date(e["date"]),
                f"{hours(e['minutes'])} h"]
        if e.get("cluster_name"):
            meta.append(e["cluster_name"])
        text(" · ".join(m for m in meta if m), 9, "", MUTED)
        signoff = e.get("signoff")
        if signoff:
            pending = e["state"] == "verified_pending_confirmation"
            who = signoff["verifier_name"]
            if signoff.get("verifier_title"):
                who += f", {signoff['verifier_title']}"
            if signoff.get("verifier_organization"):
                who += f" ({signoff['verifier_organization']})"
            how = e.get("method_label") or METHOD_LABELS.get(signoff["method"], "")
            mark = EXPERIENCE_STATUSES["verified_pending_confirmation"] if pending else f"Verified {how}".strip()
            text(f"{mark}: {who}, {nice_date(signoff['created_at'])}", 9, "B", GREEN)
        else:
            text("Self-reported", 9, "B", MUTED)
        if e.get("reflection"):
            text(e["reflection"], 10)
        files_line(e.get("evidence", []))
        pdf.ln(3)

    heading(f"Verified experience · {hours(pf['verified_minutes'])} hours")
    if pf["verified"]:
        for e in pf["verified"]:
            entry(e)
    else:
        text("No verified entries.", 10, "I", MUTED)
    heading(f"Self-reported experience · {hours(pf['self_reported_minutes'])} hours")
    if pf["self_reported"]:
        for e in pf["self_reported"]:
            entry(e)
    else:
        text("No self-reported entries.", 10, "I", MUTED)
    heading("Certifications")
    if pf["certifications"]:
        for c in pf["certifications"]:
            keep_together()
            text(c["name"], 11, "B", height=5.5)
            meta = [c["issuer"], f"issued {nice_date(c['issued_on'])}"]
            if c.get("expires_on"):
                meta.append(f"expires {nice_date(c['expires_on'])}")
            else:
                meta.append("does not expire")
            if c.get("credential_id"):
                meta.append(f"ID {c['credential_id']}")
            text(" · ".join(m for m in meta if m), 9, "", MUTED)
            if c.get("verification_url"):
                text(f"Check it with the issuer: {c['verification_url']}", 8, "", MUTED)
            files_line(c.get("evidence", []))
            pdf.ln(3)
    else:
        text("No certifications.", 10, "I", MUTED)
    pdf.ln(2)
    text("Verified entries were confirmed by the person named, who saw exactly what is shown here; an entry changed "
         "after its verification is listed as self-reported. Scan the code or open the link above to check that "
         "this PDF is still current.", 8, "I", MUTED)
    return bytes(pdf.output())


# --- the student's export --------------------------------------------------------------------------

def safe_name(name: str, content_type: str = "") -> str:
    """A file name that is only a name: ASCII letters, digits, dot, dash and underscore; never a path or hidden;
    with the extension of what the file really is."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", _fold_ascii(name or "")).replace("..", "_").strip("._-")[:100]
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
