"""Forms of opportunities: the opportunity itself (with its first sessions when it is posted), one session, a
student assigned by staff, and a guardian's signature on a permission slip. Choices (partners, clusters,
programs, students) come from the opportunity's school only, so another school's row is a form error, never a
stored one. Dates and times are typed in the school's timezone and kept in UTC."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from portfolio.errors import FormErrors
from portfolio.forms import iso_date, texts, too_long
from portfolio.opportunity_vocabulary import Enrolment, OpportunityStatus, RequiredForm
from portfolio.parse import as_list, clean_name, int_or_none
from portfolio.vocabulary import ExperienceKind

TITLE_MAX = 200
PLACE_MAX = 200
STATION_MAX = 200
DESCRIPTION_MAX = 10_000
LIMITS = {"title": TITLE_MAX, "place": PLACE_MAX, "description": DESCRIPTION_MAX, "station": STATION_MAX}
GRADES = tuple(range(6, 13))
# Rows of sessions the posting form offers; more are added on the opportunity's page.
SESSION_ROWS = 3
CAPACITY_MAX = 10_000
AGE_MAX = 21
# What staff may set by hand; cancelling is its own action (it tells every student).
EDITABLE_STATUSES = (OpportunityStatus.DRAFT, OpportunityStatus.OPEN, OpportunityStatus.CLOSED)


@dataclass(frozen=True)
class OpportunityChoices:
    """Ids (-> names) of the opportunity's school: partners, clusters, programs; schools for an admin posting."""

    partners: dict[int, str]
    clusters: dict[int, str]
    programs: dict[int, str]
    schools: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionTimes:
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class OpportunityForm:
    kind: ExperienceKind
    title: str
    description: str
    place: str
    status: OpportunityStatus
    enrolment: Enrolment
    capacity: int | None
    signup_deadline: datetime | None
    grades: tuple[int, ...]
    minimum_age: int | None
    required_forms: tuple[RequiredForm, ...]
    # partner id -> its station ("Table 12", "10:30-11:15")
    partners: dict[int, str]
    clusters: tuple[int, ...]
    programs: tuple[int, ...]
    sessions: tuple[SessionTimes, ...] = ()
    school_id: int | None = None


def local_moment(day: date, at: time, tz: str) -> datetime:
    """A wall-clock time at the school, in UTC."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def _clock_time(text: str) -> time | None:
    try:
        return time.fromisoformat(text) if text else None
    except ValueError:
        return None


def session_times(day_text: str, start_text: str, end_text: str, tz: str) -> tuple[SessionTimes | None, str]:
    """The session, or the problem in words."""
    day, start, end = iso_date(day_text), _clock_time(start_text), _clock_time(end_text)
    if day is None or day.year < 2000 or day.year > 2100:
        return None, "Enter the session's date, like 2027-03-03."
    if start is None or end is None:
        return None, "Enter when the session starts and ends, like 09:00 and 11:30."
    if end <= start:
        return None, "The session must end after it starts."
    return SessionTimes(local_moment(day, start, tz), local_moment(day, end, tz)), ""


def _ids(raw: Mapping[str, Any], name: str, allowed: Mapping[int, str]) -> tuple[tuple[int, ...], bool]:
    ids = [int_or_none(v) for v in as_list(raw.get(name))]
    return tuple(dict.fromkeys(i for i in ids if i is not None)), all(i in allowed for i in ids)


def _whole(text: str, low: int, high: int) -> int | None:
    number = int_or_none(text)
    return number if number is not None and low <= number <= high else None


def parse_opportunity(raw: Mapping[str, Any], choices: OpportunityChoices, tz: str, with_sessions: bool) -> OpportunityForm:
    values: dict[str, Any] = texts(raw, ("kind", "description", "place", "status", "enrolment", "capacity",
                                         "signup_deadline", "minimum_age", "school")) | {"title": clean_name(raw.get("title"))}
    errors = too_long(values, {k: LIMITS[k] for k in ("title", "place", "description")})
    if values["kind"] not in ExperienceKind.__members__.values():
        errors["kind"] = "Choose what kind of opportunity it is."
    if not values["title"]:
        errors["title"] = "Enter a title, like Site visit: Tri-County Builders."
    if values["status"] not in EDITABLE_STATUSES:
        errors["status"] = "Choose draft, open or closed."
    if values["enrolment"] not in Enrolment.__members__.values():
        errors["enrolment"] = "Choose whether students sign up or staff assign them."
    capacity = _whole(values["capacity"], 1, CAPACITY_MAX) if values["capacity"] else None
    if values["capacity"] and capacity is None:
        errors["capacity"] = f"Enter the number of seats, 1 to {CAPACITY_MAX}, or leave it empty for no limit."
    deadline = None
    if values["signup_deadline"]:
        day, _, at = values["signup_deadline"].partition("T")
        parsed_day, parsed_at = iso_date(day), _clock_time(at or "23:59")
        if parsed_day is None or parsed_at is None:
            errors["signup_deadline"] = "Enter the last day and time to sign up, or leave it empty."
        else:
            deadline = local_moment(parsed_day, parsed_at, tz)
    minimum_age = _whole(values["minimum_age"], 1, AGE_MAX) if values["minimum_age"] else None
    if values["minimum_age"] and minimum_age is None:
        errors["minimum_age"] = f"Enter an age from 1 to {AGE_MAX}, or leave it empty."
    grades = tuple(sorted({g for g in (int_or_none(v) for v in as_list(raw.get("grades"))) if g in GRADES}))
    values["grades"] = [str(g) for g in grades]
    forms = tuple(RequiredForm(v) for v in as_list(raw.get("required_forms")) if v in RequiredForm.__members__.values())
    values["required_forms"] = [str(f) for f in forms]
    partner_ids, partners_ok = _ids(raw, "partners", choices.partners)
    clusters, clusters_ok = _ids(raw, "clusters", choices.clusters)
    programs, programs_ok = _ids(raw, "programs", choices.programs)
    for name, ok in (("partners", partners_ok), ("clusters", clusters_ok), ("programs", programs_ok)):
        if not ok:
            errors[name] = f"Choose {name} from the list."
    stations = {pid: clean_name(raw.get(f"station_{pid}"))[:STATION_MAX] for pid in partner_ids}
    values |= {"partners": [str(p) for p in partner_ids], "clusters": [str(c) for c in clusters],
               "programs": [str(p) for p in programs], "stations": {str(k): v for k, v in stations.items()}}
    sessions: list[SessionTimes] = []
    if with_sessions:
        rows = []
        for n in range(1, SESSION_ROWS + 1):
            row = texts(raw, (f"date_{n}", f"start_{n}", f"end_{n}"))
            values |= row
            if not any(row.values()):
                continue
            times, problem = session_times(row[f"date_{n}"], row[f"start_{n}"], row[f"end_{n}"], tz)
            if problem:
                errors[f"date_{n}"] = problem
            elif times:
                sessions.append(times)
            rows.append(row)
        if not rows and "date_1" not in errors:
            errors["date_1"] = "Enter at least one session: its date, start and end."
    school_id = None
    if choices.schools:
        school_id = int_or_none(values["school"])
        if school_id not in choices.schools:
            errors["school"] = "Choose the school it is for."
    if errors:
        raise FormErrors(errors, values)
    return OpportunityForm(
        ExperienceKind(values["kind"]), values["title"], values["description"], values["place"],
        OpportunityStatus(values["status"]), Enrolment(values["enrolment"]), capacity, deadline, grades, minimum_age,
        forms, stations, clusters, programs, tuple(sorted(sessions, key=lambda s: s.starts_at)), school_id,
    )


def parse_session(raw: Mapping[str, Any], tz: str) -> SessionTimes:
    values = texts(raw, ("date", "start", "end"))
    times, problem = session_times(values["date"], values["start"], values["end"], tz)
    if times is None:
        raise FormErrors({"date": problem}, values)
    return times


def session_values(starts_at: datetime, ends_at: datetime, tz: str) -> dict[str, str]:
    """A stored session as the session form shows it."""
    start, end = starts_at.astimezone(ZoneInfo(tz)), ends_at.astimezone(ZoneInfo(tz))
    return {"date": start.date().isoformat(), "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}


def deadline_value(deadline: datetime | None, tz: str) -> str:
    return deadline.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M") if deadline else ""


NOT_A_STUDENT = "Choose a student of the school from the list."


def parse_student(raw: Mapping[str, Any]) -> int:
    """The student staff add (whether they are the school's is the service's to check)."""
    student = int_or_none(texts(raw, ("student",))["student"])
    if student is None:
        raise FormErrors({"student": NOT_A_STUDENT}, {})
    return student


def parse_form_name(raw: Mapping[str, Any], forms: tuple[str, ...]) -> RequiredForm:
    name = texts(raw, ("form",))["form"]
    if name not in forms:
        raise FormErrors({"form": "Choose one of the opportunity's required forms."}, {})
    return RequiredForm(name)


@dataclass(frozen=True)
class SlipSignature:
    name: str


def parse_slip_signature(raw: Mapping[str, Any]) -> SlipSignature:
    values = texts(raw, ("agree",)) | {"name": clean_name(raw.get("name"))}
    errors = too_long(values, {"name": 200})
    if not values["name"]:
        errors["name"] = "Type your full name to sign."
    if values["agree"] != "yes":
        errors["agree"] = "Tick the box to give your permission."
    if errors:
        raise FormErrors(errors, values)
    return SlipSignature(values["name"])

