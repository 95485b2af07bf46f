"""Helpers shared by the test modules: form data, entries, evidence, signed-in clients.

Test modules import helpers from here (or from tests/browser/helpers.py), never from one another, so a
test file can be changed or removed without breaking another. Fixtures stay in conftest.py.
"""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path

import httpx

from portfolio.db import engine
from portfolio.forms.certification import CertificationForm, parse_certification
from portfolio.forms.entry import EntryForm, parse_entry
from portfolio.forms.mentoring import Assignment
from portfolio.services import evidence, experiences, mentoring, signoff
from portfolio.storage import make_store
from portfolio.tables import Disclosure, Evidence, Experience
from tests import samples

TEST_PASSWORD = "correct horse battery"


# --- signing in -----------------------------------------------------------------------------------

def csrf_headers(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies.get("csrftoken", "")}


async def sign_in(client: httpx.AsyncClient, email: str, password: str = TEST_PASSWORD, next_path: str = ""):
    """Sign in through the form, as a browser does (GET for the CSRF cookie, then POST)."""
    if "csrftoken" not in client.cookies:
        page = await client.get("/signin")
        assert page.status_code == 200
    return await client.post(
        "/signin",
        data={"email": email, "password": password, "next": next_path, "_csrf_token": client.cookies.get("csrftoken")},
    )


@asynccontextmanager
async def browser_of(make_client, user):
    """Another browser, signed in as `user`."""
    async with make_client() as other:
        assert (await sign_in(other, user.email)).status_code == 303
        yield other


async def post(client, url: str, data: dict | None = None):
    return await client.post(url, data=data or {}, headers=csrf_headers(client))


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


@asynccontextmanager
async def counting_queries():
    """Counts every query piccolo sends (all of them go through the engine's run_querystring)."""
    engine_class = type(engine())
    original = engine_class.run_querystring
    seen: list[str] = []

    async def counted(self, querystring, *args, **kwargs):
        seen.append(str(querystring))
        return await original(self, querystring, *args, **kwargs)

    engine_class.run_querystring = counted
    try:
        yield seen
    finally:
        engine_class.run_querystring = original


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


async def add_photo(settings, student, entry_id: int) -> dict:
    """A photo with location data attached to the entry through the evidence service; returns its row."""
    work = settings.var_dir / "tmp"
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"upload-{uuid.uuid4().hex}"
    path.write_bytes(samples.jpeg_with_gps())
    attached = await evidence.attach(
        make_store(settings), student, "experience", entry_id, evidence.Upload(path=path, original_name="at-the-site.jpg"),
        work_root=work, max_bytes=settings.max_upload_mb * 1024 * 1024, max_pixels=settings.max_image_pixels,
    )
    return attached.row


# --- sharing --------------------------------------------------------------------------------------

async def disclosures(student_id: int) -> list[dict]:
    return await Disclosure.select().where(Disclosure.student == student_id).order_by(Disclosure.id)


async def of_age(student) -> None:
    """Give the student a profile with a birth date 20 years ago, so they may share outside the school."""
    from portfolio.tables import StudentProfile

    born = date.today().replace(year=date.today().year - 20) - timedelta(days=3)
    await StudentProfile.insert(StudentProfile(student=student.id, interests=[], skills=[], birth_date=born))


async def employer_org(name: str = "") -> tuple[int, str]:
    """A new employer organization: (its id, its name)."""
    from portfolio.tables import Organization

    name = name or f"Employer {uuid.uuid4().hex[:6]}"
    row = await Organization.insert(Organization(name=name, kind="employer")).returning(Organization.id)
    return row[0]["id"], name


async def share_everything(student, organization: int) -> int:
    """The student shares everything with the organization for 30 days; returns the share's id."""
    from portfolio.forms.share import parse_share
    from portfolio.services import sharing

    share_id, _ = await sharing.create(student, parse_share(
        {"audience": "organization", "organization": str(organization), "days": "30", "scope": "everything"},
        await sharing.employer_ids(),
    ))
    return share_id


def pdf_text(data: bytes) -> str:
    """The text of every page of a PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
