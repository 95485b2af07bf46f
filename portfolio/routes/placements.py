"""Placements: staff make, edit, sign and follow them (/staff/placements), and edit the school's rubric
(/staff/school/rubric); a student reads and signs theirs and logs hours against one (/student/placements).
The placements services scope everything to the person's school, or to the student's own."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import role
from portfolio.errors import NotFound
from portfolio.forms.placements import LIMITS, PLACEMENT_KINDS, parse_criterion, parse_placement, parse_signature
from portfolio.opportunity_vocabulary import AGREEMENT_PARTY_LABELS, PLACEMENT_STATUS_LABELS, AgreementParty
from portfolio.routes.common import client_ip, form_values, go_to, page_number, query_id, redisplay, render
from portfolio.services import experiences
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.experiences import today_for
from portfolio.services.paging import cut
from portfolio.services.placements import agreement, evaluations, hours, records, scope
from portfolio.vocabulary import KIND_LABELS

STAFF = [role("staff", "admin")]
NOTICES = {"added": "Placement added. The supervisor (and a guardian on record) were sent the agreement to sign.",
           "saved": "Changes saved. If the facts changed, the agreement changed too: everyone is asked to sign it again.",
           "signed": "Signed.", "sent": "Signing links sent again.",
           "evaluation": "The supervisor was sent the evaluation link.", "rubric": "Rubric saved.",
           "cancelled": "Placement cancelled. The e-mailed links not used yet no longer work."}
WORDS = {"limits": LIMITS, "status_labels": PLACEMENT_STATUS_LABELS, "party_labels": AGREEMENT_PARTY_LABELS,
         "kind_labels": {k: KIND_LABELS[k] for k in PLACEMENT_KINDS}}


async def _details(found: dict[str, Any]) -> dict[str, Any]:
    """What a placement page shows beyond its facts: the agreement, waiting weeks and the evaluation."""
    waiting = (await records.waiting_weeks([found["id"]])).get(found["id"], [])
    evaluation = (await evaluations.of_placements([found["id"]])).get(found["id"])
    return {"placement": found, "agreement": await agreement.state(found), "waiting_weeks": waiting, "evaluation": evaluation}


# --- staff ---------------------------------------------------------------------------------------------

async def _form(request: Request, values: dict[str, Any], errors: dict[str, str], placement_id: int | None = None,
                status_code: int = 200) -> Template:
    user: CurrentUser = request.user
    if placement_id:
        school, schools = (await scope.placement(user, placement_id))["school"], {}
    else:
        school, schools = await records.school_for_new(user, query_id(request, "school"))
        if school is None:  # an admin chooses the school first: its students, partners and contacts follow
            return render(request, "placement_school", schools=schools)
    return render(request, "placement_form", status_code=status_code, values=values, errors=errors, school=school if schools else None,
                  choices=await records.choices(user, school), placement_id=placement_id, **WORDS)


async def _new_again(request: Request, problem: Any) -> Template:
    return await _form(request, problem.values, problem.errors, status_code=problem.status)


async def _edit_again(request: Request, problem: Any) -> Template:
    return await _form(request, problem.values, problem.errors, request.path_params["placement_id"], problem.status)


async def _staff_page(request: Request, placement_id: int, errors: dict[str, str] | None = None, status_code: int = 200,
                      message: str = "", values: dict[str, Any] | None = None) -> Template:
    found = await scope.placement(request.user, placement_id)
    return render(request, "placement", status_code=status_code, errors=errors or {}, message=message, staff=True,
                  values=values or {},
                  notice=NOTICES.get(request.query_params.get("done", ""), ""), **(await _details(found)), **WORDS)


async def _staff_sign_again(request: Request, problem: Any) -> Template:
    raw = await form_values(request)
    return await _staff_page(request, request.path_params["placement_id"], problem.field_errors, problem.status,
                             "" if problem.field_errors else str(problem.message), {"name": raw.get("name", "")})


async def _rubric_page(request: Request, errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
                       status_code: int = 200) -> Template:
    user: CurrentUser = request.user
    if user.school_id is None:
        raise NotFound("school")
    return render(request, "rubric", status_code=status_code, criteria=await evaluations.rubric(user.school_id, retired=True),
                  errors=errors or {}, values=values or {}, notice=NOTICES.get(request.query_params.get("done", ""), ""))


async def _rubric_again(request: Request, problem: Any) -> Template:
    return await _rubric_page(request, problem.errors, problem.values, problem.status)


class StaffPlacementsController(Controller):
    guards = STAFF

    @get("/staff/placements")
    async def placements(self, request: Request, user: NamedDependency[CurrentUser]) -> Template:
        """Each group's first 25 with a link to all of it, or one group (`?show=active`) a page at a time."""
        groups = await records.listing(user)
        only = str(request.query_params.get("show", ""))
        if only in groups:
            pages = {only: cut(groups[only], page_number(request))}
        else:
            only, pages = "", {key: cut(rows, 1) for key, rows in groups.items()}
        return render(request, "placements", groups=pages, only=only, every_school=user.has("admin"), **WORDS)

    @get("/staff/placements/new")
    async def new(self, request: Request) -> Template:
        return await _form(request, {"paid": "unpaid"}, {})

    @post("/staff/placements/new", opt=redisplay(_new_again))
    async def add(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails]) -> Response:
        school, _ = await records.school_for_new(user, query_id(request, "school"))
        if school is None:
            raise NotFound("school")
        form = parse_placement(await form_values(request), await records.choices(user, school), await today_for(user))
        placement_id = await records.create(emails, user, form, school)
        return go_to(request, f"/staff/placements/{placement_id}?done=added")

    @get("/staff/placements/{placement_id:int}")
    async def placement(self, request: Request, placement_id: FromPath[int]) -> Template:
        return await _staff_page(request, placement_id)

    @get("/staff/placements/{placement_id:int}/edit")
    async def edit(self, request: Request, user: NamedDependency[CurrentUser], placement_id: FromPath[int]) -> Template:
        return await _form(request, records.as_form(await scope.placement(user, placement_id)), {}, placement_id)

    @post("/staff/placements/{placement_id:int}/edit", opt=redisplay(_edit_again))
    async def save(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                   placement_id: FromPath[int]) -> Response:
        found = await scope.placement(user, placement_id)
        form = parse_placement(await form_values(request), await records.choices(user, found["school"]), await today_for(user))
        await records.update(emails, user, placement_id, form)
        return go_to(request, f"/staff/placements/{placement_id}?done=saved")

    @post("/staff/placements/{placement_id:int}/sign", opt=redisplay(_staff_sign_again))
    async def sign(self, request: Request, user: NamedDependency[CurrentUser], placement_id: FromPath[int]) -> Response:
        await scope.placement(user, placement_id)
        raw = await form_values(request)
        signature = parse_signature(raw)
        await agreement.sign_in_person(placement_id, AgreementParty.STAFF, str(raw.get("agreement_hash", "")), signature.name,
                                       user.id, user.email, client_ip(request))
        return go_to(request, f"/staff/placements/{placement_id}?done=signed")

    @post("/staff/placements/{placement_id:int}/send")
    async def send(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                   placement_id: FromPath[int]) -> Response:
        await agreement.send_links(emails, await scope.placement(user, placement_id), again=True)
        return go_to(request, f"/staff/placements/{placement_id}?done=sent")

    @post("/staff/placements/{placement_id:int}/cancel", opt=redisplay(_staff_sign_again))
    async def cancel(self, request: Request, user: NamedDependency[CurrentUser], placement_id: FromPath[int]) -> Response:
        await records.cancel(user, placement_id, client_ip(request))
        return go_to(request, f"/staff/placements/{placement_id}?done=cancelled")

    @post("/staff/placements/{placement_id:int}/evaluation", opt=redisplay(_staff_sign_again))
    async def ask_evaluation(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                             placement_id: FromPath[int]) -> Response:
        await evaluations.ask_now(emails, await scope.placement(user, placement_id))
        return go_to(request, f"/staff/placements/{placement_id}?done=evaluation")

    @get("/staff/school/rubric")
    async def rubric(self, request: Request) -> Template:
        return await _rubric_page(request)

    @post("/staff/school/rubric", opt=redisplay(_rubric_again))
    async def add_criterion(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        await _rubric_page(request)  # NotFound for staff of no school
        await evaluations.add_criterion(user, parse_criterion(await form_values(request)))
        return go_to(request, "/staff/school/rubric?done=rubric")

    @post("/staff/school/rubric/{criterion_id:int}", opt=redisplay(_rubric_again))
    async def edit_criterion(self, request: Request, user: NamedDependency[CurrentUser], criterion_id: FromPath[int]) -> Response:
        raw = await form_values(request)
        if "retire" in raw or "restore" in raw:
            await evaluations.retire_criterion(user, criterion_id, "retire" in raw)
        else:
            await evaluations.edit_criterion(user, criterion_id, parse_criterion(raw))
        return go_to(request, f"/staff/school/rubric?done=rubric#criterion-{criterion_id}")


# --- the student ---------------------------------------------------------------------------------------

async def _student_page(request: Request, placement_id: int, errors: dict[str, str] | None = None, status_code: int = 200,
                        message: str = "", values: dict[str, Any] | None = None) -> Template:
    found = await scope.own(request.user, placement_id)
    return render(request, "placement", status_code=status_code, errors=errors or {}, message=message, staff=False,
                  values=values or {}, notice=NOTICES.get(request.query_params.get("done", ""), ""),
                  **(await _details(found)), **WORDS)


async def _student_sign_again(request: Request, problem: Any) -> Template:
    raw = await form_values(request)
    return await _student_page(request, request.path_params["placement_id"], problem.field_errors, problem.status,
                               "" if problem.field_errors else str(problem.message), {"name": raw.get("name", "")})


class StudentPlacementsController(Controller):
    guards = [role("student")]

    @get("/student/placements")
    async def placements(self, request: Request, student: NamedDependency[CurrentUser]) -> Template:
        groups = await records.listing(student)
        return render(request, "student_placements", placements=[row for rows in groups.values() for row in rows], **WORDS)

    @get("/student/placements/{placement_id:int}")
    async def placement(self, request: Request, placement_id: FromPath[int]) -> Template:
        return await _student_page(request, placement_id)

    @post("/student/placements/{placement_id:int}/sign", opt=redisplay(_student_sign_again))
    async def sign(self, request: Request, student: NamedDependency[CurrentUser], placement_id: FromPath[int]) -> Response:
        await scope.own(student, placement_id)
        raw = await form_values(request)
        signature = parse_signature(raw)
        await agreement.sign_in_person(placement_id, AgreementParty.STUDENT, str(raw.get("agreement_hash", "")),
                                       signature.name, student.id, student.email, client_ip(request))
        return go_to(request, f"/student/placements/{placement_id}?done=signed")

    @get("/student/placements/{placement_id:int}/log")
    async def log_hours(self, request: Request, student: NamedDependency[CurrentUser], placement_id: FromPath[int]) -> Template:
        """The one entry form (POST /student/experiences), pre-filled from the placement: saved, the entry is the
        placement's (services/placements/hours)."""
        found = await scope.own(student, placement_id)
        today = await today_for(student)
        values = hours.entry_values(found, today) | {"client_uuid": str(uuid.uuid4())}
        return render(request, "experience_form", values=values, errors={}, clusters=await experiences.clusters(),
                      today=today.isoformat(), action="/student/experiences", entry=None, placement=found)
