"""The spreadsheet import and export over HTTP: staff of a school import into their own school only, after a
dry run, with CSRF; everyone else is refused; the export is an attachment nobody stores."""

from __future__ import annotations

import base64
import html
import re

from portfolio.partner_tables import PartnerContact, PartnerOwner, PartnerSchool
from portfolio.record_tables import AuditEvent
from portfolio.tables import Organization
from tests.factories import browser_of, csrf_headers, post
from tests.test_partner_import import FILE, csv_of
from tests.test_partners import add_partner

ROUTES = [("GET", "/staff/partners.csv"), ("GET", "/staff/partners/import"), ("GET", "/staff/partners/import/template.csv"),
          ("POST", "/staff/partners/import"), ("POST", "/staff/partners/import/confirm")]


def hidden(page: str, name: str) -> str:
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


async def send(client, content: bytes, owner: str = "", token: bool = True):
    headers = csrf_headers(client) if token else {}
    return await client.post("/staff/partners/import", files={"file": ("partners.csv", content, "text/csv")},
                             data={"owner": owner}, headers=headers)


async def test_staff_import_after_a_dry_run_and_a_confirmation(make_user, make_client):
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as ours:
        directory = (await ours.get("/staff/partners")).text
        assert 'href="/staff/partners/import"' in directory
        start = await ours.get("/staff/partners/import")
        assert start.status_code == 200 and "no-store" in start.headers["cache-control"]
        assert 'href="/staff/partners/import/template.csv"' in start.text
        template = await ours.get("/staff/partners/import/template.csv")
        assert template.headers["content-disposition"].startswith("attachment")
        assert template.text.splitlines()[0].removeprefix("\ufeff").startswith("organization,kind,website")

        assert (await send(ours, FILE, token=False)).status_code == 403
        dry = await send(ours, FILE)
        assert dry.status_code == 200 and "Dry run: nothing is saved yet" in dry.text
        assert "Row 3 · Riverside Health" in dry.text and "New contact: Sam Lee." in dry.text
        assert await PartnerSchool.count() == 0
        confirm = {"content": hidden(dry.text, "content"), "fingerprint": hidden(dry.text, "fingerprint"), "owner": ""}
        assert (await ours.post("/staff/partners/import/confirm", data=confirm)).status_code == 403  # no token
        assert await PartnerSchool.count() == 0
        done = await post(ours, "/staff/partners/import/confirm", confirm)
        assert done.status_code == 303 and done.headers["location"].startswith("/staff/partners/import?done=imported")
        assert "2 partners added" in (await ours.get(done.headers["location"])).text
        assert await PartnerSchool.count() == 2 and await PartnerContact.count() == 2
        # Sent again (a double click), the same confirmation writes nothing more.
        again = await post(ours, "/staff/partners/import/confirm", confirm)
        assert again.status_code == 200 and "Nothing to change" in again.text
        assert await PartnerSchool.count() == 2 and await PartnerContact.count() == 2

        # The directory's link carries its filter: the export holds what the list shows, every page of it.
        assert 'href="/staff/partners.csv?q=Riverside&amp;status=active&amp;sort=name"' in (
            await ours.get("/staff/partners?q=Riverside&status=active")).text
        exported = await ours.get("/staff/partners.csv?q=Riverside")
        assert exported.headers["content-type"].startswith("text/csv")
        assert exported.headers["content-disposition"].startswith("attachment")
        assert "no-store" in exported.headers["cache-control"]
        assert "Sam Lee" in exported.text and "Bayside" not in exported.text
        assert await AuditEvent.count().where(AuditEvent.action == "partners.exported") == 1


async def test_a_file_with_an_error_shows_it_and_cannot_be_confirmed(make_user, make_client):
    async with browser_of(make_client, await make_user("staff")) as ours:
        empty = await ours.post("/staff/partners/import", files={"file": ("", b"", "text/csv")}, data={"owner": ""},
                                headers=csrf_headers(ours))
        assert empty.status_code == 422 and "Choose the .csv file" in empty.text
        bad = csv_of("Bank Co,bank,,,,,,,,,,,")
        dry = await send(ours, bad)
        assert "Row 2, column &#39;kind&#39;: &#39;bank&#39; is not a partner kind" in dry.text
        assert 'action="/staff/partners/import/confirm"' not in dry.text
        # A confirmation made up by hand is judged again, and refused the same way.
        forged = {"content": base64.urlsafe_b64encode(bad).decode(), "fingerprint": "0" * 64, "owner": ""}
        answer = await post(ours, "/staff/partners/import/confirm", forged)
        assert answer.status_code == 200 and "is not a partner kind" in answer.text
        unreadable = await send(ours, b"\x00\xff" * 10)
        assert unreadable.status_code == 422 and "must name the columns" in unreadable.text
        assert await PartnerSchool.count() == 0


async def test_others_are_refused_and_another_school_s_staff_import_into_their_own(make_user, make_client, other_school):
    ours = await make_user("staff")
    partner = await add_partner(ours)
    for role in ("student", "mentor", "employer"):
        async with browser_of(make_client, await make_user(role)) as client:
            for method, url in ROUTES:
                response = await client.request(method, url, headers=csrf_headers(client))
                assert response.status_code == 403, (role, url)
    theirs = await make_user("staff", school_id=other_school)
    async with browser_of(make_client, theirs) as client:
        assert "Riverside" not in (await client.get("/staff/partners.csv")).text
        # The owner field is an admin's: staff naming a colleague of another school still import into their own.
        dry = await send(client, FILE, owner=str(ours.id))
        assert "For Other High School." in dry.text and "Already in the district" in dry.text
        confirm = {"content": hidden(dry.text, "content"), "fingerprint": hidden(dry.text, "fingerprint"),
                   "owner": str(ours.id)}
        assert (await post(client, "/staff/partners/import/confirm", confirm)).status_code == 303
    assert await PartnerContact.count().where(PartnerContact.partner == partner) == 0
    theirs_now = await PartnerSchool.select(PartnerSchool.id).where(PartnerSchool.school == other_school)
    assert len(theirs_now) == 2
    assert {r["staff"] for r in await PartnerOwner.select(PartnerOwner.staff).where(
        PartnerOwner.partner.is_in([r["id"] for r in theirs_now]))} == {theirs.id}
    assert await Organization.count() == 2


async def test_an_admin_imports_into_the_school_of_the_owner_chosen(make_user, make_client, other_school):
    owner = await make_user("staff", school_id=other_school, name="Ms. Other")
    async with browser_of(make_client, await make_user("admin", school_id=None)) as admin:
        start = await admin.get("/staff/partners/import")
        assert "Owner of the partners it adds" in start.text and "Ms. Other (Other High School)" in start.text
        assert "Choose the staff member" in (await send(admin, FILE)).text
        dry = await send(admin, FILE, owner=str(owner.id))
        assert "For Other High School." in dry.text
        confirm = {"content": hidden(dry.text, "content"), "fingerprint": hidden(dry.text, "fingerprint"),
                   "owner": hidden(dry.text, "owner")}
        assert (await post(admin, "/staff/partners/import/confirm", confirm)).status_code == 303
        exported = (await admin.get("/staff/partners.csv")).text
        assert exported.splitlines()[0].endswith(",school") and "Other High School" in exported
    assert await PartnerSchool.count().where(PartnerSchool.school == other_school) == 2
    assert await PartnerOwner.count().where(PartnerOwner.staff == owner.id) == 2
