"""Attendance is verification: staff mark who came and each student's entry exists at once, verified by them;
hours per student re-sign it; unticking undoes it (or voids it, once the student added to it); a mark a phone
sends twice counts once; students, mentors and employers mark nobody; another school's staff see nothing."""

from __future__ import annotations

import asyncio
import html
import re
import uuid
from datetime import time

from portfolio.opportunity_tables import Attendance
from portfolio.services import experiences, sharing
from portfolio.services.attendance import marking
from portfolio.services.attestation import content_hash, facts_hash, fields_of
from portfolio.services.signoff.state import entry_verification
from portfolio.tables import Experience, SignOff
from tests.attendance_factories import confirmed, event, form_done
from tests.factories import as_entry, browser_of, counting_queries, csrf_headers, post, route_table


async def the_entry(student_id: int) -> dict:
    [row] = await Experience.select(*experiences.ENTRY_COLUMNS, Experience.partner, Experience.site,
                                    Experience.start_time, Experience.end_time).where(Experience.student == student_id)
    return row


async def sign_offs(entry_id: int) -> list[dict]:
    return await SignOff.select().where(SignOff.experience == entry_id).order_by(SignOff.id)


async def test_marking_present_makes_one_verified_entry_with_the_session_s_facts(client, signed_in, make_user, school):
    staff = await signed_in("staff", name="Ms. Rivera")
    student = await make_user("student", name="Jordan Lee")
    made = await event(school)
    await confirmed(made["opportunity_id"], student)

    for _ in range(2):  # a second tap (or a second staff member) makes nothing more
        marked = await post(client, f"/staff/sessions/{made['session_id']}/mark", {"student_id": student.id})
        assert marked.status_code == 303
    entry = await the_entry(student.id)
    assert (entry["kind"], entry["title"], entry["organization_name"]) == ("site_visit", "Site visit: Turner Construction", "Turner Construction")
    assert entry["partner"] is not None and entry["cluster_code"] == "construction" and entry["site"] == "1 Main St, Springfield"
    assert (entry["start_time"], entry["end_time"], entry["minutes"]) == (time(9, 0), time(12, 0), 180)
    assert entry["status"] == "verified"
    assert entry["content_hash"] == content_hash(fields_of(entry))
    [signed] = await sign_offs(entry["id"])
    assert (signed["method"], signed["decision"], signed["verifier"], signed["verifier_name"]) == ("attendance", "verified", staff.id, "Ms. Rivera")
    assert signed["content_hash"] == entry["content_hash"] and signed["facts_hash"] == facts_hash(entry)
    assert await Attendance.count().where(Attendance.student == student.id) == 1
    [attendance] = await Attendance.select().where(Attendance.student == student.id)
    assert attendance["experience"] == entry["id"] and attendance["sign_up"] is not None and attendance["marked_by"] == staff.id
    assert (await entry_verification(entry, student.email))["state"] == "verified"
    page = await client.get(f"/staff/sessions/{made['session_id']}")
    assert "1 of 1 here" in re.sub(r"<[^>]+>", "", page.text) and 'aria-pressed="true"' in page.text


async def test_a_multi_partner_event_names_its_partners_count_and_links_none(client, signed_in, make_user, school):
    await signed_in("staff")
    student = await make_user("student")
    made = await event(school, title="Senior Days", kind="career_fair", partners=("A Co", "B Co", "C Co"))
    await post(client, f"/staff/sessions/{made['session_id']}/mark", {"student_id": student.id})
    entry = await the_entry(student.id)
    assert entry["organization_name"] == "Senior Days with 3 partners" and entry["partner"] is None


async def test_hours_per_student_sign_the_entry_again_at_the_new_hash(client, signed_in, make_user, school):
    await signed_in("staff")
    early, late = await make_user("student"), await make_user("student")
    made = await event(school)
    await confirmed(made["opportunity_id"], early, late)
    url = f"/staff/sessions/{made['session_id']}"
    await post(client, f"{url}/mark", {"student_id": early.id})
    before = await the_entry(early.id)

    bad = await post(client, f"{url}/hours", {"student_id": early.id, "hours": "1.3"})
    assert bad.status_code == 422 and "quarter hours" in bad.text and 'value="1.3"' in bad.text
    saved = await post(client, f"{url}/hours", {"student_id": early.id, "hours": "1.5"})
    assert saved.status_code == 303
    after = await the_entry(early.id)
    assert after["minutes"] == 90 and after["content_hash"] != before["content_hash"] and after["status"] == "verified"
    old, new = await sign_offs(after["id"])
    assert old["voided_at"] is not None and new["voided_at"] is None
    assert new["content_hash"] == after["content_hash"] and new["facts_hash"] == facts_hash(after)
    assert (await entry_verification(after, early.email))["state"] == "verified"
    # Before marking: the hours mark the student present with them.
    await post(client, f"{url}/hours", {"student_id": late.id, "hours": "2"})
    assert (await the_entry(late.id))["minutes"] == 120 and await Attendance.exists().where(Attendance.student == late.id)


async def test_unticking_removes_an_untouched_entry_and_voids_one_the_student_added_to(client, signed_in, make_user, school):
    await signed_in("staff")
    untouched, wrote = await make_user("student"), await make_user("student")
    made = await event(school)
    await confirmed(made["opportunity_id"], untouched, wrote)
    url = f"/staff/sessions/{made['session_id']}"
    for student in (untouched, wrote):
        await post(client, f"{url}/mark", {"student_id": student.id})
    entry = await the_entry(wrote.id)
    await experiences.update(wrote, entry["id"], await as_entry(wrote, experiences.as_form(entry) | {"reflection": "Hard hats all day."}))

    gone = await post(client, f"{url}/mark", {"student_id": untouched.id, "present": "0"})
    assert gone.headers["location"].startswith(f"{url}?done=removed")
    assert not await Experience.exists().where(Experience.student == untouched.id)
    kept = await client.post(f"{url}/mark", data={"student_id": wrote.id, "present": "0"}, headers=csrf_headers(client),
                             follow_redirects=True)
    assert "stays theirs, with its verification voided" in html.unescape(kept.text)
    after = await the_entry(wrote.id)
    assert after["status"] == "voided" and after["reflection"] == "Hard hats all day."
    assert all(row["voided_at"] for row in await sign_offs(after["id"]))
    assert await Attendance.count().where(Attendance.session == made["session_id"]) == 0
    # Ticked again (the untick was the mistake): the kept entry is signed again, not made twice.
    await post(client, f"{url}/mark", {"student_id": wrote.id})
    again = await the_entry(wrote.id)
    assert again["id"] == after["id"] and again["status"] == "verified" and again["reflection"] == "Hard hats all day."
    assert await Experience.count().where(Experience.student == wrote.id) == 1
    [marked] = await Attendance.select().where(Attendance.student == wrote.id)
    assert marked["experience"] == after["id"]


async def test_a_reflection_added_to_an_attendance_entry_keeps_it_verified(client, signed_in, make_user, make_client, school):
    student = await signed_in("student")
    made = await event(school)
    await confirmed(made["opportunity_id"], student)
    await marking.mark(await make_user("staff"), made["session_id"], student.id)
    entry = await the_entry(student.id)
    form = experiences.as_form(entry) | {"reflection": "I learned how a crane is inspected."}
    wrote = await post(client, f"/student/experiences/{entry['id']}", form)
    assert wrote.status_code == 303
    after = await the_entry(student.id)
    shown = await entry_verification(after, student.email)
    assert after["status"] == "verified" and shown["state"] == "verified" and shown["reflection_added_after"] is True
    [kept] = (await sharing.portfolio(student.id))["verified"]
    assert kept["reflection_added_after"] is True


async def test_a_mark_the_phone_sends_again_counts_once(client, signed_in, make_user, school):
    await signed_in("staff")
    student, other = await make_user("student"), await make_user("student")
    made = await event(school)
    await confirmed(made["opportunity_id"], student, other)
    url = f"/api/v1/sessions/{made['session_id']}/marks"
    mark = {"client_uuid": str(uuid.uuid4()), "student_id": str(student.id), "present": "1", "method": "roster"}
    token = (await client.get("/api/v1/me")).json()["csrf_token"]
    headers = {"x-csrftoken": token, "Accept": "application/json"}
    first, second = await asyncio.gather(client.post(url, json=mark, headers=headers), client.post(url, json=mark, headers=headers))
    assert sorted((first.status_code, second.status_code)) == [200, 201]
    assert first.json()["entry"]["id"] == second.json()["entry"]["id"]
    again = await client.post(url, json=mark, headers=headers)
    assert again.status_code == 200 and again.json()["entry"]["id"] == first.json()["entry"]["id"]
    assert await Experience.count().where(Experience.student == student.id) == 1
    assert await Attendance.count().where(Attendance.student == student.id) == 1
    # The same UUID for another student is refused, not a second student's mark.
    stolen = await client.post(url, json=mark | {"student_id": str(other.id)}, headers=headers)
    assert stolen.status_code == 409 and not await Attendance.exists().where(Attendance.student == other.id)
    # A body that is no JSON object is the phone's mistake, said as such.
    for body in (b"[1, 2]", b"not json"):
        refused = await client.post(url, content=body, headers=headers | {"Content-Type": "application/json"})
        assert refused.status_code == 400 and refused.json()["detail"] == "Send a JSON object."


async def test_mark_all_present_and_the_counter(client, signed_in, make_user, school):
    await signed_in("staff")
    students = [await make_user("student", name=f"Student {n:02d}") for n in range(30)]
    made = await event(school)
    await confirmed(made["opportunity_id"], *students)
    url = f"/staff/sessions/{made['session_id']}"
    await post(client, f"{url}/mark", {"student_id": students[0].id})
    done = await client.post(f"{url}/all", headers=csrf_headers(client), follow_redirects=True)
    text = re.sub(r"<[^>]+>", "", done.text)
    assert "29 students marked present." in text and "30 of 30 here" in text
    assert await Experience.count().where(Experience.status == "verified") == 30
    assert await SignOff.count().where(SignOff.method == "attendance") == 30


async def test_walk_ins_and_missing_forms_show_on_the_roster(client, signed_in, make_user, school, other_school):
    await signed_in("staff")
    slipped, missing = await make_user("student", name="Avery Slip"), await make_user("student", name="Blake Nope")
    walk_in = await make_user("student", name="Casey Walkin")
    await make_user("student", name="Casey Elsewhere", school_id=other_school)
    made = await event(school, required_forms=("permission_slip", "transportation"))
    slip, _ = await confirmed(made["opportunity_id"], slipped, missing)
    await form_done(slip, "permission_slip")
    await form_done(slip, "transportation")
    url = f"/staff/sessions/{made['session_id']}"
    page = html.unescape((await client.get(url)).text)
    assert page.count("Missing: Permission slip, Transportation form") == 1
    found = html.unescape((await client.get(f"{url}?q=casey")).text)
    assert "Casey Walkin" in found and "Casey Elsewhere" not in found
    await post(client, f"{url}/mark", {"student_id": walk_in.id})
    [attendance] = await Attendance.select().where(Attendance.student == walk_in.id)
    assert attendance["sign_up"] is None
    page = html.unescape((await client.get(url)).text)
    assert "Walk-in" in page and "1 of 3 here" in re.sub(r"<[^>]+>", "", page)


async def test_students_mentors_and_employers_mark_nobody(settings, make_user, make_client, school):
    owner = await make_user("student")
    made = await event(school)
    await confirmed(made["opportunity_id"], owner)
    refused = 0
    for role in ("student", "mentor", "employer"):
        person = owner if role == "student" else await make_user(role)
        async with browser_of(make_client, person) as theirs:
            for path, method, _guards, _roles in route_table(settings):
                if "{session_id:int}" not in path:
                    continue
                url = path.replace("{session_id:int}", str(made["session_id"])).replace(
                    "{opportunity_id:int}", str(made["opportunity_id"]))
                body = {"json": {"student_id": str(owner.id)}} if path.startswith("/api/") else {"data": {"student_id": str(owner.id), "hours": "1"}}
                response = await theirs.request(method, url, headers=csrf_headers(theirs), **body)
                assert response.status_code == 403, (role, method, url, response.status_code)
                refused += 1
    assert refused >= 18
    assert not await Attendance.exists() and not await Experience.exists()


async def test_another_school_s_staff_are_refused_every_session_by_id(settings, make_user, make_client, school, other_school):
    owner = await make_user("student")
    made = await event(school)
    await confirmed(made["opportunity_id"], owner)
    checked = 0
    async with browser_of(make_client, await make_user("staff", school_id=other_school)) as theirs:
        for path, method, _guards, _roles in route_table(settings):
            if "{session_id:int}" not in path:
                continue
            url = path.replace("{session_id:int}", str(made["session_id"])).replace(
                "{opportunity_id:int}", str(made["opportunity_id"]))
            body = {"json": {"student_id": str(owner.id)}} if path.startswith("/api/") else {
                "data": {"student_id": str(owner.id), "hours": "1", "code": "ABCDEFGH"}}
            response = await theirs.request(method, url, headers=csrf_headers(theirs), **body)
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
        # Nor on their own school's session may they mark a student of another school.
        theirs_made = await event(other_school, title="Their visit")
        response = await theirs.post(f"/staff/sessions/{theirs_made['session_id']}/mark", data={"student_id": owner.id},
                                     headers=csrf_headers(theirs))
        assert response.status_code == 404
    assert checked >= 6
    assert not await Attendance.exists() and not await Experience.exists()


async def test_the_roster_s_queries_do_not_grow_with_its_students(client, signed_in, make_user, school):
    await signed_in("staff")
    made = await event(school, required_forms=("permission_slip",))
    url = f"/staff/sessions/{made['session_id']}"

    async def count() -> int:
        async with counting_queries() as seen:
            assert (await client.get(url)).status_code == 200
        return len(seen)

    students = [await make_user("student", name=f"S{n}") for n in range(3)]
    await confirmed(made["opportunity_id"], *students)
    await post(client, f"{url}/mark", {"student_id": students[0].id})
    few = await count()
    more = [await make_user("student", name=f"T{n}") for n in range(12)]
    await confirmed(made["opportunity_id"], *more)
    for student in more[:6]:
        await post(client, f"{url}/mark", {"student_id": student.id})
    assert await count() == few


async def test_the_demo_has_an_attended_site_visit_and_a_roster_to_tick(clean_database, hasher, emails):
    from portfolio.opportunity_tables import OpportunitySession
    from portfolio.services import demo
    from portfolio.services.accounts import load_user
    from portfolio.tables import User

    assert await demo.seed(hasher, emails)
    jordan = await User.select(User.id, User.email).where(User.email == "student@demo.example").first()
    [visit] = await Experience.select(*experiences.ENTRY_COLUMNS).where(
        (Experience.student == jordan["id"]) & (Experience.title == "Site visit: Tri-County Builders job site"))
    [signed] = await sign_offs(visit["id"])
    assert visit["status"] == "verified" and signed["method"] == "attendance" and signed["verifier_name"] == "Mr. Okafor (counselor)"
    assert visit["organization_name"] == "Tri-County Builders Association"
    counselor = await load_user((await User.select(User.id).where(User.email == "counselor@demo.example").first())["id"])
    days = await OpportunitySession.select(OpportunitySession.id).where(OpportunitySession.opportunity.title == "Career Showcase Expo").first()
    from portfolio.services.attendance import roster
    found = await roster.roster(counselor, days["id"])
    assert (found["present"], found["total"]) == (0, 6) and found["students"][0]["missing_forms"] == ["Permission slip"]


async def test_only_the_roster_may_use_the_camera_and_an_admin_opens_any_school_s(client, signed_in, make_user, school):
    admin = await signed_in("admin")
    student = await make_user("student")
    made = await event(school)
    roster = await client.get(f"/staff/sessions/{made['session_id']}")
    assert roster.status_code == 200 and "camera=(self)" in roster.headers["permissions-policy"]
    assert roster.headers["cache-control"] == "no-store"
    assert "camera=()" in (await client.get("/admin")).headers["permissions-policy"]
    await post(client, f"/staff/sessions/{made['session_id']}/mark", {"student_id": student.id})
    [signed] = await sign_offs((await the_entry(student.id))["id"])
    assert signed["verifier"] == admin.id


async def test_two_phones_marking_the_same_student_at_once_make_one_entry(client, signed_in, make_user, make_client, school):
    staff = await signed_in("staff")
    student = await make_user("student")
    made = await event(school)
    await confirmed(made["opportunity_id"], student)
    url = f"/api/v1/sessions/{made['session_id']}/marks"
    async with browser_of(make_client, staff) as second:
        calls = []
        for phone in (client, second):
            token = (await phone.get("/api/v1/me")).json()["csrf_token"]
            mark = {"client_uuid": str(uuid.uuid4()), "student_id": str(student.id)}
            calls.append(phone.post(url, json=mark, headers={"x-csrftoken": token, "Accept": "application/json"}))
        answers = await asyncio.gather(*calls)
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].json()["entry"]["id"] == answers[1].json()["entry"]["id"]
    assert await Experience.count().where(Experience.student == student.id) == 1


async def test_a_cancelled_session_or_one_still_to_come_marks_nobody(client, signed_in, make_user, school):
    await signed_in("staff")
    student = await make_user("student")
    from datetime import datetime, timedelta, timezone

    from portfolio.opportunity_tables import OpportunitySession

    later = await event(school, starts_at=datetime.now(timezone.utc) + timedelta(days=3))
    cancelled = await event(school)
    await OpportunitySession.update({OpportunitySession.cancelled_at: datetime.now(timezone.utc)}).where(
        OpportunitySession.id == cancelled["session_id"])
    for made, why in ((later, "mark who came on the day"), (cancelled, "This session was cancelled")):
        await confirmed(made["opportunity_id"], student)
        refused = await post(client, f"/staff/sessions/{made['session_id']}/mark", {"student_id": student.id})
        assert refused.status_code == 422 and why in html.unescape(refused.text)
        assert (await post(client, f"/staff/sessions/{made['session_id']}/all")).status_code == 422
    assert not await Attendance.exists() and not await Experience.exists()
