"""The supervisor's evaluation at a placement's end, on the school's rubric (data staff edit: an evaluation keeps
the words it was given with), seen by the student and, when shared, by an employer as the supervisor's."""

from __future__ import annotations

from datetime import timedelta

from portfolio import clock
from portfolio.placement_tables import Evaluation, EvaluationScore, Placement, RubricCriterion
from portfolio.services.placements import evaluations
from tests.factories import browser_of, csrf_headers, employer_org, new_entry, post, set_birth
from tests.mailbox import emails_for, link_in, outbox
from tests.placement_factories import SUPERVISOR_EMAIL, activate, make_placement


async def ending_placement(settings, staff, student) -> int:
    """A placement under way whose last day is today."""
    await set_birth(student.id, 18)
    today = clock.today_at("America/New_York")
    placement_id = await make_placement(settings, staff, student, ends_on=today.isoformat())
    await activate(placement_id, student, staff)
    return placement_id


def scores(criteria: list[dict], level: int = 3) -> dict[str, str]:
    return {f"score_{c['id']}": str(level) for c in criteria}


async def evaluate(make_client, settings, school_id: int, **extra) -> None:
    criteria = await evaluations.rubric(school_id)
    async with make_client() as supervisor:
        opened = await supervisor.get(link_in((await outbox(settings.var_dir, SUPERVISOR_EMAIL))[-1]))
        path = opened.headers["location"]
        page = await supervisor.get(path)
        assert page.status_code == 200 and all(c["name"] in page.text for c in criteria)
        missing = await supervisor.post(f"{path}/evaluate", data={"name": "Pat Supervisor"}, headers=csrf_headers(supervisor))
        assert missing.status_code == 422 and "Choose a level from 1 to 4" in missing.text
        done = await supervisor.post(f"{path}/evaluate", data={"name": "Pat Supervisor", "title": "Shop lead"} | scores(criteria) | extra,
                                     headers=csrf_headers(supervisor))
        assert done.status_code == 200 and "evaluation is recorded" in done.text
        assert (await supervisor.get(path)).status_code == 410  # once


async def test_the_supervisor_is_asked_once_in_the_last_week_and_evaluates(settings, make_user, make_client, client, signed_in):
    student = await signed_in("student", name="Jordan Adult")
    staff = await make_user("staff")
    placement_id = await ending_placement(settings, staff, student)
    emails = emails_for(settings)
    assert await evaluations.send_requests(emails) == 1
    assert await evaluations.send_requests(emails) == 0
    criteria = await evaluations.rubric(staff.school_id)
    assert [c["name"] for c in criteria][:2] == ["Communication", "Teamwork"] and len(criteria) == 6
    first = criteria[0]["id"]
    await evaluate(make_client, settings, staff.school_id, **{f"comment_{first}": "Clear and polite with customers."})
    (given,) = await Evaluation.select()
    assert given["supervisor_name"] == "Pat Supervisor" and given["supervisor_organization"] == "Acme Manufacturing"
    assert await EvaluationScore.count() == 6
    page = await client.get(f"/student/placements/{placement_id}")
    assert "Supervisor's evaluation" in page.text and "Clear and polite with customers." in page.text
    assert "3 of 4" in page.text and "Proficient" in page.text
    # After its last day the placement is ended by the job.
    with clock.fixed(clock.now() + timedelta(days=2)):
        await evaluations.send_requests(emails)
    assert (await Placement.select(Placement.status).first())["status"] == "ended"


async def test_a_rubric_changed_while_the_supervisor_fills_it_in_is_shown_again(settings, make_user, make_client):
    staff = await make_user("staff")
    await ending_placement(settings, staff, await make_user("student"))
    await evaluations.send_requests(emails_for(settings))
    criteria = await evaluations.rubric(staff.school_id)
    async with make_client() as supervisor:
        opened = await supervisor.get(link_in((await outbox(settings.var_dir, SUPERVISOR_EMAIL))[-1]))
        path = opened.headers["location"]
        await supervisor.get(path)
        await RubricCriterion.insert(RubricCriterion(school=staff.school_id, name="Safety", level_1="a", level_2="b",
                                                     level_3="c", level_4="d", position=9, created_at=clock.now()))
        again = await supervisor.post(f"{path}/evaluate", data={"name": "Pat"} | scores(criteria), headers=csrf_headers(supervisor))
        # The new skill is asked for; the scores given are kept.
        assert again.status_code == 422 and "Safety" in again.text and "Choose a level from 1 to 4" in again.text
        assert again.text.count('value="3" checked') == len(criteria)
        assert 'value="Pat"' in again.text
    assert not await Evaluation.exists()


async def test_staff_edit_the_rubric_and_an_evaluation_keeps_its_criteria(settings, make_user, make_client, client, signed_in,
                                                                          other_school):
    staff = await signed_in("staff")
    student = await make_user("student")
    placement_id = await ending_placement(settings, staff, student)
    await evaluations.send_requests(emails_for(settings))
    await evaluate(make_client, settings, staff.school_id)
    criteria = await evaluations.rubric(staff.school_id)
    communication, initiative = criteria[0], criteria[4]
    assert (await client.get("/staff/school/rubric")).status_code == 200
    renamed = {"name": "Speaking and listening", "description": "", "level_1": "Not yet", "level_2": "Sometimes",
               "level_3": "Usually", "level_4": "Always"}
    assert (await post(client, f"/staff/school/rubric/{communication['id']}", renamed)).status_code == 303
    assert (await post(client, f"/staff/school/rubric/{initiative['id']}", {"retire": "1"})).status_code == 303
    bad = await post(client, "/staff/school/rubric", {"name": "Safety"})
    assert bad.status_code == 422 and "Name level 1" in bad.text
    added = await post(client, "/staff/school/rubric", {"name": "Safety", "level_1": "a", "level_2": "b", "level_3": "c", "level_4": "d"})
    assert added.status_code == 303
    now_active = [c["name"] for c in await evaluations.rubric(staff.school_id)]
    assert now_active == ["Speaking and listening", "Teamwork", "Problem solving", "Professionalism and dependability",
                          "Technical skills", "Safety"]
    page = await client.get(f"/staff/placements/{placement_id}")
    assert "Communication" in page.text and "Speaking and listening" not in page.text and "Initiative" in page.text
    # Another school's staff cannot touch this school's rubric.
    async with browser_of(make_client, await make_user("staff", school_id=other_school)) as theirs:
        response = await post(theirs, f"/staff/school/rubric/{communication['id']}", {"retire": "1"})
        assert response.status_code == 404
    assert (await RubricCriterion.select().where(RubricCriterion.id == communication["id"]).first())["retired_at"] is None


async def test_a_shared_evaluation_is_shown_to_the_employer_as_the_supervisor_s(settings, make_user, make_client, client, signed_in):
    student = await signed_in("student", name="Jordan Adult")
    await ending_placement(settings, await make_user("staff"), student)
    await evaluations.send_requests(emails_for(settings))
    await evaluate(make_client, settings, student.school_id)
    (given,) = await Evaluation.select()
    organization, _ = await employer_org()
    employer = await make_user("employer", organization_id=organization)
    form = await client.get("/student/sharing")
    assert "Supervisors' evaluations to pick" in form.text
    shared = await post(client, "/student/sharing", {"audience": "organization", "organization": str(organization), "days": "30",
                                                     "scope": "picked", "evaluations": str(given["id"])})
    assert shared.status_code == 303, shared.text
    async with browser_of(make_client, employer) as theirs:
        page = await theirs.get(f"/employer/students/{student.id}")
        assert page.status_code == 200
        assert "Supervisors' evaluations" in page.text and "Given by the supervisor" in page.text
        assert "Pat Supervisor" in page.text and "Acme Manufacturing" in page.text
    # A share that did not pick it does not show it.
    other, _ = await employer_org()
    picked = await post(client, "/student/sharing", {"audience": "organization", "organization": str(other), "days": "30",
                                                     "scope": "picked", "experiences": str(await new_entry(student))})
    assert picked.status_code == 303
    async with browser_of(make_client, await make_user("employer", organization_id=other)) as stranger:
        assert "Given by the supervisor" not in (await stranger.get(f"/employer/students/{student.id}")).text
