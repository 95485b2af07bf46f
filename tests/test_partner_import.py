"""The directory's spreadsheet import and export: a dry run that classifies each row and writes nothing, an
import that writes all of a confirmed plan or nothing, and an export that imports again as "nothing to change"."""

from __future__ import annotations

import csv
import io
import json

from portfolio.forms.partners import parse_contact, parse_filter
from portfolio.partner_tables import PartnerContact, PartnerOwner, PartnerSchool
from portfolio.record_tables import AuditEvent
from portfolio.services.partners import contacts, export, sheet, spreadsheet
from portfolio.tables import Organization
from tests.factories import counting_queries
from tests.test_partners import add_partner, contact_raw

HEADER = ",".join(sheet.COLUMNS)


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


FILE = csv_of(
    "Riverside Health,employer,riversidehealth.example,,active,Healthcare & Human Services,job_shadow; Site visit,Pat Nguyen,,pat@riversidehealth.example,,,",
    "Riverside Health,,,,,,,Sam Lee,Nurse manager,,555-010-3000,phone,supervisor",
    "Bayside Welding,training_provider,https://www.bayside.example/,,,,,,,,,,",
)


async def counts() -> tuple[int, int, int]:
    return await Organization.count(), await PartnerSchool.count(), await PartnerContact.count()


async def confirm(staff, content: bytes, owner=None):
    found = await spreadsheet.plan(staff, content, owner)
    return await spreadsheet.apply(staff, content, owner, found.fingerprint)


async def test_a_dry_run_writes_nothing_and_an_import_twice_creates_nothing_the_second_time(make_user):
    staff = await make_user("staff")
    found = await spreadsheet.plan(staff, FILE)
    assert [r.outcome for r in found.rows] == ["create", "create", "create"]
    assert [r.number for r in found.rows] == [2, 3, 4]
    assert found.rows[0].notes == ["New partner.", "New contact: Pat Nguyen."]
    assert found.counts | {} == {"rows": 3, "errors": 0, "partners_created": 2, "partners_updated": 0,
                                 "contacts_created": 2, "contacts_updated": 0}
    assert await counts() == (0, 0, 0)

    done, written = await confirm(staff, FILE)
    assert written and await counts() == (2, 2, 2)
    riverside = await PartnerSchool.select(PartnerSchool.id).where(PartnerSchool.organization.name == "Riverside Health").first()
    assert await PartnerOwner.select(PartnerOwner.staff).where(PartnerOwner.partner == riverside["id"]) == [{"staff": staff.id}]
    sam = await PartnerContact.select().where(PartnerContact.name == "Sam Lee").first()
    assert (sam["reach_by"], sam["role"], sam["phone"]) == ("phone", "supervisor", "555-010-3000")
    event = await AuditEvent.select().where(AuditEvent.action == "partners.imported").first()
    detail = json.loads(event["detail"]) if isinstance(event["detail"], str) else event["detail"]
    assert detail["contacts_created"] == 2 and "Pat" not in str(detail)

    again = await spreadsheet.plan(staff, FILE)
    assert [r.outcome for r in again.rows] == ["same", "same", "same"]
    assert not again.writes
    assert "Contact Pat Nguyen already there, nothing changed." in again.rows[0].notes
    assert (await confirm(staff, FILE))[1] is False and await counts() == (2, 2, 2)


async def test_changes_and_new_contacts_of_existing_partners_are_told_apart(make_user):
    staff = await make_user("staff")
    partner = await add_partner(staff)  # Riverside Health, active, job shadow and site visit
    await contacts.add(staff, partner, parse_contact(contact_raw()))
    changed = csv_of(
        "riverside  HEALTH,,https://riversidehealth.example/,,paused,,,,,pat@riversidehealth.example,,,executive",
        "Riverside Health,,,,,,,Jo Park,,jo@riversidehealth.example,,,")
    found = await spreadsheet.plan(staff, changed)
    assert [r.outcome for r in found.rows] == ["update", "create"]
    assert found.rows[0].notes == ["Partner exists: changes status.", "Contact Pat Nguyen: changes role."]
    assert found.rows[1].notes == ["New contact: Jo Park."]
    assert (await confirm(staff, changed))[1]
    assert (await PartnerSchool.select(PartnerSchool.status).first())["status"] == "paused"
    # Another spelling of the same website is not a change: the address stays as it was recorded.
    assert (await Organization.select(Organization.website).first())["website"] == "https://riversidehealth.example"
    assert await PartnerContact.count() == 2 and await Organization.count() == 1


async def test_an_error_names_row_and_column_and_blocks_the_whole_import(make_user):
    staff = await make_user("staff")
    bad = csv_of("Good Co,employer,,,,,,,,,,,",
                 "Bank Co,bank,,,,,,,,,,,",
                 "Clinic,employer,,,,Nowhere Studies,,Al,,not-an-email,,,",
                 "Shop,employer,,,,,,Bo,,,12,phone,")
    found = await spreadsheet.plan(staff, bad)
    assert [r.outcome for r in found.rows] == ["create", "error", "error", "error"]
    assert found.rows[1].errors[0].startswith("Row 3, column 'kind': 'bank' is not a partner kind; choose one of employer,")
    assert any(e.startswith("Row 4, column 'clusters': 'Nowhere Studies'") for e in found.rows[2].errors)
    assert any(e.startswith("Row 4, column 'email':") for e in found.rows[2].errors)
    assert found.rows[3].errors == [f"Row 5, column 'phone': {parse_error('phone')}"]
    assert found.blocked
    await add_partner(staff, name="Twin Co", website="twin.example")
    await add_partner(staff, name="Other Twin", website="other-twin.example")
    mixed = await spreadsheet.plan(staff, csv_of("Twin Co,,other-twin.example,,,,,,,,,,",
                                                 "Fresh Co,employer,,,active,,,,,,,,",
                                                 "Fresh Co,,,,paused,,,,,,,,"))
    assert mixed.rows[0].errors[0].startswith("Row 2, column 'organization': it matches more than one organization")
    assert mixed.rows[2].errors == ["Row 4, column 'status': this partner's details differ from row 3's. Give them "
                                    "once, or the same on every row of the partner."]
    await PartnerSchool.delete().where(PartnerSchool.id > 0)
    await Organization.delete().where(Organization.id > 0)
    assert await spreadsheet.apply(staff, bad, None, found.fingerprint) == (found_again := (await spreadsheet.apply(
        staff, bad, None, found.fingerprint))) and found_again[1] is False
    assert await counts() == (0, 0, 0)


def parse_error(field: str) -> str:
    try:
        parse_contact({"contact_name": "Bo", "phone": "12", "reach_by": "phone", "role": "hr"})
    except Exception as problem:  # noqa: BLE001
        return problem.errors[field]
    raise AssertionError


async def test_a_confirmation_writes_only_the_plan_that_was_seen(make_user):
    staff = await make_user("staff")
    found = await spreadsheet.plan(staff, FILE)
    await add_partner(staff, name="Bayside Welding", website="bayside.example")  # someone added it meanwhile
    again, written = await spreadsheet.apply(staff, FILE, None, found.fingerprint)
    assert not written and again.fingerprint != found.fingerprint
    assert await counts() == (1, 1, 0)
    assert [r.outcome for r in again.rows] == ["create", "create", "update"]


async def test_another_school_s_partner_is_matched_without_reading_its_contacts(make_user, other_school):
    ours = await make_user("staff")
    theirs = await make_user("staff", school_id=other_school)
    their_partner = await add_partner(theirs)
    await contacts.add(theirs, their_partner, parse_contact(contact_raw()))
    found = await spreadsheet.plan(ours, FILE)
    assert found.rows[0].notes == ["Already in the district's directory: your school's relationship with it is added.",
                                   "New contact: Pat Nguyen."]
    assert "Pat Nguyen" not in repr([p.known_contacts for p in found.partners])
    assert (await confirm(ours, FILE))[1]
    assert await Organization.count() == 2  # Riverside Health once, Bayside Welding
    ours_partner = await PartnerSchool.select(PartnerSchool.id).where(PartnerSchool.school == ours.school_id).where(
        PartnerSchool.organization.name == "Riverside Health").first()
    assert await PartnerContact.count().where(PartnerContact.partner == ours_partner["id"]) == 2
    assert await PartnerContact.count().where(PartnerContact.partner == their_partner) == 1


async def test_excel_files_with_semicolons_a_bom_and_windows_text_are_read():
    content = ("\ufeff" + HEADER.replace(",", ";") + "\r\nCafé Nord;employer;;;;;;;;;;;\r\n").encode("cp1252", "replace")
    read = sheet.read(content.replace(b"?", b""))
    assert read.rows == [(2, {c: ("Café Nord" if c == "organization" else "employer" if c == "kind" else "")
                              for c in sheet.COLUMNS})]
    assert sheet.read(("\ufeff" + HEADER + ",notes\nA,,,,,,,,,,,,,x\n").encode()).ignored == ["notes"]
    for content, words in ((b"name\nA\n", "organization"), (b"", "empty"), (b"x" * (sheet.MAX_BYTES + 1), "KB"),
                           (("organization\n" + "A\n" * (sheet.MAX_ROWS + 1)).encode(), "rows")):
        try:
            sheet.read(content)
        except sheet.SheetProblem as problem:
            assert words in str(problem)
        else:
            raise AssertionError(words)


async def test_the_export_escapes_formulas_and_imports_again_as_nothing_to_change(make_user):
    staff = await make_user("staff")
    assert (await confirm(staff, FILE))[1]
    partner = await add_partner(staff, name="=HYPERLINK(\"http://evil.example\")", website="evil.example")
    await contacts.add(staff, partner, parse_contact(contact_raw(contact_name="+Pat", email="", reach_by="phone")))
    text = await export.export(staff, parse_filter({}))
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == [*sheet.COLUMNS, "contact_active", "owners", "last_contact"]
    assert len(rows) == 1 + 4  # two contacts, one partner without, one with a contact
    evil = [r for r in rows if "HYPERLINK" in r[0]][0]
    assert evil[0].startswith("'=") and evil[7] == "'+Pat"
    assert (await export.rows(staff, parse_filter({"q": "Bayside"})))[1][0][0] == "Bayside Welding"
    found = await spreadsheet.plan(staff, text.encode())
    assert [r.outcome for r in found.rows] == ["same"] * 4, [r.errors + r.notes for r in found.rows]
    assert await AuditEvent.count().where(AuditEvent.action == "partners.exported") == 1


async def test_the_export_and_the_dry_run_take_the_same_queries_for_1_or_30_partners(make_user, other_school):
    small, large = await make_user("staff"), await make_user("staff", school_id=other_school)
    files = {}
    for staff, count in ((small, 1), (large, 30)):
        rows = [f"Partner {staff.id}-{n},employer,p{staff.id}-{n}.example,,active,Construction,site_visit,"
                f"Pat {n},,pat{n}@p.example,,," for n in range(count)]
        files[count] = csv_of(*rows)
        assert (await confirm(staff, files[count]))[1]
    seen = {}
    for staff, count in ((small, 1), (large, 30)):
        async with counting_queries() as queries:
            header, rows = await export.rows(staff, parse_filter({}))
            found = await spreadsheet.plan(staff, files[count])
        assert len(rows) == count and [r.outcome for r in found.rows] == ["same"] * count
        seen[count] = len(queries)
    assert seen[1] == seen[30]


def test_access_logs_never_show_what_the_directory_was_searched_for():
    import logging

    from portfolio.logs import RedactSecrets

    for path, shown in (("/staff/partners.csv?q=Riverside+Health&owner=3", "/staff/partners.csv?[redacted]"),
                        ("/staff/partners?q=Riverside", "/staff/partners?[redacted]"),
                        ("/staff/partners/import", "/staff/partners/import")):
        record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '"%s %s"', ("GET", path), None)
        RedactSecrets().filter(record)
        assert record.getMessage() == f'"GET {shown}"', path
