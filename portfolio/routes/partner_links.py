"""Students' entries and the school's partners: the type-ahead on a student's entry form, and the staff page of
the organization names students typed, to merge into a partner. The linking service scopes both to the person's
school; this module parses and renders."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template

from portfolio.auth import role
from portfolio.forms.partner_links import parse_merge
from portfolio.routes.common import form_values, go_to, redisplay, render
from portfolio.routes.partners import STAFF
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners import linking


class PartnerSuggestionsController(Controller):
    guards = [role("student")]

    @get("/student/partner-suggestions")
    async def suggestions(self, student: NamedDependency[CurrentUser], organization: FromQuery[str] = "") -> Template:
        """The entry form's <datalist> again, with the school's active partners matching what was typed."""
        names = await linking.suggestions(student, organization[:200])
        return Template(template_name="partials/_partner_suggestions.html", context={"names": names})


async def _names_page(request: Request, errors: dict[str, str], merged: int | None = None,
                      status_code: int = 200) -> Template:
    return render(request, "partner_names", status_code=status_code, names=await linking.unlinked_names(request.user),
                  errors=errors, merged=merged, every_school=request.user.has("admin"))


async def _merge_again(request: Request, problem: Any) -> Template:
    return await _names_page(request, problem.errors, status_code=problem.status)


class PartnerNamesController(Controller):
    guards = STAFF

    @get("/staff/partners/names")
    async def names(self, request: Request, merged: FromQuery[int | None] = None) -> Template:
        return await _names_page(request, {}, merged)

    @post("/staff/partners/names/merge", opt=redisplay(_merge_again))
    async def merge(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        form = parse_merge(await form_values(request))
        linked = await linking.merge_name(user, form.name, form.partner_id)
        return go_to(request, f"/staff/partners/names?merged={linked}")
