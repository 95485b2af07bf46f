"""Celebrations: the staff page (certifications earned, milestones passed, signing-day commitments, partners by
hours hosted) with the reports' filter, the awards-night program and certificates as PDFs; a student's
celebrations on staff's side (signing day, publication consent); and the student's own answers (confirming a
commitment, opting in to being named)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from portfolio import clock
from portfolio.auth import role
from portfolio.celebration_vocabulary import COMMITMENT_LABELS, COMMITMENT_STATE_LABELS, DETAIL_HINTS
from portfolio.errors import FormErrors
from portfolio.forms.celebrations import commitment_values, parse_commitment, parse_event, parse_students
from portfolio.forms.consent import parse_guardian_name
from portfolio.routes.common import client_ip, form_values, go_to, redisplay, render
from portfolio.routes.reports import REPORTERS, filtered
from portfolio.services import accounts, audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.celebrations import overview, program, publication, signing
from portfolio.services.counseling.scope import school_student
from portfolio.services.experiences import school_of, today_for
from portfolio.storage import content_disposition

WORDS = {"kinds": COMMITMENT_LABELS, "states": COMMITMENT_STATE_LABELS, "hints": DETAIL_HINTS}


def _pdf(data: bytes, filename: str) -> Response:
    return Response(content=data, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition("attachment", filename), "Cache-Control": "private, no-store"})


async def _student_page(request: Request, student_id: int, status_code: int = 200, **extra: Any) -> Template:
    """Staff's page of one student's celebrations: their commitments with the form to record one, and whether
    their name may be published."""
    await school_student(request.user, student_id)
    student = await accounts.load_user(student_id)
    today = await today_for(request.user)
    context = {"values": {"signed_on": today.isoformat(), "kind": "", "organization": "", "detail": ""},
               "errors": {}, "guardian_errors": {}, "guardian_values": {}, "saved": ""} | extra
    return render(request, "celebration_student", status_code=status_code, student=student,
                  commitments=await signing.of_student_for_staff(request.user, student_id),
                  publication=await publication.status(student_id, today), **WORDS, **context)


async def _commitment_again(request: Request, problem: FormErrors) -> Template:
    values = commitment_values(await form_values(request))
    return await _student_page(request, request.path_params["student_id"], status_code=422, values=values,
                               errors=problem.errors)


async def _guardian_again(request: Request, problem: FormErrors) -> Template:
    return await _student_page(request, request.path_params["student_id"], status_code=422,
                               guardian_values=problem.values, guardian_errors=problem.errors)


class CelebrationsController(Controller):
    """Staff see their school's; an admin the district or one school."""

    guards = REPORTERS

    @get("/staff/celebrations")
    async def celebrations(self, request: Request) -> Template:
        found = await filtered(request)
        today = clock.today_at(await school_of(request.user))
        lists = await overview.celebrations(found.scope)
        return render(request, "celebrations", **lists, named=await publication.publishable(lists["students"], today),
                      today=today, may_record=request.user.has("staff"), **WORDS, **found.context)

    @get("/staff/celebrations/program.pdf")
    async def program_pdf(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        found = await filtered(request)
        today = clock.today_at(await school_of(user))
        # The program leaves the school: who made one, and for what, is worth keeping.
        await audit.record("celebrations.program_pdf", actor_id=user.id, ip=client_ip(request),
                           schools=list(found.scope.schools))
        data = await program.program_pdf(found.scope, parse_event(request.query_params, today), today, user)
        return _pdf(data, "awards-night-program.pdf")

    @get("/staff/celebrations/certificates.pdf")
    async def certificates_pdf(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        found = await filtered(request)
        today = clock.today_at(await school_of(user))
        students = parse_students(request.query_params.getall("students", []))
        data = await program.certificates_pdf(found.scope, parse_event(request.query_params, today), students)
        return _pdf(data, "certificates.pdf")


class StudentCelebrationsController(Controller):
    """Staff of the student's school: signing-day commitments and the guardian's side of publication consent."""

    guards = [role("staff")]
    path = "/staff/students/{student_id:int}"

    @get("/celebrations")
    async def page(self, request: Request, student_id: FromPath[int], saved: FromQuery[str] = "") -> Template:
        return await _student_page(request, student_id, saved=saved)

    @post("/signing-days", opt=redisplay(_commitment_again))
    async def record(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int]) -> Response:
        await school_student(staff, student_id)
        form = parse_commitment(await form_values(request), await today_for(staff))
        await signing.record(staff, student_id, form)
        return go_to(request, f"/staff/students/{student_id}/celebrations?saved=recorded")

    @post("/signing-days/{signing_id:int}/withdraw")
    async def withdraw(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int],
                       signing_id: FromPath[int]) -> Response:
        await signing.withdraw(staff, student_id, signing_id)
        return go_to(request, f"/staff/students/{student_id}/celebrations?saved=withdrawn")

    @post("/publication", opt=redisplay(_guardian_again))
    async def record_guardian(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int]) -> Response:
        await school_student(staff, student_id)
        await publication.record_guardian(staff, student_id, parse_guardian_name(await form_values(request)))
        return go_to(request, f"/staff/students/{student_id}/celebrations?saved=guardian")

    @post("/publication/{publication_id:int}/withdraw")
    async def withdraw_guardian(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int],
                                publication_id: FromPath[int]) -> Response:
        await publication.withdraw_guardian(staff, student_id, publication_id)
        return go_to(request, f"/staff/students/{student_id}/celebrations?saved=guardian_withdrawn")


class MyCelebrationsController(Controller):
    """A student's own: answering a commitment staff recorded, and their opt-in to being named."""

    guards = [role("student")]

    @post("/student/signing-days/{signing_id:int}/confirm")
    async def confirm(self, request: Request, student: NamedDependency[CurrentUser], signing_id: FromPath[int]) -> Response:
        await signing.answer(student, signing_id, confirmed=True)
        return go_to(request, "/student#signing-day")

    @post("/student/signing-days/{signing_id:int}/decline")
    async def decline(self, request: Request, student: NamedDependency[CurrentUser], signing_id: FromPath[int]) -> Response:
        await signing.answer(student, signing_id, confirmed=False)
        return go_to(request, "/student#signing-day")

    @get("/student/publication")
    async def publication_page(self, request: Request, student: NamedDependency[CurrentUser], saved: FromQuery[str] = "") -> Template:
        return render(request, "publication", status=await publication.student_status(student), saved=saved)

    @post("/student/publication")
    async def opt_in(self, request: Request, student: NamedDependency[CurrentUser]) -> Response:
        await publication.opt_in(student)
        return go_to(request, "/student/publication?saved=in")

    @post("/student/publication/withdraw")
    async def opt_out(self, request: Request, student: NamedDependency[CurrentUser]) -> Response:
        await publication.opt_out(student)
        return go_to(request, "/student/publication?saved=out")
