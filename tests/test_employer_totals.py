"""The employer's list sorts by the verified hours each entry keeps (Experience.shown_verified), summed per student
by the database (StudentMinutes), so every write that changes what the one rule says must move the list's totals
and order: sign-offs made, confirmed and voided, facts edited, a file the verifier saw removed. Each step goes
through the app's own services; the kept sums follow even SQL written by hand."""

from __future__ import annotations

import pytest

from portfolio.forms.verification import DecisionForm, OnTheSpotForm, SupervisorForm
from portfolio.services import evidence, experiences, sharing, signoff
from portfolio.storage import make_store
from portfolio.tables import Experience, SignOff, StudentMinutes
from portfolio.vocabulary import Decision
from tests.factories import (
    add_photo,
    as_entry,
    assign_mentor,
    employer_org,
    entry,
    new_entry,
    of_age,
    queue_ids,
    share_with,
)
from tests.mailbox import emails_for


async def test_the_totals_and_order_follow_every_sign_off_and_change(make_user, settings, step):
    emails = emails_for(settings)
    org, _ = await employer_org()
    employer = await make_user("employer", organization_id=org)
    staff, mentor = await make_user("staff"), await make_user("mentor")
    ann, ben = await make_user("student", name="Ann Student"), await make_user("student", name="Ben Student")
    await assign_mentor(staff, mentor, ann, ben)
    for student in (ann, ben):
        await of_age(student)
    panel = await new_entry(ann, title="Wired a panel", hours="2")
    photo = await add_photo(settings, ann, panel)
    kitchen = await new_entry(ben, title="Kitchen shift", hours="3")
    await share_with(ann, org)
    await share_with(ben, org)  # the newest share: first among equal verified hours

    async def totals() -> list[tuple[int, int, int]]:
        return [(c["id"], c["verified_minutes"], c["self_reported_minutes"]) for c in await sharing.employer_list(employer)]

    async def mentor_verifies(student, entry_id: int) -> None:
        await signoff.ask_mentor(emails, student, [entry_id], mentor.id)
        await signoff.decide_as_mentor(emails, mentor, [(await queue_ids(mentor))[entry_id]], DecisionForm(Decision.VERIFIED, ""))

    step("nothing verified: newest share first")
    assert await totals() == [(ben.id, 0, 180), (ann.id, 0, 120)]
    assert (await sharing.employer_page(employer, 1, min_hours=1)).rows == []

    step("a mentor signs Ann's entry off")
    await mentor_verifies(ann, panel)
    assert await totals() == [(ann.id, 120, 0), (ben.id, 0, 180)]
    assert [c["id"] for c in (await sharing.employer_page(employer, 1, min_hours=1)).rows] == [ann.id]

    step("Ann removes the photo her verifier saw")
    await evidence.remove(make_store(settings), ann, photo["id"], void_ok=True)
    assert await totals() == [(ben.id, 0, 180), (ann.id, 0, 120)]

    step("signed off again, then a new reflection keeps it and new hours void it")
    await mentor_verifies(ann, panel)
    assert await totals() == [(ann.id, 120, 0), (ben.id, 0, 180)]
    await experiences.update(ann, panel, await as_entry(ann, entry(title="Wired a panel", hours="2", reflection="Measure twice.")))
    assert await totals() == [(ann.id, 120, 0), (ben.id, 0, 180)]
    await experiences.update(ann, panel, await as_entry(ann, entry(title="Wired a panel", hours="2.5")), void_ok=True)
    assert await totals() == [(ben.id, 0, 180), (ann.id, 0, 150)]

    step("Ben's entry signed on the spot waits; staff confirm it for the supervisor")
    boss = SupervisorForm("Morgan Lee", "Site manager", "Acme", "morgan@acme.example")
    await signoff.verify_on_device(emails, ben, [kitchen], OnTheSpotForm(boss, "", "Morgan Lee"))
    assert await totals() == [(ben.id, 0, 180), (ann.id, 0, 150)]
    signed = await SignOff.select(SignOff.id).where(SignOff.experience == kitchen).first()
    await signoff.confirm_for_supervisor(staff, ben.id, signed["id"])
    assert await totals() == [(ben.id, 180, 0), (ann.id, 0, 150)]
    assert (await sharing.employer_page(employer, 1, min_hours=3)).rows[0]["id"] == ben.id


async def test_a_picked_share_counts_only_its_entries_by_their_stored_state(make_user, settings):
    emails = emails_for(settings)
    org, _ = await employer_org()
    employer = await make_user("employer", organization_id=org)
    student, mentor = await make_user("student"), await make_user("mentor")
    await assign_mentor(await make_user("staff"), mentor, student)
    await of_age(student)
    shown, hidden = await new_entry(student, hours="2"), await new_entry(student, hours="7")
    await signoff.ask_mentor(emails, student, [shown, hidden], mentor.id)
    items = await queue_ids(mentor)
    await signoff.decide_as_mentor(emails, mentor, [items[shown], items[hidden]], DecisionForm(Decision.VERIFIED, ""))
    await share_with(student, org, [shown], [])
    [card] = await sharing.employer_list(employer)
    assert (card["verified_minutes"], card["self_reported_minutes"]) == (120, 0)
    await share_with(student, org)  # and then everything
    [card] = await sharing.employer_list(employer)
    assert (card["verified_minutes"], card["self_reported_minutes"]) == (540, 0)


@pytest.mark.behind_the_apps_back  # marks an entry verified without a sign-off
async def test_the_kept_sums_follow_sql_written_by_hand(make_user):
    """Triggers keep StudentMinutes, not the app: a repair or bulk load in SQL moves the list's totals too."""
    ann, ben = await make_user("student"), await make_user("student")
    first, second = await new_entry(ann, hours="2"), await new_entry(ann, hours="3")

    async def kept() -> dict[int, tuple[int, int]]:
        return {r["student"]: (r["verified"], r["self_reported"]) for r in await StudentMinutes.select()
                if r["verified"] or r["self_reported"]}

    assert await kept() == {ann.id: (0, 300)}
    await Experience.update({Experience.minutes: 60}).where(Experience.id == first)
    assert await kept() == {ann.id: (0, 240)}
    await Experience.update({Experience.shown_verified: True}).where(Experience.id == second)  # as a sign-off would
    assert await kept() == {ann.id: (180, 60)}
    await Experience.update({Experience.status: "rejected"}).where(Experience.id == first)  # a portfolio hides it
    assert await kept() == {ann.id: (180, 0)}
    await Experience.update({Experience.student: ben.id}).where(Experience.id == second)
    assert await kept() == {ben.id: (180, 0)}
    await Experience.delete().where(Experience.id == second)
    assert await kept() == {}
    await Experience.update({Experience.status: "draft", Experience.shown_verified: False}).where(Experience.id == first)
    assert await kept() == {ann.id: (0, 60)}
