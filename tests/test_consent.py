"""A guardian's consent for a student under 18, over HTTP: the guardian's address comes from the school (a
student only proposes one, and nothing is e-mailed until staff confirm it), the guardian agrees from the link,
staff are told, and the guardian or staff can withdraw it, which ends the student's shares at once."""

from __future__ import annotations

import importlib
import re
import uuid
from datetime import datetime, timedelta, timezone

from portfolio.record_tables import OutboxMessage
from portfolio.services.accounts import token_hash
from portfolio.tables import GuardianConsent, Organization, Share
from tests.factories import browser_of, csrf_headers, csrf_token, post, set_birth
from tests.mailbox import link_in, outbox

UNDER_18 = "a parent or guardian must agree"
GONE = "This link no longer works"
MIGRATION = "portfolio_2026_12_06t23_20_24_792247"  # guardians confirmed by the school
LINK_RE = re.compile(r"http://testserver\.local/s/([A-Za-z0-9_-]+)")


def address(who: str = "parent") -> str:
    return f"{who}-{uuid.uuid4().hex[:8]}@example.net"


async def share(client, **fields):
    return await post(client, "/student/sharing", {"audience": "link", "scope": "everything", "days": "30", "label": ""} | fields)


async def link_share(client) -> str:
    made = await share(client)
    assert made.status_code == 200, made.text
    return LINK_RE.search(made.text).group(1)  # type: ignore[union-attr]


async def propose(client, name: str, email: str):
    return await post(client, "/student/sharing/consent", {"guardian_name": name, "guardian_email": email})


async def newest_consent(student_id: int) -> int:
    row = await GuardianConsent.select(GuardianConsent.id).where(GuardianConsent.student == student_id).order_by(
        GuardianConsent.id, ascending=False).first()
    return row["id"]


async def mail_to(recipient: str) -> int:
    """Messages queued for this address, sent or not."""
    return await OutboxMessage.count().where(OutboxMessage.recipient == recipient)


async def introduce(visitor, token: str):
    await visitor.get(f"/s/{token}")
    return await visitor.post(f"/s/{token}", data={"name": "Robin Recruiter", "organization": "Bolt Works",
                                                   "_csrf_token": csrf_token(visitor)})


async def test_a_student_cannot_approve_their_own_consent(client, signed_in, make_user, make_client, other_school):
    """The hole: a minor names an address they own, opens the e-mailed link and agrees. Now their proposal
    sends nothing; only staff can confirm it, and the student cannot reach that action."""
    student = await signed_in("student", name="Casey Kid")
    await set_birth(student.id, 16)
    mine = address("casey-alt")
    bad = await propose(client, "", "nope")
    assert bad.status_code == 422 and "Enter your parent" in bad.text and 'value="nope"' in bad.text
    asked = await propose(client, "Pat Parent", mine)
    assert asked.status_code == 303
    assert await mail_to(mine) == 0  # no link exists before the school confirms the address
    assert await GuardianConsent.exists().where(GuardianConsent.token_hash.is_not_null()) is False
    page = await client.get("/student/sharing")
    assert "Waiting for the school to confirm Pat Parent" in page.text
    assert (await share(client)).status_code == 422
    consent_id = await newest_consent(student.id)
    for action in ("confirm", "withdraw"):
        refused = await post(client, f"/staff/students/{student.id}/guardians/{consent_id}/{action}")
        assert refused.status_code == 403, action
    refused = await post(client, f"/staff/students/{student.id}/guardians", {"school_guardian_name": "Pat",
                                                                           "school_guardian_email": mine})
    assert refused.status_code == 403
    assert await mail_to(mine) == 0
    assert (await share(client)).status_code == 422
    # Staff of another school cannot confirm it either.
    other_school_staff = await make_user("staff", school_id=other_school)
    async with browser_of(make_client, other_school_staff) as outsider:
        assert (await post(outsider, f"/staff/students/{student.id}/guardians/{consent_id}/confirm")).status_code == 404
    assert await mail_to(mine) == 0
    # Staff who know the address is not the guardian's turn the proposal down: still nothing sent.
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as office:
        home = await office.get("/staff")
        assert "Guardians to confirm (1)" in home.text and "Casey Kid" in home.text
        record = await office.get(f"/staff/students/{student.id}")
        assert mine in record.text and "named by the student" in record.text
        declined = await post(office, f"/staff/students/{student.id}/guardians/{consent_id}/withdraw")
        assert declined.status_code == 303
        assert "Guardians to confirm" not in (await office.get("/staff")).text
    assert await mail_to(mine) == 0
    assert "Send to my school to confirm" in (await client.get("/student/sharing")).text


async def test_a_student_account_is_never_a_guardian(client, signed_in, make_user):
    student = await signed_in("student")
    classmate = await make_user("student")
    refused = await propose(client, "Pat Parent", classmate.email)
    assert refused.status_code == 422 and "belongs to a student" in refused.text
    own = await propose(client, "Pat Parent", student.email)
    assert own.status_code == 422 and "your own e-mail" in own.text
    assert await GuardianConsent.count() == 0


async def test_staff_confirm_a_proposal_then_the_guardian_agrees_and_staff_are_told(client, signed_in, make_user, make_client,
                                                                                    settings):
    student = await signed_in("student", name="Casey Kid")
    await set_birth(student.id, 16)
    guardian = address()
    assert (await propose(client, "Pat Parent", guardian)).status_code == 303
    consent_id = await newest_consent(student.id)
    staff = await make_user("staff", name="Carla Counselor")
    async with browser_of(make_client, staff) as office:
        confirmed = await post(office, f"/staff/students/{student.id}/guardians/{consent_id}/confirm")
        assert confirmed.status_code == 303
        again = await post(office, f"/staff/students/{student.id}/guardians/{consent_id}/confirm")
        assert again.status_code == 404  # confirmed once, one link
        (request,) = await outbox(settings.var_dir, guardian)
    assert "Waiting for Pat Parent" in (await client.get("/student/sharing")).text
    assert (await share(client)).status_code == 422  # nothing changes until they agree
    path = link_in(request)
    assert path.startswith("/consent/")
    async with make_client() as home:
        page = await home.get(path)
        assert page.status_code == 200 and "Casey Kid" in page.text and "I agree" in page.text
        assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"
        agreed = await home.post(path, headers=csrf_headers(home))
        assert agreed.status_code == 200 and "Thank you" in agreed.text and "Withdraw my consent" in agreed.text
        assert (await home.post(path, headers=csrf_headers(home))).status_code == 410  # agrees once
        later = await home.get(path)
        assert later.status_code == 200 and "Withdraw my consent" in later.text and "I agree" not in later.text
        assert (await home.get("/consent/made-up")).status_code == 410
        # Read while the app that queued them runs: its worker may be sending them.
        (told,) = await outbox(settings.var_dir, staff.email)
        assert told["Subject"] == "Pat Parent gave consent for Casey Kid to share"
        receipt = (await outbox(settings.var_dir, guardian))[-1]
        assert link_in(receipt) == path  # the same link withdraws it
    assert (await share(client)).status_code == 200


async def test_the_guardian_withdraws_and_an_active_share_stops_at_once(client, signed_in, make_user, make_client, settings):
    student = await signed_in("student", name="Casey Kid")
    await set_birth(student.id, 16)
    org = (await Organization.insert(Organization(name="Acme Welding", kind="employer")).returning(Organization.id))[0]["id"]
    employer_user = await make_user("employer", organization_id=org)
    staff = await make_user("staff")
    guardian = address()
    async with browser_of(make_client, staff) as office:
        wrong = await post(office, f"/staff/students/{student.id}/guardians",
                           {"school_guardian_name": "Pat Parent", "school_guardian_email": student.email})
        assert wrong.status_code == 422 and "student&#39;s own e-mail" in wrong.text
        sent = await post(office, f"/staff/students/{student.id}/guardians",
                          {"school_guardian_name": "Pat Parent", "school_guardian_email": guardian})
        assert sent.status_code == 303
        path = link_in((await outbox(settings.var_dir, guardian))[0])
    async with make_client() as home:
        assert (await home.get(path)).status_code == 200
        assert (await home.post(path, headers=csrf_headers(home))).status_code == 200
        assert len(await outbox(settings.var_dir, staff.email)) == 1  # read while its app's worker may send it
    token = await link_share(client)
    assert (await share(client, audience="organization", organization=str(org))).status_code == 303
    async with make_client() as visitor, browser_of(make_client, employer_user) as employer:
        assert (await introduce(visitor, token)).status_code == 303
        assert (await visitor.get(f"/s/{token}/portfolio")).status_code == 200
        assert (await employer.get(f"/employer/students/{student.id}")).status_code == 200
        async with make_client() as home:
            assert "Withdraw my consent" in (await home.get(path)).text
            withdrawn = await home.post(f"{path}/withdraw", headers=csrf_headers(home))
            assert withdrawn.status_code == 200 and "Consent withdrawn" in withdrawn.text
            assert (await home.get(path)).status_code == 410
            assert (await home.post(f"{path}/withdraw", headers=csrf_headers(home))).status_code == 410
            told = await outbox(settings.var_dir, staff.email)
        gone = await visitor.get(f"/s/{token}/portfolio")
        assert gone.status_code == 410 and GONE in gone.text
        assert (await employer.get(f"/employer/students/{student.id}")).status_code == 404
    assert await Share.count().where((Share.student == student.id) & Share.revoked_at.is_null()) == 0
    assert [m["Subject"] for m in told] == ["Pat Parent gave consent for Casey Kid to share",
                                             "Pat Parent withdrew consent for Casey Kid to share"]
    page = await client.get("/student/sharing")
    assert "Consent withdrawn" in page.text and "Share my portfolio" not in page.text
    refused = await share(client)
    assert refused.status_code == 422 and UNDER_18 in refused.text


async def test_staff_withdraw_a_consent_and_an_active_share_stops_at_once(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    await set_birth(student.id, 15)
    page = await client.get("/student/sharing")
    assert "Send to my school to confirm" in page.text and "Share my portfolio" not in page.text
    refused = await share(client)
    assert refused.status_code == 422 and UNDER_18 in refused.text
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as office:
        record = await office.get(f"/staff/students/{student.id}")
        assert record.status_code == 200 and "May not share yet" in record.text
        empty = await post(office, f"/staff/students/{student.id}/consent", {"guardian_name": ""})
        assert empty.status_code == 422 and "Enter the guardian&#39;s name." in empty.text
        done = await post(office, f"/staff/students/{student.id}/consent", {"guardian_name": "Pat Parent"})
        assert done.status_code == 303
        assert "guardian consent: on file" in (await office.get(done.headers["location"])).text
        token = await link_share(client)
        async with make_client() as visitor:
            assert (await introduce(visitor, token)).status_code == 303
            assert (await visitor.get(f"/s/{token}/portfolio")).status_code == 200
            consent_id = await newest_consent(student.id)
            withdrawn = await post(office, f"/staff/students/{student.id}/guardians/{consent_id}/withdraw")
            assert withdrawn.status_code == 303
            assert (await visitor.get(f"/s/{token}/portfolio")).status_code == 410
        record = await office.get(f"/staff/students/{student.id}")
        assert "guardian consent: none" in record.text and "Withdrawn" in record.text
    assert (await share(client)).status_code == 422


async def test_withdrawing_leaves_an_adults_shares_alone(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    await set_birth(student.id, 19)
    staff = await make_user("staff")
    token = await link_share(client)
    async with browser_of(make_client, staff) as office:
        await post(office, f"/staff/students/{student.id}/consent", {"guardian_name": "Pat Parent"})
        consent_id = await newest_consent(student.id)
        assert (await post(office, f"/staff/students/{student.id}/guardians/{consent_id}/withdraw")).status_code == 303
    async with make_client() as visitor:
        assert (await introduce(visitor, token)).status_code == 303
        assert (await visitor.get(f"/s/{token}/portfolio")).status_code == 200


async def test_a_link_a_student_asked_for_before_this_change_waits_for_the_school(client, signed_in, make_user, make_client):
    """The migration's data step: an unanswered link a student asked for (never checked by the school) stops
    working and becomes a proposal for staff; a consent already given stays, flagged for staff to check."""
    student = await signed_in("student")
    raw = "legacy-token-asked-by-a-student"
    moment = datetime.now(timezone.utc)
    await GuardianConsent.insert(
        GuardianConsent(student=student.id, guardian_name="Old Ask", guardian_email=address(), method="guardian_link",
                        token_hash=token_hash(raw), expires_at=moment + timedelta(days=3)),
        GuardianConsent(student=student.id, guardian_name="Old Yes", guardian_email=address(), method="guardian_link",
                        token_hash=token_hash("legacy-given"), expires_at=moment + timedelta(days=3), given_at=moment),
    )
    migration = importlib.import_module(f"migrations.{MIGRATION}")
    await GuardianConsent.raw(migration.UNCONFIRMED_LINKS)
    async with make_client() as home:
        assert (await home.get(f"/consent/{raw}")).status_code == 410
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as office:
        assert "Guardians to confirm (1)" in (await office.get("/staff")).text
        record = (await office.get(f"/staff/students/{student.id}")).text
        assert "never confirmed by the school" in record
