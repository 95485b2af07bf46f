"""Staff and admins: the school's partner directory, a partner's page, adding and changing partners and their
contacts. The partners services scope everything to the person's school; this module parses and renders."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import role
from portfolio.forms.interactions import INTERACTION_LIMITS, parse_interaction
from portfolio.forms.partners import LIMITS, SORTS, parse_contact, parse_filter, parse_partner, partner_values
from portfolio.parse import int_or_none
from portfolio.partner_vocabulary import (
    CONTACT_ROLE_LABELS,
    DOCUMENT_KIND_LABELS,
    DOCUMENT_STATE_LABELS,
    INTERACTION_KIND_LABELS,
    OFFERING_LABELS,
    PARTNER_KIND_LABELS,
    PARTNER_STATUS_LABELS,
    REACH_BY_LABELS,
)
from portfolio.routes.common import form_values, go_to, redisplay, render
from portfolio.services import experiences
from portfolio.services.accounts import CurrentUser
from portfolio.services.feedback import review
from portfolio.services.partners import (
    contacts,
    directory,
    documents,
    engagement,
    follow_ups,
    interactions,
    owners,
    records,
)
from portfolio.services.programs import board

STAFF = [role("staff", "admin")]
WORDS = {"kinds": PARTNER_KIND_LABELS, "statuses": PARTNER_STATUS_LABELS, "offering_labels": OFFERING_LABELS,
         "contact_roles": CONTACT_ROLE_LABELS, "reach_by": REACH_BY_LABELS, "limits": LIMITS | INTERACTION_LIMITS,
         "interaction_kinds": INTERACTION_KIND_LABELS}
NOTICES = {"logged": "Interaction saved.", "follow_up_done": "Follow-up marked done.",
           "follow_up_open": "Follow-up open again.", "added": "Partner added.", "saved": "Changes saved.", "contact": "Contact saved.",
           "left": "Contact marked as left. They stay on the record; their board seats end today.", "back": "Contact marked as active again.",
           "document": "Document added.", "renewed": "Renewal added. The document it replaces is kept, marked replaced.",
           "document_deleted": "Document deleted."}


async def _form_page(request: Request, values: dict[str, Any], errors: dict[str, str], partner_id: int | None = None,
                     matches: list[dict[str, Any]] | None = None, status_code: int = 200) -> Template:
    user: CurrentUser = request.user
    if partner_id is None:
        choices = await records.choices(user)
    else:
        _, choices = await records.owner_choices_for(user, partner_id)
    return render(request, "partner_form", status_code=status_code, values=values, errors=errors, choices=choices,
                  partner_id=partner_id, matches=matches or [], **WORDS)


async def _new_again(request: Request, problem: Any) -> Template:
    return await _form_page(request, problem.values, problem.errors, matches=getattr(problem, "matches", None),
                            status_code=problem.status)


async def _edit_again(request: Request, problem: Any) -> Template:
    return await _form_page(request, problem.values, problem.errors, request.path_params["partner_id"],
                            matches=getattr(problem, "matches", None), status_code=problem.status)


async def _contact_page(request: Request, partner_id: int, values: dict[str, Any], errors: dict[str, str],
                        contact_id: int | None = None, status_code: int = 200) -> Template:
    found = await records.page(request.user, partner_id)
    return render(request, "contact_form", status_code=status_code, partner=found, values=values, errors=errors,
                  contact_id=contact_id, **WORDS)


async def _contact_again(request: Request, problem: Any) -> Template:
    return await _contact_page(request, request.path_params["partner_id"], problem.values, problem.errors,
                               request.path_params.get("contact_id"), status_code=problem.status)


class PartnersController(Controller):
    guards = STAFF

    @get("/staff/partners")
    async def directory(self, request: Request, user: NamedDependency[CurrentUser]) -> Template:
        wanted = parse_filter(request.query_params)
        found = await directory.listing(user, wanted)
        choices = await records.choices(user)
        return render(request, "partners", listing=found, filters=wanted.values(), filtered=wanted.filtered,
                      choices=choices, sorts=SORTS, query=_query(wanted.values()), **WORDS)

    @get("/staff/partners/new")
    async def new(self, request: Request, user: NamedDependency[CurrentUser]) -> Template:
        values = {"status": "prospect", "owners": [str(user.id)], "clusters": [], "offerings": [],
                  "client_uuid": str(uuid.uuid4())}
        return await _form_page(request, values, {})

    @post("/staff/partners/new", opt=redisplay(_new_again))
    async def add(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        raw = await form_values(request)
        form = parse_partner(raw, await records.choices(user))
        partner_id = await records.create(user, form, partner_values(raw))
        return go_to(request, f"/staff/partners/{partner_id}?done=added")

    @get("/staff/partners/{partner_id:int}")
    async def partner(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int]) -> Template:
        found = await records.page(user, partner_id)
        done = request.query_params.get("done", "")
        recent, count = await interactions.recent(user, partner_id)
        agreements = await documents.for_partner(user, partner_id, await experiences.today_for(user))
        return render(request, "partner", partner=found, notice=NOTICES.get(done, ""), every_school=user.has("admin"),
                      interactions=recent, interaction_count=count, documents=agreements,
                      document_kinds=DOCUMENT_KIND_LABELS, document_states=DOCUMENT_STATE_LABELS,
                      engagement=await engagement.engagement(found), seats=await board.seats(user, partner_id),
                      handoffs=await owners.history(partner_id), partner_feedback=await review.partner_card(user, found),
                      **WORDS)

    @get("/staff/partners/{partner_id:int}/edit")
    async def edit(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int]) -> Template:
        found = await records.page(user, partner_id)
        return await _form_page(request, records.as_form(found), {}, partner_id)

    @post("/staff/partners/{partner_id:int}/edit", opt=redisplay(_edit_again))
    async def save(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int]) -> Response:
        _, choices = await records.owner_choices_for(user, partner_id)
        raw = await form_values(request)
        await records.update(user, partner_id, parse_partner(raw, choices), partner_values(raw))
        return go_to(request, f"/staff/partners/{partner_id}?done=saved")

    @get("/staff/partners/{partner_id:int}/contacts/new")
    async def new_contact(self, request: Request, partner_id: FromPath[int]) -> Template:
        return await _contact_page(request, partner_id, {"reach_by": "email", "role": "education_outreach"}, {})

    @post("/staff/partners/{partner_id:int}/contacts/new", opt=redisplay(_contact_again))
    async def add_contact(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int]) -> Response:
        form = await form_values(request)
        await records.page(user, partner_id)  # another school's partner is not found before its form is judged
        contact_id = await contacts.add(user, partner_id, parse_contact(form))
        return go_to(request, f"/staff/partners/{partner_id}?done=contact#contact-{contact_id}")

    @get("/staff/partners/{partner_id:int}/contacts/{contact_id:int}/edit")
    async def edit_contact(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int],
                           contact_id: FromPath[int]) -> Template:
        row = await contacts.get(user, partner_id, contact_id)
        return await _contact_page(request, partner_id, contacts.as_form(row), {}, contact_id)

    @post("/staff/partners/{partner_id:int}/contacts/{contact_id:int}/edit", opt=redisplay(_contact_again))
    async def save_contact(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int],
                           contact_id: FromPath[int]) -> Response:
        await contacts.get(user, partner_id, contact_id)
        await contacts.edit(user, partner_id, contact_id, parse_contact(await form_values(request)))
        return go_to(request, f"/staff/partners/{partner_id}?done=contact#contact-{contact_id}")

    @post("/staff/partners/{partner_id:int}/contacts/{contact_id:int}/active")
    async def contact_active(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int],
                             contact_id: FromPath[int]) -> Response:
        active = (await form_values(request)).get("active") == "1"
        await contacts.set_active(user, partner_id, contact_id, active)
        return go_to(request, f"/staff/partners/{partner_id}?done={'back' if active else 'left'}#contact-{contact_id}")



async def _interaction_page(request: Request, partner_id: int, values: dict[str, Any], errors: dict[str, str],
                            status_code: int = 200) -> Template:
    found, choices = await interactions.choices(request.user, partner_id)
    return render(request, "interaction_form", status_code=status_code, partner=found, values=values, errors=errors,
                  choices=choices, today=(await experiences.today_for(request.user)).isoformat(), **WORDS)


async def _interaction_again(request: Request, problem: Any) -> Template:
    return await _interaction_page(request, request.path_params["partner_id"], problem.values, problem.errors,
                                   status_code=problem.status)


class InteractionsController(Controller):
    """A partner's interaction log and follow-ups, and each staff member's own follow-ups."""

    guards = STAFF

    @get("/staff/partners/{partner_id:int}/interactions")
    async def log(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int]) -> Template:
        found = await records.page(user, partner_id)
        page = int_or_none(request.query_params.get("page")) or 1
        return render(request, "interactions", partner=found, log=await interactions.log(user, partner_id, page),
                      notice=NOTICES.get(request.query_params.get("done", ""), ""), **WORDS)

    @get("/staff/partners/{partner_id:int}/interactions/new")
    async def new_interaction(self, request: Request, user: NamedDependency[CurrentUser],
                              partner_id: FromPath[int]) -> Template:
        values = {"kind": "call", "happened_on": (await experiences.today_for(user)).isoformat(), "staff": [str(user.id)],
                  "contacts": [], "owner": str(user.id)}
        return await _interaction_page(request, partner_id, values, {})

    @post("/staff/partners/{partner_id:int}/interactions/new", opt=redisplay(_interaction_again))
    async def add_interaction(self, request: Request, user: NamedDependency[CurrentUser],
                              partner_id: FromPath[int]) -> Response:
        # Choices first: another school's partner is not found before its form is judged.
        _, choices = await interactions.choices(user, partner_id)
        form = parse_interaction(await form_values(request), choices, await experiences.today_for(user))
        interaction_id = await interactions.add(user, partner_id, form)
        return go_to(request, f"/staff/partners/{partner_id}?done=logged#interaction-{interaction_id}")

    @post("/staff/partners/{partner_id:int}/follow-ups/{follow_up_id:int}/done")
    async def follow_up_done(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int],
                             follow_up_id: FromPath[int]) -> Response:
        form = await form_values(request)
        done = form.get("done") == "1"
        await follow_ups.set_done(user, partner_id, follow_up_id, done)
        notice = "follow_up_done" if done else "follow_up_open"
        back = {"mine": "/staff/follow-ups", "log": f"/staff/partners/{partner_id}/interactions"}.get(
            str(form.get("back", "")), f"/staff/partners/{partner_id}")
        return go_to(request, f"{back}?done={notice}#follow-up-{follow_up_id}")

    @get("/staff/follow-ups")
    async def mine(self, request: Request, user: NamedDependency[CurrentUser]) -> Template:
        today = await experiences.today_for(user)
        return render(request, "follow_ups", mine=await follow_ups.mine(user, today), today=today,
                      notice=NOTICES.get(request.query_params.get("done", ""), ""))


def _query(values: dict[str, Any]) -> str:
    """The filters as a query string, for the pager's links."""
    return urlencode({k: v for k, v in values.items() if v})

