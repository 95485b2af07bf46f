"""A student's certifications (IBCs): list, add, read, edit, delete, with evidence."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from portfolio.auth import role
from portfolio.errors import DomainError, FormErrors
from portfolio.forms.certification import (
    CertificationForm,
    certification_values,
    parse_certification,
)
from portfolio.routes.common import form_values, go_to, redisplay, render
from portfolio.routes.evidence import evidence_section
from portfolio.services import certifications, experiences, sharing
from portfolio.services.accounts import CurrentUser
from portfolio.services.signoff import certifications as certificate_checks
from portfolio.storage import EvidenceStore


async def _certification(request: Request, certification_id: int) -> dict[str, Any]:
    return await certifications.get(request.user, certification_id)


async def _page(
    request: Request,
    values: dict[str, str],
    errors: dict[str, str],
    row: dict[str, Any] | None,
    status: int = 200,
    saved: bool = False,
    added: int = 0,
) -> Template:
    context: dict[str, Any] = {"values": values, "errors": errors, "certification": row, "saved": saved}
    if row is not None:
        context["action"] = f"/student/certifications/{row['id']}"
        context["signoffs"] = (await certificate_checks.latest_signoffs([row["id"]]))[row["id"]]
        context |= await evidence_section("certification", row["id"], row["status"] in certifications.EDITABLE, added=added)
    else:
        context["action"] = "/student/certifications"
    return render(request, "certification_form", "_certification_form", status_code=status, **context)


async def _form_again(request: Request, problem: DomainError) -> Template:
    """The form again, as typed, with what is wrong (or that the certification can no longer be edited)."""
    certification_id = request.path_params.get("certification_id")
    row = await _certification(request, certification_id) if certification_id is not None else None
    if isinstance(problem, FormErrors):
        return await _page(request, certification_values(await form_values(request)), problem.errors, row)
    return await _page(request, certifications.as_form(row), {"form": "This certification can no longer be edited."}, row)


async def _read(request: Request) -> CertificationForm:
    return parse_certification(await form_values(request), await experiences.today_for(request.user))


class CertificationController(Controller):
    path = "/student/certifications"
    guards = [role("student")]

    @get("/")
    async def index(self, request: Request, student: NamedDependency[CurrentUser]) -> Template:
        return render(request, "certifications", certifications=await certifications.listing(student))

    @get("/new")
    async def new(self, request: Request) -> Template:
        return await _page(request, {}, {}, None)

    @post("/", opt=redisplay(_form_again))
    async def create(self, request: Request, student: NamedDependency[CurrentUser]) -> Response:
        row = await certifications.create(student, await _read(request))
        # Straight to its edit page, where the scan or PDF is added.
        return go_to(request, f"/student/certifications/{row['id']}/edit?saved=1#evidence")

    @get("/{certification_id:int}")
    async def show(self, request: Request, student: NamedDependency[CurrentUser], certification_id: FromPath[int], saved: FromQuery[bool] = False) -> Template:
        """The certification as a card to read; editing is an action of its own (/edit)."""
        row = await _certification(request, certification_id)
        context = await evidence_section("certification", certification_id, False)
        return render(
            request, "certification_card", certification=row, saved=saved,
            signoffs=(await certificate_checks.latest_signoffs([certification_id]))[certification_id],
            shares=await sharing.shares_including(student, certification_id=certification_id),
            editable=row["status"] in certifications.EDITABLE, **context,
        )

    @get("/{certification_id:int}/edit")
    async def edit(self, request: Request, certification_id: FromPath[int], saved: FromQuery[bool] = False, added: FromQuery[int] = 0) -> Template:
        row = await _certification(request, certification_id)
        return await _page(request, certifications.as_form(row), {}, row, saved=saved, added=added)

    @post("/{certification_id:int}", opt=redisplay(_form_again))
    async def update(self, request: Request, student: NamedDependency[CurrentUser], certification_id: FromPath[int]) -> Response:
        await _certification(request, certification_id)
        await certifications.update(student, certification_id, await _read(request))
        return go_to(request, f"/student/certifications/{certification_id}?saved=1")

    @post("/{certification_id:int}/delete")
    async def delete(self, request: Request, student: NamedDependency[CurrentUser], certification_id: FromPath[int], store: NamedDependency[EvidenceStore]) -> Response:
        await _certification(request, certification_id)
        await certifications.delete(student, certification_id, store)
        return go_to(request, "/student/certifications")
