"""A person's page for staff and administrators (deactivate, reactivate, change roles). The people service
decides who may change whom; this module parses and renders."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from portfolio.auth import recently_signed_in, role
from portfolio.errors import DomainError
from portfolio.forms.people import parse_colleague, parse_roles
from portfolio.routes.common import client_ip, form_values, go_to, redisplay, render
from portfolio.services import people
from portfolio.services.accounts import CurrentUser
from portfolio.vocabulary import Role

NOTICES = {
    "deactivated": "Account deactivated. They are signed out everywhere and their links no longer work; their records are kept.",
    "reactivated": "Account reactivated. They sign in with their password, or ask for a new link if they forgot it.",
    "roles": "Roles changed. They sign in again to use them.",
}


def _no_store(page: Template) -> Template:
    page.headers["Cache-Control"] = "no-store"  # another person's name, address and roles
    return page


def _home(user: CurrentUser) -> str:
    return "/admin" if user.has(Role.ADMIN) else "/staff"


async def _person_page(request: Request, user_id: int, status_code: int = 200, **extra: Any) -> Template:
    user: CurrentUser = request.user
    context = {"notice": "", "errors": {}, "values": {}, "sent": ""} | extra
    found = await people.person(user, user_id)
    context["values"] = {"roles": found["roles"]} | context["values"]
    return _no_store(render(request, "person", status_code=status_code, person=found, home=_home(user), **context))


async def _person_again(request: Request, problem: DomainError) -> Template:
    return await _person_page(request, request.path_params["user_id"], status_code=problem.status,
                              errors=problem.field_errors, values=getattr(problem, "values", {}),
                              sent=request.url.path.rsplit("/", 1)[-1])


class PeopleController(Controller):
    """Staff see and change the people of their school; administrators, anyone."""

    @get("/staff/people/{user_id:int}", guards=[role("staff", "admin")])
    async def person(self, request: Request, user_id: FromPath[int], done: FromQuery[str] = "") -> Template:
        return await _person_page(request, user_id, notice=NOTICES.get(done, ""))

    @post("/staff/people/{user_id:int}/deactivate", guards=[role("staff", "admin"), recently_signed_in],
          opt=redisplay(_person_again))
    async def deactivate(self, request: Request, user: NamedDependency[CurrentUser], user_id: FromPath[int]) -> Response:
        colleague = parse_colleague(await form_values(request))
        await people.deactivate(user, user_id, ip=client_ip(request), colleague=colleague)
        return go_to(request, f"/staff/people/{user_id}?done=deactivated")

    @post("/staff/people/{user_id:int}/reactivate", guards=[role("staff", "admin"), recently_signed_in],
          opt=redisplay(_person_again))
    async def reactivate(self, request: Request, user: NamedDependency[CurrentUser], user_id: FromPath[int]) -> Response:
        await people.reactivate(user, user_id, ip=client_ip(request))
        return go_to(request, f"/staff/people/{user_id}?done=reactivated")

    @post("/staff/people/{user_id:int}/roles", guards=[role("staff", "admin"), recently_signed_in],
          opt=redisplay(_person_again))
    async def set_roles(self, request: Request, user: NamedDependency[CurrentUser], user_id: FromPath[int]) -> Response:
        change = parse_roles(await form_values(request), people.may_give(user))
        await people.set_roles(user, user_id, change, ip=client_ip(request))
        return go_to(request, f"/staff/people/{user_id}?done=roles")
