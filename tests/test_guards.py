"""Every route names who may use it, and every other role (and nobody signed in) is refused."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from litestar.routes import HTTPRoute

from portfolio.app import create_app
from portfolio.services import certifications, experiences
from portfolio.tables import (
    ROLES,
    Evidence,
    MentorAssignment,
    Organization,
    OutboxMessage,
    Share,
    SignOff,
    VerificationRequest,
)
from tests.factories import as_certification, as_entry, csrf_headers, entry, sign_in

KNOWN_GUARDS = {"public", "signed_in", "recently_signed_in"}


def routes(settings):
    """(path, method, guard names, allowed roles or None for anyone signed in / public)."""
    app = create_app(settings)
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods - {"OPTIONS"}:
                guards = handler.resolve_guards()
                names = [g.__name__ for g in guards]
                roles = set().union(*(getattr(g, "roles", set()) for g in guards))
                found.append((route.path, method, names, roles))
    return found


def test_every_route_declares_who_may_use_it(settings):
    table = routes(settings)
    assert len(table) > 20
    for path, method, names, _ in table:
        assert names, f"{method} {path} has no guard"
        for name in names:
            assert name in KNOWN_GUARDS or name.startswith("role_"), (path, name)


def test_the_demo_outbox_exists_only_in_demo_mode(settings):
    assert not [p for p, *_ in routes(settings) if p.startswith("/dev/")]
    assert [p for p, *_ in routes(dataclasses.replace(settings, demo=True)) if p.startswith("/dev/outbox")]


@pytest.fixture
async def role_clients(make_client, make_user):
    """One signed-in client per role."""
    org = (await Organization.insert(Organization(name="Guard Test Co")).returning(Organization.id))[0]["id"]
    clients = {}
    contexts = []
    for role in ROLES:
        user = await make_user(role, organization_id=org if role == "employer" else None)
        context = make_client()
        client = await context.__aenter__()
        contexts.append(context)
        assert (await sign_in(client, user.email)).status_code == 303
        clients[role] = client
    yield clients
    for context in contexts:
        await context.__aexit__(None, None, None)


async def owned_ids(owner) -> dict[str, int]:
    """Ids of real things a student owns, so a refusal is the guard's and not a missing row's."""
    owned = await experiences.create(owner, await as_entry(owner, entry()), uuid.uuid4())
    certification = await certifications.create(
        owner, await as_certification(owner, {"name": "OSHA 10", "issuer": "OSHA", "issued_on": "2026-01-10"}))
    row = await Evidence.insert(
        Evidence(student=owner.id, experience=owned.entry["id"], storage_key=f"evidence/{owner.id}/g/original.jpg",
                 thumb_key="", original_name="x.jpg", content_type="image/jpeg", size=1, sha256="0" * 64)
    ).returning(Evidence.id)
    request = await VerificationRequest.insert(
        VerificationRequest(student=owner.id, method="email_link", supervisor_name="S", supervisor_email="s@example.com")
    ).returning(VerificationRequest.id)
    assignment = await MentorAssignment.insert(MentorAssignment(mentor=owner.id, student=owner.id)).returning(MentorAssignment.id)
    share = await Share.insert(
        Share(student=owner.id, everything=True, expires_at=datetime.now(timezone.utc) + timedelta(days=1))
    ).returning(Share.id)
    signed = await SignOff.insert(
        SignOff(experience=owned.entry["id"], request=request[0]["id"], method="on_device", verifier_name="S",
                decision="verified", content_hash=owned.entry["content_hash"])
    ).returning(SignOff.id)
    message = await OutboxMessage.insert(
        OutboxMessage(recipient=owner.email, subject="Invitation", kind="invite", message_id=f"<{uuid.uuid4()}@guards>",
                      state="failed", invitee=owner.id, school=owner.school_id)
    ).returning(OutboxMessage.id)
    return {"entry_id": owned.entry["id"], "message_id": message[0]["id"], "certification_id": certification["id"], "evidence_id": row[0]["id"],
            "student_id": owner.id, "request_id": request[0]["id"], "assignment_id": assignment[0]["id"],
            "share_id": share[0]["id"], "signoff_id": signed[0]["id"]}


async def test_each_role_is_refused_where_it_does_not_belong(settings, role_clients, make_user, make_client):
    owner = await make_user("student")
    ids = await owned_ids(owner)
    checked = 0
    async with make_client() as anonymous:
        await anonymous.get("/signin")
        for path, method, _names, allowed in routes(settings):
            if not allowed:
                continue
            url = re.sub(r"\{(\w+):int\}", lambda m: str(ids[m.group(1)]), path)
            assert "{" not in url, url
            for role, client in role_clients.items():
                if role in allowed:
                    continue
                response = await client.request(method, url, headers=csrf_headers(client))
                assert response.status_code == 403, (role, method, url, response.status_code)
                checked += 1
            response = await anonymous.request(method, url, headers=csrf_headers(anonymous))
            if url.startswith("/api/"):
                assert response.status_code == 401, (method, url)
            else:
                assert response.status_code == 303, (method, url)
                assert response.headers["location"].startswith("/signin?next="), (method, url)
    assert checked >= 40
    # Nobody else's refusals changed the owner's entry.
    assert (await experiences.get(owner, ids["entry_id"]))["title"] == entry()["title"]
    assert await Evidence.exists().where(Evidence.id == ids["evidence_id"])


async def test_each_role_lands_on_its_own_page(role_clients):
    for role, client in role_clients.items():
        landing = await client.get("/")
        assert landing.status_code == 303
        page = await client.get(landing.headers["location"])
        assert page.status_code == 200, role
        assert landing.headers["location"] == f"/{role}"


async def test_a_counselor_is_staff_and_mentor(client, signed_in):
    await signed_in("staff", "mentor")
    assert (await client.get("/")).headers["location"] == "/staff"
    assert (await client.get("/staff")).status_code == 200
    assert (await client.get("/mentor")).status_code == 200
    assert (await client.get("/student")).status_code == 403
    page = await client.get("/mentor")
    assert 'href="/staff"' in page.text and 'href="/mentor"' in page.text
