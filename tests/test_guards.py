"""Every route names who may use it, and every other role (and nobody signed in) is refused."""

from __future__ import annotations

import dataclasses
import re
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from portfolio.errors import NotFound
from portfolio.forms.people import SchoolForm, SchoolIdentity
from portfolio.partner_tables import FollowUp, PartnerContact, PartnerDocument, PartnerInteraction, PartnerSchool
from portfolio.program_tables import ActionItem, BoardMeeting, BoardMember, Program, ProgramStudent
from portfolio.record_tables import OutboxMessage
from portfolio.services import certifications, experiences, school_logo, schools
from portfolio.tables import (
    ROLES,
    Evidence,
    Experience,
    GuardianConsent,
    MentorAssignment,
    Organization,
    School,
    Share,
    SignOff,
    User,
    VerificationRequest,
)
from tests import samples
from tests.factories import (
    add_partner_document,
    add_photo,
    as_certification,
    as_entry,
    browser_of,
    csrf_headers,
    entry,
    mentor_for,
    new_entry,
    post,
    route_table,
    sign_in,
)
from tests.guard_ids import more_ids

KNOWN_GUARDS = {"public", "signed_in", "recently_signed_in", "link_token"}


def routes(settings):
    """(path, method, guard names, allowed roles or None for anyone signed in / public)."""
    return [(path, method, [g.__name__ for g in guards], roles) for path, method, guards, roles in route_table(settings)]


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
    # A guardian the student proposed: only the student's school's staff may confirm or turn it down.
    consent = await GuardianConsent.insert(
        GuardianConsent(student=owner.id, guardian_name="G", guardian_email="g@example.com", method="guardian_link",
                        proposed_by=owner.id)
    ).returning(GuardianConsent.id)
    signed = await SignOff.insert(
        SignOff(experience=owned.entry["id"], request=request[0]["id"], method="on_device", verifier_name="S",
                decision="verified", content_hash=owned.entry["content_hash"])
    ).returning(SignOff.id)
    message = await OutboxMessage.insert(
        OutboxMessage(recipient=owner.email, subject="Invitation", kind="invite", message_id=f"<{uuid.uuid4()}@guards>",
                      state="failed", invitee=owner.id, school=owner.school_id)
    ).returning(OutboxMessage.id)
    # A partner of the owner's school, with a contact: only its staff (and admins) open them.
    partner = await PartnerSchool.insert(PartnerSchool(
        organization=org_id(await Organization.insert(Organization(name="Guard Partner")).returning(Organization.id)),
        school=owner.school_id)).returning(PartnerSchool.id)
    contact = await PartnerContact.insert(PartnerContact(partner=partner[0]["id"], name="C")).returning(PartnerContact.id)
    # --- an interaction of that partner, with a follow-up ---
    interaction = await PartnerInteraction.insert(PartnerInteraction(
        partner=partner[0]["id"], kind="call", summary="S")).returning(PartnerInteraction.id)
    follow_up = await FollowUp.insert(FollowUp(interaction=interaction[0]["id"], what="W", owner=owner.id)).returning(
        FollowUp.id)
    # A document of that partner (its file is stored where a test needs it: add_partner_document).
    document = await PartnerDocument.insert(PartnerDocument(
        partner=partner[0]["id"], kind="mou", title="MOU", storage_key=f"partners/{owner.school_id}/g/original.pdf",
        original_name="mou.pdf", content_type="application/pdf", size=1, sha256="0" * 64)).returning(PartnerDocument.id)
    ids = await program_ids(owner, contact[0]["id"])
    ids |= {"follow_up_id": follow_up[0]["id"], "document_id": document[0]["id"], "partner_id": partner[0]["id"], "contact_id": contact[0]["id"], "entry_id": owned.entry["id"], "message_id": message[0]["id"], "certification_id": certification["id"], "evidence_id": row[0]["id"],
            "student_id": owner.id, "request_id": request[0]["id"], "assignment_id": assignment[0]["id"],
            "share_id": share[0]["id"], "consent_id": consent[0]["id"], "user_id": owner.id, "school_id": owner.school_id,
            "signoff_id": signed[0]["id"]}
    return ids | await more_ids(owner, ids)


def org_id(rows: list[dict]) -> int:
    return rows[0]["id"]


async def program_ids(owner, contact_id: int) -> dict[str, int]:
    """A program of the owner's school with the owner in it, a board seat, a meeting and an action item."""
    program = await Program.insert(Program(school=owner.school_id, name="Guard Program")).returning(Program.id)
    program_id = program[0]["id"]
    await ProgramStudent.insert(ProgramStudent(program=program_id, student=owner.id, started_on=datetime.now().date()))
    member = await BoardMember.insert(BoardMember(program=program_id, contact=contact_id)).returning(BoardMember.id)
    meeting = await BoardMeeting.insert(BoardMeeting(program=program_id, held_on=datetime.now().date())).returning(
        BoardMeeting.id)
    staff = await User.select(User.id).where(User.roles.any("staff")).first()
    action = await ActionItem.insert(ActionItem(program=program_id, text="A", owner=(staff or {"id": owner.id})["id"])
                                     ).returning(ActionItem.id)
    return {"program_id": program_id, "member_id": member[0]["id"], "meeting_id": meeting[0]["id"],
            "action_id": action[0]["id"]}


async def test_another_school_s_staff_are_refused_every_program_by_id(settings, make_user, make_client, other_school):
    owner = await make_user("student")
    ids = await owned_ids(owner)
    checked = 0
    async with browser_of(make_client, await make_user("staff", school_id=other_school)) as theirs:
        for path, method, _names, _roles in routes(settings):
            if "{program_id:int}" not in path:
                continue
            url = re.sub(r"\{(\w+):int\}", lambda m: str(ids[m.group(1)]), path)
            response = await theirs.request(method, url, headers=csrf_headers(theirs))
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
    assert checked >= 15
    # Nothing of the program changed.
    assert await ProgramStudent.exists().where(ProgramStudent.ended_on.is_null())
    assert await BoardMember.exists().where(BoardMember.id == ids["member_id"])


async def test_another_school_s_staff_are_refused_every_partner_by_id(settings, make_user, make_client, other_school):
    owner = await make_user("student")
    ids = await owned_ids(owner)
    checked = 0
    async with browser_of(make_client, await make_user("staff", school_id=other_school)) as theirs:
        for path, method, _names, _roles in routes(settings):
            if "{partner_id:int}" not in path and "{document_id:int}" not in path:
                continue
            url = re.sub(r"\{(\w+):int\}", lambda m: str(ids[m.group(1)]), path)
            # Multipart, which the routes that take files insist on and the others read too.
            body = {"files": {"file": ("a.pdf", samples.pdf(), "application/pdf")}} if method == "POST" else {}
            response = await theirs.request(method, url, headers=csrf_headers(theirs), **body)
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
    assert checked >= 17


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
    # The student (and every other role but staff) was refused confirming their own guardian: no link exists.
    assert await GuardianConsent.exists().where(
        (GuardianConsent.id == ids["consent_id"]) & GuardianConsent.confirmed_at.is_null() & GuardianConsent.token_hash.is_null()
    )


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


async def test_staff_change_their_own_school_s_identity_and_never_another_s(settings, make_user, make_client, school, other_school):
    # No path of staff names a school: the one they change is always their own.
    for path, _method, _names, roles in routes(settings):
        if roles and "staff" in roles:
            assert "{school_id" not in path, path
    await School.update({School.accent_colour: "#7b2d8e"}).where(School.id == school)
    admin = await make_user("admin")
    await school_logo.set_logo(admin, school, samples.png_plain(96, 96))
    before = await School.select(School.name, School.accent_colour, School.logo_version).where(School.id == school).first()

    theirs = await make_user("staff", school_id=other_school)
    async with browser_of(make_client, theirs) as other:
        for url in (f"/admin/schools/{school}", f"/admin/schools/{school}/logo", f"/admin/schools/{school}/logo/remove"):
            assert (await post(other, url, {"name": "Taken Over", "accent_colour": "#123456"})).status_code == 403, url
        assert (await other.get(f"/admin/schools/{school}")).status_code == 403
        assert (await other.get(f"/schools/{school}/logo")).status_code == 404
        # Their own page changes their own school, whatever id rides along.
        assert "<h1>Other High School</h1>" in (await other.get("/staff/school")).text
        data = {"name": "Other High Renamed", "accent_colour": "#123456", "school_id": str(school)}
        assert (await post(other, f"/staff/school?school_id={school}", data)).status_code == 303
        assert (await post(other, f"/staff/school/logo/remove?school_id={school}", {"school_id": str(school)})).status_code == 303
    assert await School.select(School.name, School.accent_colour, School.logo_version).where(School.id == school).first() == before
    assert (await School.select(School.name).where(School.id == other_school).first())["name"] == "Other High Renamed"

    # The services hold it too: another school's staff, and staff for more than the identity, find nothing.
    ours = await make_user("staff")
    for attempt in (schools.update(theirs, school, SchoolIdentity("Taken Over")), school_logo.remove_logo(theirs, school),
                    school_logo.set_logo(theirs, school, samples.png_plain()),
                    schools.update(ours, school, SchoolForm("Test Career Center", "Europe/Paris", 1, 1))):
        with pytest.raises(NotFound):
            await attempt
    # Staff of no school have no school page.
    async with browser_of(make_client, await make_user("staff", school_id=None)) as nowhere:
        assert (await nowhere.get("/staff/school")).status_code == 404
        assert "/staff/school" not in (await nowhere.get("/account")).text


OUT_OF_RANGE = [2**64, 2**31, -(2**63) - 1]


def int_routes(settings) -> list[tuple[str, str, set[str] | None]]:
    """Every route with a whole number in its path: (path, method, roles admitted; None for public routes)."""
    found = []
    for path, method, names, roles in routes(settings):
        if ":int}" in path:
            found.append((path, method, None if "public" in names else roles))
    return found


@pytest.mark.parametrize("number", OUT_OF_RANGE)
async def test_a_number_no_id_can_be_is_not_found_on_every_route(settings, role_clients, make_client, number):
    checked = 0
    async with make_client() as anonymous:
        await anonymous.get("/signin")
        for path, method, roles in int_routes(settings):
            if roles is None:
                client = anonymous
            else:
                client = role_clients[sorted(roles)[0] if roles else "student"]
            # Each number in the path alone out of range, a link's token well-formed.
            for name in re.findall(r"\{(\w+):int\}", path):
                url = path.replace(f"{{{name}:int}}", str(number)).replace("{token:str}", "A" * 43)
                url = re.sub(r"\{\w+:int\}", "1", url)
                # Multipart, which the routes that take files insist on and the others read too.
                body = {"files": {"file": ("a.txt", b"x", "text/plain")}} if method == "POST" else {}
                response = await client.request(method, url, headers=csrf_headers(client), **body)
                assert response.status_code == 404, (method, url, response.status_code)
                checked += 1
    assert checked >= 30


def shows_others(names: list[str], roles: set[str]) -> bool:
    """A page that is neither public nor a student's own: it may show another person's data."""
    return "public" not in names and roles != {"student"}


async def test_every_signed_in_page_but_a_student_s_own_is_never_stored(settings, role_clients, make_user):
    owner = await make_user("student")
    ids = await owned_ids(owner)
    ids["evidence_id"] = (await add_photo(settings, owner, ids["entry_id"]))["id"]  # a real file, which staff open
    ids["document_id"] = await add_partner_document(settings, await make_user("staff"), ids["partner_id"])
    checked = 0
    for path, method, names, roles in routes(settings):
        if method != "GET" or not shows_others(names, roles):
            continue
        url = re.sub(r"\{(\w+):int\}", lambda m: str(ids[m.group(1)]), path)
        for role in sorted(roles) or ["staff", "employer"]:
            response = await role_clients[role].get(url)
            assert "no-store" in response.headers.get("cache-control", ""), (role, url, response.status_code)
            assert "x-session-expires" not in response.headers, (role, url)
            checked += 1
    assert checked >= 15


async def test_a_student_s_own_pages_carry_their_session_s_expiry(settings, role_clients):
    student = role_clients["student"]
    before = time.time()
    for path in ("/student", "/student/experiences", "/student/experiences/new"):
        response = await student.get(path)
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("cache-control", ""), path
        # A student's session lasts 14 idle days: the worker refuses its copy after that.
        expires = int(response.headers["x-session-expires"])
        assert before + settings.session_policies["student"].idle_minutes * 60 - 120 <= expires <= time.time() + 14 * 86400, path
    # The shell stays cacheable for everyone, and carries no session.
    for role, client in role_clients.items():
        shell = await client.get("/static/app.css")
        assert "no-store" not in shell.headers.get("cache-control", "") and "x-session-expires" not in shell.headers, role
    # A staff member's "Not allowed" on a student page is not kept either.
    refused = await role_clients["staff"].get("/student")
    assert refused.status_code == 403 and refused.headers["cache-control"] == "no-store"


async def test_the_pages_with_a_student_s_record_are_never_stored(make_user, make_client):
    student = await make_user("student", name="Casey Cached")
    await new_entry(student, title="Welded a frame")
    mentor = await mentor_for(make_user, student)
    staff, admin = await make_user("staff"), await make_user("admin")
    pages = [(staff, "/staff"), (staff, f"/staff/students/{student.id}"), (mentor, "/mentor"),
             (mentor, f"/mentor/students/{student.id}"), (admin, "/admin")]
    for user, page in pages:
        async with browser_of(make_client, user) as browser:
            response = await browser.get(page)
            assert response.status_code == 200, page
            assert response.headers["cache-control"] == "no-store", page
    async with browser_of(make_client, staff) as browser:
        assert "Welded a frame" in (await browser.get(f"/staff/students/{student.id}")).text


@pytest.mark.parametrize("number", OUT_OF_RANGE)
async def test_a_number_no_id_can_be_is_a_form_error_in_every_form(client, signed_in, make_user, make_client, number):
    huge = str(number)
    student = await signed_in("student")
    entry_id = await new_entry(student)
    asked = {"entries": str(entry_id), "mentor": huge}
    student_forms = [
        ("/student/verify/mentor", asked, "Choose one of your mentors"),
        ("/student/verify/mentor", {"entries": huge, "mentor": huge}, ""),
        ("/student/sharing", {"audience": "organization", "organization": huge, "scope": "everything", "days": "30"}, ""),
        ("/student/sharing", {"audience": "link", "scope": "picked", "experiences": huge, "days": huge}, ""),
        ("/student/profile", {"headline": "x", "graduation_year": huge}, "Enter a year"),
        ("/student/verify/onsite", {"entries": huge}, ""),
    ]
    for url, data, message in student_forms:
        response = await client.post(url, data=data, headers=csrf_headers(client))
        assert response.status_code in (404, 422), (url, data, response.status_code)
        assert message in response.text, (url, data)
    for url in (f"/student/verify/new?entries={huge}", f"/v/onsite?entries={huge}", f"/v/onsite/done?request={huge}"):
        assert (await client.get(url)).status_code in (200, 303, 404), url
    mentor = await mentor_for(make_user, student)
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as browser:
        response = await browser.post("/staff/mentors", data={"mentor": huge, "students": [huge, str(student.id)]},
                                      headers=csrf_headers(browser))
        assert response.status_code == 422, response.status_code
    async with browser_of(make_client, mentor) as browser:
        response = await browser.post("/mentor/decide", data={"items": huge, "decision": "verified"}, headers=csrf_headers(browser))
        assert response.status_code in (404, 422), response.status_code


# --- partner links (names students typed, the entry form's type-ahead) ------------------------------------------

async def test_another_school_s_staff_cannot_merge_names_into_a_partner_by_id(make_user, make_client, other_school):
    owner = await make_user("student")
    ids = await owned_ids(owner)  # the owner's entry names "Bright Sparks LLC", unlinked
    async with browser_of(make_client, await make_user("staff", school_id=other_school)) as theirs:
        names = await theirs.get("/staff/partners/names")
        assert names.status_code == 200 and "Bright Sparks" not in names.text
        refused = await post(theirs, "/staff/partners/names/merge", {"name": "Bright Sparks LLC", "partner": str(ids["partner_id"])})
        assert refused.status_code == 404
    linked = await Experience.select(Experience.partner).where(Experience.id == ids["entry_id"]).first()
    assert linked["partner"] is None
    async with browser_of(make_client, await make_user("staff")) as ours:
        assert "Bright Sparks LLC" in (await ours.get("/staff/partners/names")).text
