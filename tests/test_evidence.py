"""Evidence over HTTP: uploads checked by content, location removed, files only for those allowed, on the
local store and on S3 over HTTP."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from PIL import Image

from portfolio import clock
from portfolio.services import certifications, evidence, experiences
from portfolio.storage import make_store
from portfolio.tables import Evidence, Experience
from tests import samples
from tests.factories import (
    as_certification,
    assign_mentor,
    csrf_headers,
    csrf_token,
    entry,
    new_entry,
    only_downloaded,
    rows_for,
    sign_in,
    upload,
)
from tests.s3 import S3Server

GPS_MARKERS = (b"GPSLatitude", b"GPSLongitude", b"40.4461N")


@pytest.fixture(scope="module")
def s3_server():
    server = S3Server().start()
    yield server
    server.stop()


async def stored_bytes(store, key: str) -> bytes:
    return b"".join([chunk async for chunk in store.stream(key)])


def orientation(data: bytes) -> int | None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    return Image.open(io.BytesIO(data)).getexif().get(0x0112)


def has_gps(data: bytes) -> bool:
    import pillow_heif

    pillow_heif.register_heif_opener()
    exif = Image.open(io.BytesIO(data)).getexif()
    # GPSInfo is read where writers put it: in IFD0, or (some) in the Exif sub-IFD.
    return bool(exif.get_ifd(0x8825)) or 0x8825 in exif.get_ifd(0x8769) or any(marker in data for marker in GPS_MARKERS)


@pytest.mark.parametrize(
    ("name", "make", "claimed", "mime"),
    [
        ("IMG_0001.JPG", samples.jpeg_with_gps, "image/jpeg", "image/jpeg"),
        ("gps-under-exif.jpg", samples.jpeg_with_gps_in_exif_ifd, "image/jpeg", "image/jpeg"),
        ("screenshot.png", samples.png_with_location, "image/png", "image/png"),
        ("photo.webp", samples.webp_with_location, "image/webp", "image/webp"),
        ("IMG_0002.HEIC", samples.heic_with_gps, "image/heic", "image/heic"),
        # The name and the browser's claim do not matter: the content decides.
        ("certificate.pdf", samples.jpeg_with_gps, "application/pdf", "image/jpeg"),
    ],
)
async def test_photos_are_stored_without_location(client, signed_in, settings, name, make, claimed, mime):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    before = (await experiences.get(student, entry_id))["content_hash"]
    original = make()
    assert has_gps(original)
    response = await upload(client, f"/student/experiences/{entry_id}/evidence", (name, original, claimed))
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/student/experiences/{entry_id}/edit?added=1#evidence"
    [row] = await rows_for(entry_id)
    assert row["content_type"] == mime and row["original_name"] == name
    store = make_store(settings)
    kept = await stored_bytes(store, row["storage_key"])
    assert not has_gps(kept)
    assert hashlib.sha256(kept).hexdigest() == row["sha256"] and len(kept) == row["size"]
    # Orientation kept (pillow-heif reports HEIC's rotation as already applied, so compare like with like).
    assert orientation(kept) == orientation(original)
    # The entry's hash now covers the file, so a later sign-off covers it too.
    assert (await experiences.get(student, entry_id))["content_hash"] != before

    served = await client.get(f"/evidence/{row['id']}")
    assert served.status_code == 200 and served.content == kept
    assert served.headers["content-type"].startswith(mime)
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["cache-control"] == "private, no-store"
    thumb = await client.get(f"/evidence/{row['id']}/thumb")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.content)).size == (48, 64)  # upright, from a 64 x 48 sideways photo
    view = await client.get(f"/evidence/{row['id']}/view")
    viewed = Image.open(io.BytesIO(view.content))
    assert viewed.format == ("JPEG" if mime in ("image/heic", "image/jpeg") else Image.open(io.BytesIO(kept)).format)
    page = await client.get(f"/student/experiences/{entry_id}/edit?added=1")
    assert f'src="/evidence/{row["id"]}/thumb"' in page.text and "1 file added." in page.text


async def test_a_pdf_gets_a_first_page_preview(client, signed_in):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    response = await upload(
        client, f"/student/experiences/{entry_id}/evidence", ("OSHA card.pdf", samples.pdf(pages=2), "application/pdf"),
        htmx=True,
    )
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="evidence"' in response.text  # the section, swapped in place
    assert "PDF, 2 pages" in response.text
    [row] = await rows_for(entry_id)
    thumb = await client.get(f"/evidence/{row['id']}/thumb")
    assert Image.open(io.BytesIO(thumb.content)).format == "JPEG"
    original = await client.get(f"/evidence/{row['id']}")
    assert only_downloaded(original) and "OSHA%20card.pdf" in original.headers["content-disposition"]


async def test_the_upload_forms_say_pdfs_are_kept_as_they_are(client, signed_in):
    """A PDF is not rewritten (that would break a signed certificate), so the forms say its photos keep
    their location."""
    student = await signed_in("student")
    entry_id = await new_entry(student)
    for page in (f"/student/experiences/{entry_id}/edit", "/student/experiences/new"):
        text = (await client.get(page)).text
        assert "Location data is removed from photos" in text or "location data is removed from photos" in text
        assert "PDFs are kept exactly as they are" in text and "a photo inside a PDF keeps any location it has" in text, page


async def test_a_pdf_that_runs_script_is_only_downloaded_by_everyone_at_the_school(client, signed_in, make_client, make_user):
    """A PDF whose OpenAction is JavaScript: pages show its first page as a picture, and the file itself only
    ever comes as a sandboxed download, for the student, their mentor and their school's staff alike."""
    student = await signed_in("student")
    entry_id = await new_entry(student)
    sent = await upload(client, f"/student/experiences/{entry_id}/evidence", ("card.pdf", samples.pdf_with_open_action_script(), "application/pdf"))
    assert sent.status_code == 303
    [row] = await rows_for(entry_id)
    staff, mentor = await make_user("staff"), await make_user("mentor")
    await assign_mentor(staff, mentor, student)
    paths = [f"/evidence/{row['id']}", f"/evidence/{row['id']}/view"]
    for response in [await client.get(path) for path in paths]:
        assert only_downloaded(response) and response.content == samples.pdf_with_open_action_script()
    for viewer in (staff, mentor):
        async with make_client() as other:
            await sign_in(other, viewer.email)
            for path in paths:
                assert only_downloaded(await other.get(path)), (viewer.roles, path)
    thumb = await client.get(f"/evidence/{row['id']}/thumb")
    assert thumb.headers["content-type"] == "image/jpeg" and thumb.content[:2] == b"\xff\xd8"
    page = await client.get(f"/student/experiences/{entry_id}")
    assert f'src="/evidence/{row["id"]}/thumb"' in page.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", samples.svg_renamed(), "Please choose a photo (JPEG, PNG, WebP or HEIC) or a PDF"),
        ("photo.jpg", samples.html_renamed(), "Please choose a photo (JPEG, PNG, WebP or HEIC) or a PDF"),
        ("empty.jpg", b"", "The file is empty."),
        ("bomb.png", samples.decompression_bomb(), "This image is too large"),
        ("broken.pdf", samples.malformed_pdf(), "This PDF could not be read."),
        ("half.jpg", samples.jpeg_with_gps()[:600], "could not be read"),
    ],
)
async def test_bad_files_are_refused_and_change_nothing(client, signed_in, settings, name, content, message):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    before = await experiences.get(student, entry_id)
    for htmx in (False, True):
        response = await upload(client, f"/student/experiences/{entry_id}/evidence", (name, content, "image/jpeg"), htmx=htmx)
        assert response.status_code == 422
        assert message in response.text, response.text[-800:]
        assert "Nothing already saved was changed." in response.text or "Some files were not added" in response.text
    assert await rows_for(entry_id) == []
    assert await make_store(settings).objects() == {}
    assert await experiences.get(student, entry_id) == before
    leftovers = list((settings.var_dir / "tmp").rglob("*"))
    assert leftovers == []


async def test_over_the_size_limit_is_refused_while_streaming(settings, make_client, make_user):
    small = dataclasses.replace(settings, max_upload_mb=1)
    student = await make_user("student")
    entry_id = await new_entry(student)
    async with make_client(small) as client:
        await sign_in(client, student.email)
        big = samples.jpeg_with_gps() + b"\0" * (2 * 1024 * 1024)
        response = await upload(client, f"/student/experiences/{entry_id}/evidence", ("huge.jpg", big, "image/jpeg"))
        assert response.status_code == 422
        assert "This file is larger than 1 MB." in response.text
        htmx = await upload(client, f"/student/experiences/{entry_id}/evidence", ("huge.jpg", big, "image/jpeg"), htmx=True)
        assert htmx.status_code == 422 and "This file is larger than 1 MB." in htmx.text
    assert await rows_for(entry_id) == []


async def test_no_file_chosen(client, signed_in):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    response = await client.post(
        f"/student/experiences/{entry_id}/evidence", files={"other": ("", b"", "application/octet-stream")},
        headers=csrf_headers(client),
    )
    assert response.status_code == 422 and "Choose a photo or a PDF to add." in response.text


async def test_several_files_at_once_keep_the_good_ones(client, signed_in):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    response = await upload(
        client,
        f"/student/experiences/{entry_id}/evidence",
        ("a.jpg", samples.jpeg_with_gps(), "image/jpeg"),
        ("evil.jpg", samples.svg_renamed(), "image/jpeg"),
        ("b.pdf", samples.pdf(), "application/pdf"),
        htmx=True,
    )
    assert response.status_code == 422
    assert "evil.jpg:" in response.text and "2 files added." in response.text
    assert sorted(r["original_name"] for r in await rows_for(entry_id)) == ["a.jpg", "b.pdf"]


async def test_removing_evidence_deletes_its_files(client, signed_in, settings):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    bare = (await experiences.get(student, entry_id))["content_hash"]
    await upload(client, f"/student/experiences/{entry_id}/evidence", ("IMG.HEIC", samples.heic_with_gps(), "image/heic"))
    [row] = await rows_for(entry_id)
    store = make_store(settings)
    assert sorted(await store.objects()) == sorted(k for k in (row["storage_key"], row["thumb_key"], row["display_key"]) if k)
    assert row["display_key"]  # HEIC gets a JPEG copy browsers can show
    response = await client.post(f"/student/evidence/{row['id']}/delete", headers=csrf_headers(client))
    assert response.status_code == 303
    assert await rows_for(entry_id) == [] and await store.objects() == {}
    assert (await experiences.get(student, entry_id))["content_hash"] == bare


async def test_deleting_a_draft_deletes_its_files(client, signed_in, settings):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    await upload(client, f"/student/experiences/{entry_id}/evidence", ("a.png", samples.png_with_location(), "image/png"))
    assert await make_store(settings).objects()
    response = await client.post(f"/student/experiences/{entry_id}/delete", headers=csrf_headers(client))
    assert response.status_code == 303
    assert await make_store(settings).objects() == {}
    assert await Evidence.count().where(Evidence.student == student.id) == 0


async def test_evidence_of_an_entry_awaiting_verification_cannot_change(client, signed_in):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    await upload(client, f"/student/experiences/{entry_id}/evidence", ("a.jpg", samples.jpeg_with_gps(), "image/jpeg"))
    [row] = await rows_for(entry_id)
    await Experience.update({Experience.status: "submitted"}).where(Experience.id == entry_id)
    refused = await upload(client, f"/student/experiences/{entry_id}/evidence", ("b.jpg", samples.jpeg_with_gps(), "image/jpeg"))
    assert refused.status_code == 422 and "cannot change now" in refused.text
    removed = await client.post(f"/student/evidence/{row['id']}/delete", headers=csrf_headers(client))
    assert removed.status_code == 409
    assert len(await rows_for(entry_id)) == 1
    page = await client.get(f"/student/experiences/{entry_id}/edit")
    assert 'type="file"' not in page.text and ">Remove<" not in page.text


async def test_an_older_sign_off_keeps_what_its_hash_proved_was_seen(client, signed_in):
    """A sign-off from before attested files were kept (only its content hash): a file added afterwards keeps it,
    and it now knows the files its verifier saw (none); a changed fact still voids it."""
    from portfolio.tables import SignOff

    student = await signed_in("student")
    entry_id = await new_entry(student)
    current = await experiences.get(student, entry_id)
    await Experience.update({Experience.status: "verified"}).where(Experience.id == entry_id)
    await SignOff.insert(SignOff(experience=entry_id, method="mentor", verifier_name="Ms. P", decision="verified",
                                 content_hash=current["content_hash"]))
    added = await upload(client, f"/student/experiences/{entry_id}/evidence", ("b.jpg", samples.jpeg_with_gps(), "image/jpeg"))
    assert added.status_code == 303
    assert (await experiences.get(student, entry_id))["status"] == "verified"
    [signoff] = await SignOff.select().where(SignOff.experience == entry_id)
    assert signoff["voided_at"] is None and signoff["facts_hash"] and signoff["evidence_seen"] == []
    edited = await client.post(f"/student/experiences/{entry_id}", data=entry(title="Another title") | {"void_ok": "1"},
                               headers=csrf_headers(client))
    assert edited.status_code == 303
    assert (await experiences.get(student, entry_id))["status"] == "voided"
    [signoff] = await SignOff.select().where(SignOff.experience == entry_id)
    assert signoff["voided_at"] is not None  # kept in the history, marked voided


async def test_who_may_open_evidence(client, signed_in, make_client, make_user, other_school):
    from portfolio.tables import MentorAssignment

    student = await signed_in("student")
    entry_id = await new_entry(student)
    await upload(client, f"/student/experiences/{entry_id}/evidence", ("a.jpg", samples.jpeg_with_gps(), "image/jpeg"))
    [row] = await rows_for(entry_id)
    paths = [f"/evidence/{row['id']}", f"/evidence/{row['id']}/thumb", f"/evidence/{row['id']}/view"]
    assigned = await make_user("mentor")
    await MentorAssignment.insert(MentorAssignment(mentor=assigned.id, student=student.id))
    same_school_staff = await make_user("staff")
    for allowed in (assigned, same_school_staff):
        async with make_client() as visitor:
            await sign_in(visitor, allowed.email)
            for path in paths:
                assert (await visitor.get(path)).status_code == 200, (allowed.roles, path)
    refused = [
        await make_user("student"),
        await make_user("mentor"),  # not assigned to this student
        await make_user("mentor", school_id=other_school),
        await make_user("staff", school_id=other_school),
        await make_user("staff", "mentor", school_id=other_school),
        await make_user("employer"),
        await make_user("admin"),
    ]
    for other in refused:
        roles = tuple(sorted(other.roles))
        async with make_client() as visitor:
            await sign_in(visitor, other.email)
            for path in paths:
                assert (await visitor.get(path)).status_code == 404, (roles, path)
            if roles == ("student",):
                # Another student cannot add to, or remove from, this entry either.
                sneaky = await upload(visitor, f"/student/experiences/{entry_id}/evidence", ("x.jpg", samples.jpeg_with_gps(), "image/jpeg"))
                assert sneaky.status_code == 404
                removal = await visitor.post(f"/student/evidence/{row['id']}/delete", headers=csrf_headers(visitor))
                assert removal.status_code == 404
    async with make_client() as anonymous:
        for path in paths:
            response = await anonymous.get(path)
            assert response.status_code == 303 and response.headers["location"].startswith("/signin")
    assert len(await rows_for(entry_id)) == 1
    assert await evidence.can_view(None, row) is False


async def test_retrying_a_create_after_adding_evidence_is_still_the_same_entry(client, signed_in):
    await signed_in("student")
    body = entry(client_uuid=str(uuid.uuid4()))
    me = (await client.get("/api/v1/me")).json()
    first = await client.post("/api/v1/experiences", json=body, headers={"x-csrftoken": me["csrf_token"]})
    entry_id = first.json()["entry"]["id"]
    await upload(client, f"/student/experiences/{entry_id}/evidence", ("a.jpg", samples.jpeg_with_gps(), "image/jpeg"))
    again = await client.post("/api/v1/experiences", json=body, headers={"x-csrftoken": me["csrf_token"]})
    assert again.status_code == 200 and again.json()["entry"]["id"] == entry_id


async def test_s3_uploads_go_through_checks_and_originals_through_short_urls(settings, s3_server, make_client, make_user):
    bucket = s3_server.new_bucket()
    s3_settings = s3_server.settings(settings, bucket, "district-a")
    student = await make_user("student")
    entry_id = await new_entry(student)
    async with make_client(s3_settings) as client:
        await sign_in(client, student.email)
        page = await client.get("/student")
        assert s3_server.endpoint in page.headers["content-security-policy"]
        response = await upload(client, f"/student/experiences/{entry_id}/evidence", ("a.jpg", samples.jpeg_with_gps(), "image/jpeg"))
        assert response.status_code == 303
        bad = await upload(client, f"/student/experiences/{entry_id}/evidence", ("b.jpg", samples.svg_renamed(), "image/jpeg"))
        assert bad.status_code == 422
        [row] = await rows_for(entry_id)
        keys = sorted(item["Key"] for item in s3_server.client().list_objects_v2(Bucket=bucket)["Contents"])
        assert keys == sorted(f"district-a/{k}" for k in (row["storage_key"], row["thumb_key"]))
        original = await client.get(f"/evidence/{row['id']}")
        assert original.status_code == 303
        url = original.headers["location"]
        assert url.startswith(s3_server.endpoint) and parse_qs(urlparse(url).query)["X-Amz-Expires"] == ["60"]
        async with httpx.AsyncClient() as browser:
            fetched = await browser.get(url)
        assert fetched.status_code == 200 and hashlib.sha256(fetched.content).hexdigest() == row["sha256"]
        assert not has_gps(fetched.content)
        thumb = await client.get(f"/evidence/{row['id']}/thumb")
        assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
        other = await make_user("student")
        async with make_client(s3_settings) as visitor:
            await sign_in(visitor, other.email)
            assert (await visitor.get(f"/evidence/{row['id']}")).status_code == 404
        # A PDF is a download from the bucket's origin too, never shown inline.
        await upload(client, f"/student/experiences/{entry_id}/evidence", ("c.pdf", samples.pdf_with_open_action_script(), "application/pdf"))
        pdf = next(r for r in await rows_for(entry_id) if r["content_type"] == "application/pdf")
        for suffix in ("", "/view"):
            sent = await client.get(f"/evidence/{pdf['id']}{suffix}")
            query = parse_qs(urlparse(sent.headers["location"]).query)
            assert sent.status_code == 303 and query["response-content-disposition"][0].startswith("attachment;")


async def test_certifications_with_evidence_and_expiry_warnings(client, signed_in):
    student = await signed_in("student")
    bad = await client.post(
        "/student/certifications",
        data={"name": "", "issuer": "OSHA", "issued_on": "2999-01-01", "expires_on": "2000-01-01", "verification_url": "javascript:alert(1)"},
        headers=csrf_headers(client),
    )
    assert bad.status_code == 422
    for message in ("Enter the certification", "cannot be in the future", "Enter a web address"):
        assert message in bad.text
    assert 'value="OSHA"' in bad.text
    today = clock.today_at(await experiences.school_of(student))
    created = await client.post(
        "/student/certifications",
        data={"name": "ServSafe Food Handler", "issuer": "National Restaurant Association", "credential_id": "SS-123",
              "issued_on": (today - timedelta(days=700)).isoformat(), "expires_on": (today + timedelta(days=30)).isoformat(),
              "verification_url": "https://www.servsafe.com/verify"},
        headers=csrf_headers(client),
    )
    assert created.status_code == 303
    location = created.headers["location"]
    certification_id = int(location.split("/")[3].split("?")[0])
    page = await client.get(location)
    assert "Now add a scan or PDF of the certificate" in page.text and 'type="file"' in page.text
    response = await upload(client, f"/student/certifications/{certification_id}/evidence", ("card.pdf", samples.pdf(), "application/pdf"))
    assert response.status_code == 303
    assert await Evidence.count().where(Evidence.certification == certification_id) == 1
    dashboard = await client.get("/student")
    assert "ServSafe Food Handler</a> <span class=\"status expiry-soon\">Expires soon</span>" in dashboard.text
    listing = await client.get("/student/certifications")
    assert "ServSafe Food Handler" in listing.text
    later = await certifications.create(student, await as_certification(student, {"name": "OSHA 10", "issuer": "OSHA", "issued_on": today.isoformat()}))
    assert [c["name"] for c in await certifications.expiring(student)] == ["ServSafe Food Handler"]
    assert later["expires_on"] is None
    deleted = await client.post(f"/student/certifications/{certification_id}/delete", headers=csrf_headers(client))
    assert deleted.status_code == 303
    assert await Evidence.count().where(Evidence.certification == certification_id) == 0


async def test_fsck_finds_and_repairs_what_is_safe(client, signed_in, settings):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    await upload(client, f"/student/experiences/{entry_id}/evidence", ("a.jpg", samples.jpeg_with_gps(), "image/jpeg"))
    await upload(client, f"/student/experiences/{entry_id}/evidence", ("b.jpg", samples.jpeg_with_gps(), "image/jpeg"))
    first, second = await rows_for(entry_id)
    store = make_store(settings)
    ours = (f"evidence {first['id']}:", f"evidence {second['id']}:")

    def mine(lines: list[str]) -> list[str]:
        # This test's own rows (the database starts empty), and the orphan it makes below.
        return [line for line in lines if line.startswith(ours) or "999/orphan" in line]

    clean = await evidence.fsck(store)
    assert not mine(clean["missing_original"]) and not mine(clean["missing_preview"]) and not clean["orphaned"]
    await store.delete(first["thumb_key"])
    await store.delete(second["storage_key"])
    stray = settings.var_dir / "stray.bin"
    stray.write_bytes(b"x")
    await store.put_file("evidence/999/orphan/original.jpg", stray, "image/jpeg")
    report = await evidence.fsck(store)
    assert mine(report["missing_preview"]) == [f"evidence {first['id']}: {first['thumb_key']}"]
    assert mine(report["missing_original"]) == [f"evidence {second['id']}: {second['storage_key']}"]
    assert report["orphaned"] == ["evidence/999/orphan/original.jpg"]
    assert not [line for line in report["fixed"] if "orphan" in line]
    # A young orphan may be an upload still being saved: --fix keeps it until it is an hour old.
    await evidence.fsck(store, fix=True)
    assert await store.exists("evidence/999/orphan/original.jpg")
    assert await store.exists(first["thumb_key"])  # made again
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    fixed = await evidence.fsck(store, fix=True, now=later)
    assert "deleted evidence/999/orphan/original.jpg" in fixed["fixed"]
    assert not await store.exists("evidence/999/orphan/original.jpg")
    assert await Evidence.exists().where(Evidence.id == second["id"])  # a lost original is reported, never hidden


async def test_too_large_without_javascript_says_the_limit(settings, make_client, make_user):
    # A plain form carries the CSRF token in its body, so the body is read (and refused) before the route.
    small = dataclasses.replace(settings, max_upload_mb=1)
    student = await make_user("student")
    entry_id = await new_entry(student)
    async with make_client(small) as client:
        await sign_in(client, student.email)
        big = b"\xff\xd8\xff" + b"\0" * (2 * 1024 * 1024)
        response = await client.post(
            f"/student/experiences/{entry_id}/evidence",
            data={"_csrf_token": csrf_token(client)},
            files={"file": ("huge.jpg", big, "image/jpeg")},
        )
        assert response.status_code == 413
        assert "Files can be up to 1 MB each." in response.text
    assert await rows_for(entry_id) == []
