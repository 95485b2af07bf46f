"""A mentor's queue: pending verification requests of their assigned students, decided one by one or in batches."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from portfolio.auth import role
from portfolio.errors import DomainError, FormErrors, NotFound
from portfolio.forms.certification import certification_check_values, parse_certification_check
from portfolio.forms.verification import parse_decision
from portfolio.parse import as_list
from portfolio.routes.common import form_values, go_to, page_number, query_id, redisplay, render
from portfolio.services import accounts, experiences, mentor_overview, mentoring, signoff
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.signoff import certifications as certificate_checks
from portfolio.vocabulary import DECISION_LABELS, DECISION_WORDS, Role


async def _queue_page(request: Request, status_code: int = 200, **extra: Any) -> Template:
    queue = await signoff.queue_page(request.user, page_number(request))
    items = queue.page.rows
    for item in items:
        # Changed since it was asked about: it cannot be decided (decide_as_mentor skips it).
        item["changed"] = item["entry"]["current_hash"] != item["content_hash"]
    context: dict[str, Any] = {
        "items": items,
        "queue": queue,
        "groups": signoff.by_student(items),
        "errors": {},
        "values": {},
        "checked": set(),
        "done": None,
    }
    return render(request, "mentor", status_code=status_code, **(context | extra))


async def _queue_again(request: Request, problem: FormErrors) -> Template:
    form = await form_values(request)
    return await _queue_page(request, status_code=422, errors=problem.errors,
                             values={"comment": str(form.get("comment", ""))}, checked=set(as_list(form.get("items"))))


async def _student_page(request: Request, student_id: int, status_code: int = 200, **extra: Any) -> Template:
    mentor: CurrentUser = request.user
    student = await accounts.load_user(student_id)
    if student is None or not await mentoring.is_assigned(mentor.id, student_id):
        raise NotFound()
    today = await experiences.today_for(student)
    context = {
        "viewer": "mentor", "verify_base": f"/mentor/students/{student_id}", "cert_errors": {}, "cert_values": {},
        "certifications": await certificate_checks.student_certifications(student_id, today),
    } | extra
    record = await signoff.student_record(student, page_number(request), query_id(request, "entry"))
    return render(request, "staff_student", status_code=status_code, **context, **record)


async def _certification_again(request: Request, problem: DomainError) -> Template:
    certification_id = request.path_params["certification_id"]
    return await _student_page(request, request.path_params["student_id"], status_code=problem.status,
                               cert_errors={certification_id: problem.field_errors},
                               cert_values={certification_id: certification_check_values(await form_values(request))})


class MentorController(Controller):
    path = "/mentor"
    guards = [role("mentor")]

    @get("/")
    async def queue(self, request: Request, done: FromQuery[str] = "", count: FromQuery[int] = 0) -> Template:
        words = DECISION_WORDS.get(done)
        return await _queue_page(request, done={"count": count, "words": words} if words else None)

    @get("/students")
    async def students(self, request: Request, mentor: NamedDependency[CurrentUser]) -> Template:
        """The students assigned to this mentor, each with this year's hours and what waits for the mentor."""
        listing = await mentor_overview.students(mentor, page_number(request))
        return render(request, "mentor_students", students=listing.rows, listing=listing)

    @get("/history")
    async def history(self, request: Request, mentor: NamedDependency[CurrentUser], page: FromQuery[int] = 1) -> Template:
        """What this mentor decided, newest first, a page at a time."""
        return render(request, "mentor_history", **await mentor_overview.decisions(mentor, page), labels=DECISION_LABELS)

    @get("/students/{student_id:int}")
    async def student(self, request: Request, student_id: FromPath[int]) -> Template:
        """An assigned student's record: every entry and how each sign-off was made, and their certifications."""
        return await _student_page(request, student_id)

    @post("/students/{student_id:int}/certifications/{certification_id:int}/verify", opt=redisplay(_certification_again))
    async def verify_certification(self, request: Request, mentor: NamedDependency[CurrentUser], student_id: FromPath[int],
                                   certification_id: FromPath[int]) -> Response:
        """An assigned mentor checked the certificate file or the issuer's link; NotFound for anyone else's student."""
        answer = parse_certification_check(await form_values(request))
        await certificate_checks.verify_certification(mentor, Role.MENTOR, student_id, certification_id, answer)
        return go_to(request, f"/mentor/students/{student_id}#certification-{certification_id}")

    @post("/decide", opt=redisplay(_queue_again))
    async def decide(self, request: Request, mentor: NamedDependency[CurrentUser], emails: NamedDependency[Emails]) -> Response:
        form = await form_values(request)
        items = as_list(form.get("items"))
        # NotFound when an item is not in this mentor's queue (another mentor's, a student no longer assigned).
        count = await signoff.decide_as_mentor(emails, mentor, items, parse_decision(form))
        decision = str(form.get("decision"))
        return go_to(request, f"/mentor?done={decision}&count={count}")

    @post("/digest")
    async def digest(self, request: Request, mentor: NamedDependency[CurrentUser]) -> Response:
        form = await form_values(request)
        on = str(form.get("digest", "")) in ("on", "1", "true")
        await signoff.set_digest(mentor, on)
        return go_to(request, f"/account?digest={'on' if on else 'off'}")
