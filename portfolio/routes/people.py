"""A person's page for staff and administrators (deactivate, reactivate, change roles), and the schools an
administrator manages. The people service decides who may change whom; this module parses and renders."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from portfolio.auth import public, recently_signed_in, role
from portfolio.colours import theme_css
from portfolio.errors import DomainError, NotFound
from portfolio.forms.people import parse_roles, parse_school, timezones
from portfolio.routes.common import client_ip, form_values, go_to, redisplay, render
from portfolio.services import people, school_logo, schools
from portfolio.services.accounts import CurrentUser
from portfolio.vocabulary import Role

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
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
    context = {"notice": "", "errors": {}, "values": {}} | extra
    found = await people.person(user, user_id)
    if not context["values"]:
        context["values"] = {"roles": found["roles"]}
    return _no_store(render(request, "person", status_code=status_code, person=found, home=_home(user), **context))


async def _person_again(request: Request, problem: DomainError) -> Template:
    return await _person_page(request, request.path_params["user_id"], status_code=problem.status,
                              errors=problem.field_errors, values=getattr(problem, "values", {}))


async def _schools_page(request: Request, status_code: int = 200, **extra: Any) -> Template:
    context = {"values": {"timezone": "America/New_York", "year_start_month": 7, "year_start_day": 1},
               "errors": {}, "saved": False} | extra
    return _no_store(render(request, "schools", status_code=status_code, schools=await schools.listing(),
                            timezones=timezones(), months=MONTHS, **context))


async def _school_page(request: Request, school_id: int, status_code: int = 200, **extra: Any) -> Template:
    school = await schools.get(school_id)
    # No goal is an empty field, not the word None.
    context = {"values": school | {"wbl_goal_hours": school["wbl_goal_hours"] or ""}, "errors": {}} | extra
    return _no_store(render(request, "school", status_code=status_code, school=school, timezones=timezones(),
                            months=MONTHS, **context))


async def _new_school_again(request: Request, problem: DomainError) -> Template:
    return await _schools_page(request, status_code=problem.status, errors=problem.field_errors,
                               values=getattr(problem, "values", {}))


async def _school_again(request: Request, problem: DomainError) -> Template:
    return await _school_page(request, request.path_params["school_id"], status_code=problem.status,
                              errors=problem.field_errors, values=getattr(problem, "values", {}))


class PeopleController(Controller):
    """Staff see and change the people of their school; administrators, anyone."""

    @get("/staff/people/{user_id:int}", guards=[role("staff", "admin")])
    async def person(self, request: Request, user_id: FromPath[int], done: FromQuery[str] = "") -> Template:
        return await _person_page(request, user_id, notice=NOTICES.get(done, ""))

    @post("/staff/people/{user_id:int}/deactivate", guards=[role("staff", "admin"), recently_signed_in],
          opt=redisplay(_person_again))
    async def deactivate(self, request: Request, user: NamedDependency[CurrentUser], user_id: FromPath[int]) -> Response:
        await people.deactivate(user, user_id, ip=client_ip(request))
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


class SchoolsController(Controller):
    """Administrators: the schools, their names, time zones, school-year starts and work-based-learning goals."""

    guards = [role("admin")]

    @get("/admin/schools")
    async def schools(self, request: Request, saved: FromQuery[bool] = False) -> Template:
        return await _schools_page(request, saved=saved)

    @post("/admin/schools", guards=[recently_signed_in], opt=redisplay(_new_school_again))
    async def add(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        await schools.add(user, parse_school(await form_values(request)), ip=client_ip(request))
        return go_to(request, "/admin/schools?saved=1")

    @get("/admin/schools/{school_id:int}")
    async def school(self, request: Request, school_id: FromPath[int]) -> Template:
        return await _school_page(request, school_id)

    @post("/admin/schools/{school_id:int}", guards=[recently_signed_in], opt=redisplay(_school_again))
    async def change(self, request: Request, user: NamedDependency[CurrentUser], school_id: FromPath[int]) -> Response:
        await schools.update(user, school_id, parse_school(await form_values(request)), ip=client_ip(request))
        return go_to(request, "/admin/schools?saved=1")

    @post("/admin/schools/{school_id:int}/logo", guards=[recently_signed_in], opt=redisplay(_school_again))
    async def logo(self, request: Request, user: NamedDependency[CurrentUser], school_id: FromPath[int]) -> Response:
        picture = (await request.form()).get("logo")
        # One byte past the limit is enough to refuse it.
        data = await picture.read(school_logo.MAX_BYTES + 1) if hasattr(picture, "read") else b""
        await school_logo.set_logo(user, school_id, data, ip=client_ip(request))
        return go_to(request, "/admin/schools?saved=1")


class SchoolThemeController(Controller):
    """A school's accent colour as a stylesheet: the Content Security Policy allows no inline style, and a file
    of its own is cached by the browser. The page links it with the colour in its URL, so a new colour is a
    new URL and the long cache never shows an old one."""

    # Public so the cache policy leaves its long cache alone; the handler answers only the school's own people.
    guards = [public]

    @get("/schools/{school_id:int}/theme.css")
    async def theme(self, request: Request, school_id: FromPath[int]) -> Response:
        user: CurrentUser | None = request.scope.get("user")
        if user is None or user.school_id != school_id:
            raise NotFound(school_id)
        colour = await schools.accent(school_id)
        body = theme_css(colour) if colour else ""
        return Response(body, media_type="text/css", headers={
            "Cache-Control": "private, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"})

    @get("/schools/{school_id:int}/logo")
    async def logo(self, request: Request, school_id: FromPath[int]) -> Response:
        user: CurrentUser | None = request.scope.get("user")
        # The school's own people see it in their header; administrators on the school's page.
        allowed = user is not None and (user.school_id == school_id or user.has(Role.ADMIN))
        found = await school_logo.logo(school_id) if allowed else None
        if found is None:
            raise NotFound(school_id)
        data, mime = found
        return Response(data, media_type=mime, headers={
            "Cache-Control": "private, max-age=31536000, immutable", "X-Content-Type-Options": "nosniff"})
