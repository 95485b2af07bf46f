"""An awards night's printed matter, drawn with the portfolio's PDF setup (fpdf2, its fonts and the school's logo):
the program, which leaves the school, and certificates, which go to each student themselves.

The program names a student only when their publication consent is complete (publication.publishable); the
others of a section are counted ("and 3 more students"), never named. Partners are organizations: named, with
the verified hours they hosted. A certificate needs no opt-in: it is the student's own."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from portfolio.errors import NotFound
from portfolio.formats import hours, nice_date
from portfolio.forms.celebrations import EventForm
from portfolio.services.accounts import CurrentUser
from portfolio.services.celebrations import overview, publication
from portfolio.services.documents.fonts import fonts
from portfolio.services.documents.pdf import MUTED, Writer, _kicker, _logo_image, _Pen, letter_document
from portfolio.services.reports.scope import Scope
from portfolio.services.school_logo import logo as school_logo
from portfolio.services.sharing import disclosures
from portfolio.tables import School

CONFIRMED = "confirmed"


@dataclass(frozen=True)
class Night:
    """What is drawn: the event, who hosts it (a school's name, or the district's) and its logo."""

    event: EventForm
    host: str
    logo: bytes | None


async def night(scope: Scope, event: EventForm) -> Night:
    if scope.district:
        return Night(event, "District celebration", None)
    row = await School.select(School.name).where(School.id == scope.schools[0]).first()
    found = await school_logo(scope.schools[0])
    return Night(event, row["name"] if row else "", found[0] if found else None)


def _named_lines(rows: Iterable[Mapping[str, Any]], allowed: set[int], line) -> str:
    """A line each for rows of students who may be named; the others counted in a last line, never named."""
    lines, others = [], set()
    for row in rows:
        if row["student"] in allowed:
            lines.append(line(row))
        else:
            others.add(row["student"])
    if others:
        more = "student" if len(others) == 1 else "students"
        lines.append(f"and {len(others)} more {more}" if lines else f"{len(others)} {more}")
    return "\n".join(lines)


def _begin(title: str, the_night: Night, footer: str) -> Writer:
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting logs every glyph at INFO
    chosen = fonts(None)
    pdf = letter_document(chosen, title, the_night.host, footer)
    return Writer(pdf, chosen)


def _heading(write: Writer, the_night: Night, width: float) -> None:
    picture = _logo_image(the_night.logo) if the_night.logo else None
    _kicker(_Pen(write.pdf, write.font, write.accent), the_night.host, width, picture)


def render_program(found: Mapping[str, Any], allowed: set[int], the_night: Night) -> bytes:
    event = the_night.event
    write = _begin(event.title, the_night, f"{the_night.host} · {event.title} · {nice_date(event.held_on)}")
    _heading(write, the_night, write.pdf.epw)
    write(event.title, 20, "B")
    write(nice_date(event.held_on), 11, "", MUTED)
    write.section("Certifications earned", _named_lines(
        found["certifications"], allowed, lambda r: f"{r['student_name']} · {r['name']} ({r['issuer']})"),
        "None this time.")
    write.section("Milestones", _named_lines(
        found["milestones"], allowed, lambda r: f"{r['student_name']} · {r['text']}"), "None this time.")
    confirmed = [r for r in found["commitments"] if r["state"] == CONFIRMED]
    write.section("Signing day", _named_lines(
        confirmed, allowed, lambda r: f"{r['student_name']} · {r['kind_label']}: {r['organization']}"
                                      + (f" ({r['detail']})" if r["detail"] else "")), "None this time.")
    write.section("With thanks to our partners", "\n".join(
        f"{p['name']} · {hours(int(p['minutes']))} hours hosted" for p in found["partners"]), "None this time.")
    write.pdf.ln(3)
    write("Students are named with their consent (and a guardian's, under 18).", 8, "I", MUTED)
    return bytes(write.pdf.output())


def _achievements(found: Mapping[str, Any], student_id: int) -> list[str]:
    lines = [f"{r['name']}, {r['issuer']}" for r in found["certifications"] if r["student"] == student_id]
    lines += [f"{r['text']}, reached on {nice_date(r['date'])}" for r in found["milestones"] if r["student"] == student_id]
    lines += [f"Signing day: {r['kind_label']}, {r['organization']}" for r in found["commitments"]
              if r["student"] == student_id and r["state"] == CONFIRMED]
    return lines


def render_certificates(found: Mapping[str, Any], students: Sequence[Mapping[str, Any]], the_night: Night) -> bytes:
    event = the_night.event
    write = _begin(f"{event.title}: certificates", the_night, f"{the_night.host} · {event.title}")
    for index, student in enumerate(students):
        if index:
            write.pdf.add_page()
        _heading(write, the_night, write.pdf.epw)
        write.pdf.ln(30)
        write("Certificate of achievement", 24, "B", write.accent)
        write.pdf.ln(8)
        write("presented to", 11, "I", MUTED)
        write(student["name"], 26, "B")
        write.pdf.ln(6)
        write("\n".join(_achievements(found, student["id"])) or "For their work this year.", 12)
        write.pdf.ln(12)
        write(f"{event.title} · {nice_date(event.held_on)}", 11, "", MUTED)
    return bytes(write.pdf.output())


async def program_pdf(scope: Scope, event: EventForm, today: date, made_by: CurrentUser) -> bytes:
    """The program; each student it names finds it among the disclosures of their record (once a day, however
    many times it is printed again)."""
    found = await overview.celebrations(scope)
    allowed = await publication.publishable(found["students"], today)
    the_night = await night(scope, event)
    data = await asyncio.to_thread(render_program, found, allowed, the_night)
    await disclosures.disclose_publication(sorted(allowed), f"{event.title}, {nice_date(event.held_on)}", made_by)
    return data


async def certificates_pdf(scope: Scope, event: EventForm, student_ids: list[int]) -> bytes:
    """One page for each chosen student the scope celebrates; others (another school's) are not found."""
    found = await overview.celebrations(scope)
    chosen = [i for i in student_ids if i in set(found["students"])]
    if not chosen:
        raise NotFound("students")
    names = dict(found["student_names"])
    students = [{"id": i, "name": names[i]} for i in chosen]
    the_night = await night(scope, event)
    return await asyncio.to_thread(render_certificates, found, students, the_night)
