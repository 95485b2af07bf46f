"""A partner's feedback summary as a PDF (fpdf2, through the portfolio's fonts): the same figures and approved
comments as the page, or the same "not enough answers yet" when fewer than five students answered."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from typing import Any, Mapping

from portfolio import clock
from portfolio.formats import nice_date
from portfolio.opportunity_vocabulary import COMMENT_FIELD_LABELS, CommentField
from portfolio.services.documents.fonts import fonts
from portfolio.services.documents.pdf import MUTED, Writer, letter_document

NOT_ENOUGH = "Not enough answers yet to share without identifying students. The summary shows once at least {} students have answered."


def render_summary(partner_name: str, school_name: str, summary: Mapping[str, Any], *, day: date) -> bytes:
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting logs every glyph at INFO
    chosen = fonts(None)
    title = f"What students said about {partner_name}"
    pdf = letter_document(chosen, title, school_name, f"{school_name} · Students' feedback · made on {nice_date(day)}")
    write = Writer(pdf, chosen)
    write(school_name, 9, "B", write.accent)
    write(title, 15, "B")
    write(f"As of {nice_date(day)}. Students' names are never shown; comments appear only once the school has read "
          "them.", 9, "I", MUTED)
    if not summary["shown"]:
        write.section("Summary", NOT_ENOUGH.format(summary["needed"]), "")
        return bytes(pdf.output())
    experiences = "experience" if summary["experiences"] == 1 else "experiences"
    figures = [f"Students who answered: {summary['students']}",
               f"Answers: {summary['answers']}, on {summary['experiences']} {experiences}",
               f"Average rating: {summary['average']} of 5",
               f"Would recommend it to a classmate: {summary['recommend_percent']}%"]
    write.section("Summary", "\n".join(figures), "")
    for field in CommentField:
        comments = "\n".join(f"- {text}" for text in summary["comments"][field.value])
        write.section(COMMENT_FIELD_LABELS[field], comments, "No comments shared yet.")
    return bytes(pdf.output())


async def export(found: Mapping[str, Any], summary: Mapping[str, Any], school_timezone: str | None) -> bytes:
    """`found`: the partner's and school's names (partner_name, school_name)."""
    day = clock.today_at(school_timezone)
    return await asyncio.to_thread(render_summary, found["partner_name"], found["school_name"], summary, day=day)
