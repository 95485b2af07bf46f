"""Required forms: staff tick one (who and when recorded); a permission slip goes only to the guardian the school
confirmed (never an address the student proposed), as a one-time link the guardian signs without an account;
the student's page shows what is still missing."""

from __future__ import annotations

from datetime import date

import pytest

from portfolio import clock
from portfolio.errors import LinkInvalid, NotEditable
from portfolio.forms.opportunities import SlipSignature
from portfolio.opportunity_tables import FormCompletion
from portfolio.opportunity_vocabulary import RequiredForm
from portfolio.services.opportunities import required_forms, seats
from portfolio.tables import GuardianConsent, StudentProfile
from tests.factories import browser_of, post
from tests.mailbox import link_in
from tests.opportunity_factories import guardian_on_record, mail_to, post_opportunity, set_profile
from tests.test_opportunities import seats_row

FORMS = (RequiredForm.PERMISSION_SLIP, RequiredForm.TRANSPORTATION)


async def test_a_slip_goes_to_the_confirmed_guardian_once_and_never_to_an_address_the_student_chose(
        client, signed_in, make_user, make_client, settings, emails):
    staff = await make_user("staff")
    opportunity_id = await post_opportunity(staff, required_forms=FORMS)
    student = await signed_in("student", name="Sam Minor")
    await set_profile(student.id, birth_date=date(2011, 1, 1))
    assert (await post(client, f"/student/opportunities/{opportunity_id}/sign-up")).status_code == 303
    assert "Still missing: Permission slip, Transportation form." in (await client.get(f"/student/opportunities/{opportunity_id}")).text
    sign_up_id = await seats_row(opportunity_id, student.id)
    # The student proposed "a guardian" at an address they own; staff have not confirmed it: no slip goes there.
    await GuardianConsent.insert(GuardianConsent(student=student.id, guardian_name="Me Really", guardian_email="sam.alt@example.net",
                                                 method="guardian_link", proposed_by=student.id, created_at=clock.now()))
    with pytest.raises(NotEditable):
        await required_forms.send_slip(emails, staff, opportunity_id, sign_up_id)
    await guardian_on_record(student.id, staff.id, email="parent@example.net")
    async with browser_of(make_client, staff) as office:
        sent = await post(office, f"/staff/opportunities/{opportunity_id}/sign-ups/{sign_up_id}/slip")
        assert sent.status_code == 303
        ticked = await post(office, f"/staff/opportunities/{opportunity_id}/sign-ups/{sign_up_id}/forms", {"form": "transportation"})
        assert ticked.status_code == 303
    assert await mail_to(settings, "sam.alt@example.net") == []
    (slip,) = await mail_to(settings, "parent@example.net")
    path = link_in(slip["message"])
    assert path.startswith("/slip/")
    # The guardian, without an account: the slip, then the signature.
    async with make_client() as guardian:
        page = await guardian.get(path)
        assert page.status_code == 200 and "May Sam Minor go to Site visit: Tri-County Builders?" in page.text
        missing_box = await post(guardian, path, {"name": "Pat Parent"})
        assert missing_box.status_code == 422 and "Tick the box" in missing_box.text
        signed = await post(guardian, path, {"name": "Pat Parent", "agree": "yes"})
        assert signed.status_code == 200 and "Thank you" in signed.text
        # Used once: the link no longer works, to read or to sign.
        assert (await guardian.get(path)).status_code == 410
        assert (await post(guardian, path, {"name": "Someone Else", "agree": "yes"})).status_code == 410
    rows = {r["form"]: r for r in await FormCompletion.select().where(FormCompletion.sign_up == sign_up_id)}
    assert rows["permission_slip"]["signer_name"] == "Pat Parent" and rows["permission_slip"]["method"] == "link"
    assert rows["permission_slip"]["signer_email"] == "parent@example.net" and rows["permission_slip"]["token_hash"] is None
    assert rows["transportation"]["recorded_by"] == staff.id and rows["transportation"]["completed_at"] is not None
    assert "Still missing" not in (await client.get(f"/student/opportunities/{opportunity_id}")).text


async def test_a_student_cannot_tick_or_send_their_own_forms(client, signed_in, make_user, emails):
    staff = await make_user("staff")
    opportunity_id = await post_opportunity(staff, required_forms=FORMS)
    student = await signed_in("student")
    await seats.sign_up(emails, student, opportunity_id)
    sign_up_id = await seats_row(opportunity_id, student.id)
    for path in (f"/staff/opportunities/{opportunity_id}/sign-ups/{sign_up_id}/forms",
                 f"/staff/opportunities/{opportunity_id}/sign-ups/{sign_up_id}/slip"):
        assert (await post(client, path, {"form": "transportation"})).status_code == 403
    assert await FormCompletion.count() == 0


async def test_a_newer_slip_replaces_the_older_link_and_an_adult_needs_none(make_user, settings, emails):
    staff = await make_user("staff")
    opportunity_id = await post_opportunity(staff, required_forms=FORMS)
    minor, adult = await make_user("student"), await make_user("student")
    await set_profile(minor.id, birth_date=date(2011, 1, 1))
    await set_profile(adult.id, birth_date=date(2000, 1, 1))
    for student in (minor, adult):
        await seats.sign_up(emails, student, opportunity_id)
        await guardian_on_record(student.id, staff.id, email=f"guardian-{student.id}@example.net")
    with pytest.raises(NotEditable):
        await required_forms.send_slip(emails, staff, opportunity_id, await seats_row(opportunity_id, adult.id))
    sign_up_id = await seats_row(opportunity_id, minor.id)
    await required_forms.send_slip(emails, staff, opportunity_id, sign_up_id)
    await required_forms.send_slip(emails, staff, opportunity_id, sign_up_id)
    first, second = await mail_to(settings, f"guardian-{minor.id}@example.net")
    with pytest.raises(LinkInvalid):
        await required_forms.slip(link_in(first["message"]).rsplit("/", 1)[1])
    await required_forms.sign_slip(link_in(second["message"]).rsplit("/", 1)[1], SlipSignature("Pat Parent"))


async def test_staff_set_a_student_s_grade_where_they_set_the_birth_date_and_eligibility_reads_it(
        client, signed_in, make_user, make_client, other_school):
    staff = await signed_in("staff")
    opportunity_id = await post_opportunity(staff, grades=(11, 12))
    student = await make_user("student")
    page = await client.get(f"/staff/students/{student.id}")
    assert 'action="/staff/students/%d/grade"' % student.id in page.text
    assert (await post(client, f"/staff/students/{student.id}/grade", {"grade": "13"})).status_code == 422
    assert (await post(client, f"/staff/students/{student.id}/grade", {"grade": "11"})).status_code == 303
    assert (await StudentProfile.select(StudentProfile.grade).where(StudentProfile.student == student.id).first())["grade"] == 11
    async with browser_of(make_client, await make_user("staff", school_id=other_school)) as theirs:
        assert (await post(theirs, f"/staff/students/{student.id}/grade", {"grade": "9"})).status_code == 404
    async with browser_of(make_client, student) as phone:
        assert (await post(phone, f"/staff/students/{student.id}/grade", {"grade": "12"})).status_code == 403
        assert (await post(phone, f"/student/opportunities/{opportunity_id}/sign-up")).status_code == 303
    assert (await StudentProfile.select(StudentProfile.grade).where(StudentProfile.student == student.id).first())["grade"] == 11
