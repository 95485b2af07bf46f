"""The weekly timesheet: one e-mail per placement and week, one link; confirm all in one tap, change one entry's
hours or reject one; an entry edited since the page was opened is not confirmed at its old hash."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from portfolio import clock
from portfolio.placement_tables import TimesheetWeek
from portfolio.record_tables import OutboxMessage
from portfolio.services import experiences
from portfolio.services.placements import scope, timesheets
from portfolio.tables import Disclosure, Experience, SignOff
from tests.factories import as_entry, csrf_headers, entry, set_birth
from tests.mailbox import emails_for, link_in, outbox
from tests.placement_factories import SUPERVISOR_EMAIL, activate, last_week, log_at_placement, make_placement


async def placed(settings, make_user, name: str = "Jordan Adult"):
    staff = await make_user("staff")
    student = await make_user("student", name=name)
    await set_birth(student.id, 18)
    placement_id = await make_placement(settings, staff, student)
    await activate(placement_id, student, staff)
    return student, placement_id


async def open_week(client, settings) -> str:
    path = link_in((await outbox(settings.var_dir, SUPERVISOR_EMAIL))[-1])
    opened = await client.get(path)
    assert opened.status_code == 303
    return opened.headers["location"]


def hashes(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="(hash_\d+)" value="([0-9a-f]{64})"', page))


async def test_entries_logged_at_the_placement_belong_to_it(settings, make_user):
    student, placement_id = await placed(settings, make_user)
    inside = await log_at_placement(student, last_week())
    elsewhere = (await experiences.create(student, await as_entry(student, entry(organization="Elsewhere Inc")),
                                          uuid.uuid4())).entry["id"]
    rows = {r["id"]: r["placement"] for r in await Experience.select(Experience.id, Experience.placement)}
    assert rows == {inside: placement_id, elsewhere: None}


async def test_one_e_mail_per_placement_and_week_and_confirm_all_in_one_tap(settings, make_user, make_client):
    student, placement_id = await placed(settings, make_user)
    monday = last_week()
    first, second = await log_at_placement(student, monday, "4"), await log_at_placement(student, monday + timedelta(days=2), "3.5")
    await log_at_placement(student, clock.today_at("America/New_York"), "2")  # this week: not sent until it is over
    emails = emails_for(settings)
    assert await timesheets.send_weekly(emails) == 1
    assert await timesheets.send_weekly(emails) == 0  # never twice
    assert await TimesheetWeek.count() == 1
    mails = [m for m in await outbox(settings.var_dir, SUPERVISOR_EMAIL) if "hours for the week" in m["subject"]]
    assert len(mails) == 1 and "Jordan Adult" in mails[0]["subject"]

    async with make_client() as supervisor:
        path = await open_week(supervisor, settings)
        page = await supervisor.get(path)
        assert page.status_code == 200 and "Confirm all 2" in page.text and "7.5 hours in all" in page.text
        # The student sees that the supervisor read their entries.
        (seen,) = await Disclosure.select().where(Disclosure.student == student.id)
        assert seen["viewer_name"] == "Pat Supervisor" and seen["viewer_organization"] == "Acme Manufacturing"
        done = await supervisor.post(f"{path}/confirm", data=hashes(page.text), headers=csrf_headers(supervisor))
        assert done.status_code == 200 and "2 entries are confirmed" in done.text
        assert (await supervisor.get(path)).status_code == 410  # the week is done: its link too
    signoffs = await SignOff.select().where(SignOff.experience.is_in([first, second]))
    assert {s["method"] for s in signoffs} == {"timesheet"} and len(signoffs) == 2
    current = {r["id"]: r["content_hash"] for r in await Experience.select(Experience.id, Experience.content_hash)}
    assert all(s["content_hash"] == current[s["experience"]] and s["facts_hash"] and s["verifier_email"] == SUPERVISOR_EMAIL
               for s in signoffs)
    assert {r["status"] for r in await Experience.select(Experience.status).where(Experience.id.is_in([first, second]))} == {"verified"}
    assert (await TimesheetWeek.select().first())["done_at"] is not None


async def test_the_supervisor_changes_one_entry_s_hours_and_rejects_another(settings, make_user, make_client):
    student, _ = await placed(settings, make_user)
    monday = last_week()
    changed = await log_at_placement(student, monday, "4", "Deburred parts")
    rejected = await log_at_placement(student, monday + timedelta(days=1), "6", "Not there that day")
    await timesheets.send_weekly(emails_for(settings))
    async with make_client() as supervisor:
        path = await open_week(supervisor, settings)
        page = (await supervisor.get(path)).text
        entry_hashes = hashes(page)
        bad = await supervisor.post(f"{path}/entries/{changed}/hours", data={"hours": "3.1", "hash": entry_hashes[f"hash_{changed}"]},
                                    headers=csrf_headers(supervisor))
        assert bad.status_code == 422 and "quarter hours" in bad.text
        ok = await supervisor.post(f"{path}/entries/{changed}/hours", data={"hours": "3", "hash": entry_hashes[f"hash_{changed}"]},
                                   headers=csrf_headers(supervisor))
        assert ok.status_code == 200 and "Saved" in ok.text
        empty = await supervisor.post(f"{path}/entries/{rejected}/reject", data={"comment": "", "hash": entry_hashes[f"hash_{rejected}"]},
                                      headers=csrf_headers(supervisor))
        assert empty.status_code == 422
        done = await supervisor.post(f"{path}/entries/{rejected}/reject",
                                     data={"comment": "Not at work that day.", "hash": entry_hashes[f"hash_{rejected}"]},
                                     headers=csrf_headers(supervisor))
        assert done.status_code == 200 and "Every entry of the week is answered" in done.text
    rows = {r["id"]: r for r in await Experience.select()}
    assert rows[changed]["minutes"] == 180 and rows[changed]["status"] == "verified"
    assert rows[rejected]["status"] == "rejected" and rows[rejected]["minutes"] == 360
    (sign_changed,) = await SignOff.select().where(SignOff.experience == changed)
    assert sign_changed["content_hash"] == rows[changed]["content_hash"] and "from 4 to 3" in sign_changed["comment"]
    (sign_rejected,) = await SignOff.select().where(SignOff.experience == rejected)
    assert sign_rejected["decision"] == "rejected" and sign_rejected["comment"] == "Not at work that day."
    told = [m for m in await outbox(settings.var_dir, student.email)]
    assert len(told) == 2 and any("changed the hours" in m["subject"] for m in told)


async def test_an_entry_edited_after_the_e_mail_is_not_confirmed_at_its_old_hash(settings, make_user, make_client):
    student, _ = await placed(settings, make_user)
    monday = last_week()
    edited = await log_at_placement(student, monday, "4")
    kept = await log_at_placement(student, monday + timedelta(days=1), "4", "Measured parts")
    await timesheets.send_weekly(emails_for(settings))
    async with make_client() as supervisor:
        path = await open_week(supervisor, settings)
        seen = hashes((await supervisor.get(path)).text)
        await experiences.update(student, edited, await as_entry(student, entry(
            organization="Acme Manufacturing", date=monday.isoformat(), hours="8", title="Ran the lathe", kind="internship")))
        stale = await supervisor.post(f"{path}/confirm", data=seen, headers=csrf_headers(supervisor))
        assert stale.status_code == 409 and "changed by the student" in stale.text and "8 hours" in stale.text
        one = await supervisor.post(f"{path}/entries/{edited}/hours", data={"hours": "4", "hash": seen[f"hash_{edited}"]},
                                    headers=csrf_headers(supervisor))
        assert one.status_code == 409
    statuses = {r["id"]: r["status"] for r in await Experience.select(Experience.id, Experience.status)}
    assert statuses == {edited: "draft", kept: "verified"}
    assert not await SignOff.exists().where(SignOff.experience == edited)


async def test_a_waiting_week_is_reminded_after_three_days_at_most_twice(settings, make_user, client, signed_in):
    student, placement_id = await placed(settings, make_user)
    await log_at_placement(student, last_week())
    emails = emails_for(settings)
    await timesheets.send_weekly(emails)
    assert await timesheets.send_reminders(emails) == 0
    start = clock.now()
    for days, expected in ((3, 1), (4, 0), (6, 1), (9, 0), (30, 0)):
        with clock.fixed(start + timedelta(days=days, minutes=1)):
            assert await timesheets.send_reminders(emails) == expected, days
    subjects = [m["subject"] for m in await OutboxMessage.select(OutboxMessage.subject).where(
        (OutboxMessage.kind == "timesheet") & (OutboxMessage.recipient == SUPERVISOR_EMAIL))]
    assert len(subjects) == 3 and sum(subject.startswith("Reminder") for subject in subjects) == 2
    # Staff see the week waiting on the list and the placement's page.
    await signed_in("staff")
    assert "1 week waiting for the supervisor" in re.sub(r"<[^>]+>", "", (await client.get("/staff/placements")).text)
    assert "Weeks waiting for the supervisor" in (await client.get(f"/staff/placements/{placement_id}")).text


async def test_the_student_logs_hours_from_the_placement_on_the_one_entry_form(settings, make_user, client, signed_in):
    student = await signed_in("student", name="Jordan Adult")
    await set_birth(student.id, 18)
    staff = await make_user("staff")
    placement_id = await make_placement(settings, staff, student)
    # Not under way yet: no "log hours" on the page, and an entry at the partner stays the student's own.
    assert "Log hours for this placement" not in (await client.get(f"/student/placements/{placement_id}")).text
    await activate(placement_id, student, staff)
    page = await client.get(f"/student/placements/{placement_id}")
    assert "Log hours for this placement" in page.text
    form = await client.get(f"/student/placements/{placement_id}/log")
    assert form.status_code == 200 and 'action="/student/experiences"' in form.text
    assert 'value="Acme Manufacturing"' in form.text and 'value="Machining intern"' in form.text
    assert '<option value="internship" selected>' in form.text
    values = dict(re.findall(r'<input[^>]*name="(client_uuid|title|organization|date)"[^>]*value="([^"]*)"', form.text))
    saved = await client.post("/student/experiences", data=values | {"kind": "internship", "hours": "4", "cluster": "construction"},
                              headers=csrf_headers(client))
    assert saved.status_code == 303, saved.text
    (row,) = await Experience.select(Experience.id, Experience.placement, Experience.partner, Experience.organization_name)
    assert row["placement"] == placement_id and row["partner"] is not None
    # Moved to a day before the placement began, the entry is no longer the placement's.
    before = (await scope.by_id(placement_id))["starts_on"] - timedelta(days=1)
    await experiences.update(student, row["id"], await as_entry(student, entry(
        organization="Acme Manufacturing", date=before.isoformat(), hours="4", kind="internship")))
    assert (await Experience.select(Experience.placement).first())["placement"] is None
