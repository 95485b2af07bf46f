"""The roster import over HTTP: staff and admins upload, see the dry run, confirm (with CSRF); the 10% rule's
second checkbox; alumni stay reachable by their school's staff only for the retention period; another
school's staff reach none of it."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

from portfolio.tables import User
from tests.factories import browser_of, csrf_headers, post, sign_in
from tests.mailbox import link_in, outbox
from tests.roster_factories import school_files
from tests.test_roster import by_sid, run


def hidden(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


async def send(client, files: list[tuple[str, bytes]], full: bool = True, token: bool = True):
    return await client.post("/staff/roster", files=[("file", (n, c, "text/csv")) for n, c in files],
                             data={"full": "yes" if full else ""}, headers=csrf_headers(client) if token else {})


def confirmation(page: str, **extra: str) -> dict[str, str]:
    return {"token": hidden(page, "token"), "fingerprint": hidden(page, "fingerprint"),
            "full": hidden(page, "full")} | extra


async def test_staff_upload_see_the_dry_run_and_confirm(make_user, make_client):
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as ours:
        assert 'href="/staff/roster"' in (await ours.get("/staff")).text
        start = await ours.get("/staff/roster")
        assert start.status_code == 200 and "no-store" in start.headers["cache-control"]
        template = await ours.get("/staff/roster/template.csv")
        assert template.headers["content-disposition"].startswith("attachment")
        lines = template.text.removeprefix("\ufeff").splitlines()
        assert lines[0].startswith("school,id,role") and len(lines) == 2

        assert (await send(ours, school_files().files(), token=False)).status_code == 403
        dry = await send(ours, school_files().files())
        assert dry.status_code == 200 and "Dry run: nothing is saved yet" in dry.text
        assert "users.csv row 2 · Pat S1" in dry.text and "Guardian of s1: linked." in dry.text
        assert not await User.exists().where(User.sourced_id.is_not_null())
        done = await post(ours, "/staff/roster/confirm", confirmation(dry.text))
        assert done.status_code == 303 and done.headers["location"].startswith("/staff/roster?done=imported")
        assert "4 people added" in (await ours.get(done.headers["location"])).text
        again = await send(ours, school_files().files())
        assert "Nothing to change: the roster is already here." in again.text

        bad = await send(ours, [("users.csv", b"sourcedId\n1\n")])
        assert bad.status_code == 422 and "orgs.csv is missing" in bad.text and "Nothing was saved." in bad.text


async def test_many_leaving_needs_the_checkbox_naming_the_count(make_user, make_client):
    staff = await make_user("staff")
    await run(staff, school_files(students=5))
    async with browser_of(make_client, staff) as ours:
        dry = await send(ours, school_files(students=2).files())
        assert "Yes, 3 people leave" in dry.text
        refused = await post(ours, "/staff/roster/confirm", confirmation(dry.text))
        assert refused.status_code == 422 and "Tick the box to confirm that 3 people leave." in refused.text
        assert not await User.exists().where(User.alumni_since.is_not_null())
        done = await post(ours, "/staff/roster/confirm", confirmation(refused.text, large="3"))
        assert done.status_code == 303
        assert await User.count().where(User.alumni_since.is_not_null()) == 3


async def test_alumni_are_reached_by_their_school_s_staff_until_the_retention_period_ends(make_user, make_client,
                                                                                     other_school):
    staff = await make_user("staff")
    await run(staff, school_files(students=10))
    files = school_files(students=10)
    files.users.pop(0)
    await run(staff, files, large=1)
    alumnus = await by_sid("s1")
    assert alumnus["alumni_since"] == date.today()
    async with browser_of(make_client, staff) as ours:
        assert (await ours.get(f"/staff/students/{alumnus['id']}")).status_code == 200
        assert f"/staff/people/{alumnus['id']}\"" in (await ours.get("/staff")).text
        await User.update({User.alumni_since: date.today() - timedelta(days=366)}).where(User.id == alumnus["id"])
        assert (await ours.get(f"/staff/students/{alumnus['id']}")).status_code == 404
        assert (await ours.get(f"/staff/people/{alumnus['id']}")).status_code == 404
        assert f"/staff/people/{alumnus['id']}\"" not in (await ours.get("/staff")).text
        refused = await post(ours, f"/staff/students/{alumnus['id']}/consent", {"guardian_name": "Gale One"})
        assert refused.status_code == 404
    async with browser_of(make_client, await make_user("staff", school_id=other_school)) as theirs:
        current = await by_sid("s2")
        assert (await theirs.get(f"/staff/students/{current['id']}")).status_code == 404
        # Nor do they see this school's roster results: a confirmation of our upload is theirs to make never.
        async with browser_of(make_client, staff) as ours:
            changed = school_files(students=10)
            changed.users[1]["givenName"] = "Robin"
            ours_dry = (await send(ours, changed.files(), full=False)).text
        taken = await post(theirs, "/staff/roster/confirm", confirmation(ours_dry))
        assert taken.status_code == 422 and "Robin" not in taken.text
        assert (await by_sid("s2"))["name"] == "Pat S2"
    # The alumnus still signs in to their own portfolio.
    await User.update({User.password_hash: (await User.select(User.password_hash).where(
        User.id == staff.id).first())["password_hash"]}).where(User.id == alumnus["id"])
    async with make_client() as theirs_now:
        assert (await sign_in(theirs_now, alumnus["email"])).status_code == 303
        assert (await theirs_now.get("/student")).status_code == 200


async def test_staff_send_an_imported_guardian_the_consent_link_from_the_student_s_page(make_user, make_client,
                                                                                       settings):
    staff = await make_user("staff")
    await run(staff, school_files())
    s1 = await by_sid("s1")
    async with browser_of(make_client, staff) as ours:
        page = (await ours.get(f"/staff/students/{s1['id']}")).text
        assert "Gale One" in page and "On file, not asked yet" in page and "from the school" in page
        consent_id = re.search(r'/guardians/(\d+)/confirm', page).group(1)
        sent = await post(ours, f"/staff/students/{s1['id']}/guardians/{consent_id}/confirm")
        assert sent.status_code == 303
        assert "On file, not asked yet" not in (await ours.get(f"/staff/students/{s1['id']}")).text
    [message] = await outbox(settings.var_dir, "parent.one@home.example")
    assert link_in(message).startswith("/consent/")
