"""Sessions survive restarts in both stores; security headers; health; the demo outbox; migrations."""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from datetime import date

import pytest
import redis.asyncio as aioredis

from portfolio import db
from portfolio.auth import SESSION_COOKIE
from portfolio.services import demo
from portfolio.services.passwords import Hasher
from portfolio.tables import CareerCluster, Experience, User
from tests.conftest import REDIS_URL, TEST_DB
from tests.factories import csrf_headers, sign_in
from tests.mailbox import link_in, outbox


@pytest.mark.parametrize("store", ["file", "redis"])
async def test_a_restart_signs_nobody_out(store, settings, make_client, make_user):
    if store == "redis":
        # Fails (never skips) when Redis is not there: the suite promises both stores work.
        probe = aioredis.from_url(REDIS_URL)
        assert await probe.ping()
        await probe.aclose()
        settings = dataclasses.replace(settings, redis_url=REDIS_URL)
    user = await make_user("student")
    async with make_client(settings) as first:
        await sign_in(first, user.email)
        sid = first.cookies.get(SESSION_COOKIE)
        assert (await first.get("/student")).status_code == 200
    if store == "file":
        assert any((settings.var_dir / "store").iterdir())
    else:
        client = aioredis.from_url(REDIS_URL)
        keys = await client.keys("portfolio*session:*")
        await client.aclose()
        assert keys, "the session is kept in Redis"
        assert not any(sid.encode() in key for key in keys)  # only a hash of the id
    async with make_client(settings) as second:  # a new process, the same store
        second.cookies.set(SESSION_COOKIE, sid)
        assert (await second.get("/student")).status_code == 200
        await second.get("/signin?next=/")
        await second.post("/signout", headers=csrf_headers(second))
        second.cookies.set(SESSION_COOKIE, sid)
        assert (await second.get("/student")).status_code == 303


async def test_security_headers_on_pages_and_static_files(client):
    for path in ("/signin", "/static/app.css"):
        response = await client.get(path)
        assert response.status_code == 200
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    page = await client.get("/signin")
    assert "<script>" not in page.text and "onclick" not in page.text
    assert 'name="htmx-config"' in page.text and '"allowEval": false' in page.text
    assert 'hx-headers=\'{"x-csrftoken": "' in page.text


async def test_vendored_htmx_is_2_0(client):
    from portfolio.templating import HTMX_FILE

    assert HTMX_FILE.startswith("htmx-2.0.")
    script = await client.get(f"/static/{HTMX_FILE}")
    assert script.status_code == 200 and "htmx" in script.text[:200]


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


async def test_secure_cookies_under_https(settings, make_client, make_user):
    user = await make_user("student")
    async with make_client(dataclasses.replace(settings, base_url="https://portfolio.example")) as client:
        response = await sign_in(client, user.email)
        assert "Secure" in response.headers["set-cookie"]
        assert "max-age=31536000" in response.headers["strict-transport-security"]


async def test_migrations_made_the_schema_from_empty():
    assert await CareerCluster.count() == 14
    names = {row["name"] for row in await CareerCluster.select(CareerCluster.name)}
    assert {"Advanced Manufacturing", "Digital Technology", "Supply Chain & Transportation"} <= names
    # The (student, client UUID) pair is unique in the database itself, not only in code.
    student = await User.insert(User(email=f"uniq-{uuid.uuid4().hex}@example.org", name="U", roles=["student"])).returning(User.id)
    cluster = (await CareerCluster.select(CareerCluster.id).first())["id"]
    same = uuid.uuid4()
    row = dict(student=student[0]["id"], client_uuid=same, kind="other", title="t", organization_name="o",
               cluster=cluster, date=date(2026, 1, 5), minutes=60)
    await Experience.insert(Experience(**row))
    # The driver's own error (sqlite3 or asyncpg IntegrityError): the unique index refuses the second row.
    with pytest.raises(Exception):  # noqa: B017
        await Experience.insert(Experience(**row))
    if TEST_DB == "sqlite":
        with sqlite3.connect(db.engine().path) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_demo_seed_only_into_an_empty_database(hasher: Hasher, make_user, emails):
    # Every test starts from an empty database: with one user in it, seeding must refuse to touch it.
    await make_user("student")
    before = await User.count()
    assert await demo.seed(hasher, emails) is False
    assert await User.count() == before


async def test_demo_outbox_page_shows_sent_links(settings, make_client, make_user):
    user = await make_user("student")
    async with make_client(dataclasses.replace(settings, demo=True)) as client:
        await client.get("/forgot")
        await client.post("/forgot", data={"email": user.email}, headers=csrf_headers(client))
        [message] = await outbox(settings.var_dir, user.email)
        index = await client.get("/dev/outbox")
        assert index.status_code == 200 and "Reset your Career Portfolio password" in index.text
        name = sorted((settings.var_dir / "outbox").glob("*.eml"))[-1].name
        shown = await client.get(f"/dev/outbox/{name}")
        assert link_in(message) in shown.text
        assert (await client.get("/dev/outbox/..%2Fsecret_key")).status_code == 404
    async with make_client(settings) as production:
        assert (await production.get("/dev/outbox")).status_code == 404


async def test_refusals_made_before_the_route_carry_the_headers_too(client, signed_in):
    await signed_in("student")
    refused = await client.post("/signout")  # no CSRF token: refused by the CSRF check
    assert refused.status_code == 403
    assert "frame-ancestors 'none'" in refused.headers["content-security-policy"]
    assert refused.headers["x-content-type-options"] == "nosniff"
