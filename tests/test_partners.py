"""The partner directory: a school's partners and contacts are its own; another school's staff find nothing
by id and read only the names of the schools that also work with a partner."""

from __future__ import annotations

import uuid

import pytest

from portfolio.errors import FormErrors, NotFound
from portfolio.forms.partners import parse_contact, parse_filter, parse_partner
from portfolio.partner_tables import PartnerSchool
from portfolio.services.accounts import load_user
from portfolio.services.partners import contacts, directory, records
from portfolio.services.partners.records import PossibleDuplicate
from portfolio.tables import Organization
from tests.factories import browser_of, csrf_headers, post


def partner_raw(staff, **overrides) -> dict:
    raw = {"name": "Riverside Health", "kind": "employer", "website": "https://riversidehealth.example",
           "address": "1 Main St", "status": "active", "owners": str(staff.id), "offerings": ["job_shadow", "site_visit"],
           "clusters": [], "client_uuid": str(uuid.uuid4())}
    return raw | overrides


async def add_partner(staff, **overrides) -> int:
    raw = partner_raw(staff, **overrides)
    return await records.create(staff, parse_partner(raw, await records.choices(staff)), raw)


def contact_raw(**overrides) -> dict:
    return {"contact_name": "Pat Nguyen", "title": "Education outreach lead", "email": "pat@riversidehealth.example",
            "phone": "+1 (555) 010-2000 ext. 12", "reach_by": "email", "role": "education_outreach"} | overrides


async def test_another_school_s_staff_find_nothing_by_id_but_the_schools_names(make_user, other_school):
    ours = await make_user("staff", name="Ms. Ours")
    theirs = await make_user("staff", school_id=other_school, name="Mr. Theirs")
    partner = await add_partner(ours)
    contact = await contacts.add(ours, partner, parse_contact(contact_raw()))
    for attempt in (records.page(theirs, partner), contacts.get(theirs, partner, contact),
                    contacts.set_active(theirs, partner, contact, False),
                    contacts.add(theirs, partner, parse_contact(contact_raw())),
                    records.update(theirs, partner, parse_partner(partner_raw(theirs), await records.choices(theirs)))):
        with pytest.raises(NotFound):
            await attempt
    assert (await directory.listing(theirs, parse_filter({}))).total == 0
    # They take up the same organization: one record, a relationship of their own, no contacts of ours.
    raw = partner_raw(theirs, name="Riverside Health, Inc.", website="", use="existing")
    with pytest.raises(PossibleDuplicate) as warned:
        await records.create(theirs, parse_partner(raw, await records.choices(theirs)), raw)
    organization = warned.value.matches[0]["id"]
    raw |= {"existing": str(organization)}
    their_partner = await records.create(theirs, parse_partner(raw, await records.choices(theirs)), raw)
    assert await Organization.count() == 1
    theirs_page = await records.page(theirs, their_partner)
    assert theirs_page["contacts"] == [] and theirs_page["also_with"] == ["Test Career Center"]
    ours_page = await records.page(ours, partner)
    assert ours_page["also_with"] == ["Other High School"]
    assert "Mr. Theirs" not in str(ours_page) and "Pat Nguyen" not in str(theirs_page)
    # An admin opens either, and adds a partner for a school with that school's staff as owners only.
    admin = await make_user("admin", school_id=None)
    raw = partner_raw(ours, name="Lakeside Dental", website="", school=str(other_school))
    with pytest.raises(FormErrors) as wrong_owner:
        await records.create(admin, parse_partner(raw, await records.choices(admin)), raw)
    assert "owners" in wrong_owner.value.errors
    raw |= {"owners": str(theirs.id)}
    await records.create(admin, parse_partner(raw, await records.choices(admin)), raw)
    assert (await directory.listing(theirs, parse_filter({}))).total == 2
    await PartnerSchool.delete().where(PartnerSchool.id.not_in([partner, their_partner]))
    assert (await records.page(admin, their_partner))["name"] == "Riverside Health"
    assert (await directory.listing(admin, parse_filter({}))).total == 2


async def test_a_similar_name_or_the_same_website_host_warns_and_a_double_submit_adds_once(make_user):
    staff = await make_user("staff")
    raw = partner_raw(staff, name="Acme Manufacturing, LLC", website="acme.example")
    first = await records.create(staff, parse_partner(raw, await records.choices(staff)), raw)
    assert await records.create(staff, parse_partner(raw, await records.choices(staff)), raw) == first
    for name, website in (("ACME manufacturing inc.", ""), ("Something else", "https://www.acme.example/jobs")):
        with pytest.raises(PossibleDuplicate) as warned:
            await add_partner(staff, name=name, website=website)
        assert [m["id"] for m in warned.value.matches] == [(await PartnerSchool.select().first())["organization"]]
    # "Add anyway" needs its confirmation box too.
    with pytest.raises(PossibleDuplicate):
        await add_partner(staff, name="Acme Manufacturing Inc", website="", use="new")
    await add_partner(staff, name="Acme Manufacturing Inc", website="", use="new", confirm_new="1")
    assert await Organization.count() == 2


async def test_a_contact_who_left_is_kept_and_can_come_back(make_user):
    staff = await make_user("staff")
    partner = await add_partner(staff)
    contact = await contacts.add(staff, partner, parse_contact(contact_raw()))
    await contacts.set_active(staff, partner, contact, False)
    assert (await records.page(staff, partner))["contacts"][0]["active"] is False
    await contacts.set_active(staff, partner, contact, True)
    assert (await contacts.get(staff, partner, contact))["active"] is True


@pytest.mark.parametrize("field, value, message", [
    ("contact_name", "x" * 201, "at most 200"),
    ("title", "x" * 121, "at most 120"),
    ("email", "pat@", "e-mail address like"),
    ("phone", "555-12", "7 to 15 digits"),
    ("phone", "call me maybe", "7 to 15 digits"),
    ("phone", "+1 555 010 2000 1234 5678", "7 to 15 digits"),
])
def test_contact_fields_are_checked(field, value, message):
    with pytest.raises(FormErrors) as problem:
        parse_contact(contact_raw(**{field: value}))
    assert message in problem.value.errors[field].lower() or message in problem.value.errors[field]


def test_good_phone_numbers_pass():
    for phone in ("555-0100", "+44 20 7946 0958", "(555) 010.2000 x 7", "+1 555 010 2000 ext. 123"):
        assert parse_contact(contact_raw(phone=phone)).phone == phone


async def test_partner_fields_are_checked(make_user):
    staff = await make_user("staff")
    with pytest.raises(FormErrors) as problem:
        parse_partner(partner_raw(staff, name="", website="not a site", address="x" * 301, owners="", kind="x"),
                      await records.choices(staff))
    assert set(problem.value.errors) == {"name", "website", "address", "owners", "kind"}


async def test_the_directory_filters_and_pages(make_user):
    staff = await make_user("staff")
    for n in range(27):
        await add_partner(staff, name=f"Partner {n:02}", website="", status="active" if n % 2 else "prospect",
                          offerings=["guest_lecture"] if n == 3 else [])
    listing = await directory.listing(staff, parse_filter({}))
    assert (listing.total, listing.pages, len(listing.rows)) == (27, 2, 25)
    assert [r["name"] for r in (await directory.listing(staff, parse_filter({"page": "2"}))).rows] == ["Partner 25", "Partner 26"]
    assert (await directory.listing(staff, parse_filter({"status": "active"}))).total == 13
    assert [r["name"] for r in (await directory.listing(staff, parse_filter({"offering": "guest_lecture"}))).rows] == ["Partner 03"]
    assert (await directory.listing(staff, parse_filter({"q": "tner 1"}))).total == 10


async def test_pages_need_the_csrf_token_and_another_school_s_staff_get_404(make_user, make_client, other_school):
    staff = await make_user("staff")
    partner = await add_partner(staff)
    contact = await contacts.add(staff, partner, parse_contact(contact_raw()))
    async with browser_of(make_client, staff) as browser:
        for url in ("/staff/partners", "/staff/partners/new", f"/staff/partners/{partner}",
                    f"/staff/partners/{partner}/edit", f"/staff/partners/{partner}/contacts/new",
                    f"/staff/partners/{partner}/contacts/{contact}/edit"):
            page = await browser.get(url)
            assert page.status_code == 200 and page.headers["cache-control"] == "no-store", url
        # A partner with no website or address on record says so in words, never "None".
        bare = await browser.get(f"/staff/partners/{await add_partner(staff, name='Bare Co', website='', address='')}")
        assert bare.text.count("Not recorded") == 2 and ">None<" not in bare.text
        refused = await browser.post(f"/staff/partners/{partner}/contacts/{contact}/active", data={"active": "0"})
        assert refused.status_code == 403
        done = await post(browser, f"/staff/partners/{partner}/contacts/{contact}/active", {"active": "0"})
        assert done.status_code == 303
        card = await browser.get(f"/staff/partners/{partner}")
        assert "Mark as back" in card.text and 'href="tel:+15550102000;ext=12"' in card.text
        assert 'rel="noopener noreferrer"' in card.text
    user = await load_user(staff.id)
    assert user is not None
    theirs = await make_user("staff", school_id=other_school)
    async with browser_of(make_client, theirs) as browser:
        for url in (f"/staff/partners/{partner}", f"/staff/partners/{partner}/edit",
                    f"/staff/partners/{partner}/contacts/new", f"/staff/partners/{partner}/contacts/{contact}/edit"):
            assert (await browser.get(url)).status_code == 404, url
        response = await browser.post(f"/staff/partners/{partner}/contacts/{contact}/active", data={"active": "0"},
                                      headers=csrf_headers(browser))
        assert response.status_code == 404


async def test_the_add_form_warns_then_uses_the_existing_record_once(make_user, make_client, other_school):
    theirs = await make_user("staff", school_id=other_school)
    await add_partner(theirs, name="Riverside Health")
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as browser:
        form = (await browser.get("/staff/partners/new")).text
        client_uuid = form.split('name="client_uuid" value="')[1].split('"')[0]
        data = {"name": "riverside health inc", "kind": "employer", "status": "active", "owners": str(staff.id),
                "client_uuid": client_uuid}
        warned = await post(browser, "/staff/partners/new", data)
        assert warned.status_code == 422 and "Already in the directory?" in warned.text
        assert 'value="riverside health inc"' in warned.text and "Add anyway" in warned.text
        existing = warned.text.split('name="existing" value="')[1].split('"')[0]
        first = await post(browser, "/staff/partners/new", data | {"existing": existing, "use": "existing"})
        again = await post(browser, "/staff/partners/new", data | {"existing": existing, "use": "existing"})
        assert first.status_code == again.status_code == 303
        assert first.headers["location"] == again.headers["location"]
        card = await browser.get(first.headers["location"])
        assert "Also works with Other High School." in card.text
    assert await Organization.count() == 1 and await PartnerSchool.count() == 2
