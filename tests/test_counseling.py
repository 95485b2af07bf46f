"""Check-ins and plans: staff of the student's school record and edit check-ins; the student sees their next
steps and plan, never the private notes, and marks only their own steps done; nobody else's staff, and no
other student, reaches any of it; every state change needs the CSRF token."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from portfolio.counseling_tables import CareerPlan, CheckIn, NextStep
from portfolio.errors import NotFound
from portfolio.forms.counseling import PlanForm
from portfolio.services import demo
from portfolio.services.counseling import plans
from portfolio.tables import User
from tests import counseling_factories as cf
from tests.factories import browser_of, mentor_for, new_entry, post, route_table, sign_in

NOTE = "Worried about the move to Denver in March"
COUNSELING = ("/staff/caseload", "/staff/counselors", "/check-ins", "/plan")


def _counseling_routes(settings) -> list[tuple[str, str]]:
    return [(path, method) for path, method, _guards, _roles in route_table(settings)
            if any(part in path for part in COUNSELING)]


def _check_in_form(**overrides) -> dict:
    values = {"held_on": (date.today() - timedelta(days=1)).isoformat(), "kind": "graduation_plan",
              "participants": ["student", "guardian", "counselor"], "notes": NOTE,
              "step-0-what": "Ask Acme about a job shadow", "step-0-owner": "student",
              "step-0-due": (date.today() + timedelta(days=14)).isoformat(), "step-0-id": "",
              "step-1-what": "Send the FAFSA checklist", "step-1-owner": "counselor", "step-1-due": "", "step-1-id": ""}
    return values | overrides


async def test_staff_record_and_edit_a_check_in_the_student_sees_only_its_next_steps(settings, make_user, make_client):
    student, other = await make_user("student", name="Riley Student"), await make_user("student", name="Other One")
    staff, colleague = await make_user("staff", name="Casey Counselor"), await make_user("staff", name="Pat Colleague")
    async with browser_of(make_client, staff) as browser:
        form = await browser.get(f"/staff/students/{student.id}/check-ins/new")
        assert form.status_code == 200 and 'for="step-0-what"' in form.text
        bad = await post(browser, f"/staff/students/{student.id}/check-ins", _check_in_form(kind="", participants=[]))
        assert bad.status_code == 422 and "Choose who took part." in bad.text and NOTE in bad.text
        saved = await post(browser, f"/staff/students/{student.id}/check-ins", _check_in_form())
        assert saved.status_code == 303
        page = await browser.get(f"/staff/students/{student.id}")
        assert NOTE in page.text and "Ask Acme about a job shadow" in page.text and "Individual graduation plan" in page.text
    (check_in,) = await CheckIn.select().where(CheckIn.student == student.id)
    steps = await NextStep.select().where(NextStep.check_in == check_in["id"]).order_by(NextStep.position)
    assert [s["owner"] for s in steps] == ["student", "counselor"] and check_in["participants"] == ["student", "guardian", "counselor"]

    async with browser_of(make_client, student) as mine:
        for path in ("/student", "/student/plan"):
            assert "Ask Acme about a job shadow" in (await mine.get(path)).text, path
        # The private notes are on no page the student can open.
        for path, method, _guards, roles in route_table(settings):
            if method == "GET" and "student" in roles and "{" not in path:
                assert NOTE not in (await mine.get(path)).text, path
        done = await post(mine, f"/student/plan/steps/{steps[0]['id']}/done", {"done": "1"})
        assert done.status_code == 303
        assert "Marked done." in (await mine.get(done.headers["location"])).text
    assert (await NextStep.select(NextStep.done_at).where(NextStep.id == steps[0]["id"]).first())["done_at"]

    # Another student neither sees nor marks it.
    async with browser_of(make_client, other) as theirs:
        for path in ("/student", "/student/plan"):
            assert "Ask Acme" not in (await theirs.get(path)).text
        assert (await post(theirs, f"/student/plan/steps/{steps[1]['id']}/done", {"done": "1"})).status_code == 404
    assert (await NextStep.select(NextStep.done_at).where(NextStep.id == steps[1]["id"]).first())["done_at"] is None

    # A colleague edits it: the done step stays done, a step is added, the edit is dated.
    async with browser_of(make_client, colleague) as browser:
        url = f"/staff/students/{student.id}/check-ins/{check_in['id']}"
        edit = await browser.get(url)
        assert edit.status_code == 200 and NOTE in edit.text
        changed = _check_in_form(notes="Moved after all", **{"step-0-id": str(steps[0]["id"]), "step-0-done": "1",
                                                              "step-1-id": str(steps[1]["id"]), "step-2-what": "Visit the college",
                                                              "step-2-owner": "guardian", "step-2-due": "", "step-2-id": ""})
        assert (await post(browser, url, changed)).status_code == 303
        # Under another student's address, the check-in is not found.
        assert (await browser.get(f"/staff/students/{other.id}/check-ins/{check_in['id']}")).status_code == 404
        assert (await post(browser, f"/staff/students/{other.id}/check-ins/{check_in['id']}", changed)).status_code == 404
    edited = await CheckIn.select().where(CheckIn.id == check_in["id"]).first()
    assert edited["notes"] == "Moved after all" and edited["updated_by"] == colleague.id
    assert edited["updated_at"] > check_in["updated_at"]
    kept = await NextStep.select().where(NextStep.check_in == check_in["id"]).order_by(NextStep.position)
    assert [s["id"] for s in kept[:2]] == [s["id"] for s in steps]  # the student's page still marks the same steps
    assert kept[0]["done_by"] == student.id
    assert [(s["what"], s["done_at"] is not None) for s in kept] == [
        ("Ask Acme about a job shadow", True), ("Send the FAFSA checklist", False), ("Visit the college", False)]


async def test_the_student_s_mentor_never_reads_the_private_notes(make_user, make_client):
    student = await make_user("student")
    mentor = await mentor_for(make_user, student)
    await cf.check_in(student, await make_user("staff"), notes=NOTE, steps=("Step one",))
    await new_entry(student)
    async with browser_of(make_client, mentor) as browser:
        page = await browser.get(f"/mentor/students/{student.id}")
        assert page.status_code == 200 and NOTE not in page.text


async def test_the_student_edits_their_own_plan_and_never_another_s(make_user, make_client):
    student, other = await make_user("student"), await make_user("student")
    async with browser_of(make_client, student) as mine:
        assert (await mine.get("/student/plan/edit")).status_code == 200
        bad = await post(mine, "/student/plan", {"clusters": ["no-such-cluster"], "goal": "astronaut"})
        assert bad.status_code == 422 and "Choose among the career clusters shown." in bad.text
        # A student id riding along changes nothing: the plan posted is always the poster's own.
        saved = await post(mine, f"/student/plan?student_id={other.id}", {
            "clusters": ["construction", "advanced-manufacturing"], "pathway": "Welding, then an apprenticeship",
            "certifications": "OSHA 10\r\nAWS D1.1\r\n\r\nOSHA 10", "goal": "apprenticeship", "student_id": str(other.id)})
        assert saved.status_code == 303
        page = await mine.get("/student/plan")
        assert "Welding, then an apprenticeship" in page.text and "OSHA 10, AWS D1.1" in page.text
        assert "Apprenticeship" in (await mine.get("/student")).text
    plan = await CareerPlan.select().where(CareerPlan.student == student.id).first()
    assert plan["certifications"] == ["OSHA 10", "AWS D1.1"] and plan["updated_by"] == student.id
    assert not await CareerPlan.exists().where(CareerPlan.student == other.id)
    form = PlanForm((), "Taken over", None, (), "military")
    with pytest.raises(NotFound):
        await plans.save(other, student.id, form)
    async with browser_of(make_client, other) as theirs:
        assert "Welding" not in (await theirs.get("/student/plan")).text
        assert (await theirs.get(f"/staff/students/{student.id}/plan")).status_code == 403


async def test_staff_edit_a_student_s_plan_and_another_school_s_staff_find_nothing(settings, make_user, make_client,
                                                                                     other_school):
    student = await make_user("student")
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as browser:
        saved = await post(browser, f"/staff/students/{student.id}/plan", {"pathway": "Nursing", "goal": "two_year_college"})
        assert saved.status_code == 303
        assert "Nursing" in (await browser.get(f"/staff/students/{student.id}")).text
    check_in_id, (step_id,) = await cf.check_in(student, staff, notes=NOTE, steps=("Step one",))
    caseload_id = await cf.on_caseload(staff, student)
    ids = {"student_id": student.id, "check_in_id": check_in_id, "caseload_id": caseload_id, "step_id": step_id}
    theirs = await make_user("staff", school_id=other_school)
    checked = 0
    async with browser_of(make_client, theirs) as other:
        for path, method in _counseling_routes(settings):
            if "{" not in path or path.startswith("/student/"):
                continue
            url = re.sub(r"\{(\w+):int\}", lambda m: str(ids[m.group(1)]), path)
            data = _check_in_form() if "check-ins" in path else {"pathway": "Taken over", "goal": "military"}
            response = await (other.get(url) if method == "GET" else post(other, url, data))
            assert response.status_code == 404, (method, url, response.status_code)
            assert NOTE not in response.text
            checked += 1
        assert "Nursing" not in (await other.get("/staff/caseload")).text
    assert checked >= 7
    assert (await CareerPlan.select(CareerPlan.pathway).where(CareerPlan.student == student.id).first())["pathway"] == "Nursing"
    assert (await CheckIn.select(CheckIn.notes).where(CheckIn.id == check_in_id).first())["notes"] == NOTE
    assert await CheckIn.count() == 1


async def test_every_counseling_form_needs_the_csrf_token(settings, make_user, make_client):
    student, staff = await make_user("student"), await make_user("staff")
    check_in_id, (step_id,) = await cf.check_in(student, staff, steps=("Step one",))
    ids = {"student_id": student.id, "check_in_id": check_in_id, "caseload_id": await cf.on_caseload(staff, student),
           "step_id": step_id}
    posts = [path for path, method in _counseling_routes(settings) if method == "POST"]
    assert len(posts) == 7, posts
    for user, mine in ((staff, "/staff/"), (student, "/student/")):
        async with browser_of(make_client, user) as browser:
            await browser.get("/")
            for path in (p for p in posts if p.startswith(mine)):
                url = re.sub(r"\{(\w+):int\}", lambda m: str(ids[m.group(1)]), path)
                response = await browser.post(url, data=_check_in_form() | {"done": "1", "pathway": "X"})
                assert response.status_code == 403, (url, response.status_code)
    assert await NextStep.select(NextStep.done_at).where(NextStep.id == step_id).first() == {"done_at": None}
    assert await CheckIn.count() == 1 and not await CareerPlan.exists()


async def test_the_demo_counselor_has_a_caseload_check_ins_and_plans(clean_database, hasher, emails, make_client):
    assert await demo.seed(hasher, emails) is True
    jordan = (await User.select(User.id).where(User.email == "student@demo.example").first())["id"]
    async with make_client() as browser:
        assert (await sign_in(browser, "counselor@demo.example", demo.DEMO_PASSWORD)).status_code == 303
        page = await browser.get("/staff/caseload")
        assert page.status_code == 200 and "Jordan" in page.text and "No check-in in 90 days" in page.text
        assert "Mr. Okafor" in (await browser.get("/staff/counselors")).text
        record = await browser.get(f"/staff/students/{jordan}")
        assert "Mother worried about the cost" in record.text and "Welding, then an apprenticeship" in record.text
    async with make_client() as browser:
        assert (await sign_in(browser, "student@demo.example", demo.DEMO_PASSWORD)).status_code == 303
        plan = await browser.get("/student/plan")
        assert "Send the Acme internship application" in plan.text and "AWS D1.1" in plan.text
        assert "Mother worried" not in plan.text
