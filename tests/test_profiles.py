"""A student's profile, and staff adding an employer with its first user."""

from __future__ import annotations

from portfolio.tables import Organization, StudentProfile, User
from tests.factories import csrf_headers
from tests.mailbox import link_in, outbox

SCRIPT = '<script>alert("x")</script>'


async def test_a_student_edits_their_profile(client, signed_in):
    student = await signed_in("student")
    page = await client.get("/student/profile")
    assert page.status_code == 200 and "Test Career Center" in page.text  # the school, read-only
    bad = await client.post(
        "/student/profile",
        data={"headline": "x" * 161, "graduation_year": "1901", "personal_email": "nope", "interests": "not-a-cluster",
              "about": "Kept", "skills": "welding"},
        headers=csrf_headers(client),
    )
    assert bad.status_code == 422
    for message in ("Use at most 160 characters.", "Enter a year between", "Enter an e-mail address", "Choose career clusters"):
        assert message in bad.text
    assert ">Kept</textarea>" in bad.text and 'value="welding"' in bad.text
    assert not await StudentProfile.exists().where(StudentProfile.student == student.id)
    saved = await client.post(
        "/student/profile",
        data={"headline": f"Future welder {SCRIPT}", "about": SCRIPT, "skills": "welding, blueprint reading, welding",
              "interests": ["construction", "advanced-manufacturing"], "graduation_year": "2027",
              "personal_email": "Me@Example.COM"},
        headers=csrf_headers(client),
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/student/profile?saved=1"
    row = await StudentProfile.select().where(StudentProfile.student == student.id).first()
    assert row["skills"] == ["welding", "blueprint reading"]
    assert sorted(row["interests"]) == ["advanced-manufacturing", "construction"]
    assert row["graduation_year"] == 2027 and row["personal_email"] == "me@example.com"
    shown = await client.get("/student/profile?saved=1")
    assert SCRIPT not in shown.text and "&lt;script&gt;" in shown.text  # escaped, never run
    again = await client.post("/student/profile", data={"headline": "Changed"}, headers=csrf_headers(client))
    assert again.status_code == 303
    assert await StudentProfile.count().where(StudentProfile.student == student.id) == 1


async def test_only_the_student_has_a_profile_page(client, signed_in):
    await signed_in("mentor")
    assert (await client.get("/student/profile")).status_code == 403


async def test_staff_add_an_employer_and_invite_its_first_user(client, signed_in, settings, make_client):
    await signed_in("staff")
    page = await client.get("/staff/employers")
    assert page.status_code == 200
    bad = await client.post(
        "/staff/employers", data={"organization_name": "", "website": "ftp://x", "name": "", "email": "x"},
        headers=csrf_headers(client),
    )
    assert bad.status_code == 422
    for message in ("Enter the employer", "starting with https://", "Enter the person", "Enter an e-mail address"):
        assert message in bad.text
    email = "hiring@bright-sparks.example"
    response = await client.post(
        "/staff/employers",
        data={"organization_name": "Bright Sparks Electric", "website": "https://bright-sparks.example",
              "name": "Pat Hiring", "email": email},
        headers=csrf_headers(client),
    )
    assert response.status_code == 303 and response.headers["location"] == "/staff/employers?invited=1"
    org = await Organization.select().where(Organization.name == "Bright Sparks Electric").first()
    assert org["kind"] == "employer"
    user = await User.select().where(User.email == email).first()
    assert user["roles"] == ["employer"] and user["organization"] == org["id"] and user["school"] is None
    listing = await client.get("/staff/employers?invited=1")
    assert "Bright Sparks Electric" in listing.text and "1 person" in listing.text
    duplicate = await client.post(
        "/staff/employers",
        data={"organization_name": "bright sparks electric", "name": "Other", "email": "other@bright-sparks.example"},
        headers=csrf_headers(client),
    )
    assert duplicate.status_code == 422 and "already here" in duplicate.text
    # The name is compared as text, not as a pattern: "%" matches only itself.
    wildcard = await client.post(
        "/staff/employers", data={"organization_name": "%", "name": "Wild Card", "email": "wild@card.example"},
        headers=csrf_headers(client),
    )
    assert wildcard.status_code == 303
    [message] = await outbox(settings.var_dir, email)
    path = link_in(message)
    async with make_client() as newcomer:
        await newcomer.get("/signin")
        accepted = await newcomer.post(
            path, data={"password": "a long employer password", "confirm": "a long employer password"},
            headers=csrf_headers(newcomer),
        )
        assert accepted.status_code == 303
        assert (await newcomer.get("/")).headers["location"] == "/employer"
