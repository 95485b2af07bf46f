"""Relationship owners: partners and open follow-ups handed to a colleague when staff leave (deactivation or the
staff role taken away), the derived list of what nobody looks after and taking it, and partners going cold."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

from portfolio.errors import FormErrors, NotEditable, NotFound
from portfolio.forms.partners import parse_filter
from portfolio.forms.people import RoleChange
from portfolio.partner_tables import FollowUp, PartnerHandoff, PartnerOwner, PartnerSchool
from portfolio.record_tables import AuditEvent
from portfolio.services import demo, people
from portfolio.services.accounts import load_user
from portfolio.services.partners import cold, directory, export, follow_ups, owners
from portfolio.tables import Experience, School, User
from portfolio.vocabulary import Role
from tests.factories import new_entry, post, sign_in
from tests.test_interactions import TODAY, add_partner, log


async def owners_of(partner: int) -> list[int]:
    return sorted(r["staff"] for r in await PartnerOwner.select(PartnerOwner.staff).where(PartnerOwner.partner == partner))


async def leaver_with_partners(make_user):
    """Ann owns three partners (one shared with Bob) and two open follow-ups and one done one."""
    ann, bob = await make_user("staff", name="Ann Leaving"), await make_user("staff", name="Bob Staying")
    first, second, shared = await add_partner(ann, "First Co"), await add_partner(ann, "Second Co"), await add_partner(ann, "Shared Co")
    await PartnerOwner.insert(PartnerOwner(partner=shared, staff=bob.id))
    due = (TODAY + timedelta(days=3)).isoformat()
    for partner in (first, first, second):
        await log(ann, partner, follow_up="Send the MOU", owner=str(ann.id), due_on=due)
    done = (await FollowUp.select(FollowUp.id).where(FollowUp.interaction.partner == second).first())["id"]
    await follow_ups.set_done(ann, second, done, True)
    return ann, bob, (first, second, shared)


async def test_deactivating_hands_partners_and_open_follow_ups_to_the_colleague_chosen(make_user):
    ann, bob, (first, second, shared) = await leaver_with_partners(make_user)
    admin = await make_user("admin")
    page = await people.person(admin, ann.id)
    assert page["handover"].words == "3 partners and 2 open follow-ups"
    assert page["colleagues"] == {bob.id: "Bob Staying"}  # never Ann herself, nor the admin without a school role
    await people.deactivate(admin, ann.id, colleague=bob.id)
    assert [await owners_of(p) for p in (first, second, shared)] == [[bob.id], [bob.id], [bob.id]]  # no duplicate row
    still = await FollowUp.select(FollowUp.owner, FollowUp.done_at).order_by(FollowUp.id)
    assert [(r["owner"], r["done_at"] is None) for r in still] == [(bob.id, True), (bob.id, True), (ann.id, False)]
    event = await AuditEvent.select().where(AuditEvent.action == "partners.handed_over").first()
    detail = json.loads(event["detail"]) if isinstance(event["detail"], str) else event["detail"]
    assert event["actor"] == admin.id and detail == {"from_user": ann.id, "to_user": bob.id, "partners": 3,
                                                               "follow_ups": 2}
    history = await owners.history(first)
    assert [(h["from_name"], h["to_name"], h["partners"], h["follow_ups"]) for h in history] == [
        ("Ann Leaving", "Bob Staying", 1, 2)]
    assert await PartnerHandoff.count() == 3
    assert (await owners.ownerless(bob)).any is False


async def test_with_something_to_hand_over_a_colleague_must_be_chosen(make_user):
    ann, bob, (first, _, _) = await leaver_with_partners(make_user)
    boss = await make_user("staff")
    with pytest.raises(FormErrors) as refused:
        await people.deactivate(boss, ann.id)
    assert refused.value.errors == {"colleague": "Choose a colleague to hand 3 partners and 2 open follow-ups to."}
    assert (await User.select(User.active).where(User.id == ann.id).first())["active"] is True
    assert await owners_of(first) == [ann.id]


@pytest.mark.parametrize("who", ["other_school_staff", "student", "inactive_staff", "the_leaver", "no_such"])
async def test_a_forged_colleague_is_refused_and_nothing_moves(make_user, other_school, who):
    ann, bob, (first, _, _) = await leaver_with_partners(make_user)
    forged = {
        "other_school_staff": lambda: make_user("staff", school_id=other_school),
        "student": lambda: make_user("student"),
        "inactive_staff": lambda: make_user("staff"),
        "the_leaver": None, "no_such": None,
    }[who]
    colleague = (await forged()).id if forged else (ann.id if who == "the_leaver" else 999_999)
    if who == "inactive_staff":
        await User.update({User.active: False}).where(User.id == colleague)
    with pytest.raises(FormErrors) as refused:
        await people.deactivate(bob, ann.id, colleague=colleague)
    assert refused.value.errors == {"colleague": owners.NOT_A_COLLEAGUE}
    assert (await User.select(User.active).where(User.id == ann.id).first())["active"] is True
    assert await owners_of(first) == [ann.id] and await PartnerHandoff.count() == 0


async def test_with_no_colleague_at_all_the_account_still_closes_and_its_partners_wait_to_be_taken(make_user):
    ann, admin = await make_user("staff"), await make_user("admin")
    partner = await add_partner(ann, "Lonely Co")
    assert (await people.person(admin, ann.id))["colleagues"] == {}
    await people.deactivate(admin, ann.id)
    assert [p["id"] for p in (await owners.ownerless(admin)).partners] == [partner]
    assert await PartnerHandoff.count() == 0


async def test_nothing_to_hand_over_asks_for_nobody(make_user):
    ann, bob = await make_user("staff"), await make_user("staff")
    assert not (await people.person(bob, ann.id))["handover"].any
    await people.deactivate(bob, ann.id)
    assert (await User.select(User.active).where(User.id == ann.id).first())["active"] is False


async def test_taking_the_staff_role_away_hands_over_too(make_user):
    ann, bob, (first, _, _) = await leaver_with_partners(make_user)
    boss = await make_user("staff")
    with pytest.raises(FormErrors) as refused:
        await people.set_roles(boss, ann.id, RoleChange((Role.MENTOR,)))
    assert "colleague" in refused.value.errors and await User.select(User.roles).where(User.id == ann.id).first() == {
        "roles": ["staff"]}
    # Roles that keep her staff hand nothing over.
    assert await people.set_roles(boss, ann.id, RoleChange((Role.MENTOR, Role.STAFF)))
    assert await owners_of(first) == [ann.id]
    assert await people.set_roles(boss, ann.id, RoleChange((Role.MENTOR,), colleague=bob.id))
    assert await owners_of(first) == [bob.id]
    assert await FollowUp.count().where((FollowUp.owner == ann.id) & FollowUp.done_at.is_null()) == 0


async def test_what_nobody_looks_after_is_derived_and_empties_when_taken(make_user, other_school):
    ann, bob, (first, second, shared) = await leaver_with_partners(make_user)
    await PartnerSchool.update({PartnerSchool.status: "former"}).where(PartnerSchool.id == second)
    # A deactivation nobody chose a colleague for (a roster import, the command line, older data).
    await User.update({User.active: False}).where(User.id == ann.id)
    found = await owners.ownerless(bob)
    # Shared Co has Bob; Second Co is a former partner; First Co's two open follow-ups were Ann's.
    assert [p["id"] for p in found.partners] == [first] and found.partner_count == 1
    assert found.follow_up_count == 2 and {f["partner_id"] for f in found.follow_ups} == {first}
    stranger = await make_user("staff", school_id=other_school)
    assert not (await owners.ownerless(stranger)).any
    with pytest.raises(NotFound):
        await owners.take_partner(stranger, first)
    with pytest.raises(NotFound):
        await owners.take_follow_up(stranger, first, found.follow_ups[0]["id"])
    admin = await make_user("admin")
    seen = await owners.ownerless(admin)
    assert seen.partners[0]["school_name"] == "Test Career Center" and seen.staff == {bob.school_id: {bob.id: "Bob Staying"}}
    with pytest.raises(FormErrors):  # an administrator names someone on that school's staff, never another's
        await owners.take_partner(admin, first, stranger.id)
    await owners.take_partner(admin, first, bob.id)
    assert await owners_of(first) == [bob.id]
    with pytest.raises(NotEditable):
        await owners.take_partner(bob, first)
    for follow_up in found.follow_ups:
        await owners.take_follow_up(bob, first, follow_up["id"])
    assert not (await owners.ownerless(bob)).any
    # Ann is back: nothing was a flag to reset, and the list stays derived.
    await User.update({User.active: True}).where(User.id == ann.id)
    assert not (await owners.ownerless(bob)).any


async def test_a_follow_up_whose_owner_is_no_longer_staff_is_listed(make_user):
    ann, bob, (first, _, _) = await leaver_with_partners(make_user)
    await User.update({User.roles: ["mentor"]}).where(User.id == ann.id)
    found = await owners.ownerless(bob)
    # Ann's roles no longer make her an owner: First and Second have nobody; Shared still has Bob.
    assert found.follow_up_count == 2 and found.partner_count == 2


# --- going cold -----------------------------------------------------------------------------------------------


async def cold_ids(staff) -> list[tuple[int, int | None]]:
    return [(c["id"], c["quiet_days"]) for c in await cold.going_cold(PartnerSchool.school == staff.school_id)]


async def test_going_cold_counts_days_since_the_last_interaction_or_student_activity(make_user):
    staff, student = await make_user("staff"), await make_user("student")
    talked = await add_partner(staff, "Talked Co")
    await log(staff, talked, happened_on=(TODAY - timedelta(days=121)).isoformat())
    await log(staff, talked, happened_on=(TODAY - timedelta(days=300)).isoformat())
    hosted = await add_partner(staff, "Hosted Co")
    await log(staff, hosted, happened_on=(TODAY - timedelta(days=400)).isoformat())
    entry = await new_entry(student)
    await Experience.update({Experience.partner: hosted, Experience.date: TODAY - timedelta(days=10)}).where(
        Experience.id == entry)
    never = await add_partner(staff, "Never Co")
    prospect, paused = await add_partner(staff, "Prospect Co"), await add_partner(staff, "Paused Co")
    await PartnerSchool.update({PartnerSchool.status: "prospect"}).where(PartnerSchool.id == prospect)
    await PartnerSchool.update({PartnerSchool.status: "paused"}).where(PartnerSchool.id == paused)
    # 121 days is more than 120: cold, after the one never in touch; the recent student entry keeps Hosted warm.
    assert await cold_ids(staff) == [(never, None), (talked, 121)]
    await School.update({School.cold_after_days: 150}).where(School.id == staff.school_id)
    assert await cold_ids(staff) == [(never, None)]
    await School.update({School.cold_after_days: 14}).where(School.id == staff.school_id)
    assert await cold_ids(staff) == [(never, None), (talked, 121)]
    await Experience.update({Experience.date: TODAY - timedelta(days=20)}).where(Experience.id == entry)
    assert await cold_ids(staff) == [(never, None), (talked, 121), (hosted, 20)]
    # A rejected entry is no activity.
    await Experience.update({Experience.status: "rejected"}).where(Experience.id == entry)
    assert await cold_ids(staff) == [(never, None), (hosted, 400), (talked, 121)]
    listing = await directory.listing(staff, parse_filter({"cold": "1"}))
    assert [(r["id"], r["quiet_days"]) for r in listing.rows] == [(never, None), (hosted, 400), (talked, 121)]
    assert listing.total == 3 and listing.rows[1]["name"] == "Hosted Co" and listing.rows[1]["last_contact"]
    home = await cold.for_home(staff)
    assert home["count"] == 3 and len(home["first"]) == cold.SHOWN
    # The CSV of the going-cold filter holds those three and not the prospect, the paused one or a warm one.
    _, exported = await export.rows(staff, parse_filter({"cold": "1"}))
    assert {row[0] for row in exported} == {"Hosted Co", "Never Co", "Talked Co"}


# --- over HTTP ------------------------------------------------------------------------------------------------


async def test_the_person_page_asks_whom_to_hand_over_to_and_refuses_a_forged_one(client, signed_in, make_user,
                                                                                    other_school):
    boss = await signed_in("staff")
    ann, bob, (first, _, _) = await leaver_with_partners(make_user)
    page = await client.get(f"/staff/people/{ann.id}")
    assert "3 partners and 2 open follow-ups" in page.text and 'name="colleague"' in page.text
    assert f'value="{bob.id}"' in page.text and f'value="{ann.id}"' not in page.text
    empty = await post(client, f"/staff/people/{ann.id}/deactivate")
    assert empty.status_code == 422 and "Choose a colleague to hand 3 partners" in empty.text
    stranger = await make_user("staff", school_id=other_school)
    forged = await post(client, f"/staff/people/{ann.id}/deactivate", {"colleague": str(stranger.id)})
    assert forged.status_code == 422 and owners.NOT_A_COLLEAGUE in forged.text
    roles = await post(client, f"/staff/people/{ann.id}/roles", {"roles": "mentor"})
    assert roles.status_code == 422 and "Choose a colleague" in roles.text
    assert await owners_of(first) == [ann.id]
    done = await post(client, f"/staff/people/{ann.id}/deactivate", {"colleague": str(bob.id)})
    assert done.status_code == 303 and await owners_of(first) == [bob.id] and boss.id != bob.id
    partner_page = await client.get(f"/staff/partners/{first}")
    assert "Handed from Ann Leaving to Bob Staying on" in partner_page.text


async def test_staff_take_what_nobody_looks_after_from_their_home(client, signed_in, make_user, make_client,
                                                                 other_school):
    me = await signed_in("staff")
    ann = await make_user("staff", name="Ann Leaving")
    first = await add_partner(ann, "First Co")
    await log(ann, first, follow_up="Call back", owner=str(ann.id), due_on=TODAY.isoformat())
    await User.update({User.active: False}).where(User.id == ann.id)
    home = await client.get("/staff")
    assert "Partners without an owner" in home.text and "First Co" in home.text and "Going cold" not in home.text
    follow_up = (await FollowUp.select(FollowUp.id).first())["id"]
    async with make_client() as theirs:
        stranger = await make_user("staff", school_id=other_school)
        assert (await sign_in(theirs, stranger.email)).status_code == 303
        assert (await post(theirs, f"/staff/partners/{first}/take")).status_code == 404
        assert (await post(theirs, f"/staff/partners/{first}/follow-ups/{follow_up}/take")).status_code == 404
    taken = await post(client, f"/staff/partners/{first}/take")
    assert taken.status_code == 303 and await owners_of(first) == [me.id]
    again = await post(client, f"/staff/partners/{first}/take")
    assert again.status_code == 409 and "looks after this already" in again.text
    assert (await post(client, f"/staff/partners/{first}/follow-ups/{follow_up}/take")).status_code == 303
    home = await client.get("/staff")
    assert "Partners without an owner" not in home.text and "Going cold" not in home.text  # in touch today


async def test_an_admin_gives_an_ownerless_partner_to_that_school_s_staff(client, signed_in, make_user, other_school):
    await signed_in("admin")
    ann, bob = await make_user("staff", name="Ann Leaving"), await make_user("staff", name="Bob Staying")
    first = await add_partner(ann, "First Co")
    await User.update({User.active: False}).where(User.id == ann.id)
    home = await client.get("/admin")
    assert "First Co" in home.text and "Test Career Center" in home.text and "Bob Staying" in home.text
    stranger = await make_user("staff", school_id=other_school)
    refused = await post(client, f"/staff/partners/{first}/take", {"staff": str(stranger.id)})
    assert refused.status_code == 422 and "active staff of that school" in refused.text
    assert (await post(client, f"/staff/partners/{first}/take")).status_code == 422
    assert (await post(client, f"/staff/partners/{first}/take", {"staff": str(bob.id)})).status_code == 303
    assert await owners_of(first) == [bob.id]


@pytest.mark.parametrize(("days", "status"), [("13", 422), ("731", 422), ("soon", 422), ("14", 303), ("730", 303)])
async def test_staff_set_when_partners_go_cold_within_limits(client, signed_in, days, status):
    staff = await signed_in("staff")
    answer = await post(client, "/staff/school/partners", {"cold_after_days": days})
    assert answer.status_code == status
    saved = (await School.select(School.cold_after_days).where(School.id == staff.school_id).first())["cold_after_days"]
    assert saved == (int(days) if status == 303 else 120)
    if status == 422:
        assert "from 14 (two weeks) to 730 (two years)" in answer.text


async def test_the_demo_has_partners_to_take_and_one_going_cold(clean_database, hasher, emails):
    assert await demo.seed(hasher, emails) is True
    counselor = await load_user((await User.select(User.id).where(User.email == "counselor@demo.example").first())["id"])
    found = await owners.ownerless(counselor)
    assert [p["name"] for p in found.partners] == ["Green Acres Co-op", "Valley Electrical JATC"]
    assert [f["partner_name"] for f in found.follow_ups] == ["Valley Electrical JATC"]
    quiet = {c["name"]: c["quiet_days"] for c in await cold.going_cold(PartnerSchool.school == counselor.school_id)}
    assert quiet["Riverside Credit Union"] == 160 and "Riverside Health" not in quiet


async def test_two_colleagues_taking_the_same_partner_at_once_make_one_owner(make_user):
    ann, bob, (first, _second, _shared) = await leaver_with_partners(make_user)
    cleo = await make_user("staff", name="Cleo Also Staying")
    await User.update({User.active: False}).where(User.id == ann.id)
    outcomes = await asyncio.gather(*(owners.take_partner(who, first) for who in (bob, cleo, bob, cleo)),
                                    return_exceptions=True)
    assert sum(outcome is None for outcome in outcomes) == 1, outcomes
    assert all(isinstance(outcome, NotEditable) for outcome in outcomes if outcome is not None), outcomes
    assert len(await owners_of(first)) == 1
    assert await PartnerHandoff.count().where((PartnerHandoff.partner == first) & (PartnerHandoff.partners == 1)) == 1
