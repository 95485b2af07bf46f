"""Staff and admin: the people of a school (or of every school), and inviting new users."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from portfolio import clock
from portfolio.auth import recently_signed_in, role
from portfolio.errors import DomainError, FormErrors
from portfolio.forms.accounts import parse_invite, parse_new_employer
from portfolio.forms.certification import certification_check_values, parse_certification_check
from portfolio.forms.consent import parse_guardian_name, parse_school_guardian
from portfolio.forms.mentoring import parse_assignment
from portfolio.forms.profile import GRADES, parse_birth_date, parse_grade
from portfolio.parse import as_list
from portfolio.routes.common import client_ip, form_values, go_to, page_number, query_id, redisplay, render
from portfolio.routes.counseling import student_counseling
from portfolio.services import (
    accounts,
    alumni,
    attention,
    experiences,
    mentoring,
    outbox_listing,
    profiles,
    sharing,
    signoff,
)
from portfolio.services import people as people_service
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.partners import cold, owners
from portfolio.services.signoff import certifications as certificate_checks
from portfolio.settings import Settings
from portfolio.vocabulary import Role


async def _mentors_page(
    request: Request, by: str = "student", values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
    status_code: int = 200, **extra: Any,
) -> Template:
    school_id = request.user.school_id
    rows = await mentoring.assignments(school_id)
    key, other = ("mentor", "student") if by == "mentor" else ("student", "mentor")
    groups: dict[int, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (r[f"{key}_name"].casefold(), r[f"{other}_name"].casefold())):
        group = groups.setdefault(row[f"{key}_id"], {"name": row[f"{key}_name"], "id": row[f"{key}_id"], "rows": []})
        group["rows"].append({"id": row["id"], "name": row[f"{other}_name"], "mentor": row["mentor_name"],
                              "student": row["student_name"], "student_id": row["student_id"]})
    return render(
        request,
        "staff_mentors",
        status_code=status_code,
        by=by,
        groups=list(groups.values()),
        mentors=await mentoring.people_with_role(school_id, "mentor"),
        students=await mentoring.people_with_role(school_id, "student"),
        values=values or {"students": []},
        errors=errors or {},
        **({"assigned": None, "removed": False} | extra),
    )


async def _school_student(request: Request, student_id: int) -> CurrentUser:
    staff: CurrentUser = request.user
    student = await accounts.load_user(student_id)
    if student is None or not await alumni.staff_reach(staff, student_id):
        # Another school's student, or an alumnus past the retention period, reads as no student at all.
        raise NotFoundException()
    return student


async def _student_page(request: Request, student_id: int, status_code: int = 200, **extra: Any) -> Template:
    student = await _school_student(request, student_id)
    profile = await profiles.get(student)
    context = {
        "birth_date": profile["birth_date"],
        "grade": profile.get("grade"), "grades": GRADES, "grade_errors": {},
        "consent_on_file": await sharing.consent_on_file(student.id),
        "may_share": await sharing.may_share_outside(student),
        "guardians": await sharing.guardians_of(request.user, student.id),
        "consent_values": {}, "consent_errors": {}, "guardian_values": {}, "guardian_errors": {},
        "birth_values": {}, "birth_errors": {}, "saved": "", "cert_errors": {}, "cert_values": {},
        "verify_base": f"/staff/students/{student.id}",
        "certifications": await certificate_checks.student_certifications(
            student.id, clock.today_at(await experiences.school_of(student))),
        "counseling": await student_counseling(request.user, student.id),
    } | extra
    if not context["birth_values"]:
        context["birth_values"] = {"birth_date": profile["birth_date"].isoformat() if profile["birth_date"] else ""}
    return render(request, "staff_student", status_code=status_code, viewer="staff",
                  **context, **await signoff.student_record(student, page_number(request), query_id(request, "entry")))


async def _people_page(
    request: Request, heading: str, people: list[dict[str, Any]], invited: bool, resent: bool, staff_view: bool = False,
    status_code: int = 200, **extra: Any,
) -> Template:
    """What needs attention, then the people of a school (or everyone), with the invitations this person sent that
    could not be delivered."""
    user: CurrentUser = request.user
    if staff_view:
        today = clock.today_at(await experiences.school_of(user))
        needs = await attention.for_staff(user.school_id, user.id, today)
    else:
        needs = await attention.for_admin(user.id)
    page = render(
        request, "people", heading=heading, people=people, invited=invited, resent=resent, staff_view=staff_view,
        attention=needs, status_code=status_code,
        failed_invitations=await outbox_listing.failed_invitations(request.user.id),
        proposals=await sharing.proposals_to_confirm(request.user.school_id) if staff_view else [],
        ownerless=await owners.ownerless(user), cold=await cold.for_home(user) if staff_view else None,
        **({"take_errors": {}} | extra),
    )
    page.headers["Cache-Control"] = "no-store"  # other people's names and addresses
    return page


async def _mentors_again(request: Request, problem: FormErrors) -> Template:
    form = await form_values(request)
    values = {"mentor": str(form.get("mentor", "")), "students": as_list(form.get("students"))}
    return await _mentors_page(request, values=values, errors=problem.errors, status_code=422)


async def _consent_again(request: Request, problem: FormErrors) -> Template:
    return await _student_page(request, request.path_params["student_id"], status_code=422,
                               consent_values=problem.values, consent_errors=problem.errors)


async def _guardian_again(request: Request, problem: FormErrors) -> Template:
    return await _student_page(request, request.path_params["student_id"], status_code=422,
                               guardian_values=problem.values, guardian_errors=problem.errors)


async def _birth_date_again(request: Request, problem: FormErrors) -> Template:
    return await _student_page(request, request.path_params["student_id"], status_code=422,
                               birth_values=problem.values, birth_errors=problem.errors)


async def _grade_again(request: Request, problem: FormErrors) -> Template:
    return await _student_page(request, request.path_params["student_id"], status_code=422, grade_errors=problem.errors)


async def _certification_again(request: Request, problem: DomainError) -> Template:
    certification_id = request.path_params["certification_id"]
    return await _student_page(request, request.path_params["student_id"], status_code=problem.status,
                               cert_errors={certification_id: problem.field_errors},
                               cert_values={certification_id: certification_check_values(await form_values(request))})


async def _employer_again(request: Request, problem: FormErrors) -> Template:
    return render(request, "staff_employers", employers=await accounts.employers(), values=problem.values,
                  errors=problem.errors, invited=False)


async def _invite_again(request: Request, problem: FormErrors) -> Template:
    choices = await accounts.invite_choices(request.user)
    return render(request, "invite", choices=choices, values=problem.values, errors=problem.errors)


async def role_home(request: Request, status_code: int = 200, **extra: Any) -> Template:
    """The person's home again (a "Take it" form that came back): an administrator's or a staff member's."""
    user: CurrentUser = request.user
    if user.has(Role.ADMIN):
        return await _people_page(request, "Everyone", await people_service.listing(), False, False,
                                  status_code=status_code, **extra)
    people = await people_service.listing(user.school_id) if user.school_id is not None else []
    return await _people_page(request, "Today", people, False, False, staff_view=True, status_code=status_code, **extra)


class StaffController(Controller):
    @get("/staff", guards=[role("staff")])
    async def staff_home(self, request: Request, user: NamedDependency[CurrentUser], invited: FromQuery[bool] = False,
                         resent: FromQuery[bool] = False, taken: FromQuery[bool] = False) -> Template:
        people = await people_service.listing(user.school_id) if user.school_id is not None else []
        # The school's name is in the top bar already; the page says what it is: today's work, then the people.
        return await _people_page(request, "Today", people, invited, resent, staff_view=True, taken=taken)

    @get("/staff/mentors", guards=[role("staff")])
    async def mentors(
        self, request: Request, by: FromQuery[str] = "student", assigned: FromQuery[int | None] = None, removed: FromQuery[bool] = False
    ) -> Template:
        return await _mentors_page(request, by="mentor" if by == "mentor" else "student", assigned=assigned, removed=removed)

    @post("/staff/mentors", guards=[role("staff")], opt=redisplay(_mentors_again))
    async def assign(self, request: Request, staff: NamedDependency[CurrentUser]) -> Response:
        count = await mentoring.assign(staff, parse_assignment(await form_values(request)))
        return go_to(request, f"/staff/mentors?assigned={count}")

    @post("/staff/mentors/{assignment_id:int}/delete", guards=[role("staff")])
    async def unassign(self, request: Request, staff: NamedDependency[CurrentUser], assignment_id: FromPath[int]) -> Response:
        if not await mentoring.unassign(staff, assignment_id):
            raise NotFoundException()
        return go_to(request, "/staff/mentors?removed=1")

    @get("/staff/students/{student_id:int}", guards=[role("staff")])
    async def student(self, request: Request, student_id: FromPath[int], saved: FromQuery[str] = "") -> Template:
        return await _student_page(request, student_id, saved=saved)

    @post("/staff/students/{student_id:int}/consent", guards=[role("staff")], opt=redisplay(_consent_again))
    async def record_consent(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int]) -> Response:
        """A guardian's consent the school received (on paper, at enrollment)."""
        await _school_student(request, student_id)
        form = await form_values(request)
        await sharing.record_consent(staff, student_id, parse_guardian_name(form))
        return go_to(request, f"/staff/students/{student_id}?saved=consent#sharing")

    @post("/staff/students/{student_id:int}/guardians", guards=[role("staff")], opt=redisplay(_guardian_again))
    async def send_guardian_link(self, request: Request, staff: NamedDependency[CurrentUser], emails: NamedDependency[Emails], student_id: FromPath[int]) -> Response:
        """A guardian from the school's records, e-mailed the consent link at once."""
        student = await _school_student(request, student_id)
        guardian = parse_school_guardian(await form_values(request), student.email)
        await sharing.send_link(emails, staff, student_id, guardian)
        return go_to(request, f"/staff/students/{student_id}?saved=sent#sharing")

    @post("/staff/students/{student_id:int}/guardians/{consent_id:int}/confirm", guards=[role("staff")])
    async def confirm_guardian(self, request: Request, staff: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                               student_id: FromPath[int], consent_id: FromPath[int]) -> Response:
        """Staff vouch for the address a student proposed; the link is e-mailed only now."""
        await sharing.confirm(emails, staff, student_id, consent_id)
        return go_to(request, f"/staff/students/{student_id}?saved=sent#sharing")

    @post("/staff/students/{student_id:int}/guardians/{consent_id:int}/withdraw", guards=[role("staff")])
    async def withdraw_guardian(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int],
                                consent_id: FromPath[int]) -> Response:
        """Withdraw a consent (the student's shares outside the school end at once), turn down a proposal, or
        cancel a link not yet answered."""
        await sharing.withdraw(staff, student_id, consent_id)
        return go_to(request, f"/staff/students/{student_id}?saved=withdrawn#sharing")

    @post("/staff/students/{student_id:int}/signoffs/{signoff_id:int}/confirm", guards=[role("staff")])
    async def confirm_signoff(
        self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int], signoff_id: FromPath[int]
    ) -> Response:
        """An on-the-spot sign-off its supervisor never confirmed, confirmed by staff who checked with them."""
        await _school_student(request, student_id)
        entry_id = await signoff.confirm_for_supervisor(staff, student_id, signoff_id, ip=client_ip(request))
        return go_to(request, f"/staff/students/{student_id}?entry={entry_id}#entry-{entry_id}")

    @post("/staff/students/{student_id:int}/birth-date", guards=[role("staff")], opt=redisplay(_birth_date_again))
    async def set_birth_date(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int]) -> Response:
        await _school_student(request, student_id)
        form = await form_values(request)
        birth = parse_birth_date(form, clock.today_at(None))
        await profiles.set_birth_date(staff, student_id, birth)
        return go_to(request, f"/staff/students/{student_id}?saved=birth_date#sharing")

    @post("/staff/students/{student_id:int}/grade", guards=[role("staff")], opt=redisplay(_grade_again))
    async def set_grade(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int]) -> Response:
        await _school_student(request, student_id)
        await profiles.set_grade(staff, student_id, parse_grade(await form_values(request)))
        return go_to(request, f"/staff/students/{student_id}?saved=grade#sharing")

    @post("/staff/students/{student_id:int}/certifications/{certification_id:int}/verify", guards=[role("staff")],
          opt=redisplay(_certification_again))
    async def verify_certification(self, request: Request, staff: NamedDependency[CurrentUser], student_id: FromPath[int],
                                   certification_id: FromPath[int]) -> Response:
        """Staff checked the certificate file or the issuer's link; NotFound for another school's student."""
        answer = parse_certification_check(await form_values(request))
        await certificate_checks.verify_certification(staff, Role.STAFF, student_id, certification_id, answer)
        return go_to(request, f"/staff/students/{student_id}?saved=certification#certification-{certification_id}")

    @get("/admin", guards=[role("admin")])
    async def admin_home(self, request: Request, invited: FromQuery[bool] = False, resent: FromQuery[bool] = False,
                         taken: FromQuery[bool] = False) -> Template:
        return await _people_page(request, "Everyone", await people_service.listing(), invited, resent, taken=taken)

    @get("/staff/employers", guards=[role("staff", "admin")])
    async def employers(self, request: Request, invited: FromQuery[bool] = False) -> Template:
        return render(request, "staff_employers", employers=await accounts.employers(), values={}, errors={}, invited=invited)

    @post("/staff/employers", guards=[role("staff", "admin"), recently_signed_in], opt=redisplay(_employer_again))
    async def add_employer(self, request: Request, staff: NamedDependency[CurrentUser], emails: NamedDependency[Emails], settings: NamedDependency[Settings]) -> Response:
        employer = parse_new_employer(await form_values(request))
        await accounts.invite_employer(emails, staff, employer, timedelta(days=settings.invite_token_days), ip=client_ip(request))
        return go_to(request, "/staff/employers?invited=1")

    @get("/staff/invite", guards=[role("staff", "admin"), recently_signed_in])
    async def invite_page(self, request: Request, staff: NamedDependency[CurrentUser]) -> Template:
        choices = await accounts.invite_choices(staff)
        return render(request, "invite", choices=choices, values={"roles": []}, errors={})

    @post("/staff/invite", guards=[role("staff", "admin"), recently_signed_in], opt=redisplay(_invite_again))
    async def invite(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails], settings: NamedDependency[Settings]) -> Response:
        invitation = parse_invite(await form_values(request), await accounts.invite_choices(user))
        await people_service.refuse_deactivated(invitation.email, invitation.values)
        await accounts.invite(emails, user, invitation, timedelta(days=settings.invite_token_days), ip=client_ip(request))
        landing = "/admin" if user.has("admin") else "/staff"
        return Redirect(path=f"{landing}?invited=1", status_code=303)
