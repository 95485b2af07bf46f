"""A school's own notes on a partner (limited, line breaks kept, escaped, never shown to another school), and the
edit form's warning when a new name or website matches another organization of the district."""

from __future__ import annotations

import pytest

from portfolio.errors import FormErrors, NotFound
from portfolio.forms.partners import NOTES_MAX, parse_partner
from portfolio.partner_tables import PartnerSchool
from portfolio.services.partners import records
from portfolio.services.partners.records import PossibleDuplicate
from portfolio.tables import Organization
from tests.factories import browser_of, csrf_headers, post
from tests.test_partners import add_partner, partner_raw

NOTES = "Ask for Pat, not the front desk.\n<b>Never</b> call on Fridays & holidays."


async def edit(staff, partner: int, **overrides) -> None:
    found = await records.page(staff, partner)
    raw = partner_raw(staff) | records.as_form(found) | {"owners": str(staff.id)} | overrides
    _, choices = await records.owner_choices_for(staff, partner)
    await records.update(staff, partner, parse_partner(raw, choices), raw)


async def test_notes_are_the_school_s_own_and_limited(make_user, other_school):
    staff = await make_user("staff")
    theirs = await make_user("staff", school_id=other_school)
    partner = await add_partner(staff, notes=NOTES)
    assert (await records.page(staff, partner))["notes"] == NOTES
    assert records.as_form(await records.page(staff, partner))["notes"] == NOTES
    # The other school takes up the same organization: its relationship has its own (empty) notes.
    organization = (await records.page(staff, partner))["organization"]
    theirs_partner = await add_partner(theirs, existing=str(organization), use="existing")
    theirs_page = await records.page(theirs, theirs_partner)
    assert theirs_page["notes"] == "" and theirs_page["also_with"] == ["Test Career Center"]
    await edit(theirs, theirs_partner, notes="Their own view.")
    assert (await records.page(staff, partner))["notes"] == NOTES
    with pytest.raises(NotFound):
        await records.page(theirs, partner)
    with pytest.raises(NotFound):
        await edit(theirs, partner, notes="Overwritten")
    with pytest.raises(FormErrors) as too_long:
        parse_partner(partner_raw(staff, notes="x" * (NOTES_MAX + 1)), await records.choices(staff))
    assert too_long.value.errors == {"notes": "Use at most 4000 characters."}
    assert parse_partner(partner_raw(staff, notes="x" * NOTES_MAX), await records.choices(staff)).notes == "x" * NOTES_MAX
    await edit(staff, partner, notes="")
    assert (await records.page(staff, partner))["notes"] == ""


async def test_notes_over_http_are_escaped_kept_on_their_lines_and_hidden_from_others(make_user, make_client, other_school):
    staff = await make_user("staff")
    theirs = await make_user("staff", school_id=other_school)
    student = await make_user("student")
    partner = await add_partner(staff)
    organization = (await records.page(staff, partner))["organization"]
    theirs_partner = await add_partner(theirs, existing=str(organization), use="existing")
    async with browser_of(make_client, staff) as desk:
        form = (await desk.get(f"/staff/partners/{partner}/edit")).text
        assert 'name="notes"' in form and 'maxlength="4000"' in form and "At most 4000 characters." in form
        data = partner_raw(staff) | {"notes": "x" * 4001, "client_uuid": ""}
        refused = await post(desk, f"/staff/partners/{partner}/edit", data)
        assert refused.status_code == 422 and "Use at most 4000 characters." in refused.text
        assert (await post(desk, f"/staff/partners/{partner}/edit", data | {"notes": NOTES})).status_code == 303
        page = (await desk.get(f"/staff/partners/{partner}")).text
        assert ("Ask for Pat, not the front desk.\n&lt;b&gt;Never&lt;/b&gt; call on Fridays &amp; holidays." in page
                and "<b>Never" not in page and 'class="reflection partner-notes"' in page)
    async with browser_of(make_client, theirs) as other:
        own = (await other.get(f"/staff/partners/{theirs_partner}")).text
        assert "Also works with Test Career Center." in own and "front desk" not in own
        assert "front desk" not in (await other.get(f"/staff/partners/{theirs_partner}/edit")).text
        for url in (f"/staff/partners/{partner}", f"/staff/partners/{partner}/edit"):
            assert (await other.get(url)).status_code == 404, url
        response = await other.post(f"/staff/partners/{partner}/edit", headers=csrf_headers(other),
                                    data=partner_raw(theirs) | {"notes": "Overwritten"})
        assert response.status_code == 404
    async with browser_of(make_client, student) as own:
        assert (await own.get(f"/staff/partners/{partner}")).status_code == 403
    assert (await PartnerSchool.select(PartnerSchool.notes).where(PartnerSchool.id == partner).first())["notes"] == NOTES


async def test_an_edit_that_matches_another_organization_warns_until_confirmed(make_user, other_school):
    staff = await make_user("staff")
    theirs = await make_user("staff", school_id=other_school)
    await add_partner(theirs, name="Riverside Health", website="https://www.riversidehealth.example")
    partner = await add_partner(staff, name="Acme Manufacturing", website="https://acme.example")
    # Its own name and website, changed in other ways, match only itself: no warning.
    await edit(staff, partner, name="ACME Manufacturing, Inc.", address="2 Mill Rd")
    for change in ({"name": "Riverside Health LLC"}, {"website": "riversidehealth.example/jobs"}):
        with pytest.raises(PossibleDuplicate) as warned:
            await edit(staff, partner, **change)
        assert [m["name"] for m in warned.value.matches] == ["Riverside Health"], change
        assert "save anyway" in warned.value.errors["form"]
    assert (await records.page(staff, partner))["name"] == "ACME Manufacturing, Inc."
    await edit(staff, partner, name="Riverside Health LLC", use="new", confirm_new="1")
    assert (await records.page(staff, partner))["name"] == "Riverside Health LLC"
    # Already similar before, and not renamed again: saving other changes does not warn again.
    await edit(staff, partner, address="3 Mill Rd")
    assert await Organization.count() == 2


async def test_the_edit_form_warns_and_saves_anyway_once_confirmed(make_user, make_client):
    staff = await make_user("staff")
    await add_partner(staff, name="Riverside Health")
    partner = await add_partner(staff, name="Acme Manufacturing", website="")
    async with browser_of(make_client, staff) as desk:
        data = partner_raw(staff) | {"name": "The Riverside Health Co.", "website": "", "client_uuid": ""}
        warned = await post(desk, f"/staff/partners/{partner}/edit", data)
        assert warned.status_code == 422 and "Another organization?" in warned.text
        assert "Riverside Health" in warned.text and "save anyway" in warned.text
        assert "Use the existing record" not in warned.text and 'value="The Riverside Health Co."' in warned.text
        # "Save anyway" without ticking the box warns again.
        again = await post(desk, f"/staff/partners/{partner}/edit", data | {"use": "new"})
        assert again.status_code == 422 and "Another organization?" in again.text
        saved = await post(desk, f"/staff/partners/{partner}/edit", data | {"use": "new", "confirm_new": "1"})
        assert saved.status_code == 303 and saved.headers["location"] == f"/staff/partners/{partner}?done=saved"
    assert (await records.page(staff, partner))["name"] == "The Riverside Health Co."
