"""Forms of placements: the placement's facts (staff), a signature (typed name and a tick), a supervisor's change
or rejection of one timesheet entry, the evaluation, and a rubric criterion. Choices come from the placement's
school only, so another school's student, partner or contact is a form error, never a stored row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from portfolio.errors import FormErrors
from portfolio.forms import iso_date, texts, too_long
from portfolio.forms.entry import _hours_problem, parse_minutes
from portfolio.parse import clean_name, int_or_none
from portfolio.vocabulary import ExperienceKind

PLACEMENT_KINDS = (ExperienceKind.JOB_SHADOW, ExperienceKind.INTERNSHIP, ExperienceKind.APPRENTICESHIP)
LIMITS = {"title": 200, "schedule": 1000, "learning_goals": 4000}
FIELDS = ("student", "partner", "supervisor", "kind", "title", "cluster", "starts_on", "ends_on", "schedule", "paid",
          "learning_goals")
# A placement lasts at most two years (an apprenticeship's school-year part), and starts within a year of today.
LONGEST_DAYS = 2 * 366
COMMENT_MAX = 2000


@dataclass(frozen=True)
class PlacementChoices:
    """The school's active students, partners and their active contacts with an e-mail (contact id -> partner id),
    and the clusters."""

    students: dict[int, str]
    partners: dict[int, str]
    supervisors: dict[int, tuple[str, int]]
    clusters: dict[int, str]


@dataclass(frozen=True)
class PlacementForm:
    student: int
    partner: int
    supervisor: int
    kind: ExperienceKind
    title: str
    cluster: int | None
    starts_on: date
    ends_on: date
    schedule: str
    paid: bool
    learning_goals: str


def placement_values(raw: Mapping[str, Any]) -> dict[str, str]:
    return texts(raw, FIELDS)


def parse_placement(raw: Mapping[str, Any], choices: PlacementChoices, today: date) -> PlacementForm:
    values = placement_values(raw)
    values["title"] = clean_name(raw.get("title"))
    errors = too_long(values, LIMITS)
    student, partner, supervisor = (int_or_none(values[name]) for name in ("student", "partner", "supervisor"))
    cluster = int_or_none(values["cluster"]) if values["cluster"] else None
    if student not in choices.students:
        errors["student"] = "Choose a student of the school."
    if partner not in choices.partners:
        errors["partner"] = "Choose one of the school's partners."
    if supervisor not in choices.supervisors:
        errors["supervisor"] = "Choose the supervisor among the partner's contacts with an e-mail address."
    elif partner in choices.partners and choices.supervisors[supervisor][1] != partner:  # type: ignore[index]
        errors["supervisor"] = "The supervisor must be a contact of the chosen partner."
    if values["kind"] not in PLACEMENT_KINDS:
        errors["kind"] = "Choose job shadow, internship or apprenticeship."
    if not values["title"]:
        errors["title"] = "Enter a title, like Machining intern."
    if values["cluster"] and cluster not in choices.clusters:
        errors["cluster"] = "Choose a career cluster from the list."
    starts, ends = iso_date(values["starts_on"]), iso_date(values["ends_on"])
    if starts is None or starts.year < 2000 or (starts - today).days > 366:
        errors["starts_on"] = "Enter the first day, like 2027-01-11, within a year from today."
    if ends is None:
        errors["ends_on"] = "Enter the last day, like 2027-05-28."
    elif starts is not None and (ends < starts or (ends - starts).days > LONGEST_DAYS):
        errors["ends_on"] = "The last day must be on or after the first, and within two years of it."
    if values["paid"] not in ("paid", "unpaid"):
        errors["paid"] = "Say whether the placement is paid."
    if errors:
        raise FormErrors(errors, values)
    assert student and partner and supervisor and starts and ends
    return PlacementForm(student, partner, supervisor, ExperienceKind(values["kind"]), values["title"], cluster, starts,
                         ends, values["schedule"], values["paid"] == "paid", values["learning_goals"])


@dataclass(frozen=True)
class SignatureForm:
    name: str


def parse_signature(raw: Mapping[str, Any]) -> SignatureForm:
    values = {"name": clean_name(raw.get("name")), "agree": texts(raw, ("agree",))["agree"]}
    errors = too_long(values, {"name": 200})
    if not values["name"]:
        errors["name"] = "Type your full name to sign."
    if values["agree"] != "yes":
        errors["agree"] = "Tick the box to say you agree to the placement agreement."
    if errors:
        raise FormErrors(errors, values)
    return SignatureForm(values["name"])


@dataclass(frozen=True)
class EntryChange:
    """A supervisor's word on one entry of a week: its hours changed (minutes), or rejected with a comment."""

    minutes: int | None = None
    comment: str = ""


def parse_hours_change(raw: Mapping[str, Any]) -> EntryChange:
    values = texts(raw, ("hours",))
    minutes = parse_minutes(values["hours"])
    problem = _hours_problem(minutes)
    if problem:
        raise FormErrors({"hours": problem}, values)
    return EntryChange(minutes=minutes)


def parse_rejection(raw: Mapping[str, Any]) -> EntryChange:
    values = texts(raw, ("comment",))
    errors = too_long(values, {"comment": COMMENT_MAX})
    if not values["comment"]:
        errors["comment"] = "Say what is not right, so the student can fix it."
    if errors:
        raise FormErrors(errors, values)
    return EntryChange(comment=values["comment"])


@dataclass(frozen=True)
class EvaluationForm:
    name: str
    title: str
    scores: dict[int, int]  # criterion id -> 1..4
    comments: dict[int, str] = field(default_factory=dict)
    comment: str = ""


def parse_evaluation(raw: Mapping[str, Any], criteria: list[int]) -> EvaluationForm:
    values = texts(raw, ["name", "title", "comment"] + [f"score_{c}" for c in criteria] + [f"comment_{c}" for c in criteria])
    values["name"] = clean_name(raw.get("name"))
    errors = too_long(values, {"name": 200, "title": 200, "comment": COMMENT_MAX}
                      | {f"comment_{c}": COMMENT_MAX for c in criteria})
    if not values["name"]:
        errors["name"] = "Type your name."
    scores = {}
    for criterion in criteria:
        score = int_or_none(values[f"score_{criterion}"])
        if score not in (1, 2, 3, 4):
            errors[f"score_{criterion}"] = "Choose a level from 1 to 4."
        else:
            scores[criterion] = score
    if errors:
        raise FormErrors(errors, values)
    comments = {c: values[f"comment_{c}"] for c in criteria if values[f"comment_{c}"]}
    return EvaluationForm(values["name"], values["title"], scores, comments, values["comment"])


@dataclass(frozen=True)
class CriterionForm:
    name: str
    description: str
    levels: tuple[str, str, str, str]


def parse_criterion(raw: Mapping[str, Any]) -> CriterionForm:
    values = texts(raw, ("name", "description", "level_1", "level_2", "level_3", "level_4"))
    errors = too_long(values, {"name": 100, "description": 1000, "level_1": 100, "level_2": 100, "level_3": 100,
                               "level_4": 100})
    if not values["name"]:
        errors["name"] = "Name the skill, like Communication."
    for level in (1, 2, 3, 4):
        if not values[f"level_{level}"]:
            errors[f"level_{level}"] = f"Name level {level}, like {('Beginning', 'Developing', 'Proficient', 'Exemplary')[level - 1]}."
    if errors:
        raise FormErrors(errors, values)
    return CriterionForm(values["name"], values["description"],
                         (values["level_1"], values["level_2"], values["level_3"], values["level_4"]))
