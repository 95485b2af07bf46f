"""A board meeting's minutes as a PDF (fpdf2), with the school's name on it: what was on the agenda, who came,
what was said and decided, and the action items that came out of it. Everything typed is drawn as plain text
through the same fonts (and their fallback) as the portfolio PDF."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from portfolio import clock
from portfolio.formats import nice_date
from portfolio.partner_vocabulary import ACTION_STATUS_LABELS
from portfolio.services.accounts import CurrentUser
from portfolio.services.documents.fonts import fonts
from portfolio.services.documents.pdf import MUTED, Writer, letter_document
from portfolio.services.programs import board

ACCENT = (11, 93, 75)


def render_minutes(meeting: Mapping[str, Any], *, day: date, font_dir: Path | None = None) -> bytes:
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting logs every glyph at INFO
    chosen = fonts(font_dir)
    program = meeting["program"]
    title = f"{program['name']} advisory board · {nice_date(meeting['held_on'])}"
    footer = f"{program['school_name']} · Minutes made on {nice_date(day)}"
    pdf = letter_document(chosen, f"Minutes: {title}", program["school_name"], footer)

    write = Writer(pdf, chosen, ACCENT)
    write(program["school_name"], 9, "B", ACCENT)
    write(f"Minutes: {title}", 15, "B")
    if meeting["place"]:
        write(f"Place: {meeting['place']}", 10, "", MUTED)
    came = ", ".join(f"{a['name']} ({a['from']})" for a in meeting["attendees"])
    for heading, text, empty in (("Attendees", came, "No attendance recorded."),
                                 ("Agenda", meeting["agenda"], "No agenda recorded."),
                                 ("Minutes", meeting["minutes"], "No minutes recorded."),
                                 ("Decisions", meeting["decisions"], "No decisions recorded.")):
        write.section(heading, text, empty)
    items = [f"{a['text']} · owner {a['owner_name']}"
             + (f" · due {nice_date(a['due_on'])}" if a["due_on"] else "")
             + f" · {ACTION_STATUS_LABELS[a['status']].lower()}" for a in meeting["actions"]]
    write.section("Action items", "\n".join(f"- {i}" for i in items), "No action items from this meeting.")
    return bytes(pdf.output())


async def export(user: CurrentUser, program_id: int, meeting_id: int) -> tuple[bytes, str]:
    """The meeting's minutes as a PDF and its file name; NotFound for another school's."""
    found = await board.meeting(user, program_id, meeting_id)
    day = clock.today_at(found["program"]["timezone"])
    data = await asyncio.to_thread(render_minutes, found, day=day)
    return data, f"minutes-{found['held_on'].isoformat()}.pdf"
