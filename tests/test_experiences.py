"""A student logs, edits and deletes experiences; validation; idempotent creates over HTML and JSON."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from portfolio import clock
from portfolio.services import experiences
from portfolio.tables import Experience
from tests.factories import as_entry, csrf_headers, entry, sign_in


async def post_entry(client, htmx: bool = False, **overrides):
    data = entry(**overrides)
    data.setdefault("client_uuid", str(uuid.uuid4()))
    headers = csrf_headers(client) | ({"HX-Request": "true"} if htmx else {})
    return await client.post("/student/experiences", data=data, headers=headers)


async def count(student_id: int) -> int:
    return await Experience.count().where(Experience.student == student_id)


async def test_student_logs_hours_and_sees_the_total(client, signed_in):
    student = await signed_in("student")
    form = await client.get("/student/experiences/new")
    assert form.status_code == 200
    assert 'name="client_uuid"' in form.text and "Advanced Manufacturing" in form.text
    response = await post_entry(client)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/student?saved=")
    dashboard = await client.get(response.headers["location"])
    assert "Shadowed an electrician" in dashboard.text
    # A draft: self-reported, logged, not verified.
    assert '<span class="big">0</span>' in dashboard.text
    assert '<span>Self-reported</span> <strong>2.5 h</strong>' in dashboard.text
    assert '<strong class="logged-hours">2.5</strong>' in dashboard.text
    assert "Job shadow</span> <strong>2.5 h" in dashboard.text
    # Output is escaped.
    page = await client.get(f"/student/experiences/{(await experiences.recent(student))[0]['id']}")
    assert "Wiring is &lt;harder&gt; than it looks &amp; fun." in page.text


async def test_htmx_create_redirects_the_whole_page(client, signed_in):
    await signed_in("student")
    response = await post_entry(client, htmx=True)
    assert response.status_code == 200
    assert response.headers["hx-redirect"].startswith("/student?saved=")


async def test_errors_show_by_the_field_and_keep_what_was_typed(client, signed_in):
    student = await signed_in("student")
    future = (date.today() + timedelta(days=3)).isoformat()
    response = await post_entry(client, htmx=True, date=future, hours="1.1", title="Keep this title")
    assert response.status_code == 422
    assert response.text.lstrip().startswith("{%") is False
    assert "<html" not in response.text  # the fragment alone, swapped in place
    assert "The date cannot be in the future." in response.text
    assert "Use quarter hours" in response.text
    assert 'value="Keep this title"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert await count(student.id) == 0
    plain = await post_entry(client, kind="", hours="abc", cluster="no-such-cluster", organization="")
    assert plain.status_code == 422 and "<html" in plain.text
    for message in ("Choose what kind", "Enter hours as a number", "Choose a career cluster", "Enter the organization"):
        assert message in plain.text


async def test_one_day_holds_at_most_24_hours(client, signed_in):
    student = await signed_in("student")
    day = (date.today() - timedelta(days=2)).isoformat()
    assert (await post_entry(client, date=day, hours="20")).status_code == 303
    over = await post_entry(client, date=day, hours="4.25", title="Too much")
    assert over.status_code == 422
    assert "You already logged 20 hours on this day; at most 4 more fit in 24 hours." in over.text
    assert 'value="Too much"' in over.text
    assert (await post_entry(client, date=day, hours="4")).status_code == 303
    assert (await post_entry(client, hours="24.25")).status_code == 422
    assert (await post_entry(client, hours="0")).status_code == 422
    assert await count(student.id) == 2


async def test_a_repeated_form_post_makes_one_entry(client, signed_in):
    student = await signed_in("student")
    same = str(uuid.uuid4())
    assert (await post_entry(client, client_uuid=same)).status_code == 303
    assert (await post_entry(client, client_uuid=same)).status_code == 303
    assert await count(student.id) == 1
    changed = await post_entry(client, client_uuid=same, title="Edited after saving")
    assert changed.status_code == 409
    assert "already saved with other details" in changed.text
    assert 'value="Edited after saving"' in changed.text
    assert same not in changed.text  # a fresh UUID, so saving again adds the new entry
    assert await count(student.id) == 1


async def test_json_create_is_idempotent(client, signed_in):
    student = await signed_in("student")
    me = await client.get("/api/v1/me")
    assert me.json()["user_id"] == student.id
    body = entry(client_uuid=str(uuid.uuid4()))
    headers = {"x-csrftoken": me.json()["csrf_token"]}
    first = await client.post("/api/v1/experiences", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = await client.post("/api/v1/experiences", json=body, headers=headers)
    assert again.status_code == 200
    assert again.json()["entry"]["id"] == first.json()["entry"]["id"]
    assert first.json()["entry"]["hours"] == 2.5 and first.json()["entry"]["status"] == "draft"
    conflict = await client.post("/api/v1/experiences", json=body | {"hours": "3"}, headers=headers)
    assert conflict.status_code == 409
    invalid = await client.post("/api/v1/experiences", json=entry(client_uuid=str(uuid.uuid4()), hours="25"), headers=headers)
    assert invalid.status_code == 422 and "hours" in invalid.json()["errors"]
    no_uuid = await client.post("/api/v1/experiences", json=entry(), headers=headers)
    assert no_uuid.status_code == 422
    assert await count(student.id) == 1


async def test_the_same_uuid_belongs_to_each_student_separately(client, signed_in, make_client, make_user):
    first = await signed_in("student")
    shared = str(uuid.uuid4())
    assert (await post_entry(client, client_uuid=shared)).status_code == 303
    second = await make_user("student")
    async with make_client() as other:
        await sign_in(other, second.email)
        response = await post_entry(other, client_uuid=shared, title="Someone else's entry")
        assert response.status_code == 303
    assert await count(first.id) == 1 and await count(second.id) == 1


async def test_student_edits_and_deletes_a_draft(client, signed_in):
    student = await signed_in("student")
    await post_entry(client)
    [row] = await experiences.recent(student)
    page = await client.get(f"/student/experiences/{row['id']}")
    assert page.status_code == 200 and "Delete this draft" in page.text
    updated = await client.post(
        f"/student/experiences/{row['id']}", data=entry(hours="3", title="Renamed"), headers=csrf_headers(client)
    )
    assert updated.status_code == 303
    after = await experiences.get(student, row["id"])
    assert after["title"] == "Renamed" and after["minutes"] == 180
    assert after["content_hash"] != row["content_hash"]
    bad = await client.post(
        f"/student/experiences/{row['id']}", data=entry(hours="-1"), headers=csrf_headers(client)
    )
    assert bad.status_code == 422
    assert (await experiences.get(student, row["id"]))["title"] == "Renamed"  # nothing saved was lost
    deleted = await client.post(f"/student/experiences/{row['id']}/delete", headers=csrf_headers(client))
    assert deleted.status_code == 303 and deleted.headers["location"] == "/student?deleted=1"
    assert await count(student.id) == 0


async def test_entries_awaiting_verification_are_locked(client, signed_in):
    student = await signed_in("student")
    await post_entry(client)
    [row] = await experiences.recent(student)
    await Experience.update({Experience.status: "submitted"}).where(Experience.id == row["id"])
    page = await client.get(f"/student/experiences/{row['id']}")
    assert "Delete this draft" not in page.text and f"/student/experiences/{row['id']}/edit" not in page.text
    form = await client.get(f"/student/experiences/{row['id']}/edit")
    assert "Delete this draft" not in form.text and "disabled" in form.text
    edit = await client.post(f"/student/experiences/{row['id']}", data=entry(title="Sneaky"), headers=csrf_headers(client))
    assert edit.status_code == 409
    delete = await client.post(f"/student/experiences/{row['id']}/delete", headers=csrf_headers(client))
    assert delete.status_code == 409
    assert (await experiences.get(student, row["id"]))["title"] == "Shadowed an electrician"


async def test_editing_a_verified_entry_voids_its_verification(client, signed_in):
    from portfolio.tables import SignOff

    student = await signed_in("student")
    await post_entry(client)
    [row] = await experiences.recent(student)
    await Experience.update({Experience.status: "verified"}).where(Experience.id == row["id"])
    await SignOff.insert(SignOff(experience=row["id"], method="mentor", verifier_name="Ms. P", decision="verified",
                                 content_hash=row["content_hash"]))
    same = await client.post(f"/student/experiences/{row['id']}", data=entry(), headers=csrf_headers(client))
    assert same.status_code == 303
    assert (await experiences.get(student, row["id"]))["status"] == "verified"  # saving without a change voids nothing
    warned = await client.post(f"/student/experiences/{row['id']}", data=entry(hours="3"), headers=csrf_headers(client))
    assert warned.status_code == 422 and "Saving this change voids the verification" in warned.text
    assert (await experiences.get(student, row["id"]))["minutes"] == 150  # nothing saved before the student agrees
    edited = await client.post(f"/student/experiences/{row['id']}", data=entry(hours="3") | {"void_ok": "1"},
                               headers=csrf_headers(client))
    assert edited.status_code == 303
    after = await experiences.get(student, row["id"])
    assert after["status"] == "voided" and after["minutes"] == 180
    [signoff] = await SignOff.select().where(SignOff.experience == row["id"])
    assert signoff["voided_at"] is not None


async def test_another_students_entry_is_not_found(client, signed_in, make_user):
    owner = await make_user("student")
    saved = await experiences.create(owner, await as_entry(owner, entry()), uuid.uuid4())
    entry_id = saved.entry["id"]
    await signed_in("student")
    assert (await client.get(f"/student/experiences/{entry_id}")).status_code == 404
    edit = await client.post(f"/student/experiences/{entry_id}", data=entry(title="Hijack"), headers=csrf_headers(client))
    assert edit.status_code == 404
    delete = await client.post(f"/student/experiences/{entry_id}/delete", headers=csrf_headers(client))
    assert delete.status_code == 404
    assert (await experiences.get(owner, entry_id))["title"] == "Shadowed an electrician"


async def test_school_year_totals_leave_out_last_year(signed_in, client):
    student = await signed_in("student")
    school = await experiences.school_of(student)
    today = clock.today_at(school)
    start = experiences.school_year_start(school, today)
    await experiences.create(student, await as_entry(student, entry(date=(start - timedelta(days=1)).isoformat(), hours="5")), uuid.uuid4())
    await experiences.create(student, await as_entry(student, entry(date=start.isoformat(), hours="1.25", kind="site_visit")), uuid.uuid4())
    summary = await experiences.year_summary(student)
    assert summary["total_minutes"] == 75
    assert summary["by_kind"] == [("Site visit", 75)]


async def test_control_characters_never_reach_the_database(client, signed_in):
    student = await signed_in("student")
    response = await post_entry(client, title="Shadow\x00ing day", reflection="Line one\nLine\x00 two\x1b[31m")
    assert response.status_code == 303
    [row] = await experiences.recent(student)
    assert row["title"] == "Shadowing day" and row["reflection"] == "Line one\nLine two[31m"
