"""Signing day over HTTP: staff record a student's commitment, the student sees it on their dashboard and confirms
it (or says it is wrong), and only that student can; another student, staff of another school and a mentor are
refused; it reaches the celebrations page as waiting, then as confirmed."""

from __future__ import annotations

import asyncio

from portfolio.celebration_tables import SigningDay
from tests.celebration_factories import commitment
from tests.factories import browser_of, post


async def test_staff_record_and_the_student_confirms(client, signed_in, make_user, make_client):
    staff = await signed_in("staff")
    student = await make_user("student", name="Robin Lane")
    form = await client.get(f"/staff/students/{student.id}/celebrations")
    assert form.status_code == 200 and "Record a commitment" in form.text
    saved = await post(client, f"/staff/students/{student.id}/signing-days",
                       {"kind": "apprenticeship", "organization": "IBEW Local 98", "detail": "Inside wireman",
                        "signed_on": "2026-05-01"})
    assert saved.status_code == 303
    [row] = await SigningDay.select().where(SigningDay.student == student.id)
    assert (row["school"], row["recorded_by"], row["confirmed_at"]) == (staff.school_id, staff.id, None)
    page = await client.get("/staff/celebrations?from=2026-04-01&to=2026-05-31")
    assert "IBEW Local 98" in page.text and "Waiting for the student" in page.text
    async with browser_of(make_client, student) as theirs:
        dashboard = await theirs.get("/student")
        assert "IBEW Local 98" in dashboard.text and "Yes, confirm" in dashboard.text
        assert (await post(theirs, f"/student/signing-days/{row['id']}/confirm")).status_code == 303
        # A double tap changes nothing; the other answer now is refused.
        assert (await post(theirs, f"/student/signing-days/{row['id']}/confirm")).status_code == 303
        assert (await post(theirs, f"/student/signing-days/{row['id']}/decline")).status_code == 409
    page = await client.get("/staff/celebrations?from=2026-04-01&to=2026-05-31")
    assert "Waiting for the student" not in page.text and ">Confirmed<" in page.text


async def test_a_form_with_problems_comes_back_as_typed(client, signed_in, make_user):
    await signed_in("staff")
    student = await make_user("student")
    again = await post(client, f"/staff/students/{student.id}/signing-days",
                       {"kind": "pirate", "organization": "Black Pearl Co", "signed_on": "soon"})
    assert again.status_code == 422
    assert "Choose what the student committed to." in again.text and 'value="Black Pearl Co"' in again.text
    assert not await SigningDay.exists()


async def test_only_that_student_answers(make_user, make_client, other_school):
    staff = await make_user("staff")
    student = await make_user("student")
    signing_id = await commitment(staff, student)
    for someone in (await make_user("student"), await make_user("mentor")):
        async with browser_of(make_client, someone) as theirs:
            response = await post(theirs, f"/student/signing-days/{signing_id}/confirm")
            assert response.status_code == (404 if "student" in someone.roles else 403)
    assert (await SigningDay.select(SigningDay.confirmed_at).where(SigningDay.id == signing_id).first())["confirmed_at"] is None


async def test_another_school_s_staff_find_nothing(make_user, make_client, other_school):
    staff = await make_user("staff")
    student = await make_user("student")
    signing_id = await commitment(staff, student)
    theirs_staff = await make_user("staff", school_id=other_school)
    async with browser_of(make_client, theirs_staff) as theirs:
        assert (await theirs.get(f"/staff/students/{student.id}/celebrations")).status_code == 404
        recorded = await post(theirs, f"/staff/students/{student.id}/signing-days",
                              {"kind": "college", "organization": "State U", "signed_on": "2026-05-01"})
        assert recorded.status_code == 404
        withdrawn = await post(theirs, f"/staff/students/{student.id}/signing-days/{signing_id}/withdraw")
        assert withdrawn.status_code == 404
        assert "Acme Manufacturing" not in (await theirs.get("/staff/celebrations")).text
    assert await SigningDay.count() == 1
    assert (await SigningDay.select(SigningDay.withdrawn_at).first())["withdrawn_at"] is None


async def test_a_double_tap_records_it_once(client, signed_in, make_user):
    await signed_in("staff")
    student = await make_user("student")
    form = {"kind": "military", "organization": "US Navy", "detail": "Hospital corpsman", "signed_on": "2026-05-01"}
    answers = await asyncio.gather(*[post(client, f"/staff/students/{student.id}/signing-days", form) for _ in range(2)])
    assert [a.status_code for a in answers] == [303, 303]
    assert await SigningDay.count() == 1
