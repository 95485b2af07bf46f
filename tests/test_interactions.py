"""A partner's interaction log and follow-ups: newest first, last contact, done and reopened, My follow-ups, the
staff home, and the daily digest sent once a day; people and contacts only of the relationship's own school."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from portfolio import clock
from portfolio.errors import FormErrors, NotFound
from portfolio.forms.interactions import parse_interaction
from portfolio.forms.partners import parse_contact, parse_filter, parse_partner
from portfolio.partner_tables import FollowUp, PartnerInteraction
from portfolio.services import attention, demo, experiences
from portfolio.services.accounts import load_user
from portfolio.services.partners import contacts, directory, follow_ups, interactions, records
from portfolio.tables import User
from tests.factories import browser_of, csrf_headers, post
from tests.mailbox import emails_for, link_in, outbox

# The test school's today (the forms and the digest count days where the school is).
TODAY = clock.today_at(None)


async def add_partner(staff, name: str = "Riverside Health") -> int:
    raw = {"name": name, "kind": "employer", "status": "active", "owners": str(staff.id),
           "client_uuid": str(uuid.uuid4())}
    return await records.create(staff, parse_partner(raw, await records.choices(staff)), raw)


async def add_contact(staff, partner: int, name: str = "Pat Nguyen") -> int:
    return await contacts.add(staff, partner, parse_contact({"contact_name": name, "email": "pat@example.org",
                                                             "reach_by": "email", "role": "hr"}))


def raw(person, **overrides) -> dict:
    return {"kind": "call", "happened_on": TODAY.isoformat(), "staff": str(person.id), "summary": "Talked shadows."} | overrides


async def log(staff, partner: int, **overrides) -> int:
    _, choices = await interactions.choices(staff, partner)
    return await interactions.add(staff, partner, parse_interaction(raw(staff, **overrides), choices, TODAY))


async def test_the_log_is_newest_first_and_gives_the_last_contact(make_user):
    staff = await make_user("staff")
    partner = await add_partner(staff)
    quiet = await add_partner(staff, "Quiet Co")
    contact = await add_contact(staff, partner)
    older = await log(staff, partner, happened_on=(TODAY - timedelta(days=9)).isoformat(), kind="visit")
    newest = await log(staff, partner, happened_on=(TODAY - timedelta(days=2)).isoformat(), contacts=str(contact))
    middle = await log(staff, partner, happened_on=(TODAY - timedelta(days=5)).isoformat())
    rows, count = await interactions.recent(staff, partner)
    assert [r["id"] for r in rows] == [newest, middle, older] and count == 3
    assert rows[0]["contacts"] == ["Pat Nguyen"] and rows[0]["staff"] == ["Test User"]
    listing = await directory.listing(staff, parse_filter({}))
    last = {r["id"]: r["last_contact"] for r in listing.rows}
    assert last == {partner: TODAY - timedelta(days=2), quiet: None}


async def test_people_and_contacts_must_be_the_relationship_s_own(make_user, other_school):
    staff = await make_user("staff")
    theirs = await make_user("staff", school_id=other_school)
    student = await make_user("student")
    partner = await add_partner(staff)
    other_partner = await add_partner(theirs, "Elsewhere Co")
    foreign_contact = await add_contact(theirs, other_partner)
    _, choices = await interactions.choices(staff, partner)
    for forged, field in (({"staff": str(theirs.id)}, "staff"), ({"staff": str(student.id)}, "staff"),
                          ({"contacts": str(foreign_contact)}, "contacts"),
                          ({"follow_up": "Call back", "owner": str(theirs.id), "due_on": TODAY.isoformat()}, "owner")):
        with pytest.raises(FormErrors) as problem:
            parse_interaction(raw(staff, **forged), choices, TODAY)
        assert field in problem.value.errors, forged
    with pytest.raises(FormErrors) as problem:
        parse_interaction(raw(staff, summary="x" * 2001, happened_on=(TODAY + timedelta(days=1)).isoformat(),
                              kind="fax", follow_up="Send the form", owner=str(staff.id)), choices, TODAY)
    assert set(problem.value.errors) == {"summary", "happened_on", "kind", "due_on"}
    for attempt in (interactions.choices(theirs, partner), interactions.recent(theirs, partner),
                    interactions.log(theirs, partner, 1)):
        with pytest.raises(NotFound):
            await attempt


async def test_a_follow_up_is_done_reopened_and_shown_to_its_owner(make_user, other_school):
    staff = await make_user("staff")
    colleague = await make_user("staff", name="Colleague")
    theirs = await make_user("staff", school_id=other_school)
    partner = await add_partner(staff)
    await log(staff, partner, follow_up="Send the MOU", owner=str(colleague.id), due_on=TODAY.isoformat())
    await log(staff, partner, follow_up="Book the visit", owner=str(colleague.id),
              due_on=(TODAY - timedelta(days=3)).isoformat())
    await log(staff, partner, follow_up="Thank them", owner=str(colleague.id),
              due_on=(TODAY + timedelta(days=5)).isoformat())
    mine = await follow_ups.mine(colleague, TODAY)
    assert [f["what"] for f in mine.overdue] == ["Book the visit"]
    assert [f["what"] for f in mine.due] == ["Send the MOU", "Thank them"] and mine.done == []
    assert (await follow_ups.mine(staff, TODAY)).due == []
    needs = await attention.for_staff(colleague.school_id, colleague.id, TODAY)
    assert needs.follow_ups.count == 2 and needs.follow_ups.item == partner and not needs.nothing
    first = mine.overdue[0]["id"]
    with pytest.raises(NotFound):
        await follow_ups.set_done(theirs, partner, first, True)
    other_partner = await add_partner(staff, "Another Co")
    with pytest.raises(NotFound):  # the follow-up of another relationship through this one's id
        await follow_ups.set_done(staff, other_partner, first, True)
    await follow_ups.set_done(staff, partner, first, True)
    mine = await follow_ups.mine(colleague, TODAY)
    assert [f["what"] for f in mine.done] == ["Book the visit"] and mine.overdue == []
    assert (await attention.for_staff(colleague.school_id, colleague.id, TODAY)).follow_ups.count == 1
    await follow_ups.set_done(staff, partner, first, False)
    assert [f["what"] for f in (await follow_ups.mine(colleague, TODAY)).overdue] == ["Book the visit"]


async def test_the_digest_goes_once_a_day_to_whoever_has_follow_ups_due(make_user, settings):
    staff = await make_user("staff")
    later = await make_user("staff", name="Later")
    partner = await add_partner(staff)
    await log(staff, partner, follow_up="Send the MOU about Jamie Student", owner=str(staff.id),
              due_on=(TODAY - timedelta(days=1)).isoformat())
    await log(staff, partner, follow_up="Not yet", owner=str(later.id), due_on=(TODAY + timedelta(days=3)).isoformat())
    emails = emails_for(settings)
    moment = datetime.now(timezone.utc)
    assert await follow_ups.send_digests(emails, moment) == 1
    assert await follow_ups.send_digests(emails, moment + timedelta(seconds=5)) == 0
    [digest] = await outbox(settings.var_dir, staff.email)
    body = digest.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert digest["Subject"] == "1 partner follow-up due" and "Riverside Health" in body and "1 overdue, 0 due today" in body
    assert "Jamie" not in body and link_in(digest) == "/staff/follow-ups"
    assert await outbox(settings.var_dir, later.email) == []
    # The next day, still not done: told again, once.
    assert await follow_ups.send_digests(emails, moment + timedelta(days=1)) == 1
    assert await follow_ups.send_digests(emails, moment + timedelta(days=1)) == 0


async def test_pages_guards_csrf_and_messages(make_user, make_client, other_school):
    staff = await make_user("staff")
    partner = await add_partner(staff)
    contact = await add_contact(staff, partner)
    async with browser_of(make_client, staff) as browser:
        form = (await browser.get(f"/staff/partners/{partner}/interactions/new")).text
        assert 'name="summary"' in form and "At most 2000 characters." in form and f'value="{staff.id}" checked' in form
        data = raw(staff, contacts=str(contact), follow_up="Send the MOU", owner=str(staff.id), due_on=TODAY.isoformat())
        assert (await browser.post(f"/staff/partners/{partner}/interactions/new", data=data)).status_code == 403
        bad = await post(browser, f"/staff/partners/{partner}/interactions/new", data | {"summary": "", "due_on": "soon"})
        assert bad.status_code == 422 and "Write what was said or agreed" in bad.text
        assert "Enter the date it is due" in bad.text and 'value="Send the MOU"' in bad.text
        done = await post(browser, f"/staff/partners/{partner}/interactions/new", data)
        assert done.status_code == 303 and done.headers["location"].startswith(f"/staff/partners/{partner}?done=logged")
        page = (await browser.get(f"/staff/partners/{partner}")).text
        assert "Send the MOU" in page and "Last contact: <time" in page and "All 1 interaction" in page
        home = (await browser.get("/staff")).text
        assert "partner follow-up due or overdue" in home and 'href="/staff/follow-ups"' in home
        follow_up = (await FollowUp.select(FollowUp.id).first())["id"]
        marked = await post(browser, f"/staff/partners/{partner}/follow-ups/{follow_up}/done", {"done": "1", "back": "mine"})
        assert marked.headers["location"] == f"/staff/follow-ups?done=follow_up_done#follow-up-{follow_up}"
        mine = await browser.get(marked.headers["location"])
        assert mine.status_code == 200 and "Follow-up marked done." in mine.text and "Reopen" in mine.text
        assert (await browser.get(f"/staff/partners/{partner}/interactions")).status_code == 200
    theirs = await make_user("staff", school_id=other_school)
    async with browser_of(make_client, theirs) as browser:
        for url in (f"/staff/partners/{partner}/interactions", f"/staff/partners/{partner}/interactions/new"):
            assert (await browser.get(url)).status_code == 404, url
        for url in (f"/staff/partners/{partner}/interactions/new", f"/staff/partners/{partner}/follow-ups/{follow_up}/done"):
            response = await browser.post(url, data=raw(theirs) | {"done": "0"}, headers=csrf_headers(browser))
            assert response.status_code == 404, url
        assert "Send the MOU" not in (await browser.get("/staff/follow-ups")).text
    assert await PartnerInteraction.count() == 1


async def test_the_demo_counselor_has_interactions_and_one_follow_up_due_soon(clean_database, hasher, emails):
    assert await demo.seed(hasher, emails) is True
    counselor = await load_user((await User.select(User.id).where(User.email == "counselor@demo.example").first())["id"])
    today = clock.today_at(await experiences.school_of(counselor))
    mine = await follow_ups.mine(counselor, today)
    assert mine.overdue == [] and len(mine.done) == 1
    [due] = mine.due
    assert today < due["due_on"] <= today + timedelta(days=7) and due["partner_name"] == "Tri-County Builders Association"
    rows, count = await interactions.recent(counselor, due["partner_id"])
    assert count == 2 and rows[0]["contacts"] == ["Maria Lopez"]


async def test_my_follow_ups_shows_overdue_due_and_done_in_their_own_sections(make_user, make_client, other_school):
    staff = await make_user("staff")
    colleague = await make_user("staff", name="Colleague")
    partner = await add_partner(staff)
    for what, days, owner in (("Book the visit", -3, staff), ("Send the MOU", 0, staff), ("Thank them", 5, staff),
                              ("Their own call", -1, colleague), ("Was done", -9, staff)):
        await log(staff, partner, follow_up=what, owner=str(owner.id), due_on=(TODAY + timedelta(days=days)).isoformat())
    done = (await FollowUp.select(FollowUp.id).where(FollowUp.what == "Was done").first())["id"]
    await follow_ups.set_done(staff, partner, done, True)
    theirs = await make_user("staff", school_id=other_school)
    async with browser_of(make_client, staff) as desk:
        page = (await desk.get("/staff/follow-ups")).text
    sections = {s.split('"', 1)[0]: s for s in page.split('<section aria-labelledby="')[1:]}
    assert list(sections) == ["overdue-heading", "due-heading", "done-heading"]
    assert "Overdue <span class=\"entry-meta\">(1)</span>" in sections["overdue-heading"]
    assert "Book the visit" in sections["overdue-heading"] and "Mark done" in sections["overdue-heading"]
    due = sections["due-heading"]
    assert due.index("Send the MOU") < due.index("Thank them") and "due today" in due and "(2)" in due
    assert "Was done" in sections["done-heading"] and "Reopen" in sections["done-heading"]
    assert "Their own call" not in page
    async with browser_of(make_client, theirs) as other:
        assert "Book the visit" not in (await other.get("/staff/follow-ups")).text
