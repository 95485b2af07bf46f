"""Feedback back to the partner: a student answers on an experience they had; staff read every answer, add the
counselor's notes, decide which comments the partner may read, and send the partner its summary; the partner
reads it from an e-mailed link, without an account. The feedback services decide; this parses and renders."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import link_token, public, role
from portfolio.errors import LinkInvalid
from portfolio.forms.feedback import (
    FEEDBACK_LIMITS,
    feedback_values,
    parse_comment_choice,
    parse_contact,
    parse_feedback,
    parse_note,
)
from portfolio.opportunity_vocabulary import (
    COMMENT_DECISION_LABELS,
    COMMENT_FIELD_LABELS,
    RATING_LABELS,
    FeedbackAbout,
)
from portfolio.routes.common import client_ip, form_values, go_to, page_number, query_id, redisplay, render
from portfolio.routes.verify import LinkHeadersMiddleware
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.feedback import answers, experiences, links, pdf, review
from portfolio.services.feedback.answers import EDIT_DAYS
from portfolio.services.feedback.summary import MIN_STUDENTS, summary
from portfolio.services.paging import cut
from portfolio.services.partners.scope import relationship
from portfolio.storage import content_disposition

WORDS = {"ratings": RATING_LABELS, "fields": COMMENT_FIELD_LABELS, "decisions": COMMENT_DECISION_LABELS,
         "limits": FEEDBACK_LIMITS, "edit_days": EDIT_DAYS, "min_students": MIN_STUDENTS}
NOTICES = {"saved": "Thank you. Your answer is saved.", "changed": "Your answer is changed.",
           "note": "Note added.", "decided": "Decision saved.", "sent": "Summary sent. It is logged as an e-mail."}


# --- the student ---------------------------------------------------------------------------------------


def _answer_path(about: FeedbackAbout, item_id: int) -> str:
    return f"/student/feedback/{about.value}/{item_id}"


async def _answer_page(request: Request, about: FeedbackAbout, item_id: int, values: dict[str, Any] | None = None,
                       errors: dict[str, str] | None = None, status_code: int = 200) -> Template:
    found, answer = await answers.answer_for(request.user, about, item_id)
    if values is None:
        values = {} if answer is None else {
            "rating": str(answer["rating"]), "learned": answer["learned"], "change": answer["change"],
            "recommend": "yes" if answer["recommend"] else "no"}
    return render(request, "feedback_form", status_code=status_code, experience=found, answer=answer, values=values,
                  errors=errors or {}, action=_answer_path(about, item_id),
                  notice=NOTICES.get(request.query_params.get("done", ""), ""), **WORDS)


async def _answer_again(request: Request, problem: Any) -> Template:
    about = FeedbackAbout.OPPORTUNITY if "opportunity_id" in request.path_params else FeedbackAbout.PLACEMENT
    item_id = request.path_params.get("opportunity_id") or request.path_params["placement_id"]
    return await _answer_page(request, about, item_id, feedback_values(await form_values(request)),
                              problem.field_errors, status_code=problem.status)


async def _save(request: Request, student: CurrentUser, about: FeedbackAbout, item_id: int) -> Response:
    new = await answers.save(student, about, item_id, parse_feedback(await form_values(request)))
    return go_to(request, f"{_answer_path(about, item_id)}?done={'saved' if new else 'changed'}")


class StudentFeedbackController(Controller):
    path = "/student/feedback"
    guards = [role("student")]

    @get("/")
    async def mine(self, request: Request, student: NamedDependency[CurrentUser]) -> Template:
        return render(request, "feedback_mine", waiting=await experiences.waiting(student),
                      given=await answers.given(student), **WORDS)

    @get("/opportunity/{opportunity_id:int}")
    async def opportunity(self, request: Request, opportunity_id: FromPath[int]) -> Template:
        return await _answer_page(request, FeedbackAbout.OPPORTUNITY, opportunity_id)

    @post("/opportunity/{opportunity_id:int}", opt=redisplay(_answer_again))
    async def answer_opportunity(self, request: Request, student: NamedDependency[CurrentUser],
                                 opportunity_id: FromPath[int]) -> Response:
        return await _save(request, student, FeedbackAbout.OPPORTUNITY, opportunity_id)

    @get("/placement/{placement_id:int}")
    async def placement(self, request: Request, placement_id: FromPath[int]) -> Template:
        return await _answer_page(request, FeedbackAbout.PLACEMENT, placement_id)

    @post("/placement/{placement_id:int}", opt=redisplay(_answer_again))
    async def answer_placement(self, request: Request, student: NamedDependency[CurrentUser],
                               placement_id: FromPath[int]) -> Response:
        return await _save(request, student, FeedbackAbout.PLACEMENT, placement_id)


# --- staff ---------------------------------------------------------------------------------------------


async def _listing_page(request: Request, errors: dict[str, str] | None = None, status_code: int = 200) -> Template:
    user: CurrentUser = request.user
    partner_id = query_id(request, "partner")
    partner = await relationship(user, partner_id) if partner_id else None
    groups = await review.listing(user, partner)
    # A page holds 25 partners' feedback, in the order of their names; the count says how many there are.
    shown = cut(groups, page_number(request))
    return render(request, "feedback_staff", status_code=status_code, partners=shown.rows, listing=shown,
                  partner=partner, errors=errors or {}, notice=NOTICES.get(request.query_params.get("done", ""), ""),
                  **WORDS)


async def _listing_again(request: Request, problem: Any) -> Template:
    return await _listing_page(request, problem.field_errors, problem.status)


async def _partner_page(request: Request, partner_id: int, errors: dict[str, str] | None = None,
                        status_code: int = 200) -> Template:
    found = await relationship(request.user, partner_id)
    return render(request, "feedback_partner_preview", status_code=status_code, partner=found,
                  summary=await summary(found), contacts=await links.contacts(partner_id),
                  sent=await links.sent(partner_id), errors=errors or {}, link_days=links.LINK_DAYS,
                  notice=NOTICES.get(request.query_params.get("done", ""), ""), **WORDS)


async def _send_again(request: Request, problem: Any) -> Template:
    return await _partner_page(request, request.path_params["partner_id"], problem.field_errors, problem.status)


def _back(request: Request, feedback_id: int, done: str) -> Response:
    partner = query_id(request, "partner")
    query = f"?partner={partner}&done={done}" if partner else f"?done={done}"
    return go_to(request, f"/staff/feedback{query}#feedback-{feedback_id}")


class StaffFeedbackController(Controller):
    path = "/staff/feedback"
    guards = [role("staff", "admin")]

    @get("/")
    async def listing(self, request: Request) -> Template:
        return await _listing_page(request)

    @post("/{feedback_id:int}/notes", opt=redisplay(_listing_again))
    async def add_note(self, request: Request, user: NamedDependency[CurrentUser], feedback_id: FromPath[int]) -> Response:
        await review.add_note(user, feedback_id, parse_note(await form_values(request)))
        return _back(request, feedback_id, "note")

    @post("/{feedback_id:int}/comments", opt=redisplay(_listing_again))
    async def decide(self, request: Request, user: NamedDependency[CurrentUser], feedback_id: FromPath[int]) -> Response:
        await review.decide(user, feedback_id, parse_comment_choice(await form_values(request)))
        return _back(request, feedback_id, "decided")

    @get("/partners/{partner_id:int}")
    async def partner(self, request: Request, partner_id: FromPath[int]) -> Template:
        return await _partner_page(request, partner_id)

    @get("/partners/{partner_id:int}/summary.pdf")
    async def partner_pdf(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int]) -> Response:
        found = await relationship(user, partner_id)
        # A PDF staff take to hand over is a disclosure decision as a sent link is.
        await audit.record("feedback.summary_pdf", actor_id=user.id, subject=f"partner:{partner_id}", ip=client_ip(request))
        names = {"partner_name": found["name"], "school_name": found["school_name"]}
        return _pdf(await pdf.export(names, await summary(found), await links.school_timezone(found["school"])))

    @post("/partners/{partner_id:int}/send", opt=redisplay(_send_again))
    async def send(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                   partner_id: FromPath[int]) -> Response:
        await relationship(user, partner_id)  # another school's partner is not found before its form is judged
        contact = parse_contact(await form_values(request), await links.contacts(partner_id))
        await links.send(emails, user, partner_id, contact, client_ip(request))
        return go_to(request, f"/staff/feedback/partners/{partner_id}?done=sent")


# --- the partner, from the e-mailed link -----------------------------------------------------------------


async def _summary_invalid(request: Request, problem: LinkInvalid) -> Template:
    return render(request, "feedback_link_invalid", status_code=410)


class PartnerFeedbackController(Controller):
    """The link is the authorization: it shows the summary as it is when read, changes nothing but when it was
    first opened, and so may be opened as often as the partner likes until it expires. No Referer, no caching."""

    path = "/partner-feedback"
    guards = [public, link_token]
    middleware = [LinkHeadersMiddleware]
    opt = {"link_invalid": _summary_invalid}

    @get("/{token:str}")
    async def summary_page(self, request: Request, token: FromPath[str]) -> Template:
        found = await links.read(token, client_ip(request))
        return render(request, "feedback_summary", found=found, pdf_url=f"/partner-feedback/{token}/pdf", **WORDS)

    @get("/{token:str}/pdf")
    async def summary_pdf(self, request: Request, token: FromPath[str]) -> Response:
        found = await links.read(token, client_ip(request))
        return _pdf(await pdf.export(found, found["summary"], found["timezone"]))


def _pdf(data: bytes) -> Response:
    return Response(content=data, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition("attachment", "students-feedback.pdf"),
        "Cache-Control": "private, no-store"})
