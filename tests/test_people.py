"""A person's page for staff and administrators: deactivating (sessions and links end at once, records stay),
reactivating, changing roles within what the actor may give, and the schools an administrator manages."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest
import redis.asyncio as aioredis

from portfolio.errors import NotEditable
from portfolio.forms.people import RoleChange
from portfolio.record_tables import AuditEvent
from portfolio.services import accounts, experiences, people
from portfolio.tables import AccountToken, School, User
from portfolio.vocabulary import Role
from tests.conftest import REDIS_URL
from tests.factories import TEST_PASSWORD, browser_of, csrf_headers, new_entry, post, sign_in


async def roles_of(user_id: int) -> list[str]:
    return sorted((await User.select(User.roles).where(User.id == user_id).first())["roles"])


async def is_active(user_id: int) -> bool:
    return (await User.select(User.active).where(User.id == user_id).first())["active"]


# --- the pages ------------------------------------------------------------------------------------

async def test_people_rows_open_a_persons_page(client, signed_in, make_user, other_school):
    admin = await signed_in("admin")
    student = await make_user("student", name="Sam Student")
    elsewhere = await make_user("mentor", school_id=other_school, name="Elsewhere Mentor")
    everyone = await client.get("/admin")
    assert f'href="/staff/people/{student.id}"' in everyone.text
    assert f'href="/staff/people/{elsewhere.id}"' in everyone.text
    assert 'href="/admin/schools"' in everyone.text
    page = await client.get(f"/staff/people/{student.id}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    for shown in ("Sam Student", student.email, "Student", "Test Career Center", "Joined", "Active"):
        assert shown in page.text, shown
    assert f'action="/staff/people/{student.id}/deactivate"' in page.text
    assert 'href="/admin"' in page.text
    own = await client.get(f"/staff/people/{admin.id}")
    assert own.status_code == 200 and "This is your own account." in own.text
    assert "/deactivate" not in own.text and "/roles" not in own.text


async def test_an_invited_person_shows_as_invited(client, signed_in):
    staff = await signed_in("staff")
    user_id = await accounts.create_user("newcomer@example.org", "New Comer", ["student"], school_id=staff.school_id)
    page = await client.get(f"/staff/people/{user_id}")
    assert "Invited" in page.text and "has not chosen a password yet" in page.text


async def test_back_from_employers_leads_an_admin_home(client, signed_in):
    await signed_in("admin")
    page = await client.get("/staff/employers")
    assert 'href="/admin"' in page.text and 'href="/staff"' not in page.text.split("</nav>")[1]
    assert (await client.get("/admin")).status_code == 200


# --- who may change whom ----------------------------------------------------------------------------

async def test_staff_of_another_school_walking_ids_find_no_one(client, signed_in, make_user, other_school):
    await signed_in("staff", school_id=other_school)
    student = await make_user("student")
    admin = await make_user("admin")
    for user_id in (student.id, admin.id, student.id + 1000):
        assert (await client.get(f"/staff/people/{user_id}")).status_code == 404
        for action in ("deactivate", "reactivate"):
            assert (await post(client, f"/staff/people/{user_id}/{action}")).status_code == 404
        assert (await post(client, f"/staff/people/{user_id}/roles", {"roles": "staff"})).status_code == 404
    assert await is_active(student.id) and await roles_of(student.id) == ["student"]


async def test_staff_may_not_give_the_admin_role_nor_change_an_admin(client, signed_in, make_user):
    staff = await signed_in("staff")
    student = await make_user("student")
    promoted = await post(client, f"/staff/people/{student.id}/roles", {"roles": ["student", "admin"]})
    assert promoted.status_code == 422 and "You may not give that role." in promoted.text
    assert await roles_of(student.id) == ["student"]
    page = await client.get(f"/staff/people/{student.id}")
    assert 'value="admin"' not in page.text
    school_admin = await make_user("admin", "staff", school_id=staff.school_id)
    seen = await client.get(f"/staff/people/{school_admin.id}")
    assert seen.status_code == 200 and "/deactivate" not in seen.text
    refused = await post(client, f"/staff/people/{school_admin.id}/deactivate")
    assert refused.status_code == 409 and "Only an administrator" in refused.text
    demoted = await post(client, f"/staff/people/{school_admin.id}/roles", {"roles": "staff"})
    assert demoted.status_code == 409
    assert await is_active(school_admin.id) and await roles_of(school_admin.id) == ["admin", "staff"]


async def test_staff_change_roles_within_their_school(client, signed_in, make_user, make_client):
    await signed_in("staff")
    student = await make_user("student")
    async with browser_of(make_client, student) as theirs:
        changed = await post(client, f"/staff/people/{student.id}/roles", {"roles": ["student", "mentor"]})
        assert changed.status_code == 303
        assert await roles_of(student.id) == ["mentor", "student"]
        # Their month-long student session must not carry the new role: they sign in again.
        assert (await theirs.get("/student")).status_code == 303
    assert await AuditEvent.exists().where(AuditEvent.action == "user.roles_changed")


async def test_nobody_deactivates_or_demotes_themselves(client, signed_in, make_user):
    admin = await signed_in("admin")
    await make_user("admin")  # another administrator: the refusal is about oneself, not the last one
    assert (await post(client, f"/staff/people/{admin.id}/deactivate")).status_code == 409
    assert (await post(client, f"/staff/people/{admin.id}/roles", {"roles": "staff"})).status_code == 409
    assert await is_active(admin.id) and await roles_of(admin.id) == ["admin"]


async def test_the_last_active_admin_stays_one(make_user, school):
    first, second = await make_user("admin", school_id=school), await make_user("admin", school_id=school)
    # Two administrators removing each other at the same moment: one of them stays.
    results = await asyncio.gather(
        people.set_roles(first, second.id, RoleChange((Role.STAFF,))),
        people.set_roles(second, first.id, RoleChange((Role.STAFF,))),
        return_exceptions=True,
    )
    assert sorted(type(r).__name__ for r in results) == ["NotEditable", "bool"], results
    admins = [u for u in (first, second) if "admin" in await roles_of(u.id)]
    assert len(admins) == 1
    [last] = admins
    other = second if last is first else first
    # The one left cannot be deactivated by an administrator who is no longer active either.
    await User.update({User.roles: ["admin"], User.active: False}).where(User.id == other.id)
    with pytest.raises(NotEditable, match="last active administrator"):
        await people.deactivate(other, last.id)
    with pytest.raises(NotEditable, match="last active administrator"):
        await people.set_roles(other, last.id, RoleChange((Role.MENTOR,)))
    assert await is_active(last.id) and "admin" in await roles_of(last.id)


# --- deactivating and reactivating ------------------------------------------------------------------

@pytest.mark.parametrize("store", ["file", "redis"])
async def test_deactivating_ends_sessions_and_links_at_once_and_keeps_records(
    store, settings, client, signed_in, make_user, make_client
):
    if store == "redis":
        probe = aioredis.from_url(REDIS_URL)
        assert await probe.ping()  # fails, never skips, without Redis
        await probe.aclose()
        settings = dataclasses.replace(settings, redis_url=REDIS_URL)
    student = await make_user("student")
    entry_id = await new_entry(student)
    reset = await accounts.issue_token(student.id, "reset", timedelta(hours=1))
    async with make_client(settings) as theirs, make_client(settings) as staff_browser:
        staff = await make_user("staff")
        assert (await sign_in(staff_browser, staff.email)).status_code == 303
        assert (await sign_in(theirs, student.email)).status_code == 303
        assert (await theirs.get("/student")).status_code == 200
        done = await post(staff_browser, f"/staff/people/{student.id}/deactivate")
        assert done.status_code == 303 and done.headers["location"].endswith("?done=deactivated")
        assert "Deactivated" in (await staff_browser.get(done.headers["location"])).text
        # The open session is refused at its next request, and it stays ended after a reactivation.
        assert (await theirs.get("/student")).status_code == 303
        assert (await post(staff_browser, f"/staff/people/{student.id}/reactivate")).status_code == 303
        assert (await theirs.get("/student")).status_code == 303
        await User.update({User.active: False}).where(User.id == student.id)
        assert (await sign_in(theirs, student.email)).status_code != 303
    # The reset link sent before is void, and a deactivated account's links never work.
    assert not await AccountToken.exists().where((AccountToken.user == student.id) & AccountToken.used_at.is_null())
    assert await accounts.token_holder(reset, "reset") is None
    fresh = await accounts.issue_token(student.id, "reset", timedelta(hours=1))
    await client.get("/signin")
    answer = await client.post(f"/reset/{fresh}", data={"password": "a fresh and long password",
                                                         "confirm": "a fresh and long password"}, headers=csrf_headers(client))
    assert answer.status_code == 410
    # Everything they recorded is kept.
    assert (await experiences.get(student, entry_id))["id"] == entry_id
    assert await AuditEvent.exists().where(AuditEvent.action == "user.deactivated")


async def test_a_change_of_roles_ends_the_persons_sessions_and_no_one_elses(client, signed_in, make_user, make_client):
    await signed_in("staff")
    student, other = await make_user("student"), await make_user("student")
    async with browser_of(make_client, student) as phone, browser_of(make_client, other) as others_phone:
        assert (await phone.get("/student")).status_code == 200
        assert (await post(client, f"/staff/people/{student.id}/roles", {"roles": "mentor"})).status_code == 303
        assert (await phone.get("/student")).status_code == 303  # signed out: the session began as a student's
        assert (await others_phone.get("/student")).status_code == 200
    async with browser_of(make_client, student) as again:
        assert (await again.get("/mentor")).status_code == 200


async def test_a_deactivated_account_is_reactivated_not_invited_again(client, signed_in):
    staff = await signed_in("staff")
    user_id = await accounts.create_user("left@example.org", "Left Early", ["student"], school_id=staff.school_id)
    assert (await post(client, f"/staff/people/{user_id}/deactivate")).status_code == 303
    again = await post(client, "/staff/invite", {"name": "Left Early", "email": "left@example.org", "roles": "student"})
    assert again.status_code == 422 and "Reactivate it from the person" in again.text
    assert not await AccountToken.exists().where(AccountToken.user == user_id)


async def test_reactivated_person_signs_in_again(client, signed_in, make_user, make_client):
    await signed_in("admin")
    mentor = await make_user("mentor")
    assert (await post(client, f"/staff/people/{mentor.id}/deactivate")).status_code == 303
    async with make_client() as theirs:
        assert (await sign_in(theirs, mentor.email)).status_code != 303
    assert (await post(client, f"/staff/people/{mentor.id}/reactivate")).status_code == 303
    async with make_client() as theirs:
        assert (await sign_in(theirs, mentor.email, TEST_PASSWORD)).status_code == 303
    assert (await client.get("/admin")).status_code == 200


# --- schools ------------------------------------------------------------------------------------------

async def test_an_admin_lists_adds_renames_and_sets_a_schools_timezone(client, signed_in, school):
    await signed_in("admin")
    listing = await client.get("/admin/schools")
    assert listing.status_code == 200 and "Test Career Center" in listing.text
    form = {"name": "Hillside Technical", "timezone": "America/Denver", "year_start_month": "8", "year_start_day": "15"}
    assert (await post(client, "/admin/schools", form)).status_code == 303
    row = await School.select().where(School.name == "Hillside Technical").first()
    assert (row["timezone"], row["year_start_month"], row["year_start_day"]) == ("America/Denver", 8, 15)
    taken = await post(client, "/admin/schools", form | {"name": "hillside technical"})
    assert taken.status_code == 422 and "already has this name" in taken.text
    wrong = await post(client, f"/admin/schools/{school}", form | {"name": "", "timezone": "Mars/Olympus", "year_start_day": "31",
                                                               "year_start_month": "2"})
    assert wrong.status_code == 422
    assert "Choose the school&#39;s time zone." in wrong.text or "Choose the school's time zone." in wrong.text
    renamed = await post(client, f"/admin/schools/{school}", form | {"name": "Riverside Career Center", "timezone": "America/Chicago"})
    assert renamed.status_code == 303
    row = await School.select().where(School.id == school).first()
    assert (row["name"], row["timezone"]) == ("Riverside Career Center", "America/Chicago")
    assert (await client.get(f"/admin/schools/{school}")).status_code == 200
    assert (await client.get(f"/admin/schools/{school + 1000}")).status_code == 404
