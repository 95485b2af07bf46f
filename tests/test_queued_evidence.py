"""Files sent with a new entry: from the new-entry form, and by the offline queue once its entry exists
(POST /api/v1/experiences/{id}/evidence). A repeated client UUID answers the first file and stores nothing."""

from __future__ import annotations

import uuid

from portfolio.services import experiences
from portfolio.storage import make_store
from portfolio.tables import Evidence, Experience
from tests import samples
from tests.factories import as_entry, csrf_headers, entry


async def send_file(client, entry_id: int, data: bytes, client_uuid: str | None, name: str = "IMG_0007.JPG"):
    fields = {"client_uuid": client_uuid} if client_uuid is not None else {}
    return await client.post(
        f"/api/v1/experiences/{entry_id}/evidence",
        data=fields,
        files=[("file", (name, data, "image/jpeg"))],
        headers=csrf_headers(client) | {"Accept": "application/json"},
    )


async def files_of(entry_id: int) -> list[dict]:
    return await Evidence.select().where(Evidence.experience == entry_id).order_by(Evidence.id)


async def test_a_queued_photo_is_stored_once_however_often_it_is_sent(client, signed_in, settings):
    student = await signed_in("student")
    entry_id = (await experiences.create(student, await as_entry(student, entry()), uuid.uuid4())).entry["id"]
    file_uuid = str(uuid.uuid4())

    first = await send_file(client, entry_id, samples.jpeg_with_gps(), file_uuid)
    assert first.status_code == 201, first.text
    sent = first.json()["evidence"]
    assert sent["client_uuid"] == file_uuid and sent["experience"] == entry_id and sent["content_type"] == "image/jpeg"
    stored = await make_store(settings).objects()

    # The answer was lost and the phone sends again (even a different copy of the photo): the first file answers.
    again = await send_file(client, entry_id, samples.jpeg_with_gps(width=80), file_uuid)
    assert again.status_code == 200, again.text
    assert again.json()["evidence"]["id"] == sent["id"]
    assert [row["id"] for row in await files_of(entry_id)] == [sent["id"]]
    assert await make_store(settings).objects() == stored

    # The entry's content hash now covers the file, as for files added on the entry's page.
    row = await Experience.select(Experience.content_hash).where(Experience.id == entry_id).first()
    assert row["content_hash"] != (await experiences.create(student, await as_entry(student, entry()), uuid.uuid4())).entry["content_hash"]


async def test_a_file_uuid_cannot_move_to_another_entry(client, signed_in):
    student = await signed_in("student")
    one = (await experiences.create(student, await as_entry(student, entry()), uuid.uuid4())).entry["id"]
    two = (await experiences.create(student, await as_entry(student, entry(title="Toured a plant")), uuid.uuid4())).entry["id"]
    file_uuid = str(uuid.uuid4())
    assert (await send_file(client, one, samples.png_plain(), file_uuid)).status_code == 201
    moved = await send_file(client, two, samples.png_plain(), file_uuid)
    assert moved.status_code == 409 and moved.json()["error"] == "conflict"
    assert await files_of(two) == []


async def test_refused_files_and_bad_requests_say_why_and_keep_the_entry(client, signed_in, settings):
    student = await signed_in("student")
    entry_id = (await experiences.create(student, await as_entry(student, entry()), uuid.uuid4())).entry["id"]

    renamed = await send_file(client, entry_id, samples.html_renamed(), str(uuid.uuid4()), name="photo.jpg")
    assert renamed.status_code == 422
    assert "file" in renamed.json()["errors"]
    no_uuid = await send_file(client, entry_id, samples.png_plain(), None)
    assert no_uuid.status_code == 422 and "client_uuid" in no_uuid.json()["errors"]
    no_file = await client.post(
        f"/api/v1/experiences/{entry_id}/evidence", data={"client_uuid": str(uuid.uuid4())},
        files=[("other", ("x.txt", b"x", "text/plain"))], headers=csrf_headers(client),
    )
    assert no_file.status_code == 422 and no_file.json()["errors"]["file"] == "Send one file."
    # Not multipart: refused before the body is read (a URL-encoded form would be parsed in memory).
    encoded = await client.post(
        f"/api/v1/experiences/{entry_id}/evidence", data={"client_uuid": str(uuid.uuid4())}, headers=csrf_headers(client)
    )
    assert encoded.status_code == 415 and encoded.json()["detail"] == "Send files as multipart/form-data."

    assert await files_of(entry_id) == [] and await make_store(settings).objects() == {}
    assert (await experiences.get(student, entry_id))["title"] == entry()["title"]


async def test_an_entry_waiting_for_verification_takes_no_queued_file(client, signed_in):
    student = await signed_in("student")
    entry_id = (await experiences.create(student, await as_entry(student, entry()), uuid.uuid4())).entry["id"]
    await Experience.update({Experience.status: "pending"}).where(Experience.id == entry_id)
    locked = await send_file(client, entry_id, samples.png_plain(), str(uuid.uuid4()))
    assert locked.status_code == 409 and locked.json()["error"] == "locked"
    assert await files_of(entry_id) == []


async def test_another_students_entry_is_not_found(client, signed_in, make_user):
    owner = await make_user("student")
    entry_id = (await experiences.create(owner, await as_entry(owner, entry()), uuid.uuid4())).entry["id"]
    await signed_in("student")
    refused = await send_file(client, entry_id, samples.png_plain(), str(uuid.uuid4()))
    assert refused.status_code == 404
    assert await files_of(entry_id) == []


async def post_form(client, files: list[tuple[str, bytes]], file_uuids: list[str], htmx: bool = True, **overrides):
    data = entry(**overrides) | {"client_uuid": overrides.get("client_uuid", str(uuid.uuid4()))}
    fields = data | ({"evidence_uuid": file_uuids} if file_uuids else {})
    parts = [("file", (name, content, "application/octet-stream")) for name, content in files] or [
        ("file", ("", b"", "application/octet-stream"))  # what a browser sends for an empty file input
    ]
    headers = csrf_headers(client) | ({"HX-Request": "true"} if htmx else {})
    return await client.post("/student/experiences", data=fields, files=parts, headers=headers), data


async def test_the_new_entry_form_saves_the_entry_with_its_photos_once(client, signed_in, settings):
    student = await signed_in("student")
    form = await client.get("/student/experiences/new")
    assert 'enctype="multipart/form-data"' in form.text and 'name="file" type="file"' in form.text

    file_uuids = [str(uuid.uuid4()), str(uuid.uuid4())]
    files = [("IMG_0001.JPG", samples.jpeg_with_gps()), ("certificate.pdf", samples.pdf())]
    saved, data = await post_form(client, files, file_uuids)
    assert saved.status_code == 200 and saved.headers["HX-Redirect"].startswith("/student?saved=")
    entry_id = int(saved.headers["HX-Redirect"].split("=")[1])
    rows = await files_of(entry_id)
    assert [str(row["client_uuid"]) for row in rows] == file_uuids
    assert [row["content_type"] for row in rows] == ["image/jpeg", "application/pdf"]

    # The answer did not arrive and the form is sent again: one entry, the same two files.
    again, _ = await post_form(client, files, file_uuids, client_uuid=data["client_uuid"])
    assert again.headers["HX-Redirect"] == saved.headers["HX-Redirect"]
    assert await Experience.count().where(Experience.student == student.id) == 1
    assert [row["id"] for row in await files_of(entry_id)] == [row["id"] for row in rows]
    assert len(await make_store(settings).objects()) == 4  # two originals, two thumbnails

    # The files already stored are not checked again: their UUIDs answer, whatever is sent with them.
    third, _ = await post_form(client, [("IMG_0001.JPG", samples.html_renamed())], file_uuids[:1], client_uuid=data["client_uuid"])
    assert third.headers["HX-Redirect"] == saved.headers["HX-Redirect"]
    assert [row["id"] for row in await files_of(entry_id)] == [row["id"] for row in rows]


async def test_the_new_entry_form_works_without_files(client, signed_in):
    student = await signed_in("student")
    saved, _ = await post_form(client, [], [], htmx=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/student?saved=")
    assert await Experience.count().where(Experience.student == student.id) == 1


async def test_a_refused_file_saves_nothing_and_keeps_what_was_typed(client, signed_in, settings):
    student = await signed_in("student")
    files = [("badge.jpg", samples.svg_renamed())]
    refused, _ = await post_form(client, files, [str(uuid.uuid4())], hours="30", title="Visited <b>the</b> plant")
    assert refused.status_code == 422
    page = refused.text
    assert "badge.jpg" in page and "Nothing was saved yet" in page  # the file's problem
    assert 'id="hours-error"' in page  # and the field's, both at once
    assert 'value="Visited &lt;b&gt;the&lt;/b&gt; plant"' in page
    assert await Experience.count().where(Experience.student == student.id) == 0
    assert await make_store(settings).objects() == {}


async def test_the_new_entry_form_takes_a_small_url_encoded_form_only(client, signed_in):
    """A page from before the form took files still saves; a URL-encoded body over 1 MB is not read."""
    student = await signed_in("student")
    small = await client.post("/student/experiences", data=entry() | {"client_uuid": str(uuid.uuid4())}, headers=csrf_headers(client))
    assert small.status_code == 303
    large = await client.post(
        "/student/experiences", data=entry(reflection="x" * (1024 * 1024)) | {"client_uuid": str(uuid.uuid4())},
        headers=csrf_headers(client),
    )
    assert large.status_code == 413
    assert await Experience.count().where(Experience.student == student.id) == 1
