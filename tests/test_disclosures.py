"""Who creates disclosure records: outsiders do (supervisors included); the student's school and mentors don't."""

from __future__ import annotations

import uuid

from portfolio.forms.verification import SupervisorForm
from portfolio.services import signoff
from portfolio.tables import Disclosure
from tests import samples
from tests.factories import assign_mentor, new_entry, rows_for, sign_in, upload
from tests.mailbox import link_in, outbox


async def count(student_id: int) -> int:
    return await Disclosure.count().where(Disclosure.student == student_id)


async def test_school_staff_and_mentors_leave_no_disclosure(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    await upload(client, f"/student/experiences/{entry_id}/evidence", ("a.jpg", samples.jpeg_with_gps(), "image/jpeg"))
    [row] = await rows_for(entry_id)
    staff = await make_user("staff")
    mentor = await make_user("mentor")
    await assign_mentor(staff, mentor, student)
    for viewer, page in ((staff, f"/staff/students/{student.id}"), (mentor, f"/mentor/students/{student.id}")):
        async with make_client() as other:
            await sign_in(other, viewer.email)
            assert (await other.get(page)).status_code == 200
            assert (await other.get(f"/evidence/{row['id']}/view")).status_code == 200
    assert (await client.get(f"/evidence/{row['id']}/view")).status_code == 200  # the student too
    assert await count(student.id) == 0


async def test_a_supervisor_reading_a_request_is_recorded(settings, signed_in, client, make_client, emails):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    await signoff.ask_supervisor(
        emails, student, [entry_id],
        SupervisorForm("Dana Boss", "Shop lead", "Acme", f"dana-{uuid.uuid4().hex[:6]}@acme-manufacturing.example"),
    )
    request = await signoff.pending_for_student(student)
    [mail] = await outbox(settings.var_dir, request[0]["supervisor_email"])
    async with make_client() as supervisor:
        opened = await supervisor.get(link_in(mail))
        assert opened.status_code == 303
        page = await supervisor.get(opened.headers["location"])
        assert page.status_code == 200
    [row] = await Disclosure.select().where(Disclosure.student == student.id)
    assert row["kind"] == "verification_link" and row["viewer_name"] == "Dana Boss" and row["viewer_organization"] == "Acme"
    views = await client.get("/student/sharing/views")
    assert "Dana Boss" in views.text and "Read your verification request" in views.text
