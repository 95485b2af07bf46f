"""A partner's agreements and documents: stored through the evidence store after the same checks as a
student's evidence, opened only by staff of the partner's school (and admins), renewed without losing the old
one, and listed when they expire within 60 days."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from portfolio.errors import FormErrors, NotFound
from portfolio.forms.partner_documents import parse_document
from portfolio.forms.partners import parse_partner
from portfolio.partner_tables import PartnerDocument
from portfolio.partner_vocabulary import DocumentState
from portfolio.services import attention, media
from portfolio.services.partners import documents, records
from portfolio.storage import make_store
from tests import samples
from tests.factories import add_partner_document, browser_of, csrf_headers, csrf_token, post
from tests.s3 import S3Server

TODAY = date(2026, 12, 7)


async def add_partner(staff, name: str = "Riverside Health") -> int:
    raw = {"name": name, "kind": "employer", "website": "", "address": "", "status": "active", "owners": str(staff.id),
           "offerings": [], "clusters": [], "client_uuid": str(uuid.uuid4())}
    return await records.create(staff, parse_partner(raw, await records.choices(staff)), raw)


def expiring_in(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def test_the_form_checks_kind_title_and_dates():
    with pytest.raises(FormErrors) as refused:
        parse_document({"kind": "lease", "title": "", "signed_on": "2026-13-01", "expires_on": "soon"}, TODAY)
    assert set(refused.value.errors) == {"kind", "title", "signed_on", "expires_on"}
    with pytest.raises(FormErrors) as refused:
        parse_document({"kind": "mou", "title": "x" * 201, "signed_on": "2026-06-01", "expires_on": "2026-05-01"}, TODAY)
    assert refused.value.errors["title"] == "Use at most 200 characters."
    assert "after" in refused.value.errors["expires_on"]
    with pytest.raises(FormErrors) as refused:
        parse_document({"kind": "mou", "title": "MOU", "signed_on": "2027-01-01"}, TODAY)
    assert "future" in refused.value.errors["signed_on"]
    form = parse_document({"kind": "insurance", "title": "Liability", "expires_on": "2027-06-30"}, TODAY)
    assert form.expires_on == date(2027, 6, 30) and form.signed_on is None


async def test_expiry_states_and_the_expiring_list_in_order_of_urgency(settings, make_user, other_school):
    staff = await make_user("staff")
    partner = await add_partner(staff)
    other = await add_partner(staff, "Lakeside Dental")
    lapsed = await add_partner_document(settings, staff, partner, title="Old insurance", kind="insurance",
                                        expires_on=expiring_in(-10))
    soon = await add_partner_document(settings, staff, other, title="MOU", expires_on=expiring_in(30))
    edge = await add_partner_document(settings, staff, partner, title="Attestation", kind="background_check",
                                      expires_on=expiring_in(60))
    await add_partner_document(settings, staff, partner, title="Later", expires_on=expiring_in(61))
    await add_partner_document(settings, staff, partner, title="Template", kind="placement_template")
    listed = await documents.expiring(staff, TODAY)
    assert [(d["id"], d["state"]) for d in listed] == [
        (lapsed, DocumentState.EXPIRED), (soon, DocumentState.EXPIRING), (edge, DocumentState.EXPIRING)]
    assert listed[1]["partner_name"] == "Lakeside Dental"
    states = {d["title"]: d["state"] for d in await documents.for_partner(staff, partner, TODAY)}
    assert states == {"Old insurance": DocumentState.EXPIRED, "Attestation": DocumentState.EXPIRING,
                      "Later": DocumentState.CURRENT, "Template": DocumentState.CURRENT}
    needs = await attention.for_staff(staff.school_id, staff.id, TODAY)
    assert needs.partner_documents.count == 3 and not needs.nothing
    # A renewal replaces the lapsed certificate: the old one is kept, marked replaced, and leaves the list.
    renewed = await add_partner_document(settings, staff, partner, replaces=lapsed, title="Insurance 2027",
                                         kind="insurance", expires_on=expiring_in(365))
    assert [d["id"] for d in await documents.expiring(staff, TODAY)] == [soon, edge]
    page = {d["id"]: d["state"] for d in await documents.for_partner(staff, partner, TODAY)}
    assert page[lapsed] == DocumentState.SUPERSEDED and page[renewed] == DocumentState.CURRENT
    assert list(page)[-1] == lapsed  # replaced documents come last
    with pytest.raises(NotFound):  # only the document in force is renewed
        await add_partner_document(settings, staff, partner, replaces=lapsed)
    # Deleting the renewal puts the old certificate back in force, and its file leaves the store.
    key = (await documents.get(staff, partner, renewed))["storage_key"]
    assert await make_store(settings).exists(key)
    await documents.remove(make_store(settings), staff, partner, renewed)
    assert not await make_store(settings).exists(key)
    assert [d["id"] for d in await documents.expiring(staff, TODAY)] == [lapsed, soon, edge]
    # Another school's staff see none of it; an admin sees every school's.
    theirs = await make_user("staff", school_id=other_school)
    assert await documents.expiring(theirs, TODAY) == []
    assert (await attention.for_staff(other_school, theirs.id, TODAY)).partner_documents.count == 0
    for attempt in (documents.for_partner(theirs, partner, TODAY), documents.get(theirs, partner, soon),
                    documents.get(theirs, other, lapsed),  # a document of another partner, by id
                    documents.open_for(theirs, soon), documents.remove(make_store(settings), theirs, partner, edge),
                    add_partner_document(settings, theirs, partner)):
        with pytest.raises(NotFound):
            await attempt
    admin = await make_user("admin", school_id=None)
    assert len(await documents.expiring(admin, TODAY)) == 3
    for role in ("student", "mentor", "employer"):
        with pytest.raises(NotFound):
            await documents.open_for(await make_user(role), soon)


async def test_staff_upload_a_real_pdf_and_a_fake_one_is_refused(client, signed_in, settings):
    staff = await signed_in("staff")
    partner = await add_partner(staff)
    page = await client.get(f"/staff/partners/{partner}/documents/new")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    fields = {"kind": "insurance", "title": "Liability certificate", "signed_on": "2026-07-01",
              "expires_on": expiring_in(20)}
    fake = await client.post(f"/staff/partners/{partner}/documents/new", data=fields,
                             files={"file": ("certificate.pdf", samples.html_renamed(), "application/pdf")},
                             headers=csrf_headers(client))
    assert fake.status_code == 422
    assert media.NOT_ALLOWED in fake.text.replace("&#39;", "'").replace("&#34;", '"')
    assert 'value="Liability certificate"' in fake.text  # the form comes back as typed
    assert await PartnerDocument.count() == 0
    missing = await client.post(f"/staff/partners/{partner}/documents/new", data=fields,
                                files={"file": ("", b"", "application/octet-stream")}, headers=csrf_headers(client))
    assert missing.status_code == 422 and documents.NO_FILE in missing.text.replace("&#34;", '"')
    real = samples.pdf()
    sent = await client.post(f"/staff/partners/{partner}/documents/new", data=fields,
                             files={"file": ("certificate.pdf", real, "application/pdf")},
                             headers=csrf_headers(client))
    assert sent.status_code == 303, sent.text
    row = await PartnerDocument.select().first()
    assert row["content_type"] == "application/pdf" and row["storage_key"].startswith(f"partners/{staff.school_id}/")
    shown = await client.get(sent.headers["location"])
    assert "Liability certificate" in shown.text and "Expires soon" in shown.text and "Document added." in shown.text
    opened = await client.get(f"/partner-documents/{row['id']}")
    assert opened.status_code == 200 and opened.content == real
    assert "no-store" in opened.headers["cache-control"]
    assert opened.headers["content-disposition"].startswith("attachment;")
    assert opened.headers["x-content-type-options"] == "nosniff"
    assert opened.headers["content-security-policy"].startswith("sandbox")
    expiring = await client.get("/staff/partners/expiring")
    assert expiring.status_code == 200 and "Liability certificate" in expiring.text
    assert "no-store" in expiring.headers["cache-control"]
    assert '/staff/partners/expiring' in (await client.get("/staff/partners")).text
    assert '/staff/partners/expiring' in (await client.get("/staff")).text  # "What needs you" counts it
    # A photo of a signed paper is shown inline, never sniffed.
    photo = await add_partner_document(settings, staff, partner, data=samples.jpeg_plain(), name="signed.jpg",
                                       title="Signed MOU")
    opened = await client.get(f"/partner-documents/{photo}")
    assert opened.headers["content-type"] == "image/jpeg" and opened.headers["content-disposition"].startswith("inline;")
    # Renew, then delete: the forms need the CSRF token.
    renew = await client.post(f"/staff/partners/{partner}/documents/{row['id']}/replace",
                              data=fields | {"expires_on": expiring_in(400)},
                              files={"file": ("renewed.pdf", samples.pdf(2), "application/pdf")})
    assert renew.status_code == 403
    renew = await client.post(f"/staff/partners/{partner}/documents/{row['id']}/replace",
                              data=fields | {"expires_on": expiring_in(400)},
                              files={"file": ("renewed.pdf", samples.pdf(2), "application/pdf")},
                              headers=csrf_headers(client))
    assert renew.status_code == 303
    assert "Replaced" in (await client.get(f"/staff/partners/{partner}")).text
    assert "Liability certificate" not in (await client.get("/staff/partners/expiring")).text
    assert (await client.post(f"/staff/partners/{partner}/documents/{photo}/delete")).status_code == 403
    assert (await post(client, f"/staff/partners/{partner}/documents/{photo}/delete")).status_code == 303
    assert not await PartnerDocument.exists().where(PartnerDocument.id == photo)
    assert csrf_token(client)


async def test_a_file_over_the_limit_is_refused_on_the_form(client, signed_in, settings):
    staff = await signed_in("staff")
    partner = await add_partner(staff)
    big = samples.big_pdf(settings.max_upload_mb * 1024 * 1024 + 200 * 1024)
    sent = await client.post(f"/staff/partners/{partner}/documents/new", data={"kind": "mou", "title": "MOU"},
                             files={"file": ("big.pdf", big, "application/pdf")}, headers=csrf_headers(client))
    assert sent.status_code == 422 and f"larger than {settings.max_upload_mb} MB" in sent.text
    assert await PartnerDocument.count() == 0


async def test_only_the_partner_s_school_opens_its_documents(settings, make_user, make_client, other_school):
    staff = await make_user("staff")
    partner = await add_partner(staff)
    document = await add_partner_document(settings, staff, partner)
    for user in (await make_user("staff", school_id=other_school), await make_user("student"),
                 await make_user("mentor"), await make_user("employer")):
        async with browser_of(make_client, user) as theirs:
            assert (await theirs.get(f"/partner-documents/{document}")).status_code == 404, user.roles
    async with browser_of(make_client, await make_user("admin", school_id=None)) as admin:
        assert (await admin.get(f"/partner-documents/{document}")).status_code == 200


@pytest.fixture(scope="module")
def s3_server():
    server = S3Server().start()
    yield server
    server.stop()


async def test_on_s3_documents_are_stored_in_the_bucket_and_opened_through_short_urls(settings, s3_server, make_user,
                                                                                         make_client):
    bucket = s3_server.new_bucket()
    s3_settings = s3_server.settings(settings, bucket, "district-a")
    staff = await make_user("staff")
    partner = await add_partner(staff)
    async with make_client(s3_settings) as client:
        async with browser_of(lambda: make_client(s3_settings), staff) as ours:
            sent = await ours.post(f"/staff/partners/{partner}/documents/new",
                                   data={"kind": "insurance", "title": "Certificate", "expires_on": expiring_in(10)},
                                   files={"file": ("c.pdf", samples.pdf(), "application/pdf")}, headers=csrf_headers(ours))
            assert sent.status_code == 303, sent.text
            row = await PartnerDocument.select().first()
            keys = [item["Key"] for item in s3_server.client().list_objects_v2(Bucket=bucket)["Contents"]]
            assert keys == ["district-a/" + row["storage_key"]]
            opened = await ours.get(f"/partner-documents/{row['id']}")
            assert opened.status_code == 303 and "no-store" in opened.headers["cache-control"]
            url = opened.headers["location"]
            assert url.startswith(s3_server.endpoint)
        await client.get("/signin")
        assert (await client.get(f"/partner-documents/{row['id']}")).status_code == 303  # to the sign-in page
