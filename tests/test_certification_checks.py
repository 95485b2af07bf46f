"""Certifications: staff of the student's school or an assigned mentor verify them with the hash of what
they saw (an edit voids it), nobody else can (the student least of all), staff and mentors see them with
their files and expiry, viewers outside the school see verified apart from self-reported, and students are
e-mailed 60 and 14 days before one expires, each reminder once."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from portfolio import clock
from portfolio.errors import NotFound
from portfolio.forms.certification import CertificationCheckForm
from portfolio.forms.share import parse_share
from portfolio.record_tables import OutboxMessage
from portfolio.services import certifications, sharing
from portfolio.services.signoff import certifications as certificate_checks
from portfolio.settings import get_settings
from portfolio.tables import Certification, CertificationSignOff, Evidence, Organization, StudentProfile
from portfolio.vocabulary import CertificationCheck, Decision, Role
from tests.factories import as_certification, assign_mentor, browser_of, counting_queries, pdf_text, post
from tests.mailbox import emails_for, outbox

ISSUER_URL = "https://www.credly.com/badges/0f3c"


async def new_cert(student, expires_on: str = "", url: str = ISSUER_URL, with_file: bool = True, name: str = "OSHA 10") -> int:
    raw = {"name": name, "issuer": "OSHA", "issued_on": "2026-01-10", "expires_on": expires_on, "verification_url": url}
    cert_id = (await certifications.create(student, await as_certification(student, raw)))["id"]
    if with_file:
        await Evidence.insert(Evidence(
            student=student.id, certification=cert_id, storage_key=f"evidence/{student.id}/{uuid.uuid4().hex}/o.pdf",
            original_name="osha-card.pdf", content_type="application/pdf", size=1, sha256=uuid.uuid4().hex * 2,
        ))
        await certifications.refresh_hash(cert_id)
    return cert_id


async def page_hash(client, url: str, cert_id: int) -> str:
    """The hash the verifier's page carries for this certification (what they are shown)."""
    page = await client.get(url)
    assert page.status_code == 200, page.text
    part = page.text.split(f'id="certification-{cert_id}"', 1)[1]
    return re.search(r'name="content_hash" value="([0-9a-f]{64})"', part).group(1)


def answer(content_hash: str, decision: Decision = Decision.VERIFIED, checked: CertificationCheck = CertificationCheck.EVIDENCE,
           comment: str = "") -> CertificationCheckForm:
    return CertificationCheckForm(checked=checked, decision=decision, comment=comment, content_hash=content_hash)


async def stored(cert_id: int) -> dict:
    return await Certification.select().where(Certification.id == cert_id).first()


async def signoffs(cert_id: int) -> list[dict]:
    return await CertificationSignOff.select().where(CertificationSignOff.certification == cert_id).order_by(CertificationSignOff.id)


# --- verifying ------------------------------------------------------------------------------------

async def test_staff_see_a_certification_verify_it_and_an_edit_voids_it(make_user, make_client):
    student = await make_user("student", name="Jordan Rivera")
    cert_id = await new_cert(student, expires_on=(date.today() + timedelta(days=400)).isoformat())
    staff = await make_user("staff", name="Ms. Ortiz")
    async with browser_of(make_client, staff) as browser:
        url = f"/staff/students/{student.id}"
        page = (await browser.get(url)).text
        part = page.split(f'id="certification-{cert_id}"', 1)[1]
        assert "OSHA 10" in part and "osha-card.pdf" in part and "/evidence/" in part and ISSUER_URL in part
        assert "expires" in part and "Self-reported: not verified yet" in part
        seen = await page_hash(browser, url, cert_id)
        response = await post(browser, f"{url}/certifications/{cert_id}/verify",
                              {"content_hash": seen, "checked": "issuer_link", "decision": "verified"})
        assert response.status_code == 303
        page = (await browser.get(url)).text.split(f'id="certification-{cert_id}"', 1)[1]
        assert "status-verified" in page and "Ms. Ortiz, School staff: checked with the issuer" in page

    [signoff] = await signoffs(cert_id)
    assert signoff["verifier"] == staff.id and signoff["content_hash"] == seen == (await stored(cert_id))["content_hash"]
    assert (await stored(cert_id))["status"] == "verified"

    # The student edits what was signed: the verification is void, visibly, and the sign-off is kept.
    raw = {"name": "OSHA 30", "issuer": "OSHA", "issued_on": "2026-01-10", "verification_url": ISSUER_URL}
    await certifications.update(student, cert_id, await as_certification(student, raw))
    assert (await stored(cert_id))["status"] == "voided"
    [signoff] = await signoffs(cert_id)
    assert signoff["voided_at"] is not None
    [shown] = await certificate_checks.student_certifications(student.id)
    assert shown["state"] == "voided"


async def test_a_file_added_after_verification_voids_it(make_user, settings):
    from portfolio.services import evidence
    from portfolio.storage import make_store
    from tests import samples

    student = await make_user("student")
    cert_id = await new_cert(student)
    staff = await make_user("staff")
    await certificate_checks.verify_certification(staff, Role.STAFF, student.id, cert_id, answer((await stored(cert_id))["content_hash"]))
    path = settings.var_dir / f"upload-{uuid.uuid4().hex}"
    path.write_bytes(samples.jpeg_with_gps())
    await evidence.attach(make_store(settings), student, "certification", cert_id, evidence.Upload(path=path, original_name="new.jpg"),
                          work_root=settings.var_dir / "work", max_bytes=settings.max_upload_mb * 1024 * 1024,
                          max_pixels=settings.max_image_pixels)
    assert (await stored(cert_id))["status"] == "voided"
    [shown] = await certificate_checks.student_certifications(student.id)
    assert shown["state"] == "voided" and (await signoffs(cert_id))[0]["voided_at"] is not None


async def test_an_assigned_mentor_sees_and_verifies_from_the_student_view(make_user, make_client):
    student = await make_user("student")
    cert_id = await new_cert(student, url="")
    mentor = await make_user("mentor", name="Mr. Lee")
    await assign_mentor(await make_user("staff"), mentor, student)
    async with browser_of(make_client, mentor) as browser:
        url = f"/mentor/students/{student.id}"
        seen = await page_hash(browser, url, cert_id)
        # Nothing at the issuer to check: said so, and nothing is recorded.
        refused = await post(browser, f"{url}/certifications/{cert_id}/verify",
                             {"content_hash": seen, "checked": "issuer_link", "decision": "verified"})
        assert refused.status_code == 422 and "no verification link" in refused.text
        assert await signoffs(cert_id) == []
        done = await post(browser, f"{url}/certifications/{cert_id}/verify",
                          {"content_hash": seen, "checked": "evidence", "decision": "verified"})
        assert done.status_code == 303
    [signoff] = await signoffs(cert_id)
    assert signoff["verifier"] == mentor.id and signoff["verifier_title"] == "Mentor" and signoff["checked"] == "evidence"


async def test_a_decision_on_a_version_the_verifier_did_not_see_is_refused(make_user, make_client):
    student = await make_user("student")
    cert_id = await new_cert(student)
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as browser:
        url = f"/staff/students/{student.id}"
        seen = await page_hash(browser, url, cert_id)
        raw = {"name": "OSHA 10 (renamed)", "issuer": "OSHA", "issued_on": "2026-01-10", "verification_url": ISSUER_URL}
        await certifications.update(student, cert_id, await as_certification(student, raw))
        response = await post(browser, f"{url}/certifications/{cert_id}/verify",
                              {"content_hash": seen, "checked": "evidence", "decision": "verified"})
        assert response.status_code == 409 and "changed this certification after you opened it" in response.text
    assert await signoffs(cert_id) == [] and (await stored(cert_id))["status"] == "draft"


# --- cheats ---------------------------------------------------------------------------------------

async def test_a_student_never_verifies_their_own_even_holding_staff_or_mentor_roles(make_user, make_client):
    # An account that is a student and also staff (and a mentor assigned to itself) of the same school.
    both = await make_user("student", "staff", "mentor")
    cert_id = await new_cert(both)
    await assign_mentor(await make_user("staff"), both, both)
    seen = (await stored(cert_id))["content_hash"]
    async with browser_of(make_client, both) as browser:
        for url in (f"/staff/students/{both.id}", f"/mentor/students/{both.id}"):
            response = await post(browser, f"{url}/certifications/{cert_id}/verify",
                                  {"content_hash": seen, "checked": "evidence", "decision": "verified"})
            assert response.status_code in (403, 404), (url, response.status_code)
    for as_role in (Role.STAFF, Role.MENTOR):
        with pytest.raises(NotFound):
            await certificate_checks.verify_certification(both, as_role, both.id, cert_id, answer(seen))
    assert await signoffs(cert_id) == [] and (await stored(cert_id))["status"] == "draft"


async def test_an_unassigned_mentor_and_another_schools_staff_are_refused(make_user, make_client, other_school):
    student = await make_user("student")
    cert_id = await new_cert(student)
    seen = (await stored(cert_id))["content_hash"]
    form = {"content_hash": seen, "checked": "evidence", "decision": "verified"}
    stranger_mentor = await make_user("mentor")  # same school, not assigned to this student
    other_staff = await make_user("staff", school_id=other_school)
    async with browser_of(make_client, stranger_mentor) as browser:
        assert (await browser.get(f"/mentor/students/{student.id}")).status_code == 404
        assert (await post(browser, f"/mentor/students/{student.id}/certifications/{cert_id}/verify", form)).status_code == 404
    async with browser_of(make_client, other_staff) as browser:
        assert (await browser.get(f"/staff/students/{student.id}")).status_code == 404
        assert (await post(browser, f"/staff/students/{student.id}/certifications/{cert_id}/verify", form)).status_code == 404
    # A certification of another student, posted under a student the verifier may see, is not found either.
    mine = await make_user("student")
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as browser:
        assert (await post(browser, f"/staff/students/{mine.id}/certifications/{cert_id}/verify", form)).status_code == 404
    assert await signoffs(cert_id) == []


# --- what viewers outside the school see ----------------------------------------------------------

async def test_employers_shared_pages_and_the_pdf_tell_verified_from_self_reported(make_user, make_client, settings):
    student = await make_user("student", name="Avery Chen")
    born = date.today().replace(year=date.today().year - 20) - timedelta(days=3)
    await StudentProfile.insert(StudentProfile(student=student.id, skills=[], interests=[], birth_date=born))
    checked_id = await new_cert(student, name="ServSafe Food Handler")
    await new_cert(student, name="CompTIA A Plus")
    voided_id = await new_cert(student, name="Forklift Operator")
    staff = await make_user("staff", name="Ms. Ortiz")
    for cert_id in (checked_id, voided_id):
        await certificate_checks.verify_certification(staff, Role.STAFF, student.id, cert_id, answer((await stored(cert_id))["content_hash"]))
    # Changed behind the app's back after its sign-off: the hash no longer matches, so it is not verified.
    await Certification.update({Certification.credential_id: "X-1"}).where(Certification.id == voided_id)
    await certifications.refresh_hash(voided_id)

    pf = await sharing.portfolio(student.id)
    states = {c["name"]: c["state"] for c in pf["certifications"]}
    assert states == {"ServSafe Food Handler": "verified", "CompTIA A Plus": "self_reported", "Forklift Operator": "self_reported"}

    org = (await Organization.insert(Organization(name="Acme", kind="employer")).returning(Organization.id))[0]["id"]
    await sharing.create(emails_for(get_settings()), student, parse_share(
        {"audience": "organization", "organization": str(org), "days": "30", "scope": "everything"}, await sharing.employer_ids()))
    employer = await make_user("employer", organization_id=org)
    async with browser_of(make_client, employer) as browser:
        page = (await browser.get(f"/employer/students/{student.id}")).text.split('id="certs-heading"', 1)[1]
        servsafe = page.split("ServSafe Food Handler", 1)[1].split("</li>", 1)[0]
        assert "status-verified" in servsafe and "Ms. Ortiz, School staff checked the certificate file" in servsafe
        for name in ("CompTIA A Plus", "Forklift Operator"):
            card = page.split(name, 1)[1].split("</li>", 1)[0]
            assert "Self-reported" in card and "status-verified" not in card
        pdf = await browser.get(f"/employer/students/{student.id}/portfolio.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.content)
    assert "Verified: Ms. Ortiz, School staff checked the certificate file" in text
    assert text.count("Self-reported") >= 2




# --- expiry reminders -----------------------------------------------------------------------------

def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=timezone.utc)  # midday in New York


async def expiry_mails(email: str) -> list[dict]:
    return await OutboxMessage.select().where(
        (OutboxMessage.recipient == email) & (OutboxMessage.kind == "certification_expiry")
    ).order_by(OutboxMessage.id)


async def test_students_are_reminded_60_and_14_days_before_expiry_each_once(make_user, emails, settings):
    student = await make_user("student")
    expires = date(2027, 6, 30)
    cert_id = await new_cert(student, expires_on=expires.isoformat())
    await new_cert(student, name="No expiry")

    with clock.fixed(noon(expires - timedelta(days=61))):
        assert await certifications.send_expiry_reminders(emails) == 0
    with clock.fixed(noon(expires - timedelta(days=60))):
        assert await certifications.send_expiry_reminders(emails) == 1
        assert await certifications.send_expiry_reminders(emails) == 0  # a rerun the same day sends nothing
    with clock.fixed(noon(expires - timedelta(days=30))):
        assert await certifications.send_expiry_reminders(emails) == 0
    with clock.fixed(noon(expires - timedelta(days=14))):
        assert await certifications.send_expiry_reminders(emails) == 1
    with clock.fixed(noon(expires - timedelta(days=3))):
        assert await certifications.send_expiry_reminders(emails) == 0
    with clock.fixed(noon(expires + timedelta(days=1))):
        assert await certifications.send_expiry_reminders(emails) == 0
    assert [m["subject"] for m in await expiry_mails(student.email)] == [
        "Your OSHA 10 certification expires in 60 days", "Your OSHA 10 certification expires in 14 days"]
    with clock.fixed(noon(expires)):  # the messages were queued in 2027
        [first, _] = await outbox(settings.var_dir, student.email)
    assert f"/student/certifications/{cert_id}" in first.get_body(preferencelist=("plain",)).get_content()


async def test_a_renewed_expiry_is_reminded_again_and_a_late_one_only_once(make_user, emails):
    student = await make_user("student")
    expires = date(2027, 6, 30)
    cert_id = await new_cert(student, expires_on=expires.isoformat())
    with clock.fixed(noon(expires - timedelta(days=10))):
        # Added (or first run) ten days before: only the 14-day reminder, once.
        assert await certifications.send_expiry_reminders(emails) == 1
        assert await certifications.send_expiry_reminders(emails) == 0
        renewed = {"name": "OSHA 10", "issuer": "OSHA", "issued_on": "2026-01-10", "expires_on": "2027-08-20",
                   "verification_url": ISSUER_URL}
        await certifications.update(student, cert_id, await as_certification(student, renewed))
    with clock.fixed(noon(date(2027, 8, 20) - timedelta(days=60))):
        assert await certifications.send_expiry_reminders(emails) == 1
    assert len(await expiry_mails(student.email)) == 2


async def test_asking_for_changes_needs_a_comment_the_student_then_reads(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    cert_id = await new_cert(student)
    staff = await make_user("staff", name="Ms. Ortiz")
    async with browser_of(make_client, staff) as browser:
        url = f"/staff/students/{student.id}"
        seen = await page_hash(browser, url, cert_id)
        bare = await post(browser, f"{url}/certifications/{cert_id}/verify",
                          {"content_hash": seen, "checked": "evidence", "decision": "changes_requested"})
        assert bare.status_code == 422 and "Tell the student what to change" in bare.text
        asked = await post(browser, f"{url}/certifications/{cert_id}/verify",
                           {"content_hash": seen, "checked": "evidence", "decision": "changes_requested",
                            "comment": "The scan is cut off: upload the whole card."})
        assert asked.status_code == 303
    page = (await client.get(f"/student/certifications/{cert_id}")).text
    assert "Changes requested" in page and "The scan is cut off: upload the whole card." in page and "Ms. Ortiz" in page
    assert (await stored(cert_id))["status"] == "changes_requested"


async def test_the_verifiers_list_takes_the_same_queries_for_1_or_10_certifications(make_user):
    counts = []
    for number in (1, 10):
        student = await make_user("student")
        for n in range(number):
            await new_cert(student, name=f"Cert {n}")
        async with counting_queries() as seen:
            assert len(await certificate_checks.student_certifications(student.id)) == number
        counts.append(len(seen))
    assert counts[0] == counts[1]
