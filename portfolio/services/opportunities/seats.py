"""Seats and the waitlist. Exactly `capacity` students hold a seat however many ask at once: every change runs
in one write transaction that first locks the opportunity's row (PostgreSQL: SELECT ... FOR UPDATE; SQLite's
immediate transaction already lets one writer in at a time), then counts the seats taken. A freed seat (a
cancel, a decline, more seats) goes at once to the first student waiting, in the order they joined the
waitlist, who is told by e-mail with the calendar file."""

from __future__ import annotations

from typing import Any

from portfolio import clock, db
from portfolio.errors import FormErrors, NotEditable, NotFound
from portfolio.forms.opportunities import NOT_A_STUDENT
from portfolio.opportunity_tables import Opportunity, OpportunityPartner, OpportunitySession, SignUp
from portfolio.opportunity_vocabulary import OpportunityStatus, SignUpStatus
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.opportunities import calendar
from portfolio.services.opportunities.eligibility import judge
from portfolio.services.opportunities.scope import COLUMNS, for_student, opportunity
from portfolio.services.opportunities.timing import contains, described
from portfolio.tables import StudentProfile, User

CONFIRMED, WAITLISTED = SignUpStatus.CONFIRMED, SignUpStatus.WAITLISTED


async def locked(opportunity_id: int) -> dict[str, Any]:
    """The opportunity, its row locked until the surrounding write transaction ends."""
    await db.lock_row(Opportunity, opportunity_id)
    row = await Opportunity.select(*COLUMNS).where(Opportunity.id == opportunity_id).first()
    if row is None:
        raise NotFound("opportunity")
    return row


async def details(opportunity_id: int) -> dict[str, Any]:
    """The opportunity with its partners and sessions (in words), as messages and calendar files show it."""
    row = await Opportunity.select(*COLUMNS).where(Opportunity.id == opportunity_id).first()
    if row is None:
        raise NotFound("opportunity")
    row["partners"] = await OpportunityPartner.select(
        OpportunityPartner.partner.organization.name.as_alias("name"), OpportunityPartner.station,
    ).where(OpportunityPartner.opportunity == opportunity_id).order_by(OpportunityPartner.id)
    sessions = await OpportunitySession.select().where(OpportunitySession.opportunity == opportunity_id).order_by(
        OpportunitySession.starts_at)
    row["sessions"] = described(sessions, row["timezone"])
    return row


async def taken(opportunity_id: int) -> int:
    return await SignUp.count().where((SignUp.opportunity == opportunity_id) & (SignUp.status == CONFIRMED))


async def position(opportunity_id: int, sign_up: dict[str, Any]) -> int | None:
    """1 for the first student waiting; None when not waiting."""
    return (await positions([sign_up | {"opportunity": opportunity_id}])).get(sign_up["id"])


async def positions(sign_ups: list[dict[str, Any]]) -> dict[int, int]:
    """Each waiting sign-up's place on its opportunity's waitlist (1: next in line), by sign-up id, in one query
    however many there are: served in the order of waitlisted_at, then of the sign-up's id."""
    waiting = [s for s in sign_ups if s["status"] == WAITLISTED]
    queues = await SignUp.select(SignUp.id, SignUp.opportunity, SignUp.waitlisted_at).where(
        SignUp.opportunity.is_in([s["opportunity"] for s in waiting] or [0]) & (SignUp.status == WAITLISTED))
    return {s["id"]: 1 + sum(1 for q in queues if q["opportunity"] == s["opportunity"]
                             and (q["waitlisted_at"], q["id"]) < (s["waitlisted_at"], s["id"])) for s in waiting}


async def _tell(emails: Emails, sign_up_id: int, news: str, lost_seat: bool = False) -> None:
    """The student's e-mail about their sign-up; a seat comes with the calendar file, a lost one (cancelled, or
    declined or moved to the waitlist from a seat) with its CANCEL."""
    row = await SignUp.select(SignUp.id, SignUp.opportunity, SignUp.status, SignUp.waitlisted_at,
                              SignUp.student.email.as_alias("email"), SignUp.student.name.as_alias("name")).where(
        SignUp.id == sign_up_id).first()
    found = await details(row["opportunity"])
    sessions = [s for s in found["sessions"] if not s["cancelled"]]
    attachment = None
    if news in ("confirmed", "promoted") or lost_seat:
        method = calendar.PUBLISH if news in ("confirmed", "promoted") else calendar.CANCEL
        attachment = calendar.attachment(calendar.ics(found, sessions, emails.domain, method), method)
    await emails.sign_up_news(to=row["email"], name=row["name"], news=news, opportunity=found, sessions=sessions,
                              position=await position(row["opportunity"], row), calendar=attachment,
                              school_id=found["school"])


async def fill_free_seats(emails: Emails, opportunity_id: int) -> list[int]:
    """Give every free seat to the students waiting, first come first served (inside the locked transaction)."""
    found = await Opportunity.select(Opportunity.capacity, Opportunity.status).where(Opportunity.id == opportunity_id).first()
    if found is None or found["status"] == OpportunityStatus.CANCELLED:
        return []
    free = None if found["capacity"] is None else found["capacity"] - await taken(opportunity_id)
    query = SignUp.select(SignUp.id).where((SignUp.opportunity == opportunity_id) & (SignUp.status == WAITLISTED)).order_by(
        SignUp.waitlisted_at).order_by(SignUp.id)
    if free is not None:
        if free <= 0:
            return []
        query = query.limit(free)
    promoted = [r["id"] for r in await query]
    if promoted:
        await SignUp.update({SignUp.status: CONFIRMED, SignUp.waitlisted_at: None, SignUp.updated_at: clock.now()}).where(
            SignUp.id.is_in(promoted))
    for sign_up_id in promoted:
        await _tell(emails, sign_up_id, "promoted")
    return promoted


async def _seat_or_wait(emails: Emails, opportunity: dict[str, Any], student_id: int, decided_by: int | None) -> str:
    """Confirmed while a seat is free, else on the waitlist; the row is made or reused (a student who cancelled
    may come back). Inside the locked transaction."""
    full = opportunity["capacity"] is not None and await taken(opportunity["id"]) >= opportunity["capacity"]
    status = WAITLISTED if full else CONFIRMED
    moment = clock.now()
    values = {SignUp.status: status, SignUp.waitlisted_at: moment if full else None, SignUp.decided_by: decided_by,
              SignUp.updated_at: moment}
    existing = await SignUp.select(SignUp.id, SignUp.status).where(
        (SignUp.opportunity == opportunity["id"]) & (SignUp.student == student_id)).first()
    if existing is not None:
        if existing["status"] in (CONFIRMED, WAITLISTED):
            return existing["status"]
        if existing["status"] == SignUpStatus.DECLINED and decided_by is None:
            raise NotEditable("Staff declined your sign-up for this one. Ask your counselor.")
        await SignUp.update(values).where(SignUp.id == existing["id"])
        sign_up_id = existing["id"]
    else:
        row = await SignUp.insert(SignUp(opportunity=opportunity["id"], student=student_id, created_at=moment)).returning(SignUp.id)
        sign_up_id = row[0]["id"]
        await SignUp.update(values).where(SignUp.id == sign_up_id)
    await _tell(emails, sign_up_id, "waitlisted" if full else "confirmed")
    return status


async def profile_of(student_id: int) -> dict[str, Any] | None:
    return await StudentProfile.select(StudentProfile.birth_date, StudentProfile.grade).where(
        StudentProfile.student == student_id).first()


async def first_start(opportunity_id: int) -> Any:
    row = await OpportunitySession.select(OpportunitySession.starts_at).where(
        (OpportunitySession.opportunity == opportunity_id) & OpportunitySession.cancelled_at.is_null()
    ).order_by(OpportunitySession.starts_at).first()
    return row["starts_at"] if row else None


async def sign_up(emails: Emails, student: CurrentUser, opportunity_id: int) -> str:
    """The student signs themselves up: "confirmed" or "waitlisted". Refused (in words) when not eligible."""
    await for_student(student, opportunity_id)
    async with db.write_transaction():
        found = await locked(opportunity_id)
        verdict = judge(found, await first_start(opportunity_id), await profile_of(student.id), clock.now())
        if verdict.assigned:
            raise NotEditable("Staff choose the students for this one. Ask your counselor.")
        if not verdict.may_sign_up:
            raise NotEditable(" ".join(verdict.reasons + verdict.unknown))
        return await _seat_or_wait(emails, found, student.id, None)


async def cancel_own(emails: Emails, student: CurrentUser, opportunity_id: int) -> None:
    """The student gives back their seat (or leaves the waitlist); the seat goes to the next student waiting."""
    await for_student(student, opportunity_id)
    async with db.write_transaction():
        await locked(opportunity_id)
        await _set(emails, opportunity_id, student_id=student.id, status=SignUpStatus.CANCELLED, decided_by=None)


async def _set(emails: Emails, opportunity_id: int, *, status: SignUpStatus, decided_by: int | None,
               student_id: int | None = None, sign_up_id: int | None = None) -> None:
    where = SignUp.opportunity == opportunity_id
    where &= (SignUp.student == student_id) if student_id is not None else (SignUp.id == sign_up_id)
    row = await SignUp.select(SignUp.id, SignUp.status).where(where).first()
    # Only a student holding or waiting for a seat can lose it; staff may approve anyone they declined.
    if row is None or (row["status"] not in (CONFIRMED, WAITLISTED) and status != CONFIRMED):
        raise NotFound("sign-up")
    if row["status"] == status:
        return
    moment = clock.now()
    await SignUp.update({SignUp.status: status, SignUp.decided_by: decided_by, SignUp.updated_at: moment,
                         SignUp.waitlisted_at: moment if status == WAITLISTED else None}).where(SignUp.id == row["id"])
    news = {SignUpStatus.CANCELLED: "cancelled", SignUpStatus.DECLINED: "declined", WAITLISTED: "waitlisted",
            CONFIRMED: "confirmed"}[status]
    await _tell(emails, row["id"], news, lost_seat=row["status"] == CONFIRMED)
    await fill_free_seats(emails, opportunity_id)


STAFF_ACTIONS = ("approve", "waitlist", "decline", "cancel")


async def decide(emails: Emails, staff: CurrentUser, opportunity_id: int, sign_up_id: int, action: str) -> None:
    """Staff: approve (a seat, if one is free), waitlist (to the end of the line), decline or cancel."""
    await opportunity(staff, opportunity_id)
    async with db.write_transaction():
        found = await locked(opportunity_id)
        if action == "approve":
            if found["capacity"] is not None and await taken(opportunity_id) >= found["capacity"]:
                raise NotEditable("Every seat is taken: raise the capacity, or move a confirmed student to the waitlist.")
            status = CONFIRMED
        else:
            status = {"waitlist": WAITLISTED, "decline": SignUpStatus.DECLINED, "cancel": SignUpStatus.CANCELLED}[action]
        await _set(emails, opportunity_id, status=status, decided_by=staff.id, sign_up_id=sign_up_id)


async def assign(emails: Emails, staff: CurrentUser, opportunity_id: int, student_id: int) -> str:
    """Staff put a student on: a seat if one is free, else the waitlist. Staff decide eligibility themselves;
    only an active student of the opportunity's school may be added."""
    school_id = (await opportunity(staff, opportunity_id))["school"]
    if not await User.exists().where((User.id == student_id) & (User.school == school_id) & User.roles.any("student")
                                     & (User.active == True)):  # noqa: E712
        raise FormErrors({"student": NOT_A_STUDENT}, {})
    async with db.write_transaction():
        found = await locked(opportunity_id)
        if found["status"] == OpportunityStatus.CANCELLED:
            raise NotEditable("The opportunity is cancelled.")
        return await _seat_or_wait(emails, found, student_id, staff.id)


async def school_students(school_id: int, search: str, limit: int = 20) -> dict[int, str]:
    """Active students of the school whose name or e-mail has `search` (every one when it is empty)."""
    query = User.select(User.id, User.name, User.email).where(
        (User.school == school_id) & User.roles.any("student") & (User.active == True))  # noqa: E712
    if search:
        query = query.where(contains(User.name, search) | contains(User.email, search))
    rows = await query.order_by(User.name).limit(limit)
    return {r["id"]: f"{r['name']} ({r['email']})" for r in rows}

