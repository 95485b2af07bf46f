"""Employers: the portfolios students shared with their organization, private notes and a shortlist.

Only active shares count (sharing.employer_access); anything else is 404, so ids cannot be probed. Opening a
portfolio is a disclosure and is recorded, once per view; the list is not.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import role
from portfolio.errors import FormErrors
from portfolio.forms.employer import parse_document_code, parse_note
from portfolio.routes.common import form_values, go_to, page_number, redisplay, render
from portfolio.services import documents, experiences, sharing
from portfolio.services.accounts import CurrentUser

SORTS = {"hours": "Most verified hours", "recent": "Most recently shared"}
MAX_FILTER_HOURS = 100_000


def _filters(request: Request) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    """The GET form's values as typed, as the service wants them, and any errors. A bad value never fails the
    page: it is named and ignored."""
    query = request.query_params
    typed = {
        "cluster": str(query.get("cluster", "")).strip(),
        "min_hours": str(query.get("min_hours", "")).strip(),
        "certification": str(query.get("certification", "")).strip()[:200],
        "shortlist": "1" if query.get("shortlist") in ("1", "on", "true") else "",
        "sort": str(query.get("sort", "hours")),
    }
    errors: dict[str, str] = {}
    min_hours = None
    if typed["min_hours"]:
        try:
            min_hours = Decimal(typed["min_hours"].replace(",", "."))
        except InvalidOperation:
            min_hours = None
        if min_hours is None or not min_hours.is_finite() or not 0 <= min_hours <= MAX_FILTER_HOURS:
            errors["min_hours"] = "Enter a number of hours, like 10, or leave it empty."
            min_hours = None
    if typed["sort"] not in SORTS:
        typed["sort"] = "hours"
    wanted = {
        "cluster": typed["cluster"] or None,
        "min_hours": float(min_hours) if min_hours is not None else None,
        "certification": typed["certification"],
        "shortlist_only": bool(typed["shortlist"]),
        "sort": typed["sort"],
    }
    return typed, wanted, errors


async def _access(request: Request, student_id: int) -> sharing.Access:
    access = await sharing.employer_access(request.user, student_id)
    if access is None:
        # No share, expired, revoked, or another organization's: all the same answer.
        raise NotFoundException()
    return access


async def _notes_context(request: Request, student_id: int, **extra: Any) -> dict[str, Any]:
    employer = request.user
    return {
        "student_id": student_id,
        "notes": await sharing.notes(employer, student_id),
        "note_errors": extra.get("errors", {}),
        "note_values": extra.get("values", {}),
        "note_added": extra.get("added", False),
    }


async def _shortlist_context(request: Request, student_id: int) -> dict[str, Any]:
    return {"student_id": student_id, "shortlisted": student_id in await sharing.shortlist(request.user)}


async def _portfolio_page(request: Request, student_id: int, **note_extra: Any) -> Template:
    """The shared portfolio with the organization's notes and shortlist mark. Each call is one view, recorded."""
    employer = request.user
    access = await _access(request, student_id)
    organization = await sharing.organization_name(employer.organization_id)
    pf = await sharing.portfolio(student_id, access)
    await sharing.disclose(student_id, "view", employer.name, organization, viewer=employer.id, share=access.share_ids[0])
    return render(
        request,
        "employer_student",
        pf=pf,
        evidence_base="/evidence",
        organization=organization,
        **(await _notes_context(request, student_id, **note_extra) | await _shortlist_context(request, student_id)),
    )


async def _note_again(request: Request, problem: FormErrors) -> Template:
    student_id = request.path_params["student_id"]
    if request.headers.get("hx-request"):
        context = await _notes_context(request, student_id, errors=problem.errors, values=problem.values)
        return render(request, "employer_student", "employer_notes", **context)
    # Without JavaScript: the whole page again with the error by the field (a view, so recorded).
    return await _portfolio_page(request, student_id, errors=problem.errors, values=problem.values)


async def _check_again(request: Request, problem: FormErrors) -> Template:
    return render(request, "employer_check", errors=problem.errors, values=problem.values)


class EmployerController(Controller):
    path = "/employer"
    guards = [role("employer")]

    @get("/")
    async def index(self, request: Request, employer: NamedDependency[CurrentUser]) -> Template:
        typed, wanted, errors = _filters(request)
        clusters = await experiences.clusters()
        if wanted["cluster"] not in {c["code"] for c in clusters}:
            if wanted["cluster"]:
                errors["cluster"] = "Choose a career cluster from the list."
            wanted["cluster"] = typed["cluster"] = None
        listing = await sharing.employer_page(employer, page_number(request), **wanted)
        filtered = any((wanted["cluster"], wanted["min_hours"] is not None, wanted["certification"], wanted["shortlist_only"]))
        return render(
            request,
            "employer",
            cards=listing.rows,
            listing=listing,
            query=urlencode({name: value for name, value in typed.items() if value and name not in errors}),
            filters=typed,
            filtered=filtered,
            errors=errors,
            clusters=clusters,
            sorts=SORTS,
            organization=await sharing.organization_name(employer.organization_id),
        )

    @get("/shortlist")
    async def shortlisted(self, request: Request, employer: NamedDependency[CurrentUser]) -> Template:
        """The organization's shortlist: the list's own cards, filtered by the list's own service."""
        listing = await sharing.employer_page(employer, page_number(request), shortlist_only=True)
        return render(request, "employer_shortlisted", cards=listing.rows, listing=listing,
                      organization=await sharing.organization_name(employer.organization_id))

    @get("/check")
    async def check_page(self, request: Request) -> Template:
        return render(request, "employer_check", errors={}, values={})

    @post("/check", opt=redisplay(_check_again))
    async def check(self, request: Request) -> Response:
        """A code typed off a PDF, or its pasted link, opens the public check page; a code no PDF has is told here."""
        form = await form_values(request)
        code = parse_document_code(form)
        await documents.require_known(code, str(form.get("code", ""))[:500])
        return go_to(request, f"/p/{code}")

    @post("/digest")
    async def digest(self, request: Request, employer: NamedDependency[CurrentUser]) -> Response:
        on = str((await form_values(request)).get("digest", "")) in ("on", "1", "true")
        await sharing.set_employer_digest(employer, on)
        return go_to(request, f"/account?digest={'on' if on else 'off'}")

    @get("/students/{student_id:int}")
    async def student(self, request: Request, student_id: FromPath[int]) -> Template:
        return await _portfolio_page(request, student_id)

    @post("/students/{student_id:int}/notes", opt=redisplay(_note_again))
    async def add_note(self, request: Request, employer: NamedDependency[CurrentUser], student_id: FromPath[int]) -> Response:
        await _access(request, student_id)
        await sharing.add_note(employer, student_id, parse_note(await form_values(request)))
        if request.headers.get("hx-request"):
            return render(request, "employer_student", "employer_notes", **await _notes_context(request, student_id, added=True))
        return go_to(request, f"/employer/students/{student_id}#notes")

    @post("/students/{student_id:int}/shortlist")
    async def shortlist(self, request: Request, employer: NamedDependency[CurrentUser], student_id: FromPath[int]) -> Response:
        await _access(request, student_id)
        form = await form_values(request)
        await sharing.set_shortlisted(employer, student_id, str(form.get("on", "")) == "1")
        if request.headers.get("hx-request"):
            return render(request, "employer_student", "employer_shortlist", **await _shortlist_context(request, student_id))
        return go_to(request, f"/employer/students/{student_id}")
