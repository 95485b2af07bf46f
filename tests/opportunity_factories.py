"""Opportunities for tests: one posted through the service, a student with a grade and birth date, a guardian on
record, and the messages queued to someone (read back as the worker would send them)."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from icalendar import Calendar

from portfolio import clock
from portfolio.forms.opportunities import OpportunityForm, SessionTimes, local_moment
from portfolio.opportunity_tables import SignUp
from portfolio.opportunity_vocabulary import Enrolment, OpportunityStatus
from portfolio.services.opportunities import posting
from portfolio.tables import GuardianConsent, StudentProfile
from portfolio.vocabulary import ExperienceKind
from tests.mailbox import outbox

TZ = "America/New_York"
# The tests' "now": a month before the sessions they post.
NOW = datetime(2027, 2, 1, 17, 0, tzinfo=timezone.utc)
FIRST_DAY = date(2027, 3, 3)


def session_on(day: date = FIRST_DAY, start: time = time(9), end: time = time(11, 30)) -> SessionTimes:
    return SessionTimes(local_moment(day, start, TZ), local_moment(day, end, TZ))


def opportunity_form(**changes) -> OpportunityForm:
    values = dict(kind=ExperienceKind.SITE_VISIT, title="Site visit: Tri-County Builders", description="Hard hats on.",
                  place="12 Mill Road", status=OpportunityStatus.OPEN, enrolment=Enrolment.SIGN_UP, capacity=None,
                  signup_deadline=None, grades=(), minimum_age=None, required_forms=(), partners={}, clusters=(),
                  programs=(), sessions=(session_on(),))
    values.update(changes)
    return OpportunityForm(**values)


async def post_opportunity(staff, **changes) -> int:
    return await posting.create(staff, staff.school_id, opportunity_form(**changes))


async def set_profile(student_id: int, *, grade: int | None = None, birth_date: date | None = None, interests=()) -> None:
    await StudentProfile.delete().where(StudentProfile.student == student_id)
    await StudentProfile.insert(StudentProfile(student=student_id, grade=grade, birth_date=birth_date, skills=[],
                                               interests=list(interests), updated_at=clock.now()))


async def guardian_on_record(student_id: int, staff_id: int, email: str = "parent@example.net", name: str = "Pat Parent") -> None:
    await GuardianConsent.insert(GuardianConsent(student=student_id, guardian_name=name, guardian_email=email,
                                                 method="guardian_link", confirmed_by=staff_id, confirmed_at=clock.now(),
                                                 created_at=clock.now()))


async def status_of(opportunity_id: int, student_id: int) -> str | None:
    row = await SignUp.select(SignUp.status).where((SignUp.opportunity == opportunity_id) & (SignUp.student == student_id)).first()
    return row["status"] if row else None


async def mail_to(settings, to: str) -> list[dict]:
    """The messages to `to`, delivered as the worker does into the test's outbox folder, oldest first: subject,
    text and the text/calendar parts of each."""
    found = []
    for message in await outbox(settings.var_dir, to):
        calendars = [part.get_content() for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
        found.append({"subject": str(message["Subject"]), "text": message.get_body(preferencelist=("plain",)).get_content(),
                      "calendars": calendars, "message": message})
    return found


def events(message: dict) -> tuple[str, list]:
    """(METHOD, VEVENTs) of the message's one calendar file."""
    (text,) = message["calendars"]
    parsed = Calendar.from_ical(text)
    return str(parsed["METHOD"]), list(parsed.walk("VEVENT"))
