"""Drawing a portfolio as a PDF with fpdf2 (pure Python). Anything a student typed is drawn as plain text;
the QR code (segno) is drawn as vectors, so it prints sharply at any resolution; the school's logo, shrunk to
what its place on the page needs."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from portfolio.formats import hours, nice_date
from portfolio.services.documents.fonts import Fonts, fonts
from portfolio.tables import EXPERIENCE_KINDS
from portfolio.vocabulary import METHOD_LABELS

INK = (20, 20, 20)
MUTED = (90, 90, 90)
GREEN = (11, 93, 75)
# The audience of a PDF the student makes for themselves.
SELF = "self"

QR_SIDE = 30.0
# The box a school's logo is drawn in (mm), and the pixels it keeps: 12 mm at about 500 dpi, so a 1000-pixel
# logo does not make every PDF heavy.
LOGO_BOX = (30.0, 12.0)
LOGO_PIXELS = 240
CLOSING_NOTE = (
    "Verified entries were confirmed by the person named, who saw exactly what is shown here; an entry changed "
    "after its verification is listed as self-reported. Scan the code or open the link above to check that "
    "this PDF is still current."
)


def render_pdf(pf: Mapping[str, Any], *, day: date, audience: str, url: str, font_dir: Path | None = None,
               logo: bytes | None = None) -> bytes:
    """The portfolio as a Letter-size PDF: the same marks as the page (verified first, with how and by whom;
    then self-reported; certifications with expiry; reflections), dated, with the check URL and its QR code,
    and the school's logo (`logo`, as the school stored it) beside its name."""
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting logs every glyph at INFO

    chosen = fonts(font_dir)
    student = pf["student"]
    made = f"Made on {nice_date(day)}" + ("" if audience == SELF else f" for {audience}")
    pen = _Pen(letter_document(chosen, f"Career portfolio of {student['name']}", student["name"],
                               f"{student['name']} · Career portfolio · {made}"), chosen,
               _rgb(student.get("school_accent") or "") or GREEN)
    _qr_code(pen.pdf, url)
    _header(pen, pf, made, _logo_image(logo) if logo else None)
    _check_link(pen, url)
    _about(pen, pf.get("profile") or {})
    pen.section(f"Verified experience · {hours(pf['verified_minutes'])} hours", pf["verified"], _entry,
                "No verified entries.")
    pen.section(f"Self-reported experience · {hours(pf['self_reported_minutes'])} hours", pf["self_reported"], _entry,
                "No self-reported entries.")
    pen.section("Certifications", pf["certifications"], _certification, "No certifications.")
    pen.pdf.ln(2)
    pen.text(CLOSING_NOTE, 8, "I", MUTED)
    return bytes(pen.pdf.output())


def letter_document(chosen: Fonts, title: str, author: str, footer: str) -> Any:
    """A Letter-size fpdf2 document with its fonts, metadata and a footer numbering its pages, on its first page
    (the portfolio and a board's minutes look alike)."""
    from fpdf import FPDF

    class Document(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(chosen.family, "", 8)
            self.set_text_color(*MUTED)
            self.cell(0, 5, chosen.clean(f"{footer} · page {self.page_no()} of {{nb}}"), align="C")

    pdf = Document(format="letter", unit="mm")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    for style, path in chosen.files.items():
        pdf.add_font(chosen.family, style, str(path))
    pdf.set_title(chosen.clean(title))
    pdf.set_author(chosen.clean(author))
    pdf.set_creator("Career Portfolio")
    pdf.add_page()
    return pdf


@dataclass(frozen=True)
class _Pen:
    """The document and the font it is drawn in: every piece of text goes through text(), which cleans it."""

    pdf: Any  # an fpdf.FPDF; fpdf2 is imported only when a PDF is made
    font: Fonts
    # The school's accent colour (checked for contrast on white when it was set), else the app's green.
    accent: tuple[int, int, int] = GREEN

    def text(self, value: str, size: float = 10, style: str = "", color: tuple[int, int, int] = INK,
             height: float | None = None, w: float = 0, link: str = "") -> None:
        self.pdf.set_font(self.font.family, style, size)
        self.pdf.set_text_color(*color)
        self.pdf.multi_cell(w, height or size * 0.5, self.font.clean(value), new_x="LMARGIN", new_y="NEXT", link=link)

    def heading(self, title: str) -> None:
        if self.pdf.get_y() > self.pdf.page_break_trigger - 30:
            self.pdf.add_page()
        self.pdf.ln(3)
        self.text(title, 13, "B", self.accent, height=7)
        self.pdf.ln(1)

    def keep_together(self) -> None:
        """A new page rather than an item's title alone at the foot of one."""
        if self.pdf.get_y() > self.pdf.page_break_trigger - 22:
            self.pdf.add_page()

    def section(self, title: str, items: Sequence[Mapping[str, Any]], draw: Callable[[_Pen, Mapping[str, Any]], None],
                empty: str) -> None:
        self.heading(title)
        if items:
            for item in items:
                draw(self, item)
        else:
            self.text(empty, 10, "I", MUTED)

    def files_line(self, files: list[Mapping[str, Any]]) -> None:
        if files:
            names = ", ".join(f["original_name"] + (f" ({f['pages']} pages)" if f.get("pages") else "")
                              + (" (added after verification)" if f.get("added_after") else "") for f in files)
            self.text(f"Evidence on file: {names}", 8, "", MUTED)


def _rgb(colour: str) -> tuple[int, int, int] | None:
    if len(colour) != 7:
        return None
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _qr_code(pdf: Any, url: str) -> None:
    """The check URL's QR code, top right, as filled squares (runs of dark modules merged per row)."""
    import segno

    qr = segno.make(url, error="m")
    modules = list(qr.matrix)
    cell = QR_SIDE / len(modules)
    left, top = pdf.l_margin + pdf.epw - QR_SIDE, pdf.t_margin
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
    pdf.link(left, top, QR_SIDE, QR_SIDE, url)


def _logo_image(data: bytes) -> tuple[io.BytesIO, int, int] | None:
    """The logo as PNG or JPEG (fpdf2 takes no WebP) at most LOGO_PIXELS a side, with its size; None for a
    picture Pillow cannot read (it was checked on upload: the PDF is made without it rather than not at all)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as picture:
            # A photo stays JPEG; anything that may be transparent (a drawn logo) becomes PNG.
            photo = picture.mode in ("RGB", "L") and picture.format == "JPEG"
            picture.thumbnail((LOGO_PIXELS, LOGO_PIXELS))
            out = io.BytesIO()
            if photo:
                picture.save(out, "JPEG", quality=85)
            else:
                picture.convert("RGBA" if "A" in picture.getbands() or picture.mode == "P" else "RGB").save(out, "PNG")
            out.seek(0)
            return out, picture.width, picture.height
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def _kicker(pen: _Pen, text: str, width: float, logo: tuple[io.BytesIO, int, int] | None) -> None:
    """The line naming the school, after its logo when it has one."""
    if logo is None:
        pen.text(text, 8, "B", pen.accent, w=width)
        return
    pdf = pen.pdf
    data, pixels_wide, pixels_high = logo
    box_w, box_h = LOGO_BOX
    logo_h = min(box_h, box_w * pixels_high / pixels_wide)
    logo_w = logo_h * pixels_wide / pixels_high
    top = pdf.get_y()
    pdf.image(data, x=pdf.l_margin, y=top, w=logo_w, h=logo_h)
    pdf.set_xy(pdf.l_margin + logo_w + 3, top + max(0.0, logo_h - 4) / 2)
    pen.text(text, 8, "B", pen.accent, w=width - logo_w - 3)
    pdf.set_y(max(pdf.get_y(), top + logo_h) + 1.5)


def _header(pen: _Pen, pf: Mapping[str, Any], made: str, logo: tuple[io.BytesIO, int, int] | None = None) -> None:
    """Who, their school (its logo first) and the hours, left of the QR code."""
    student = pf["student"]
    profile = pf.get("profile") or {}
    header_width = pen.pdf.epw - QR_SIDE - 6
    kicker = f"{student['school_name']} · career portfolio" if student.get("school_name") else "Career portfolio"
    _kicker(pen, kicker.upper(), header_width, logo)
    pen.text(student["name"], 20, "B", height=9, w=header_width)
    if profile.get("headline"):
        pen.text(profile["headline"], 11, "", w=header_width)
    school = student.get("school_name") or ""
    if profile.get("graduation_year"):
        school += f" · class of {profile['graduation_year']}"
    if school:
        pen.text(school, 9, "", MUTED, w=header_width)
    pen.pdf.ln(2)
    pen.text(f"{hours(pf['verified_minutes'])} verified hours · {hours(pf['self_reported_minutes'])} self-reported hours",
             12, "B", pen.accent, w=header_width)
    pen.text(made + ".", 9, "", MUTED, w=header_width)


def _check_link(pen: _Pen, url: str) -> None:
    """The check URL in full below the header and the QR code (whichever ends lower), then a rule."""
    pdf = pen.pdf
    pdf.set_y(max(pdf.get_y(), pdf.t_margin + QR_SIDE + 2))
    pen.text("Check that this PDF is current:", 8, "", MUTED)
    pen.text(url, 8, "", MUTED, link=url)
    pdf.ln(1)
    pdf.set_draw_color(180, 180, 180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(3)


def _about(pen: _Pen, profile: Mapping[str, Any]) -> None:
    if profile.get("about"):
        pen.text(profile["about"], 10)
        pen.pdf.ln(1)
    if profile.get("skills"):
        pen.text("Skills: " + ", ".join(profile["skills"]), 10)
        pen.pdf.ln(1)


def _entry(pen: _Pen, e: Mapping[str, Any]) -> None:
    pen.keep_together()
    pen.text(e["title"], 11, "B", height=5.5)
    meta = [EXPERIENCE_KINDS.get(e["kind"], e["kind"]), e["organization_name"], nice_date(e["date"]),
            f"{hours(e['minutes'])} h"]
    if e.get("cluster_name"):
        meta.append(e["cluster_name"])
    pen.text(" · ".join(m for m in meta if m), 9, "", MUTED)
    if e.get("signoff"):
        pen.text(_verified_mark(e), 9, "B", GREEN)
    else:
        pen.text("Self-reported", 9, "B", MUTED)
    if e.get("reflection"):
        pen.text(e["reflection"], 10)
        if e.get("reflection_added_after"):
            pen.text("Reflection added after verification, by the student", 8, "", MUTED)
    pen.files_line(e.get("evidence", []))
    pen.pdf.ln(3)


def _verified_mark(e: Mapping[str, Any]) -> str:
    """How the entry was verified, by whom and when (and who confirmed a sign-off made on the student's phone)."""
    signoff = e["signoff"]
    who = signoff["verifier_name"]
    if signoff.get("verifier_title"):
        who += f", {signoff['verifier_title']}"
    if signoff.get("verifier_organization"):
        who += f" ({signoff['verifier_organization']})"
    how = e.get("method_label") or METHOD_LABELS.get(signoff["method"], "")
    mark = f"Verified {how}".strip()
    confirmed = ""
    if signoff["method"] == "on_device":
        by = f"{signoff.get('confirmed_by_name') or 'a staff member'} (staff)" if signoff.get("confirmed_by") else "the supervisor"
        confirmed = f", confirmed by {by}"
    return f"{mark}: {who}, {nice_date(signoff['created_at'])}{confirmed}"


def _certification_mark(c: Mapping[str, Any]) -> str:
    """Verified (by whom, what they checked, when) or self-reported: never verified without a valid sign-off."""
    signoff = c.get("signoff")
    if not signoff:
        return "Self-reported"
    who = signoff["verifier_name"] + (f", {signoff['verifier_title']}" if signoff.get("verifier_title") else "")
    return f"Verified: {who} {signoff['check_label']}, {nice_date(signoff['created_at'])}"


def _certification(pen: _Pen, c: Mapping[str, Any]) -> None:
    pen.keep_together()
    pen.text(c["name"], 11, "B", height=5.5)
    meta = [c["issuer"], f"issued {nice_date(c['issued_on'])}"]
    if c.get("expires_on"):
        meta.append(f"expires {nice_date(c['expires_on'])}")
    else:
        meta.append("does not expire")
    if c.get("credential_id"):
        meta.append(f"ID {c['credential_id']}")
    pen.text(" · ".join(m for m in meta if m), 9, "", MUTED)
    pen.text(_certification_mark(c), 9, "", MUTED)
    if c.get("verification_url"):
        pen.text(f"Check it with the issuer: {c['verification_url']}", 8, "", MUTED)
    pen.files_line(c.get("evidence", []))
    pen.pdf.ln(3)


class Writer:
    """Plain text onto a document, section by section (a board's minutes, a partner's feedback summary). Every
    piece of text goes through the font's clean(): what the font cannot draw becomes "?"."""

    def __init__(self, pdf: Any, chosen: Fonts, accent: tuple[int, int, int] = GREEN) -> None:
        self.pdf, self.font, self.accent = pdf, chosen, accent

    def __call__(self, text: str, size: float = 10, style: str = "", color: tuple[int, int, int] = INK) -> None:
        self.pdf.set_font(self.font.family, style, size)
        self.pdf.set_text_color(*color)
        self.pdf.multi_cell(0, size * 0.5, self.font.clean(text), new_x="LMARGIN", new_y="NEXT")

    def section(self, heading: str, text: str, empty: str) -> None:
        if self.pdf.get_y() > self.pdf.page_break_trigger - 30:
            self.pdf.add_page()
        self.pdf.ln(3)
        self(heading, 12, "B", self.accent)
        self.pdf.ln(1)
        if text:
            self(text)
        else:
            self(empty, 10, "I", MUTED)
