"""Helpers shared by the test modules: form data, entries, evidence, signed-in clients.

Test modules import helpers from here (or from tests/browser/helpers.py), never from one another, so a
test file can be changed or removed without breaking another. Fixtures stay in conftest.py.
"""

from __future__ import annotations

import contextvars
import uuid
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pypdfium2 as pdfium
from litestar.routes import HTTPRoute

from portfolio import csrf
from portfolio.app import create_app
from portfolio.auth import SESSION_COOKIE
from portfolio.db import engine
from portfolio.forms.certification import CertificationForm, parse_certification
from portfolio.forms.entry import EntryForm, parse_entry
from portfolio.forms.mentoring import Assignment
from portfolio.forms.partner_documents import parse_document
from portfolio.forms.share import parse_share
from portfolio.forms.verification import DecisionForm, OnTheSpotForm, SupervisorForm
from portfolio.record_tables import OutboxMessage
from portfolio.services import evidence, experiences, mentoring, sharing, signoff
from portfolio.services.partners import documents as partner_documents
from portfolio.settings import get_settings
from portfolio.storage import make_store
from portfolio.tables import (
    Certification,
    Disclosure,
    Evidence,
    Experience,
    GuardianConsent,
    Organization,
    SignOff,
    StudentProfile,
    User,
)
from portfolio.vocabulary import ConsentMethod, Decision, EmailKind, EntryStatus, OutboxState
from tests import samples
from tests.mailbox import emails_for

TEST_PASSWORD = "correct horse battery"


# --- the route table ------------------------------------------------------------------------------

# Building the app takes a fifth of a second (seconds on a busy machine) and the page walks ask for the same
# table once per role: one table per settings (Settings holds dicts, so it is keyed by its repr).
_route_tables: dict[str, list[tuple[str, str, list, set[str]]]] = {}


def route_table(settings) -> list[tuple[str, str, list, set[str]]]:
    """Every (path, method, guards, roles the guards admit) the app serves; no roles: anyone signed in, or public."""
    key = repr(settings)
    if key not in _route_tables:
        _route_tables[key] = _route_table(settings)
    return list(_route_tables[key])


def _route_table(settings) -> list[tuple[str, str, list, set[str]]]:
    found = []
    for route in create_app(settings).routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in sorted(handler.http_methods - {"OPTIONS"}):
                guards = handler.resolve_guards()
                found.append((route.path, method, guards, set().union(*(getattr(g, "roles", set()) for g in guards))))
    return found


# --- signing in -----------------------------------------------------------------------------------

def csrf_token(client: httpx.AsyncClient) -> str:
    """A token as this client's pages carry it now (portfolio/csrf.py makes it the same way): bound to its
    session cookie, or, before sign-in, to the cookie its first page set (named __Host-... over HTTPS)."""
    def cookie(name: str) -> str | None:
        return client.cookies.get(name) or client.cookies.get(f"__Host-{name}")

    return csrf.token_for(get_settings().secret_key, cookie(SESSION_COOKIE), cookie(csrf.VISITOR_COOKIE))


def csrf_headers(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": csrf_token(client)}


async def sign_in(client: httpx.AsyncClient, email: str, password: str = TEST_PASSWORD, next_path: str = ""):
    """Sign in through the form, as a browser does (GET for the form and its token, then POST)."""
    if not any(name.endswith((csrf.VISITOR_COOKIE, SESSION_COOKIE)) for name in client.cookies.keys()):
        page = await client.get("/signin")
        assert page.status_code == 200
    return await client.post(
        "/signin", data={"email": email, "password": password, "next": next_path, "_csrf_token": csrf_token(client)},
    )


async def forget_redis_throttles() -> None:
    """Redis outlives a test: forget the attempts earlier tests counted there (the test address is shared)."""
    import redis.asyncio as aioredis

    from tests.conftest import REDIS_URL

    client = aioredis.from_url(REDIS_URL)
    try:
        keys = await client.keys("portfolio:throttle:*")
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@asynccontextmanager
async def browser_of(make_client, user):
    """Another browser, signed in as `user`."""
    async with make_client() as other:
        assert (await sign_in(other, user.email)).status_code == 303
        yield other


async def post(client, url: str, data: dict | None = None):
    return await client.post(url, data=data or {}, headers=csrf_headers(client))


async def set_birth(student_id: int, years: int, **profile) -> None:
    """The birth date staff record: `years` old today (an adult on their birthday, a minor the day before)."""
    today = date.today()
    birth = date(today.year - years, 1, 1) if years >= 18 else today.replace(year=today.year - years) + timedelta(days=1)
    await StudentProfile.delete().where(StudentProfile.student == student_id)
    await StudentProfile.insert(StudentProfile(student=student_id, birth_date=birth, updated_at=datetime.now(timezone.utc), **profile))


# --- entries --------------------------------------------------------------------------------------

def entry(**overrides) -> dict[str, str]:
    """The new-entry form's fields, filled in; `overrides` replace some."""
    values = {
        "kind": "job_shadow",
        "title": "Shadowed an electrician",
        "organization": "Bright Sparks LLC",
        "date": (date.today() - timedelta(days=1)).isoformat(),
        "hours": "2.5",
        "cluster": "construction",
        "reflection": "Wiring is <harder> than it looks & fun.",
    }
    values.update(overrides)
    return values


async def as_entry(student, raw: dict[str, str]) -> EntryForm:
    """The form's fields read as the routes read them, for calling the service directly."""
    return parse_entry(raw, await experiences.entry_rules(student))


async def as_certification(student, raw: dict[str, str]) -> CertificationForm:
    return parse_certification(raw, await experiences.today_for(student))


async def assign_mentor(staff, mentor, *students) -> int:
    """Staff pair a mentor with students, as the staff page does."""
    return await mentoring.assign(staff, Assignment(mentor.id, [student.id for student in students]))


async def mentor_for(make_user, student, **mentor_fields):
    """A mentor of the student's school, assigned to the student by that school's staff."""
    mentor = await make_user("mentor", **mentor_fields)
    await assign_mentor(await make_user("staff"), mentor, student)
    return mentor


_counting: contextvars.ContextVar[bool] = contextvars.ContextVar("counting", default=False)


@asynccontextmanager
async def counting_queries():
    """Counts every query piccolo sends (all of them go through the engine's run_querystring) from this task
    and the tasks it starts, not from tasks that were already running, such as the app's mail worker polling
    the outbox, which would add a query now and then to one count and not the other."""
    engine_class = type(engine())
    original = engine_class.run_querystring
    seen: list[str] = []
    token = _counting.set(True)

    async def counted(self, querystring, *args, **kwargs):
        if _counting.get():
            seen.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    engine_class.run_querystring = counted
    try:
        yield seen
    finally:
        engine_class.run_querystring = original
        _counting.reset(token)


async def new_entry(student, **overrides) -> int:
    """A draft entry of `student`, made through the service; returns its id."""
    saved = await experiences.create(student, await as_entry(student, entry(**overrides)), uuid.uuid4())
    return saved.entry["id"]


async def new_entries(student, *titles: str) -> list[int]:
    """One-hour drafts of `student` with these titles; returns their ids."""
    ids = []
    for title in titles:
        saved = await experiences.create(student, await as_entry(student, entry(title=title, hours="1")), uuid.uuid4())
        ids.append(saved.entry["id"])
    return ids


async def entries_in_every_state(student, make_user, settings) -> dict[str, int]:
    """One entry of `student` in each state the dashboard tells apart, each of other hours: a draft (1 h), a
    verification voided by an edit (2 h), one asked of a supervisor and not answered (3 h), one signed on the
    spot and not confirmed (4 h), one verified by a mentor (5 h) and one rejected (0.5 h). Their ids by state."""
    emails = emails_for(settings)
    mentor = await mentor_for(make_user, student)
    hours = {"draft": "1", "voided": "1.5", "waiting": "3", "on_the_spot": "4", "verified": "5", "rejected": "0.5"}
    ids = {state: await new_entry(student, title=state.title(), hours=h) for state, h in hours.items()}
    await signoff.ask_mentor(emails, student, [ids["voided"], ids["verified"], ids["rejected"]], mentor.id)
    items = await queue_ids(mentor)
    await signoff.decide_as_mentor(emails, mentor, [items[ids["voided"]], items[ids["verified"]]], DecisionForm(Decision.VERIFIED, ""))
    await signoff.decide_as_mentor(emails, mentor, [items[ids["rejected"]]], DecisionForm(Decision.REJECTED, "I was not there."))
    await experiences.update(student, ids["voided"], await as_entry(student, entry(title="Voided", hours="2")), void_ok=True)
    await signoff.ask_supervisor(emails, student, [ids["waiting"]], SupervisorForm("Pat Boss", "Manager", "Acme", "pat@acme.example"))
    on_the_spot = SupervisorForm("Morgan Lee", "Site manager", "Acme", "morgan@acme.example")
    await signoff.verify_on_device(emails, student, [ids["on_the_spot"]], OnTheSpotForm(on_the_spot, "", "Morgan Lee"))
    return ids


async def status_of(entry_id: int) -> str:
    row = await Experience.select(Experience.status).where(Experience.id == entry_id).first()
    return row["status"]


async def queue_ids(mentor) -> dict[int, int]:
    """experience id -> queue item id."""
    return {item["experience_id"]: item["id"] for item in await signoff.mentor_queue(mentor)}


# --- evidence -------------------------------------------------------------------------------------

async def upload(client, url: str, *files: tuple[str, bytes, str], htmx: bool = False):
    headers = csrf_headers(client) | ({"HX-Request": "true"} if htmx else {})
    return await client.post(url, files=[("file", item) for item in files], headers=headers)


async def rows_for(entry_id: int) -> list[dict]:
    return await Evidence.select().where(Evidence.experience == entry_id)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


async def add_photo(settings, student, entry_id: int, data: bytes | None = None, name: str = "at-the-site.jpg") -> dict:
    """A file (by default a photo with location data) attached to the entry through the evidence service;
    returns its row."""
    work = settings.var_dir / "tmp"
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"upload-{uuid.uuid4().hex}"
    path.write_bytes(samples.jpeg_with_gps() if data is None else data)
    attached = await evidence.attach(
        make_store(settings), student, "experience", entry_id, evidence.Upload(path=path, original_name=name),
        work_root=work, max_bytes=settings.max_upload_mb * 1024 * 1024, max_pixels=settings.max_image_pixels,
    )
    return attached.row


def only_downloaded(response: httpx.Response) -> bool:
    """A PDF answer our origin never shows: a download, sandboxed (no script) if a browser renders it anyway."""
    policy = response.headers.get("content-security-policy", "")
    return (
        response.status_code == 200
        and response.headers["content-type"].startswith("application/pdf")
        and response.headers["content-disposition"].startswith("attachment;")
        and policy.split(";")[0].strip() == "sandbox"
        and "script-src 'self'" not in policy
    )


# --- sharing --------------------------------------------------------------------------------------

async def disclosures(student_id: int) -> list[dict]:
    return await Disclosure.select().where(Disclosure.student == student_id).order_by(Disclosure.id)


async def of_age(student) -> None:
    """Make the student 20, so they may share outside the school."""
    await set_birth(student.id, 20)


async def employer_org(name: str = "") -> tuple[int, str]:
    """A new employer organization: (its id, its name)."""
    name = name or f"Employer {uuid.uuid4().hex[:6]}"
    row = await Organization.insert(Organization(name=name, kind="employer")).returning(Organization.id)
    return row[0]["id"], name


async def share_with(student, organization: int, experiences_: list[int] | None = None,
                     certifications_: list[int] | None = None) -> int:
    """The student shares with the organization for 30 days: everything, or the picked entries and
    certifications. Returns the share's id."""
    picked = experiences_ is not None or certifications_ is not None
    share_id, _ = await sharing.create(emails_for(get_settings()), student, parse_share({
        "audience": "organization", "organization": str(organization), "days": "30",
        "scope": "picked" if picked else "everything",
        "experiences": [str(i) for i in experiences_ or []], "certifications": [str(i) for i in certifications_ or []],
    }, await sharing.employer_ids()))
    return share_id


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF."""
    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


# --- what needs staff's attention -----------------------------------------------------------------

async def needing_attention(make_user, settings, school_id: int, staff, count: int = 1) -> None:
    """`count` of each thing that needs a staff member of `school_id`: a guardian a student proposed, an entry
    signed on the spot 4 days ago and not confirmed, one the supervisor disputed, an invitation `staff` sent that
    could not be delivered, a student without a mentor and a certification expiring in 30 days."""
    emails = emails_for(settings)
    when = datetime.now(timezone.utc)
    for n in range(count):
        student = await make_user("student", school_id=school_id, name=f"Needs {n}")  # no mentor
        await GuardianConsent.insert(GuardianConsent(student=student.id, guardian_name="Pat Parent", guardian_email=f"parent{n}@example.org",
                                                     method=ConsentMethod.GUARDIAN_LINK, proposed_by=student.id, created_at=when))
        waiting, disputed = await new_entries(student, "Waiting on the supervisor", "Disputed by the supervisor")
        supervisor = SupervisorForm("Morgan Lee", "Site manager", "Acme", "morgan@acme.example")
        for entry_id in (waiting, disputed):
            await signoff.verify_on_device(emails, student, [entry_id], OnTheSpotForm(supervisor, "", "Morgan Lee"))
        await SignOff.update({SignOff.created_at: when - timedelta(days=4)}).where(SignOff.experience == waiting)
        await SignOff.update({SignOff.disputed_at: when, SignOff.voided_at: when}).where(SignOff.experience == disputed)
        await Experience.update({Experience.status: EntryStatus.VOIDED}).where(Experience.id == disputed)
        await Certification.insert(Certification(student=student.id, name="OSHA 10", issuer="OSHA", issued_on=date.today(),
                                                 expires_on=date.today() + timedelta(days=30), created_at=when, updated_at=when))
        invitee = await make_user("mentor", school_id=school_id, name=f"Invited {n}")
        await User.update({User.password_hash: ""}).where(User.id == invitee.id)  # never joined
        await OutboxMessage.insert(OutboxMessage(
            recipient=invitee.email, subject="You are invited", kind=EmailKind.INVITE, message_id=f"<{uuid.uuid4().hex}@test>",
            state=OutboxState.FAILED, next_attempt_at=when, school=school_id, sender=staff.id, invitee=invitee.id, created_at=when))


# --- partner documents ------------------------------------------------------------------------------

async def add_partner_document(settings, staff, partner_id: int, data: bytes | None = None, name: str = "mou.pdf",
                               replaces: int | None = None, **fields) -> int:
    """A document (by default a one-page PDF MOU) added to a partner through its service; returns its id."""
    work = settings.var_dir / "tmp"
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"upload-{uuid.uuid4().hex}"
    path.write_bytes(samples.pdf() if data is None else data)
    form = parse_document({"kind": "mou", "title": "Memorandum of understanding"} | fields, date(2026, 12, 7))
    return await partner_documents.add(
        make_store(settings), staff, partner_id, form, evidence.Upload(path=path, original_name=name), replaces=replaces,
        work_root=work, max_bytes=settings.max_upload_mb * 1024 * 1024, max_pixels=settings.max_image_pixels,
    )
