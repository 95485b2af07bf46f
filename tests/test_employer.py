"""Employers: the list of portfolios shared with their organization, a portfolio page (a disclosure each time),
private notes, the shortlist, filters and sorting; nothing after a share ends, nothing a share did not pick;
a fixed number of queries whatever the size."""

from __future__ import annotations

import re
import uuid
from contextlib import AsyncExitStack
from datetime import date, datetime, timedelta, timezone

import pytest

from portfolio import clock
from portfolio.services import certifications, experiences, sharing, verification
from portfolio.tables import (
    Evidence,
    Experience,
    Organization,
    PortfolioDocument,
    Share,
    SignOff,
    StudentProfile,
)
from tests import samples
from tests.factories import (
    as_certification,
    as_entry,
    counting_queries,
    csrf_headers,
    disclosures,
    entry,
    only_downloaded,
    rows_for,
    share_with,
    sign_in,
    upload,
)

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


# --- helpers --------------------------------------------------------------------------------------

async def new_org(name: str = "") -> tuple[int, str]:
    name = name or f"Employer {uuid.uuid4().hex[:6]}"
    row = await Organization.insert(Organization(name=name, kind="employer")).returning(Organization.id)
    return row[0]["id"], name


async def adult_student(make_user, name: str = "Sam Student", headline: str = "", interests: tuple[str, ...] = ()):
    """A student of 20 (so they may share), with a profile."""
    student = await make_user("student", name=name)
    born = date.today().replace(year=date.today().year - 20) - timedelta(days=3)
    await StudentProfile.insert(StudentProfile(student=student.id, headline=headline, interests=list(interests), skills=[],
                                               birth_date=born))
    return student


async def add_entry(student, **overrides) -> int:
    return (await experiences.create(student, await as_entry(student, entry(**overrides)), uuid.uuid4())).entry["id"]


async def add_cert(student, name: str = "OSHA 10-Hour General Industry") -> int:
    return (await certifications.create(student, await as_certification(student, {"name": name, "issuer": "OSHA", "issued_on": "2026-01-10"})))["id"]


async def verify(entry_id: int, *, verifier: str = "Ms. Patel", method: str = "mentor", **signoff) -> None:
    """Mark an entry verified with a sign-off over its current content (evidence included), as the app does."""
    await experiences.refresh_hash(entry_id)
    row = await Experience.select(Experience.content_hash).where(Experience.id == entry_id).first()
    await Experience.update({Experience.status: "verified"}).where(Experience.id == entry_id)
    values = {"content_hash": row["content_hash"]} | signoff
    await SignOff.insert(SignOff(experience=entry_id, method=method, verifier_name=verifier, decision="verified", **values))
    await verification.refresh_shown([entry_id])  # as every sign-off the app records does


@pytest.fixture
async def browsers(make_client):
    """Signed-in clients for users: `await browsers(user)`."""
    async with AsyncExitStack() as stack:
        async def factory(user):
            client = await stack.enter_async_context(make_client())
            assert (await sign_in(client, user.email)).status_code == 303
            return client

        yield factory


def card_ids(page_text: str) -> list[int]:
    """Student ids in the list's order."""
    return [int(i) for i in re.findall(r'<h3 class="emp-name"><a class="emp-link" href="/employer/students/(\d+)"', page_text)]


def cards_of(page_text: str) -> str:
    """The list's cards, without the filter form (whose select names every cluster)."""
    return page_text.split('id="results-heading"', 1)[1]




# --- who sees what --------------------------------------------------------------------------------

async def test_only_active_shares_with_the_own_organization_show(make_user, browsers):
    org, _ = await new_org()
    other_org, _ = await new_org()
    student = await adult_student(make_user, name="Riley Active")
    loner = await adult_student(make_user, name="Nobody Shared")
    await add_entry(student)
    share_id = await share_with(student, org)
    employer = await browsers(await make_user("employer", organization_id=org))
    outsider = await browsers(await make_user("employer", organization_id=other_org))
    no_org = await browsers(await make_user("employer"))
    page = f"/employer/students/{student.id}"

    listing = await employer.get("/employer")
    assert listing.status_code == 200 and card_ids(listing.text) == [student.id] and "Riley Active" in listing.text
    assert (await employer.get(page)).status_code == 200
    assert (await employer.get(f"/employer/students/{loner.id}")).status_code == 404  # never shared
    for stranger in (outsider, no_org):
        assert (await stranger.get(page)).status_code == 404
        assert "Riley Active" not in (await stranger.get("/employer")).text
        assert (await stranger.post(f"{page}/notes", data={"note": "hi"}, headers=csrf_headers(stranger))).status_code == 404
        assert (await stranger.post(f"{page}/shortlist", data={"on": "1"}, headers=csrf_headers(stranger))).status_code == 404

    # Expired.
    await Share.update({Share.expires_at: datetime.now(timezone.utc) - timedelta(minutes=1)}).where(Share.id == share_id)
    assert (await employer.get(page)).status_code == 404
    assert card_ids((await employer.get("/employer")).text) == []
    assert (await employer.post(f"{page}/notes", data={"note": "late"}, headers=csrf_headers(employer))).status_code == 404
    # Shared again, then revoked.
    second = await share_with(student, org)
    assert (await employer.get(page)).status_code == 200
    await sharing.revoke(student, second)
    assert (await employer.get(page)).status_code == 404
    listing = await employer.get("/employer")
    assert card_ids(listing.text) == [] and "Riley Active" not in listing.text


async def test_an_employer_only_downloads_a_shared_pdf_that_runs_script(make_user, browsers):
    org, _ = await new_org()
    student = await adult_student(make_user)
    own = await browsers(student)
    entry_id = await add_entry(student)
    added = await upload(own, f"/student/experiences/{entry_id}/evidence", ("card.pdf", samples.pdf_with_open_action_script(), "application/pdf"))
    assert added.status_code == 303
    [pdf] = await rows_for(entry_id)
    await share_with(student, org)
    employer = await browsers(await make_user("employer", organization_id=org))
    assert f"/evidence/{pdf['id']}/thumb" in (await employer.get(f"/employer/students/{student.id}")).text
    for path in (f"/evidence/{pdf['id']}", f"/evidence/{pdf['id']}/view"):
        assert only_downloaded(await employer.get(path)), path


async def test_shared_evidence_opens_and_a_picked_share_reveals_nothing_else(client, make_user, browsers):
    org, _ = await new_org()
    student = await adult_student(make_user, name="Pat Picked")
    own = await browsers(student)
    shown = await add_entry(student, title="Wired a panel", hours="3", cluster="construction")
    hidden = await add_entry(student, title="Secret side gig", hours="7", cluster="healthcare-human-services")
    for entry_id in (shown, hidden):
        added = await upload(own, f"/student/experiences/{entry_id}/evidence", ("a.jpg", samples.jpeg_with_gps(), "image/jpeg"))
        assert added.status_code == 303
    [shown_file], [hidden_file] = await rows_for(shown), await rows_for(hidden)
    shown_cert = await add_cert(student, "NCCER Core")
    await add_cert(student, "Forklift Operator")
    await share_with(student, org, [shown], [shown_cert])
    employer = await browsers(await make_user("employer", organization_id=org))

    for suffix in ("thumb", "view", ""):
        path = f"/evidence/{shown_file['id']}/{suffix}".rstrip("/")
        assert (await employer.get(path)).status_code == 200, path
        assert (await employer.get(f"/evidence/{hidden_file['id']}/{suffix}".rstrip("/"))).status_code == 404
    page = await employer.get(f"/employer/students/{student.id}")
    assert page.status_code == 200
    assert "Wired a panel" in page.text and f"/evidence/{shown_file['id']}/thumb" in page.text and "NCCER Core" in page.text
    assert "Secret side gig" not in page.text and f"/evidence/{hidden_file['id']}/" not in page.text
    assert "Forklift" not in page.text and "Healthcare" not in page.text
    assert '<span class="big">0</span> verified hours' in page.text and "· 3 self-reported" in page.text  # not 10
    listing = cards_of((await employer.get("/employer")).text)
    assert "<strong>0</strong> verified hours" in listing and "· 3 self-reported" in listing
    assert "NCCER Core" in listing and "Forklift" not in listing
    assert "Construction" in listing and "Healthcare" not in listing
    # The filters cannot find what was not shared either.
    assert card_ids((await employer.get("/employer?certification=forklift")).text) == []
    assert card_ids((await employer.get("/employer?cluster=healthcare-human-services")).text) == []


async def test_an_employer_opening_files_is_recorded_once_per_file_and_day(make_user, browsers):
    org, org_name = await new_org("Bolt Works")
    student = await adult_student(make_user, name="Flo Files")
    own = await browsers(student)
    entry_id = await add_entry(student, title="Built a shelf")
    for name in ("shelf.jpg", "plan.jpg"):
        added = await upload(own, f"/student/experiences/{entry_id}/evidence", (name, samples.jpeg_with_gps(), "image/jpeg"))
        assert added.status_code == 303
    first, second = await rows_for(entry_id)
    share_id = await share_with(student, org)
    boss = await make_user("employer", organization_id=org, name="Robin Recruiter")
    employer = await browsers(boss)
    kim = await make_user("employer", organization_id=org, name="Kim Colleague")
    colleague = await browsers(kim)

    with clock.fixed(datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)):
        for suffix in ("thumb", "view", "", "thumb"):  # the thumbnail, the view and the original: one opening
            assert (await employer.get(f"/evidence/{first['id']}/{suffix}".rstrip("/"))).status_code == 200
        assert (await employer.get(f"/evidence/{second['id']}")).status_code == 200
        assert (await colleague.get(f"/evidence/{first['id']}/thumb")).status_code == 200
    with clock.fixed(datetime(2026, 3, 3, 15, 0, tzinfo=timezone.utc)):  # the next day at the school
        assert (await employer.get(f"/evidence/{first['id']}/view")).status_code == 200
    # The student opening their own files is no disclosure.
    assert (await own.get(f"/evidence/{first['id']}/view")).status_code == 200

    seen = [(d["kind"], d["viewer"], d["viewer_name"], d["viewer_organization"], d["share"], d["evidence"])
            for d in await disclosures(student.id)]
    assert seen == [
        ("download", boss.id, "Robin Recruiter", org_name, share_id, first["id"]),
        ("download", boss.id, "Robin Recruiter", org_name, share_id, second["id"]),
        ("download", kim.id, "Kim Colleague", org_name, share_id, first["id"]),
        ("download", boss.id, "Robin Recruiter", org_name, share_id, first["id"]),
    ]
    views = await own.get("/student/sharing/views")
    assert "Opened a file" in views.text and "shelf.jpg" in views.text and "plan.jpg" in views.text
    assert "once a day" in views.text


async def test_an_employer_s_pages_are_never_stored(make_user, browsers):
    org, _ = await new_org()
    student = await adult_student(make_user)
    await share_with(student, org)
    employer = await browsers(await make_user("employer", organization_id=org))
    for path in ("/employer", f"/employer/students/{student.id}", "/employer?min_hours=x"):
        response = await employer.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
        assert "x-session-expires" not in response.headers, path


# --- notes and shortlist --------------------------------------------------------------------------

async def test_notes_stay_inside_the_organization(make_user, browsers):
    org, _ = await new_org()
    other_org, _ = await new_org()
    student = await adult_student(make_user)
    await share_with(student, org)
    await share_with(student, other_org)
    author = await make_user("employer", organization_id=org, name="Dana Writer")
    writer = await browsers(author)
    colleague = await browsers(await make_user("employer", organization_id=org))
    rival = await browsers(await make_user("employer", organization_id=other_org))
    path = f"/employer/students/{student.id}"

    added = await writer.post(f"{path}/notes", data={"note": "Strong candidate for the summer role."}, headers=csrf_headers(writer))
    assert added.status_code == 303 and added.headers["location"] == f"{path}#notes"
    fragment = await writer.post(f"{path}/notes", data={"note": f"Check {XSS}"}, headers=csrf_headers(writer) | {"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "Note added." in fragment.text
    assert ESCAPED in fragment.text and XSS not in fragment.text
    empty = await writer.post(f"{path}/notes", data={"note": "   "}, headers=csrf_headers(writer) | {"HX-Request": "true"})
    assert empty.status_code == 422 and "Write a note" in empty.text and 'aria-invalid="true"' in empty.text
    empty_plain = await writer.post(f"{path}/notes", data={"note": ""}, headers=csrf_headers(writer))
    assert empty_plain.status_code == 422 and "<html" in empty_plain.text and "Write a note" in empty_plain.text

    seen = (await colleague.get(path)).text
    assert "Strong candidate for the summer role." in seen and "Dana Writer" in seen and ESCAPED in seen and XSS not in seen
    assert seen.index("Check ") < seen.index("Strong candidate")  # newest first
    other = (await rival.get(path)).text
    assert "Strong candidate" not in other and "No notes yet." in other


async def test_shortlist_on_and_off_and_the_shortlist_filter(make_user, browsers):
    org, _ = await new_org()
    picked, passed = await adult_student(make_user, name="Short Listed"), await adult_student(make_user, name="Not Listed")
    for student in (picked, passed):
        await share_with(student, org)
    first_user = await make_user("employer", organization_id=org)
    employer = await browsers(first_user)
    colleague = await browsers(await make_user("employer", organization_id=org))
    path = f"/employer/students/{picked.id}/shortlist"

    assert "Add to shortlist" in (await employer.get(f"/employer/students/{picked.id}")).text
    on = await employer.post(path, data={"on": "1"}, headers=csrf_headers(employer))
    assert on.status_code == 303 and on.headers["location"] == f"/employer/students/{picked.id}"
    again = await employer.post(path, data={"on": "1"}, headers=csrf_headers(employer) | {"HX-Request": "true"})
    assert again.status_code == 200 and "On your shortlist" in again.text and "Remove from shortlist" in again.text
    assert "<html" not in again.text
    assert await sharing.shortlist(first_user) == {picked.id}  # twice on is still once

    listing = (await colleague.get("/employer")).text  # the whole organization shares one shortlist
    assert sorted(card_ids(listing)) == sorted([picked.id, passed.id])
    assert listing.count("★</span> Shortlisted") == 1
    assert card_ids((await colleague.get("/employer?shortlist=1")).text) == [picked.id]

    off = await colleague.post(path, data={"on": "0"}, headers=csrf_headers(colleague) | {"HX-Request": "true"})
    assert off.status_code == 200 and "Add to shortlist" in off.text
    assert card_ids((await employer.get("/employer?shortlist=1")).text) == []
    assert "★</span> Shortlisted" not in (await employer.get("/employer")).text


# --- filters and sorting --------------------------------------------------------------------------

async def test_filters_and_sort_orders(make_user, browsers):
    org, _ = await new_org()
    first = await adult_student(make_user, name="First Sharer", interests=("healthcare-human-services",))
    second = await adult_student(make_user, name="Second Sharer")
    third = await adult_student(make_user, name="Third Sharer")
    # first: 2 verified construction hours and an OSHA card; second: 10 verified digital hours; third: 5 self-reported.
    await verify(await add_entry(first, hours="2", cluster="construction"))
    await add_cert(first, "OSHA 10-Hour Construction")
    await verify(await add_entry(second, hours="10", cluster="digital-technology"))
    await add_cert(second, "CompTIA A+")
    await add_entry(third, hours="5", cluster="digital-technology")
    for student in (first, second, third):  # shared in this order: third is the newest share
        await share_with(student, org)
    employer = await browsers(await make_user("employer", organization_id=org))

    async def ids(query: str = "") -> list[int]:
        response = await employer.get("/employer" + query)
        assert response.status_code == 200, response.text
        return card_ids(response.text)

    assert await ids() == [second.id, first.id, third.id]  # verified hours, most first
    assert await ids("?sort=hours") == [second.id, first.id, third.id]
    assert await ids("?sort=recent") == [third.id, second.id, first.id]
    assert await ids("?sort=nonsense") == [second.id, first.id, third.id]
    # Cluster: a profile interest or a shared entry's cluster.
    assert await ids("?cluster=digital-technology") == [second.id, third.id]
    assert await ids("?cluster=healthcare-human-services") == [first.id]
    assert await ids("?cluster=construction&sort=recent") == [first.id]
    assert await ids("?cluster=agriculture") == []
    # Minimum verified hours (self-reported hours do not count).
    assert await ids("?min_hours=2") == [second.id, first.id]
    assert await ids("?min_hours=2.25") == [second.id]
    assert await ids("?min_hours=0") == [second.id, first.id, third.id]
    assert await ids("?min_hours=11") == []
    # Certification: part of a name, any case.
    assert await ids("?certification=osha") == [first.id]
    assert await ids("?certification=a%2B") == [second.id]
    assert await ids("?certification=welding") == []
    # Together.
    assert await ids("?cluster=digital-technology&min_hours=1&certification=comptia") == [second.id]
    # A bad value is named and ignored, never a failure.
    bad = await employer.get("/employer?min_hours=lots&cluster=%3Cx%3E")
    assert bad.status_code == 200 and "Enter a number of hours" in bad.text and "Choose a career cluster" in bad.text
    assert card_ids(bad.text) == [second.id, first.id, third.id]
    # The form shows what was chosen, and works as a plain GET form.
    page = (await employer.get("/employer?cluster=digital-technology&min_hours=1&certification=comp&shortlist=1&sort=recent")).text
    assert '<form method="get" action="/employer"' in page
    assert '<option value="digital-technology" selected>' in page and 'value="1"' in page and 'value="comp"' in page
    assert 'name="shortlist" value="1" checked' in page and '<option value="recent" selected>' in page
    assert page.count("<option value=") == 14 + 1 + 2  # 14 clusters, "any", two sorts
    # Each card: name (its link covering the card), headline, verified and self-reported hours in words and as a
    # bar, clusters as chips, certifications, when shared.
    listing = cards_of((await employer.get("/employer?certification=osha")).text)
    for text in ("First Sharer", "<strong>2</strong> verified hours", "· 0 self-reported", '<li class="chip">Healthcare &amp; Human Services</li>',
                 '<li class="chip">Construction</li>', "Certifications: </span>OSHA 10-Hour Construction", "Shared ",
                 '<svg class="split-bar"', '<rect class="split-part" x="0" y="0" width="100.0"'):
        assert text in listing, text


# --- disclosures ----------------------------------------------------------------------------------

async def test_each_portfolio_view_is_one_disclosure_and_the_list_none(make_user, browsers):
    org, org_name = await new_org("Disclosure Testers Inc")
    student = await adult_student(make_user)
    await add_entry(student)
    share_id = await share_with(student, org)
    viewer = await make_user("employer", organization_id=org, name="Vic Viewer")
    employer = await browsers(viewer)
    assert (await employer.get("/employer")).status_code == 200
    assert (await employer.get("/employer?sort=recent&certification=x")).status_code == 200
    assert await disclosures(student.id) == []
    assert (await employer.get(f"/employer/students/{student.id}")).status_code == 200
    [one] = await disclosures(student.id)
    assert (one["kind"], one["viewer"], one["viewer_name"], one["viewer_organization"], one["share"]) == (
        "view", viewer.id, "Vic Viewer", org_name, share_id)
    assert (await employer.get(f"/employer/students/{student.id}")).status_code == 200
    assert len(await disclosures(student.id)) == 2
    # The htmx fragments (shortlist, notes) are not views of the portfolio.
    await employer.post(f"/employer/students/{student.id}/shortlist", data={"on": "1"}, headers=csrf_headers(employer) | {"HX-Request": "true"})
    await employer.post(f"/employer/students/{student.id}/notes", data={"note": "ok"}, headers=csrf_headers(employer) | {"HX-Request": "true"})
    assert len(await disclosures(student.id)) == 2
    # A refused view records nothing.
    await Share.update({Share.revoked_at: datetime.now(timezone.utc)}).where(Share.id == share_id)
    assert (await employer.get(f"/employer/students/{student.id}")).status_code == 404
    assert len(await disclosures(student.id)) == 2
    # The student sees who looked.
    assert [d["viewer_organization"] for d in await sharing.disclosures_of(student)] == [org_name, org_name]


# --- what is shown, and how -----------------------------------------------------------------------

async def test_stored_script_is_escaped_on_the_list_and_the_portfolio(make_user, browsers):
    org, _ = await new_org()
    student = await adult_student(make_user, name=f"Eve {XSS}", headline=f"Hi {XSS}")
    await add_entry(student, title=f"Title {XSS}", reflection=f"Reflection {XSS}")
    await add_cert(student, f"Cert {XSS}")
    await share_with(student, org)
    employer = await browsers(await make_user("employer", organization_id=org))
    await employer.post(f"/employer/students/{student.id}/notes", data={"note": f"Note {XSS}"}, headers=csrf_headers(employer))
    listing = await employer.get("/employer")
    assert XSS not in listing.text
    for text in (f"Eve {ESCAPED}", f"Hi {ESCAPED}", f"Cert {ESCAPED}"):
        assert text in listing.text, text
    page = await employer.get(f"/employer/students/{student.id}")
    assert XSS not in page.text
    for text in (f"Eve {ESCAPED}", f"Hi {ESCAPED}", f"Title {ESCAPED}", f"Reflection {ESCAPED}", f"Note {ESCAPED}", f"Cert {ESCAPED}"):
        assert text in page.text, text


async def test_a_voided_verification_is_never_shown_as_verified(make_user, browsers):
    org, _ = await new_org()
    student = await adult_student(make_user)
    good = await add_entry(student, title="Really verified", hours="4")
    voided = await add_entry(student, title="Voided sign-off", hours="2")
    changed = await add_entry(student, title="Changed after sign-off", hours="1")
    await verify(good, verifier="Kim Lead", method="email_link", verifier_title="Shop foreman", verifier_organization="Acme")
    await verify(voided, voided_at=datetime.now(timezone.utc))
    await verify(changed, content_hash="0" * 64)  # what the verifier saw is not what is there now
    await share_with(student, org)
    employer = await browsers(await make_user("employer", organization_id=org))

    page = (await employer.get(f"/employer/students/{student.id}")).text
    verified_part, self_part = page.split('id="self-heading"')
    assert verified_part.index('id="verified-heading"') < verified_part.index("Really verified")  # verified first
    assert "Really verified" in verified_part
    assert "by a supervisor, from an e-mailed link: Kim Lead, Shop foreman (Acme)" in verified_part
    for title in ("Voided sign-off", "Changed after sign-off"):
        assert title not in verified_part and title in self_part
    assert verified_part.count('class="status status-verified"') == 1
    assert '<span class="big">4</span> verified hours' in page and "· 3 self-reported" in page
    listing = (await employer.get("/employer")).text
    assert "<strong>4</strong> verified hours" in listing and "· 3 self-reported" in listing
    assert card_ids((await employer.get("/employer?min_hours=4.25")).text) == []


# --- a fixed number of queries --------------------------------------------------------------------

async def _student_with_entries(make_user, count: int, org: int) -> int:
    student = await adult_student(make_user, interests=("construction",))
    entry_ids = [await add_entry(student, title=f"Entry {n}", cluster="construction", date=(date.today() - timedelta(days=n + 1)).isoformat())
                 for n in range(count)]
    cert = await add_cert(student)
    for n, entry_id in enumerate(entry_ids):
        await Evidence.insert(
            Evidence(student=student.id, experience=entry_id, storage_key=f"evidence/{student.id}/{uuid.uuid4().hex}/o.jpg",
                     original_name="a.jpg", content_type="image/jpeg", size=1, sha256=f"{n:064x}")
        )
        await verify(entry_id)
    await Evidence.insert(
        Evidence(student=student.id, certification=cert, storage_key=f"evidence/{student.id}/{uuid.uuid4().hex}/c.jpg",
                 original_name="c.jpg", content_type="image/jpeg", size=1, sha256="f" * 64)
    )
    await share_with(student, org)
    return student.id


async def test_the_portfolio_takes_the_same_queries_for_1_or_30_entries(make_user):
    org, _ = await new_org()
    small = await _student_with_entries(make_user, 1, org)
    large = await _student_with_entries(make_user, 30, org)
    counts = {}
    for student_id in (small, large):
        access = sharing.Access(student_id=student_id, everything=True)
        async with counting_queries() as seen:
            pf = await sharing.portfolio(student_id, access)
        counts[student_id] = len(seen)
        assert len(pf["verified"]) in (1, 30) and all(e["evidence"] for e in pf["verified"])
    assert counts[small] == counts[large] > 0


async def test_the_list_takes_the_same_queries_for_1_or_10_students(make_user):
    small_org, _ = await new_org()
    large_org, _ = await new_org()
    await _student_with_entries(make_user, 2, small_org)
    for n in range(10):
        student_id = await _student_with_entries(make_user, 2, large_org)
        if n % 2:  # half of them share picked items
            student = await _load_student(student_id)
            first = await Experience.select(Experience.id).where(Experience.student == student_id).first()
            await share_with(student, large_org, [first["id"]], [])
    counts = {}
    for org in (small_org, large_org):
        employer = await make_user("employer", organization_id=org)
        await sharing.set_shortlisted(employer, (await sharing.shared_with(employer))[0], True)
        async with counting_queries() as seen:
            cards = await sharing.employer_list(employer, cluster="construction", min_hours=1, certification="osha")
        counts[org] = len(seen)
        assert len(cards) == (1 if org == small_org else 10)
        assert all(c["verified_minutes"] == 2 * 150 for c in cards)  # the everything share covers both entries
    assert counts[small_org] == counts[large_org] > 0


async def _load_student(student_id: int):
    from portfolio.services.accounts import load_user

    user = await load_user(student_id)
    assert user is not None
    return user


# --- the shortlist page and checking a PDF --------------------------------------------------------

async def test_the_shortlist_page_shows_the_organization_s_shortlist_only(make_user, browsers):
    org, _ = await new_org()
    other_org, _ = await new_org()
    picked, passed = await adult_student(make_user, name="Picked Person"), await adult_student(make_user, name="Passed Person")
    theirs = await adult_student(make_user, name="Their Pick")
    for student in (picked, passed, theirs):
        await share_with(student, org)
    await share_with(theirs, other_org)
    ours = await make_user("employer", organization_id=org)
    other = await make_user("employer", organization_id=other_org)
    await sharing.set_shortlisted(ours, picked.id, True)
    await sharing.set_shortlisted(other, theirs.id, True)  # the other organization's shortlist

    employer = await browsers(ours)
    empty = await employer.get("/employer/shortlist")  # before: only the own pick
    assert empty.status_code == 200 and empty.headers["cache-control"] == "no-store"
    assert card_ids(empty.text) == [picked.id] and "Their Pick" not in empty.text and "Passed Person" not in empty.text
    assert "★</span> Shortlisted" in empty.text  # the list's own cards
    assert card_ids((await employer.get("/employer?shortlist=1")).text) == [picked.id]  # the same service
    colleague = await browsers(await make_user("employer", organization_id=org))
    await colleague.post(f"/employer/students/{picked.id}/shortlist", data={"on": "0"}, headers=csrf_headers(colleague))
    none = (await employer.get("/employer/shortlist")).text
    assert card_ids(none) == [] and "Nobody is on your shortlist." in none
    # A shortlisted student whose share ended leaves the shortlist page with the share.
    await sharing.set_shortlisted(other, theirs.id, True)
    await Share.update({Share.revoked_at: datetime.now(timezone.utc)}).where((Share.student == theirs.id) & (Share.organization == other_org))
    assert card_ids((await (await browsers(other)).get("/employer/shortlist")).text) == []


async def test_checking_a_pdf_by_its_code_or_link_opens_the_check_page(make_user, browsers):
    org, _ = await new_org()
    student = await adult_student(make_user, name="Pat Printed")
    await share_with(student, org)
    employer = await browsers(await make_user("employer", organization_id=org))
    assert (await employer.get(f"/employer/students/{student.id}/portfolio.pdf")).status_code == 200
    code = (await PortfolioDocument.select(PortfolioDocument.code).where(PortfolioDocument.student == student.id).first())["code"]

    form = await employer.get("/employer/check")
    assert form.status_code == 200 and 'action="/employer/check"' in form.text and '<label for="code">' in form.text
    for typed in (code, f"  {code[:8]} {code[8:]} ", f"https://portfolio.example.org/p/{code}", f"http://testserver.local/p/{code}/"):
        answer = await employer.post("/employer/check", data={"code": typed}, headers=csrf_headers(employer))
        assert answer.status_code == 303 and answer.headers["location"] == f"/p/{code}", typed
    page = await employer.get(f"/p/{code}")
    assert page.status_code == 200 and "Pat Printed" in page.text

    for typed, message in (("", "Enter the 16 letters and digits"), ("not a code", "Enter the 16 letters and digits"),
                           ("https://portfolio.example.org/p/short", "Enter the 16 letters and digits"),
                           (code.swapcase(), "No portfolio PDF has this code"), (XSS, "Enter the 16 letters and digits")):
        wrong = await employer.post("/employer/check", data={"code": typed}, headers=csrf_headers(employer))
        assert wrong.status_code == 422 and message in wrong.text, typed
        assert 'aria-invalid="true"' in wrong.text and 'class="error-summary"' in wrong.text
        assert XSS not in wrong.text
    assert ESCAPED in (await employer.post("/employer/check", data={"code": XSS}, headers=csrf_headers(employer))).text
