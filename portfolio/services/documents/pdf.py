"""Drawing a portfolio as a PDF with fpdf2 (pure Python). Anything a student typed is drawn as plain text;
the QR code (segno) is drawn as vectors, so it prints sharply at any resolution."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from portfolio.formats import hours, nice_date
from portfolio.services.documents.fonts import fonts
from portfolio.tables import EXPERIENCE_KINDS, EXPERIENCE_STATUSES
from portfolio.vocabulary import METHOD_LABELS

INK = (20, 20, 20)


MUTED = (90, 90, 90)


GREEN = (11, 93, 75)
# The audience of a PDF the student makes for themselves.
SELF = "self"


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
