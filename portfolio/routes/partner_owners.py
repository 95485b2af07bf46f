"""Taking over what nobody looks after: a partner none of whose owners is active staff, or an open follow-up
whose owner left. Staff take it themselves; an administrator names a staff member of that school. The owners
service decides; this module parses and answers with the home page again when the form has a problem."""

from __future__ import annotations

from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portfolio.errors import DomainError, FormErrors
from portfolio.forms import texts
from portfolio.parse import int_or_none
from portfolio.routes.common import client_ip, form_values, go_to, redisplay
from portfolio.routes.partners import STAFF
from portfolio.routes.staff import role_home
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners import owners
from portfolio.vocabulary import Role


async def _chosen(request: Request) -> int | None:
    return int_or_none(texts(await form_values(request), ("staff",))["staff"])


async def _home_again(request: Request, problem: DomainError) -> Template:
    if not isinstance(problem, FormErrors):  # taken already: its form is gone from the page
        return await role_home(request, status_code=problem.status, take_problem=problem.message)
    # The form is named by what it takes, so the error shows beside the right one.
    key = request.url.path.removeprefix("/staff/partners/").removesuffix("/take")
    return await role_home(request, status_code=problem.status,
                           take_errors={key: next(iter(problem.field_errors.values()), "")})


def _landing(user: CurrentUser) -> str:
    return "/admin" if user.has(Role.ADMIN) else "/staff"


class PartnerOwnersController(Controller):
    guards = STAFF

    @post("/staff/partners/{partner_id:int}/take", opt=redisplay(_home_again))
    async def take_partner(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int]) -> Response:
        await owners.take_partner(user, partner_id, await _chosen(request), ip=client_ip(request))
        return go_to(request, f"{_landing(user)}?taken=1#ownerless-heading")

    @post("/staff/partners/{partner_id:int}/follow-ups/{follow_up_id:int}/take", opt=redisplay(_home_again))
    async def take_follow_up(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int],
                             follow_up_id: FromPath[int]) -> Response:
        await owners.take_follow_up(user, partner_id, follow_up_id, await _chosen(request), ip=client_ip(request))
        return go_to(request, f"{_landing(user)}?taken=1#ownerless-heading")
