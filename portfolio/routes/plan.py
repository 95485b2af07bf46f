"""A student's plan: what they aim for, their progress toward the school's work-based-learning goal, and the next
steps agreed at their check-ins (which they mark done). Never the check-ins' notes: those are staff's."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import role
from portfolio.counseling_vocabulary import CHECK_IN_KIND_LABELS, GOAL_LABELS, PARTICIPANT_LABELS
from portfolio.errors import FormErrors
from portfolio.forms.counseling import parse_plan
from portfolio.routes.common import form_values, go_to, redisplay, render
from portfolio.services import progress
from portfolio.services.accounts import CurrentUser
from portfolio.services.counseling import check_ins, plans

WORDS = {"kinds": CHECK_IN_KIND_LABELS, "owners": PARTICIPANT_LABELS, "goals": GOAL_LABELS}


async def plan_form_page(request: Request, student: CurrentUser, values: dict[str, Any], errors: dict[str, str],
                         action: str, status_code: int = 200) -> Template:
    """The plan's form, for the student or for staff of their school (`action` says whose address it posts to)."""
    choices = await plans.choices(student.school_id)
    return render(request, "plan_form", status_code=status_code, student=student, values=values, errors=errors,
                  choices=choices, action=action, own=request.user.id == student.id, **WORDS)


async def progress_toward_goal(student: CurrentUser) -> dict[str, Any]:
    """This school year's hours against the school's goal, as the dashboard counts them (services/progress.py)."""
    glance = await progress.glance(student)
    return {"split": glance["split"], "goal_hours": glance["goal_hours"], "start": glance["start"]}


async def _plan_again(request: Request, problem: FormErrors) -> Template:
    return await plan_form_page(request, request.user, problem.values, problem.errors, "/student/plan", status_code=422)


class PlanController(Controller):
    path = "/student/plan"
    guards = [role("student")]

    @get("/")
    async def plan(self, request: Request, student: NamedDependency[CurrentUser]) -> Template:
        return render(request, "plan", plan=await plans.with_names(await plans.plan_of(student.id)),
                      progress=await progress_toward_goal(student), steps=await check_ins.steps_for_student(student.id),
                      saved=request.query_params.get("saved", ""), **WORDS)

    @get("/edit")
    async def edit(self, request: Request, student: NamedDependency[CurrentUser]) -> Template:
        return await plan_form_page(request, student, plans.as_form(await plans.plan_of(student.id)), {}, "/student/plan")

    @post("/", opt=redisplay(_plan_again))
    async def save(self, request: Request, student: NamedDependency[CurrentUser]) -> Response:
        form = parse_plan(await form_values(request), await plans.choices(student.school_id))
        await plans.save(student, student.id, form)
        return go_to(request, "/student/plan?saved=plan")

    @post("/steps/{step_id:int}/done")
    async def mark_step(self, request: Request, student: NamedDependency[CurrentUser], step_id: FromPath[int]) -> Response:
        done = (await form_values(request)).get("done", "1") != "0"
        await check_ins.mark_done(student, step_id, done)
        return go_to(request, f"/student/plan?saved={'done' if done else 'open'}#step-{step_id}")
