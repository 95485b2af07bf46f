"""Staff and admins: a school's programs of study, the students in each, and each program's advisory board
(members, meetings with minutes as a PDF, action items). The programs services scope everything to the
person's school; this module parses and renders."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import role
from portfolio.forms.programs import (
    LIMITS,
    parse_action,
    parse_meeting,
    parse_member,
    parse_program,
    parse_student,
)
from portfolio.partner_vocabulary import ACTION_STATUS_LABELS, ActionStatus
from portfolio.routes.common import form_values, go_to, redisplay, render
from portfolio.services.accounts import CurrentUser
from portfolio.services.experiences import today_for
from portfolio.services.programs import board, minutes, records
from portfolio.services.programs.scope import program
from portfolio.storage import content_disposition

STAFF = [role("staff", "admin")]
NOTICES = {"added": "Program added.", "saved": "Changes saved.", "student": "Student added to the program.",
           "student_out": "Student taken out of the program.", "member": "Member added to the board.",
           "member_out": "Seat ended. Past meetings still name them.", "meeting": "Meeting saved.", "action": "Action item added.",
           "done": "Action item marked done.", "open": "Action item open again."}
WORDS = {"limits": LIMITS, "action_labels": ACTION_STATUS_LABELS}


async def _program_form(request: Request, values: dict[str, Any], errors: dict[str, str],
                        program_id: int | None = None, status_code: int = 200) -> Template:
    user: CurrentUser = request.user
    if program_id is None:
        choices = await records.choices(user)
    else:
        choices = await records.choices(user, (await program(user, program_id))["school"])
    return render(request, "program_form", status_code=status_code, values=values, errors=errors,
                  choices=choices, program_id=program_id, every_school=program_id is None and bool(choices.schools),
                  **WORDS)


async def _new_again(request: Request, problem: Any) -> Template:
    return await _program_form(request, problem.values, problem.errors, status_code=problem.status)


async def _edit_again(request: Request, problem: Any) -> Template:
    return await _program_form(request, problem.values, problem.errors, request.path_params["program_id"],
                               problem.status)


async def _program_page(request: Request, program_id: int, errors: dict[str, str] | None = None,
                        values: dict[str, Any] | None = None, status_code: int = 200) -> Template:
    user: CurrentUser = request.user
    found = await board.page(user, program_id, await today_for(user))
    return render(request, "program", status_code=status_code, program=found, errors=errors or {},
                  values=values or {}, notice=NOTICES.get(request.query_params.get("done", ""), ""),
                  every_school=user.has("admin"), **WORDS)


async def _page_again(request: Request, problem: Any) -> Template:
    return await _program_page(request, request.path_params["program_id"], problem.errors, problem.values,
                               problem.status)


async def _meeting_form(request: Request, program_id: int, values: dict[str, Any], errors: dict[str, str],
                        meeting_id: int | None = None, status_code: int = 200) -> Template:
    user: CurrentUser = request.user
    found = await program(user, program_id)
    choices = await board.meeting_choices(user, program_id, str(values.get("held_on", "")), meeting_id)
    return render(request, "meeting_form", status_code=status_code, program=found, choices=choices, values=values,
                  errors=errors, meeting_id=meeting_id, **WORDS)


async def _meeting_again(request: Request, problem: Any) -> Template:
    return await _meeting_form(request, request.path_params["program_id"], problem.values, problem.errors,
                               request.path_params.get("meeting_id"), problem.status)


async def _choices(user: CurrentUser, program_id: int) -> Any:
    """The program's form choices; NotFound first for another school's program, before any form is judged."""
    return await board.choices(user, await program(user, program_id))


class ProgramsController(Controller):
    guards = STAFF

    @get("/staff/programs")
    async def programs(self, request: Request, user: NamedDependency[CurrentUser]) -> Template:
        found = await records.listing(user, await today_for(user))
        return render(request, "programs", programs=found, every_school=user.has("admin"), **WORDS)

    @get("/staff/programs/new")
    async def new(self, request: Request) -> Template:
        return await _program_form(request, {}, {})

    @post("/staff/programs/new", opt=redisplay(_new_again))
    async def add(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        form = parse_program(await form_values(request), await records.choices(user))
        program_id = await records.create(user, form)
        return go_to(request, f"/staff/programs/{program_id}?done=added")

    @get("/staff/programs/{program_id:int}")
    async def program_page(self, request: Request, program_id: FromPath[int]) -> Template:
        return await _program_page(request, program_id)

    @get("/staff/programs/{program_id:int}/edit")
    async def edit(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int]) -> Template:
        return await _program_form(request, records.as_form(await program(user, program_id)), {}, program_id)

    @post("/staff/programs/{program_id:int}/edit", opt=redisplay(_edit_again))
    async def save(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int]) -> Response:
        choices = await records.choices(user, (await program(user, program_id))["school"])
        form = parse_program(await form_values(request), choices)
        await records.update(user, program_id, form)
        return go_to(request, f"/staff/programs/{program_id}?done=saved")

    @post("/staff/programs/{program_id:int}/students", opt=redisplay(_page_again))
    async def add_student(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int]) -> Response:
        student = parse_student(await form_values(request), await _choices(user, program_id))
        await records.add_student(user, program_id, student, await today_for(user))
        return go_to(request, f"/staff/programs/{program_id}?done=student#students-heading")

    @post("/staff/programs/{program_id:int}/students/{student_id:int}/remove")
    async def remove_student(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int],
                             student_id: FromPath[int]) -> Response:
        await records.remove_student(user, program_id, student_id, await today_for(user))
        return go_to(request, f"/staff/programs/{program_id}?done=student_out#students-heading")

    @post("/staff/programs/{program_id:int}/members", opt=redisplay(_page_again))
    async def add_member(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int]) -> Response:
        member = parse_member(await form_values(request), await _choices(user, program_id), await today_for(user))
        await board.add_member(user, program_id, member)
        return go_to(request, f"/staff/programs/{program_id}?done=member#members-heading")

    @post("/staff/programs/{program_id:int}/members/{member_id:int}/remove")
    async def remove_member(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int],
                            member_id: FromPath[int]) -> Response:
        await board.end_member(user, program_id, member_id)
        return go_to(request, f"/staff/programs/{program_id}?done=member_out#members-heading")

    @post("/staff/programs/{program_id:int}/actions", opt=redisplay(_page_again))
    async def add_action(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int]) -> Response:
        choices = await _choices(user, program_id)
        await board.add_action(user, program_id, parse_action(await form_values(request), choices, await today_for(user)))
        return go_to(request, f"/staff/programs/{program_id}?done=action#actions-heading")

    @post("/staff/programs/{program_id:int}/actions/{action_id:int}/status")
    async def action_status(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int],
                            action_id: FromPath[int]) -> Response:
        done = (await form_values(request)).get("status") == ActionStatus.DONE
        await board.set_action_status(user, program_id, action_id, ActionStatus.DONE if done else ActionStatus.OPEN)
        return go_to(request, f"/staff/programs/{program_id}?done={'done' if done else 'open'}#action-{action_id}")

    @get("/staff/programs/{program_id:int}/meetings/new")
    async def new_meeting(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int]) -> Template:
        today = await today_for(user)
        return await _meeting_form(request, program_id, {"held_on": today.isoformat(), "attendees": []}, {})

    @post("/staff/programs/{program_id:int}/meetings/new", opt=redisplay(_meeting_again))
    async def record_meeting(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int]) -> Response:
        raw = await form_values(request)
        choices = await board.meeting_choices(user, program_id, str(raw.get("held_on", "")))
        form = parse_meeting(raw, choices, await today_for(user))
        meeting_id = await board.record_meeting(user, program_id, form)
        return go_to(request, f"/staff/programs/{program_id}/meetings/{meeting_id}?done=meeting")

    @get("/staff/programs/{program_id:int}/meetings/{meeting_id:int}")
    async def meeting(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int],
                      meeting_id: FromPath[int]) -> Template:
        found = await board.meeting(user, program_id, meeting_id)
        return render(request, "meeting", meeting=found, program=found["program"],
                      notice=NOTICES.get(request.query_params.get("done", ""), ""), **WORDS)

    @get("/staff/programs/{program_id:int}/meetings/{meeting_id:int}/edit")
    async def edit_meeting(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int],
                           meeting_id: FromPath[int]) -> Template:
        found = await board.meeting(user, program_id, meeting_id)
        return await _meeting_form(request, program_id, board.meeting_as_form(found), {}, meeting_id)

    @post("/staff/programs/{program_id:int}/meetings/{meeting_id:int}/edit", opt=redisplay(_meeting_again))
    async def save_meeting(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int],
                           meeting_id: FromPath[int]) -> Response:
        raw = await form_values(request)
        choices = await board.meeting_choices(user, program_id, str(raw.get("held_on", "")), meeting_id)
        form = parse_meeting(raw, choices, await today_for(user))
        await board.edit_meeting(user, program_id, meeting_id, form)
        return go_to(request, f"/staff/programs/{program_id}/meetings/{meeting_id}?done=meeting")

    @get("/staff/programs/{program_id:int}/meetings/{meeting_id:int}/minutes.pdf")
    async def minutes_pdf(self, request: Request, user: NamedDependency[CurrentUser], program_id: FromPath[int],
                          meeting_id: FromPath[int]) -> Response:
        data, filename = await minutes.export(user, program_id, meeting_id)
        return Response(content=data, media_type="application/pdf", headers={
            "Content-Disposition": content_disposition("attachment", filename), "Cache-Control": "private, no-store"})
