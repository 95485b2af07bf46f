"""Staff: counselors' caseloads (who is on whose, and a counselor's own with its flags), check-ins with a
student, and a student's plan. The counseling services scope everything to the staff member's school."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from portfolio.auth import role
from portfolio.counseling_vocabulary import (
    CASELOAD_FLAG_LABELS,
    CHECK_IN_KIND_LABELS,
    GOAL_LABELS,
    PARTICIPANT_LABELS,
    CaseloadFlag,
)
from portfolio.errors import FormErrors
from portfolio.forms.counseling import check_in_values, parse_caseload_assignment, parse_check_in, parse_plan
from portfolio.parse import as_list
from portfolio.routes.common import form_values, go_to, page_number, redisplay, render
from portfolio.routes.plan import plan_form_page
from portfolio.services import accounts, mentoring
from portfolio.services.accounts import CurrentUser
from portfolio.services.counseling import caseload, check_ins, plans
from portfolio.services.counseling.scope import school_student
from portfolio.services.experiences import today_for

WORDS = {"kinds": CHECK_IN_KIND_LABELS, "participants": PARTICIPANT_LABELS, "goals": GOAL_LABELS,
         "flag_labels": CASELOAD_FLAG_LABELS}
# Rows for new steps under the ones a check-in has (more come by saving and editing again).
BLANK_STEPS = 2


async def _counselors_page(request: Request, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                           status_code: int = 200, **extra: Any) -> Template:
    school_id = request.user.school_id
    groups: dict[int, dict[str, Any]] = {}
    for row in await caseload.assignments(school_id):
        group = groups.setdefault(row["counselor_id"], {"name": row["counselor_name"], "rows": []})
        group["rows"].append(row)
    return render(request, "staff_counselors", status_code=status_code, groups=list(groups.values()),
                  counselors=await mentoring.people_with_role(school_id, "staff"),
                  students=await mentoring.people_with_role(school_id, "student"),
                  values=values or {"students": []}, errors=errors or {},
                  **({"assigned": None, "removed": False} | extra))


async def _counselors_again(request: Request, problem: FormErrors) -> Template:
    form = await form_values(request)
    values = {"counselor": str(form.get("counselor", "")), "students": as_list(form.get("students"))}
    return await _counselors_page(request, values=values, errors=problem.errors, status_code=422)


async def _check_in_form(request: Request, student_id: int, values: dict[str, Any], errors: dict[str, str],
                         check_in_id: int | None = None, status_code: int = 200) -> Template:
    await school_student(request.user, student_id)
    student = await accounts.load_user(student_id)
    steps = list(values.get("steps", []))
    steps += [{"what": "", "owner": "student", "due": "", "id": "", "done": False}] * BLANK_STEPS
    return render(request, "check_in_form", status_code=status_code, student=student, values=values, steps=steps,
                  errors=errors, check_in_id=check_in_id, **WORDS)


def _stored_values(found: dict[str, Any]) -> dict[str, Any]:
    """A stored check-in as the form shows it."""
    steps = [{"what": s["what"], "owner": s["owner"], "due": s["due_on"].isoformat() if s["due_on"] else "",
              "id": str(s["id"]), "done": s["done_at"] is not None} for s in found["steps"]]
    return {"held_on": found["held_on"].isoformat(), "kind": found["kind"], "notes": found["notes"],
            "participants": list(found["participants"]), "steps": steps}


async def _check_in_again(request: Request, problem: FormErrors) -> Template:
    values = check_in_values(await form_values(request))
    return await _check_in_form(request, request.path_params["student_id"], values, problem.errors,
                                request.path_params.get("check_in_id"), status_code=422)


async def _plan_again(request: Request, problem: FormErrors) -> Template:
    student_id = request.path_params["student_id"]
    return await plan_form_page(request, await _student(request, student_id), problem.values, problem.errors,
                                f"/staff/students/{student_id}/plan", status_code=422)


async def _student(request: Request, student_id: int) -> CurrentUser:
    await school_student(request.user, student_id)
    student = await accounts.load_user(student_id)
    if student is None:
        raise NotFoundException()
    return student


async def student_counseling(staff: CurrentUser, student_id: int) -> dict[str, Any]:
    """The plan and check-ins on the staff's page of a student of their school."""
    return {"plan": await plans.with_names(await plans.plan_of(student_id)),
            "check_ins": await check_ins.history(staff, student_id), **WORDS}


class CounselingController(Controller):
    guards = [role("staff")]

    @get("/staff/caseload")
    async def caseload(self, request: Request, user: NamedDependency[CurrentUser], flag: FromQuery[str] = "") -> Template:
        chosen = CaseloadFlag(flag) if flag in set(CaseloadFlag) else None
        found = await caseload.caseload(user, chosen, page_number(request))
        return render(request, "staff_caseload", caseload=found, flag=chosen, flags=list(CaseloadFlag),
                      href=f"/staff/caseload?flag={chosen}" if chosen else "/staff/caseload", **WORDS)

    @get("/staff/counselors")
    async def counselors(self, request: Request, assigned: FromQuery[int | None] = None,
                         removed: FromQuery[bool] = False) -> Template:
        return await _counselors_page(request, assigned=assigned, removed=removed)

    @post("/staff/counselors", opt=redisplay(_counselors_again))
    async def assign(self, request: Request, staff: NamedDependency[CurrentUser]) -> Response:
        count = await caseload.assign(staff, parse_caseload_assignment(await form_values(request)))
        return go_to(request, f"/staff/counselors?assigned={count}")

    @post("/staff/counselors/{caseload_id:int}/delete")
    async def unassign(self, request: Request, staff: NamedDependency[CurrentUser], caseload_id: FromPath[int]) -> Response:
        if not await caseload.unassign(staff, caseload_id):
            raise NotFoundException()
        return go_to(request, "/staff/counselors?removed=1")

    @get("/staff/students/{student_id:int}/check-ins/new")
    async def new_check_in(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int]) -> Template:
        today = await today_for(staff)
        values = {"held_on": today.isoformat(), "kind": "", "notes": "", "participants": ["student", "counselor"],
                  "steps": []}
        return await _check_in_form(request, student_id, values, {})

    @post("/staff/students/{student_id:int}/check-ins", opt=redisplay(_check_in_again))
    async def record_check_in(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int]) -> Response:
        await school_student(staff, student_id)
        form = parse_check_in(await form_values(request), await today_for(staff))
        check_in_id = await check_ins.record(staff, student_id, form)
        return go_to(request, f"/staff/students/{student_id}?saved=check_in#check-in-{check_in_id}")

    @get("/staff/students/{student_id:int}/check-ins/{check_in_id:int}")
    async def check_in(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int],
                       check_in_id: FromPath[int]) -> Template:
        found = await check_ins.get(staff, student_id, check_in_id)
        return await _check_in_form(request, student_id, _stored_values(found), {}, check_in_id)

    @post("/staff/students/{student_id:int}/check-ins/{check_in_id:int}", opt=redisplay(_check_in_again))
    async def edit_check_in(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int],
                            check_in_id: FromPath[int]) -> Response:
        await check_ins.get(staff, student_id, check_in_id)
        form = parse_check_in(await form_values(request), await today_for(staff))
        await check_ins.update(staff, student_id, check_in_id, form)
        return go_to(request, f"/staff/students/{student_id}?saved=check_in#check-in-{check_in_id}")

    @get("/staff/students/{student_id:int}/plan")
    async def plan(self, request: Request, student_id: FromPath[int]) -> Template:
        student = await _student(request, student_id)
        return await plan_form_page(request, student, plans.as_form(await plans.plan_of(student_id)), {},
                                    f"/staff/students/{student_id}/plan")

    @post("/staff/students/{student_id:int}/plan", opt=redisplay(_plan_again))
    async def save_plan(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int]) -> Response:
        student = await _student(request, student_id)
        form = parse_plan(await form_values(request), await plans.choices(student.school_id))
        await plans.save(staff, student_id, form)
        return go_to(request, f"/staff/students/{student_id}?saved=plan#plan")
