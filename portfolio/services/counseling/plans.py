"""A student's plan: the career clusters and pathway they chose, the certifications they aim for and what they
plan after graduation. The student edits their own; staff of the student's school may too."""

from __future__ import annotations

from typing import Any

from portfolio import clock
from portfolio.counseling_tables import CareerPlan
from portfolio.counseling_vocabulary import GOAL_LABELS, PostGraduationGoal
from portfolio.db import write_transaction
from portfolio.errors import NotFound
from portfolio.forms.counseling import PlanChoices, PlanForm
from portfolio.program_tables import Program
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.counseling.scope import school_student
from portfolio.services.experiences import clusters as active_clusters

EMPTY = {"clusters": [], "pathway": "", "program": None, "program_name": "", "certifications": [],
         "goal": PostGraduationGoal.UNDECIDED, "updated_at": None}


async def choices(school_id: int | None) -> PlanChoices:
    programs = await Program.select(Program.id, Program.name).where(Program.school == school_id).order_by(
        Program.name) if school_id is not None else []
    return PlanChoices({c["code"]: c["name"] for c in await active_clusters()}, {p["id"]: p["name"] for p in programs})


async def plan_of(student_id: int) -> dict[str, Any]:
    """The plan as stored (one query), or an empty one; a program of another school (the student moved) is left out."""
    row = await CareerPlan.select(
        CareerPlan.clusters, CareerPlan.pathway, CareerPlan.program, CareerPlan.program.name.as_alias("program_name"),
        CareerPlan.program.school.as_alias("program_school"), CareerPlan.student.school.as_alias("school"),
        CareerPlan.certifications, CareerPlan.goal, CareerPlan.updated_at,
    ).where(CareerPlan.student == student_id).first()
    if row is None:
        return dict(EMPTY)
    if row["program_school"] != row["school"]:
        row |= {"program": None, "program_name": ""}
    return row | {"goal_label": GOAL_LABELS.get(row["goal"], "")}


def as_form(plan: dict[str, Any]) -> dict[str, Any]:
    return {"clusters": list(plan["clusters"]), "pathway": plan["pathway"], "goal": plan["goal"],
            "program": str(plan["program"] or ""), "certifications": "\n".join(plan["certifications"])}


async def with_names(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan with its clusters' names, in the clusters' own order."""
    names = {c["code"]: c["name"] for c in await active_clusters()}
    return plan | {"cluster_names": [names[code] for code in plan["clusters"] if code in names]}


async def save(actor: CurrentUser, student_id: int, form: PlanForm) -> None:
    """The student's own plan, or a student's of the staff member's school; anyone else's is not found."""
    if actor.id != student_id:
        if not actor.has("staff"):
            raise NotFound("student")
        await school_student(actor, student_id)
    values = {CareerPlan.clusters: list(form.clusters), CareerPlan.pathway: form.pathway,
              CareerPlan.program: form.program_id, CareerPlan.certifications: list(form.certifications),
              CareerPlan.goal: form.goal, CareerPlan.updated_at: clock.now(), CareerPlan.updated_by: actor.id}
    async with write_transaction():
        if await CareerPlan.exists().where(CareerPlan.student == student_id):
            await CareerPlan.update(values).where(CareerPlan.student == student_id)
        else:
            await CareerPlan.insert(CareerPlan(student=student_id, **{column._meta.name: value
                                                                     for column, value in values.items()}))
        await audit.record("plan.saved", actor_id=actor.id, subject=f"student:{student_id}")
