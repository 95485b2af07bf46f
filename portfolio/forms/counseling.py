"""The counseling forms: assigning students to a counselor, a check-in with its next steps, and a student's
plan. Every problem is found at once (FormErrors); which people, programs and clusters may be named is given
by the caller as choices, so a forged id is a form error."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

from portfolio.counseling_vocabulary import CheckInKind, Participant, PostGraduationGoal
from portfolio.errors import FormErrors
from portfolio.forms import iso_date, texts, too_long
from portfolio.parse import as_list, clean_name, clean_text, int_ids, int_or_none

NOTES_MAX = 5000
STEP_MAX = 300
PATHWAY_MAX = 200
CERTIFICATION_MAX = 200
# A form shows the steps there are and two empty rows; a step beyond this many is a forged form.
MAX_STEPS = 20
MAX_CERTIFICATIONS = 20
# A check-in is logged once it happened; one dated years back is a typo more often than a record.
OLDEST_DAYS = 5 * 366
LATEST_DUE_DAYS = 2 * 366


@dataclass(frozen=True)
class CaseloadAssignment:
    counselor_id: int | None
    student_ids: list[int]


def parse_caseload_assignment(raw: Mapping[str, Any]) -> CaseloadAssignment:
    """The counselor and students picked; whether they are of the staff member's school is the service's rule."""
    return CaseloadAssignment(int_or_none(raw.get("counselor")), int_ids(raw.get("students")))


@dataclass(frozen=True)
class StepForm:
    what: str
    owner: Participant
    due_on: date | None
    done: bool
    # The step this row edits (None: a new one); the service keeps only ids of the check-in's own steps.
    step_id: int | None = None


@dataclass(frozen=True)
class CheckInForm:
    held_on: date
    kind: CheckInKind
    participants: tuple[Participant, ...]
    notes: str
    steps: tuple[StepForm, ...]


def step_rows(raw: Mapping[str, Any]) -> list[dict[str, str]]:
    """The rows of next steps as typed (step-0-what, step-0-owner, ...), in their order."""
    rows = []
    for n in range(MAX_STEPS):
        if f"step-{n}-what" not in raw:
            break
        row = texts(raw, (f"step-{n}-{name}" for name in ("owner", "due", "id")))
        rows.append({"what": clean_name(raw.get(f"step-{n}-what")), "owner": row[f"step-{n}-owner"],
                     "due": row[f"step-{n}-due"], "id": row[f"step-{n}-id"], "done": bool(raw.get(f"step-{n}-done"))})
    return rows


def check_in_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = texts(raw, ("held_on", "kind", "notes"))
    return values | {"participants": as_list(raw.get("participants")), "steps": step_rows(raw)}


def _step(row: Mapping[str, Any], n: int, today: date, errors: dict[str, str]) -> StepForm | None:
    if not row["what"]:
        if row["due"]:
            errors[f"step-{n}-what"] = "Write what is to be done, or clear the due date."
        return None
    if len(row["what"]) > STEP_MAX:
        errors[f"step-{n}-what"] = f"Use at most {STEP_MAX} characters."
    try:
        owner = Participant(row["owner"])
    except ValueError:
        owner = Participant.STUDENT
        errors[f"step-{n}-owner"] = "Choose who does it."
    due_on = None
    if row["due"]:
        due_on = iso_date(row["due"])
        if due_on is None:
            errors[f"step-{n}-due"] = "Enter the date it is due, like 2026-03-21."
        elif due_on > today + timedelta(days=LATEST_DUE_DAYS):
            errors[f"step-{n}-due"] = "Enter a due date within the next two years."
    return StepForm(row["what"], owner, due_on, row["done"], int_or_none(row["id"]))


def parse_check_in(raw: Mapping[str, Any], today: date) -> CheckInForm:
    values = check_in_values(raw)
    errors = too_long(values, {"notes": NOTES_MAX})
    held_on = iso_date(values["held_on"])
    if held_on is None:
        errors["held_on"] = "Enter the date it took place, like 2026-03-14."
    elif held_on > today:
        errors["held_on"] = "Enter a date that has passed: record it once it took place."
    elif held_on < today - timedelta(days=OLDEST_DAYS):
        errors["held_on"] = "Enter a date within the last five years."
    try:
        kind = CheckInKind(values["kind"])
    except ValueError:
        kind = None
        errors["kind"] = "Choose what kind of check-in it was."
    try:
        participants = tuple(Participant(p) for p in dict.fromkeys(values["participants"]))
    except ValueError:
        participants = ()
    if not participants:
        errors["participants"] = "Choose who took part."
    steps = [_step(row, n, today, errors) for n, row in enumerate(values["steps"])]
    if errors:
        raise FormErrors(errors, values)
    assert held_on is not None and kind is not None
    return CheckInForm(held_on, kind, participants, values["notes"], tuple(s for s in steps if s is not None))


@dataclass(frozen=True)
class PlanChoices:
    """What a plan may name: the active career clusters (by code) and the school's programs (by id)."""

    clusters: dict[str, str]
    programs: dict[int, str]


@dataclass(frozen=True)
class PlanForm:
    clusters: tuple[str, ...]
    pathway: str
    program_id: int | None
    certifications: tuple[str, ...]
    goal: PostGraduationGoal


def plan_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = texts(raw, ("pathway", "program", "goal"))
    return values | {"clusters": as_list(raw.get("clusters")),
                     "certifications": str(raw.get("certifications") or "").replace("\r\n", "\n")}


def parse_plan(raw: Mapping[str, Any], choices: PlanChoices) -> PlanForm:
    values = plan_values(raw)
    errors = too_long(values, {"pathway": PATHWAY_MAX})
    clusters = tuple(dict.fromkeys(values["clusters"]))
    if not set(clusters) <= set(choices.clusters):
        errors["clusters"] = "Choose among the career clusters shown."
    program_id = int_or_none(values["program"]) if values["program"] else None
    if values["program"] and program_id not in choices.programs:
        errors["program"] = "Choose one of your school's programs, or none."
    # One certification a line; blank lines and repeats dropped.
    names = tuple(dict.fromkeys(n for n in (clean_text(line) for line in values["certifications"].split("\n")) if n))
    if len(names) > MAX_CERTIFICATIONS or any(len(n) > CERTIFICATION_MAX for n in names):
        errors["certifications"] = f"Name at most {MAX_CERTIFICATIONS} certifications, one a line, each under {CERTIFICATION_MAX} characters."
    try:
        goal = PostGraduationGoal(values["goal"] or PostGraduationGoal.UNDECIDED)
    except ValueError:
        goal = PostGraduationGoal.UNDECIDED
        errors["goal"] = "Choose what you plan after graduation."
    if errors:
        raise FormErrors(errors, values)
    return PlanForm(clusters, values["pathway"], program_id, names, goal)
