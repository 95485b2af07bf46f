"""Schools: the ones an administrator manages (names, time zones, school-year starts, goals, identity), a
staff member's own school's identity (name, colour, logo; never another school's, so no school id in its
paths), and each school's colour and logo as files its people's pages link."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from portfolio.auth import public, recently_signed_in, role
from portfolio.colours import theme_css
from portfolio.errors import DomainError, NotFound
from portfolio.forms.people import (
    parse_counseling_settings,
    parse_identity,
    parse_partner_settings,
    parse_school,
    timezones,
)
from portfolio.routes.common import client_ip, form_values, go_to, redisplay, render
from portfolio.services import school_logo, schools
from portfolio.services.accounts import CurrentUser
from portfolio.vocabulary import Role

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
OWN = "/staff/school"


def _no_store(page: Template) -> Template:
    page.headers["Cache-Control"] = "no-store"  # only for those who manage the school
    return page


async def _uploaded_logo(request: Request) -> bytes:
    picture = (await request.form()).get("logo")
    # One byte past the limit is enough to refuse it.
    return await picture.read(school_logo.MAX_BYTES + 1) if hasattr(picture, "read") else b""


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
                            months=MONTHS, logo_action=f"/admin/schools/{school_id}/logo", **context))


async def _new_school_again(request: Request, problem: DomainError) -> Template:
    return await _schools_page(request, status_code=problem.status, errors=problem.field_errors,
                               values=getattr(problem, "values", {}))


async def _school_again(request: Request, problem: DomainError) -> Template:
    return await _school_page(request, request.path_params["school_id"], status_code=problem.status,
                              errors=problem.field_errors, values=getattr(problem, "values", {}))


class SchoolsController(Controller):
    """Administrators: the schools, their names, time zones, school-year starts, work-based-learning goals,
    colours and logos."""

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
        await school_logo.set_logo(user, school_id, await _uploaded_logo(request), ip=client_ip(request))
        return go_to(request, "/admin/schools?saved=1")

    @post("/admin/schools/{school_id:int}/logo/remove", guards=[recently_signed_in], opt=redisplay(_school_again))
    async def remove_logo(self, request: Request, user: NamedDependency[CurrentUser], school_id: FromPath[int]) -> Response:
        await school_logo.remove_logo(user, school_id, ip=client_ip(request))
        return go_to(request, "/admin/schools?saved=1")


def _own_school(user: CurrentUser) -> int:
    if user.school_id is None:
        raise NotFound()
    return user.school_id


async def _own_school_page(request: Request, status_code: int = 200, **extra: Any) -> Template:
    school = await schools.get(_own_school(request.user))
    context = {"errors": {}, "saved": False} | extra
    context["values"] = school | context.get("values", {})
    return _no_store(render(request, "own_school", status_code=status_code, school=school, logo_action=f"{OWN}/logo",
                            **context))


async def _own_school_again(request: Request, problem: DomainError) -> Template:
    return await _own_school_page(request, status_code=problem.status, errors=problem.field_errors,
                                  values=getattr(problem, "values", {}))


class OwnSchoolController(Controller):
    """Staff: their own school's name, colour and logo, with the administrator's form, checks and messages."""

    guards = [role("staff")]

    @get(OWN)
    async def school(self, request: Request, saved: FromQuery[bool] = False) -> Template:
        return await _own_school_page(request, saved=saved)

    @post(OWN, guards=[recently_signed_in], opt=redisplay(_own_school_again))
    async def change(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        await schools.update(user, _own_school(user), parse_identity(await form_values(request)), ip=client_ip(request))
        return go_to(request, f"{OWN}?saved=1")

    @post(f"{OWN}/partners", guards=[recently_signed_in], opt=redisplay(_own_school_again))
    async def partner_settings(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        form = parse_partner_settings(await form_values(request))
        await schools.set_program_settings(user, _own_school(user), form, ip=client_ip(request))
        return go_to(request, f"{OWN}?saved=1#partners-heading")

    @post(f"{OWN}/counseling", guards=[recently_signed_in], opt=redisplay(_own_school_again))
    async def counseling_settings(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        form = parse_counseling_settings(await form_values(request))
        await schools.set_program_settings(user, _own_school(user), form, ip=client_ip(request))
        return go_to(request, f"{OWN}?saved=1#counseling-heading")

    @post(f"{OWN}/logo", guards=[recently_signed_in], opt=redisplay(_own_school_again))
    async def logo(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        await school_logo.set_logo(user, _own_school(user), await _uploaded_logo(request), ip=client_ip(request))
        return go_to(request, f"{OWN}?saved=1")

    @post(f"{OWN}/logo/remove", guards=[recently_signed_in], opt=redisplay(_own_school_again))
    async def remove_logo(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        await school_logo.remove_logo(user, _own_school(user), ip=client_ip(request))
        return go_to(request, f"{OWN}?saved=1")


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
