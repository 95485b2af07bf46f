"""Staff and admins: a session's roster on a phone (tick who came, mark all, hours, walk-ins, a student's
check-in code typed or scanned), and the JSON the phone's offline queue sends marks to. Students: their own
rotating check-in code. The attendance services scope everything to the person's school."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import segno
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import role
from portfolio.errors import FormErrors
from portfolio.forms.attendance import parse_code, parse_hours, parse_mark, parse_search
from portfolio.opportunity_vocabulary import CheckInMethod
from portfolio.routes.common import form_values, go_to, json_object, not_an_object, redisplay, render
from portfolio.services.accounts import CurrentUser
from portfolio.services.attendance import codes, marking, roster
from portfolio.settings import Settings

STAFF = [role("staff", "admin")]
# The roster page alone may use the camera (the scanner); every other page keeps the app's default.
SCANNER_HEADERS = {"Permissions-Policy": "camera=(self), geolocation=(), microphone=(), payment=()"}
NOTICES = {"marked": "Marked present. Their entry is verified.", "removed": "Unmarked. The entry it made is gone.",
           "kept": "Unmarked. The student had already added to the entry (a reflection or a photo), so it stays "
                   "theirs, with its verification voided.",
           "hours": "Hours saved. The entry is signed again at the new hours.", "nothing": "Nothing to undo."}


async def _roster_page(request: Request, session_id: int, errors: dict[str, str] | None = None,
                       values: dict[str, Any] | None = None, status_code: int = 200, **extra: Any) -> Template:
    user: CurrentUser = request.user
    found = await roster.roster(user, session_id)
    query = parse_search(request.query_params)
    done = request.query_params.get("done", "")
    notice = NOTICES.get(done, "")
    if done.startswith("all"):
        count = done.removeprefix("all")
        notice = f"{count} {'student' if count == '1' else 'students'} marked present."
    page = render(request, "session_roster", status_code=status_code, roster=found, errors=errors or {},
                  values=values or {}, notice=notice, query=query,
                  matches=await roster.search(user, session_id, query) if query else [], **extra)
    page.headers.update(SCANNER_HEADERS)
    return page


async def _again(request: Request, problem: Any) -> Template:
    return await _roster_page(request, request.path_params["session_id"], problem.errors, problem.values,
                              problem.status)


def _back(request: Request, session_id: int, done: str, student_id: int | None = None) -> Response:
    anchor = f"#student-{student_id}" if student_id else ""
    return go_to(request, f"/staff/sessions/{session_id}?done={done}{anchor}")


class SessionsController(Controller):
    guards = STAFF

    @get("/staff/sessions/{session_id:int}")
    async def session_roster(self, request: Request, session_id: FromPath[int]) -> Template:
        return await _roster_page(request, session_id)

    @post("/staff/sessions/{session_id:int}/mark", opt=redisplay(_again))
    async def mark(self, request: Request, user: NamedDependency[CurrentUser], session_id: FromPath[int]) -> Response:
        raw = await form_values(request)
        form = parse_mark(raw)
        if raw.get("present", "1") == "0":
            outcome = await marking.unmark(user, session_id, form.student_id)
            return _back(request, session_id, outcome or "nothing", form.student_id)
        await marking.mark(user, session_id, form.student_id, form.method, form.client_uuid)
        return _back(request, session_id, "marked", form.student_id)

    @post("/staff/sessions/{session_id:int}/all", opt=redisplay(_again))
    async def mark_all(self, request: Request, user: NamedDependency[CurrentUser], session_id: FromPath[int]) -> Response:
        count = await marking.mark_all(user, session_id)
        return _back(request, session_id, f"all{count}")

    @post("/staff/sessions/{session_id:int}/hours", opt=redisplay(_again))
    async def hours(self, request: Request, user: NamedDependency[CurrentUser], session_id: FromPath[int]) -> Response:
        await roster.session(user, session_id)  # another school's session: 404 before any form is judged
        student_id, minutes = parse_hours(await form_values(request))
        await marking.set_minutes(user, session_id, student_id, minutes)
        return _back(request, session_id, "hours", student_id)

    @post("/staff/sessions/{session_id:int}/code", opt=redisplay(_again))
    async def code(self, request: Request, user: NamedDependency[CurrentUser], session_id: FromPath[int],
                   settings: NamedDependency[Settings]) -> Template:
        """A scanned or typed code: whose it is, for the staff member to see before checking them in (a face to
        match with the name, before any entry exists)."""
        found = await roster.session(user, session_id)
        raw = await form_values(request)
        typed = parse_code(raw)
        student_id = codes.whose(settings.secret_key, typed, await roster.student_ids(found["school"]))
        if student_id is None:
            raise FormErrors({"code": "No student of this school has this code now. Codes change every minute: "
                                      "ask them to open their card again."}, {"code": str(raw.get("code", ""))[:100]})
        method = CheckInMethod.QR if raw.get("method") == CheckInMethod.QR else CheckInMethod.TYPED
        return await _roster_page(request, session_id, found_student=await roster.student(found["school"], student_id),
                                  found_method=method)


class SessionMarksController(Controller):
    """The marks a roster's phone queued (offline.js): JSON, one mark per client UUID."""

    path = "/api/v1/sessions"
    guards = STAFF

    @post("/{session_id:int}/marks", media_type=MediaType.JSON)
    async def marks(self, request: Request, user: NamedDependency[CurrentUser], session_id: FromPath[int]) -> Response:
        body = await json_object(request)
        if body is None:
            return not_an_object()
        form = parse_mark(body)
        if str(body.get("present", "1")) == "0":
            outcome = await marking.unmark(user, session_id, form.student_id)
            return Response({"entry": None, "outcome": outcome or "nothing"}, status_code=200)
        marked = await marking.mark(user, session_id, form.student_id, form.method, form.client_uuid)
        return Response({"entry": {"id": marked.experience_id}, "attendance_id": marked.attendance_id},
                        status_code=201 if marked.created else 200)


class CheckInController(Controller):
    path = "/student/check-in"
    guards = [role("student")]

    @get("/")
    async def card(self, request: Request, student: NamedDependency[CurrentUser], settings: NamedDependency[Settings]) -> Template:
        """The student's check-in card; htmx asks for it again every few seconds, so the code on screen is
        always the current one."""
        return render(request, "checkin", "_checkin_card", checkin=checkin_card(student, settings))


def checkin_card(student: CurrentUser, settings: Settings) -> dict[str, Any]:
    """What the dashboard's check-in card shows: the student's name and initials, the code and its QR."""
    code = codes.current(settings.secret_key, student.id)
    return {"name": student.name, "initials": roster.initials(student.name), "code": code.text,
            "spaced": f"{code.text[:4]} {code.text[4:]}", "changes_at": code.changes_at, "qr": qr_svg(code.text)}


# A code lasts a while and the dashboard and its card show it again and again: drawing it was an eighth of the
# dashboard's time. The picture depends on the text alone.
@lru_cache(maxsize=4096)
def qr_svg(text: str) -> str:
    # A full QR code, never a Micro QR (segno.make picks one for eight characters): camera decoders read only these.
    return segno.make_qr(text, error="m").svg_data_uri(scale=8, border=4, dark="#000", light="#fff")
