"""Calendar files (RFC 5545) of an opportunity, made with the `icalendar` package: one VEVENT per session.

A session's UID never changes, so a calendar that took the first file updates its event when a later file
comes (SEQUENCE, the opportunity's counter, raised at each change a student's calendar must take); a file with
METHOD:CANCEL takes the event out. Times are in UTC (a "Z" time every calendar reads the same); the school's
timezone is how people typed and read them, not how they travel."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from icalendar import Calendar, Event, vCalAddress

from portfolio.clock import now
from portfolio.mail import Attachment

PRODID = "-//Career Portfolio//Opportunities//EN"
REQUEST, PUBLISH, CANCEL = "REQUEST", "PUBLISH", "CANCEL"


def session_uid(session_id: int, domain: str) -> str:
    return f"opportunity-session-{session_id}@{domain}"


def ics(opportunity: dict[str, Any], sessions: Iterable[dict[str, Any]], domain: str, method: str = PUBLISH,
        stamp: datetime | None = None) -> str:
    """The calendar text: `sessions` are rows of OpportunitySession; with METHOD:CANCEL each is cancelled."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    partners = ", ".join(p["name"] for p in opportunity.get("partners", ()))
    description = opportunity.get("description", "")
    if partners:
        description = f"With {partners}.\n\n{description}".strip()
    for session in sessions:
        event = Event()
        event.add("uid", session_uid(session["id"], domain))
        event.add("sequence", opportunity["sequence"])
        event.add("dtstamp", stamp or now())
        event.add("dtstart", session["starts_at"])
        event.add("dtend", session["ends_at"])
        event.add("summary", opportunity["title"])
        # iTIP (RFC 5546) asks an ORGANIZER of a CANCEL; the school, at an address that takes no replies.
        organizer = vCalAddress(f"mailto:no-reply@{domain}")
        organizer.params["cn"] = opportunity.get("school_name") or "Career Portfolio"
        event.add("organizer", organizer)
        if opportunity.get("place"):
            event.add("location", opportunity["place"])
        if description:
            event.add("description", description)
        cancelled = method == CANCEL or session.get("cancelled_at") is not None
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical().decode()


def attachment(text: str, method: str) -> Attachment:
    return Attachment("invite.ics", f"text/calendar; method={method}", text)
