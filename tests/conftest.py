"""Test set-up. The environment is set here, before anything imports the app, because piccolo finds
its engine once per process: PORTFOLIO_TEST_DB=postgres runs the suite on a PostgreSQL database that
this file creates and drops; the default is a fresh SQLite file."""

from __future__ import annotations

import dataclasses
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from tests.pg import create_database, drop_database

TEST_DB = os.environ.get("PORTFOLIO_TEST_DB", "sqlite")
REDIS_URL = os.environ.get("PORTFOLIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

_var = Path(tempfile.mkdtemp(prefix="portfolio-test-"))
for name in ("PORTFOLIO_REDIS_URL", "PORTFOLIO_SMTP_URL", "PORTFOLIO_DEMO", "PORTFOLIO_DATABASE_URL"):
    os.environ.pop(name, None)
os.environ.update(
    {
        "PORTFOLIO_VAR_DIR": str(_var),
        "PORTFOLIO_SECRET_KEY": "test-secret-key-not-for-production",
        "PORTFOLIO_BASE_URL": "http://testserver.local",
        # Cheap argon2 for speed; production uses the defaults in settings.py.
        "PORTFOLIO_ARGON2_TIME_COST": "1",
        "PORTFOLIO_ARGON2_MEMORY_KIB": "1024",
    }
)
_pg_name = ""
if TEST_DB == "postgres":
    _pg_name, os.environ["PORTFOLIO_DATABASE_URL"] = create_database("portfolio_test")
elif TEST_DB != "sqlite":
    raise RuntimeError(f"PORTFOLIO_TEST_DB must be sqlite or postgres, not {TEST_DB!r}")

import httpx  # noqa: E402
import pytest  # noqa: E402

from portfolio import db  # noqa: E402
from portfolio.app import create_app  # noqa: E402
from portfolio.services import accounts, verification  # noqa: E402
from portfolio.services.emails import Emails  # noqa: E402
from portfolio.services.passwords import Hasher  # noqa: E402
from portfolio.settings import Settings, load_settings  # noqa: E402
from portfolio.tables import Experience, School, StudentMinutes  # noqa: E402
from portfolio.vocabulary import EntryStatus  # noqa: E402
from tests.clean import Tables  # noqa: E402
from tests.factories import TEST_PASSWORD, csrf_headers, sign_in  # noqa: E402,F401 - also imported from here
from tests.mailbox import emails_for  # noqa: E402

STEPS = pytest.StashKey[list[str]]()


@pytest.fixture
def step(request: pytest.FixtureRequest):
    """Names the part of a longer test that runs next: `step("the visitor opens the link")`. When the test
    fails, its error says in which step (and which steps passed before it)."""
    steps = request.node.stash.setdefault(STEPS, [])
    return steps.append


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    try:
        return (yield)
    except BaseException as error:
        steps = item.stash.get(STEPS, [])
        if steps:
            done = "; ".join(steps[:-1]) or "none"
            error.add_note(f"failed in step {len(steps)}: {steps[-1]} (steps that passed: {done})")
        raise


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item):
    report = yield
    steps = item.stash.get(STEPS, [])
    crash = getattr(report.longrepr, "reprcrash", None)
    if report.when == "call" and report.failed and steps and crash is not None:
        crash.message = f"[step {len(steps)}: {steps[-1]}] {crash.message}"  # the one-line summary says it too
    return report


def pytest_report_header() -> str:
    return f"database: {os.environ.get('PORTFOLIO_DATABASE_URL', 'sqlite under ' + str(_var))}"


def pytest_unconfigure() -> None:
    if _pg_name:
        drop_database(_pg_name)


@pytest.fixture(scope="session", autouse=True)
async def database() -> AsyncIterator[Tables]:
    """Every migration, run from an empty database, once per run; then the tables the tests write to."""
    await db.migrate()
    await db.open_database()
    yield await Tables.find()
    await db.close_database()


@pytest.fixture(autouse=True)
async def clean_database(database: Tables) -> None:
    """Every test starts from the database as the migrations left it (the career clusters and nothing
    else), whatever the tests before it wrote or failed to clean up. Emptied before rather than after a
    test, so a failed test's rows are still there to look at."""
    await database.empty()


@pytest.fixture(autouse=True)
async def shown_state_kept(request: pytest.FixtureRequest, clean_database) -> AsyncIterator[None]:
    """After every test, each entry's stored answer (Experience.shown_verified, what the employer's list sums)
    equals the one rule worked out afresh: a write path that forgets verification.refresh_shown fails here. A
    test that changes entries behind the app's back, on purpose, says so with @pytest.mark.behind_the_apps_back;
    a test's own factory that writes as the app would calls refresh_shown too."""
    yield
    await _minutes_kept()
    if request.node.get_closest_marker("behind_the_apps_back"):
        return
    ids = [row["id"] for row in await Experience.select(Experience.id)]
    stale = []
    for start in range(0, len(ids), verification.BATCH):
        answers = await verification.rule_answers(ids[start:start + verification.BATCH])
        stale += [(entry_id, stored) for entry_id, (stored, fresh) in answers.items() if stored != fresh]
    assert not stale, f"entries whose stored shown_verified is stale (id, stored): {sorted(stale)}"


async def _minutes_kept() -> None:
    """Each student's kept minutes (StudentMinutes, by the database's triggers) equal their entries summed again,
    whatever wrote them, even behind the app's back."""
    summed: dict[int, list[int]] = {}
    for row in await Experience.select(Experience.student, Experience.shown_verified, Experience.minutes).where(
        Experience.status != EntryStatus.REJECTED
    ):
        summed.setdefault(row["student"], [0, 0])[0 if row["shown_verified"] else 1] += row["minutes"]
    kept = {row["student"]: [row["verified"], row["self_reported"]] for row in await StudentMinutes.select()
            if row["verified"] or row["self_reported"]}
    assert kept == {student: minutes for student, minutes in summed.items() if any(minutes)}


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    return load_settings()


@pytest.fixture
def settings(base_settings: Settings, tmp_path: Path) -> Settings:
    """Settings whose var/ (outbox, session files) is this test's own."""
    return dataclasses.replace(base_settings, var_dir=tmp_path)


@pytest.fixture
def emails(settings: Settings) -> Emails:
    """The Emails service as the app makes it: messages go to the outbox table (tests/mailbox.py reads them)."""
    return emails_for(settings)


@pytest.fixture(scope="session")
def hasher(base_settings: Settings) -> Hasher:
    return Hasher(base_settings.argon2_time_cost, base_settings.argon2_memory_kib)


@asynccontextmanager
async def serve_in_loop(app_settings: Settings, wrap=None):
    """The app with its lifespan, in the tests' own event loop (Litestar's test client runs the app on
    a thread of its own, where a PostgreSQL pool opened in this loop cannot be used). `wrap` puts an ASGI
    wrapper around the app (to watch what it sends, and when)."""
    app = create_app(app_settings)
    # The hooks are called here rather than through app.lifespan(), whose anyio task group cannot span
    # a fixture's set-up and tear-down (pytest-asyncio runs them in different tasks).
    for hook in app.on_startup:
        await hook()
    try:
        transport = httpx.ASGITransport(app=wrap(app) if wrap else app)
        async with httpx.AsyncClient(transport=transport, base_url=app_settings.base_url) as http:
            yield http
    finally:
        for hook in reversed(app.on_shutdown):
            await hook()


@pytest.fixture
async def client(settings: Settings):
    async with serve_in_loop(settings) as http:
        yield http


@pytest.fixture
def make_client(settings: Settings):
    """More clients (other browsers) of the app, with these or other settings."""

    def factory(app_settings: Settings | None = None, wrap=None):
        return serve_in_loop(app_settings or settings, wrap)

    return factory


@pytest.fixture
async def school(clean_database) -> int:
    row = await School.insert(School(name="Test Career Center", timezone="America/New_York")).returning(School.id)
    return row[0]["id"]


@pytest.fixture
async def other_school(clean_database) -> int:
    row = await School.insert(School(name="Other High School", timezone="America/Chicago")).returning(School.id)
    return row[0]["id"]


@pytest.fixture
def make_user(hasher: Hasher, school: int):
    """Create an account with TEST_PASSWORD; a unique e-mail each time."""

    async def factory(*roles: str, school_id: int | None = -1, organization_id: int | None = None, name: str = "Test User"):
        roles = roles or ("student",)
        if school_id == -1:
            school_id = None if "employer" in roles or roles == ("admin",) else school
        email = f"{roles[0]}-{uuid.uuid4().hex[:10]}@example.org"
        user_id = await accounts.create_user(
            email,
            name,
            roles,
            school_id=school_id,
            organization_id=organization_id,
            password_hash=await hasher.hash(TEST_PASSWORD),
        )
        user = await accounts.load_user(user_id)
        assert user is not None
        return user

    return factory


@pytest.fixture
def signed_in(client: httpx.AsyncClient, make_user):
    """Make a user with these roles and sign them in on `client`."""

    async def factory(*roles: str, **kwargs):
        user = await make_user(*roles, **kwargs)
        response = await sign_in(client, user.email)
        assert response.status_code == 303, response.text
        return user

    return factory
