"""Placements: staff make them, the agreement is signed by every party over one text (its SHA-256 kept), and a
change of the facts voids the signatures; each e-mailed link is bound to its party and works once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portfolio import clock
from portfolio.errors import Conflict, LinkInvalid
from portfolio.opportunity_vocabulary import PlacementLinkPurpose, PlacementStatus
from portfolio.placement_tables import AgreementSignature, Placement, PlacementLink
from portfolio.services.placements import agreement, scope
from portfolio.tables import GuardianConsent
from tests.factories import browser_of, csrf_headers, post, set_birth
from tests.mailbox import emails_for, link_in, outbox
from tests.placement_factories import (
    SUPERVISOR_EMAIL,
    links_of,
    make_placement,
    partner_with_supervisor,
    placement_fields,
)


async def status_of(placement_id: int) -> str:
    return (await Placement.select(Placement.status).where(Placement.id == placement_id).first())["status"]


async def open_link(client, settings, to: str) -> str:
    """Open the newest placement link e-mailed to `to` in `client`; returns the page's path."""
    path = link_in((await outbox(settings.var_dir, to))[-1])
    opened = await client.get(path)
    assert opened.status_code == 303, opened.text
    return opened.headers["location"]


def agreement_hash(page: str) -> str:
    return re.search(r'name="agreement_hash" value="([0-9a-f]{64})"', page).group(1)


async def test_staff_add_a_placement_and_the_supervisor_is_asked_to_sign(client, signed_in, make_user, settings):
    staff = await signed_in("staff")
    student = await make_user("student", name="Jordan Adult")
    await set_birth(student.id, 18)
    partner, supervisor = await partner_with_supervisor(staff.school_id)
    fields = placement_fields(student.id, partner, supervisor)
    refused = await post(client, "/staff/placements/new", fields | {"title": "", "ends_on": "2000-01-01"})
    assert refused.status_code == 422
    assert "Enter a title" in refused.text and "Tue and Thu, 1 to 5 pm" in refused.text  # what was typed is kept
    added = await post(client, "/staff/placements/new", fields)
    assert added.status_code == 303
    placement_id = int(added.headers["location"].split("/")[3].split("?")[0])
    found = await Placement.select().where(Placement.id == placement_id).first()
    assert found["status"] == PlacementStatus.AWAITING_SIGNATURES and len(found["agreement_hash"]) == 64
    page = await client.get(f"/staff/placements/{placement_id}")
    assert "Acme Manufacturing" in page.text and "Tue and Thu, 1 to 5 pm" in page.text
    assert found["agreement_hash"] in page.text
    # Jordan is 18: the student, the supervisor and staff sign; no guardian.
    assert "Parent or guardian" not in page.text
    (request,) = await outbox(settings.var_dir, SUPERVISOR_EMAIL)
    assert "placement agreement" in request["subject"]
    listing = await client.get("/staff/placements")
    assert "Jordan Adult: Machining intern" in listing.text


async def test_the_placement_starts_only_when_every_party_signed_the_current_text(client, signed_in, make_user,
                                                                                   make_client, settings):
    student = await signed_in("student", name="Jordan Adult")
    await set_birth(student.id, 19)
    staff = await make_user("staff", name="Casey Counselor")
    placement_id = await make_placement(settings, staff, student)

    page = await client.get(f"/student/placements/{placement_id}")
    digest = agreement_hash(page.text)
    assert "WORK-BASED LEARNING PLACEMENT AGREEMENT" in page.text
    unticked = await post(client, f"/student/placements/{placement_id}/sign", {"name": "Jordan Adult", "agreement_hash": digest})
    assert unticked.status_code == 422 and "Tick the box" in unticked.text
    signed = await post(client, f"/student/placements/{placement_id}/sign",
                        {"name": "Jordan Adult", "agree": "yes", "agreement_hash": digest})
    assert signed.status_code == 303
    assert await status_of(placement_id) == PlacementStatus.AWAITING_SIGNATURES
    again = await post(client, f"/student/placements/{placement_id}/sign",
                       {"name": "Jordan Adult", "agree": "yes", "agreement_hash": digest})
    assert again.status_code == 409  # once per party and text

    async with make_client() as supervisor:
        path = await open_link(supervisor, settings, SUPERVISOR_EMAIL)
        sign_page = await supervisor.get(path)
        assert sign_page.status_code == 200 and "Sign as workplace supervisor" in sign_page.text
        assert sign_page.headers["cache-control"] == "no-store" and sign_page.headers["referrer-policy"] == "no-referrer"
        done = await supervisor.post(f"{path}/sign", data={"name": "Pat Supervisor", "agree": "yes", "agreement_hash": digest},
                                     headers=csrf_headers(supervisor))
        assert done.status_code == 200 and "signature is recorded" in done.text
    assert await status_of(placement_id) == PlacementStatus.AWAITING_SIGNATURES

    async with browser_of(make_client, staff) as office:
        done = await post(office, f"/staff/placements/{placement_id}/sign",
                          {"name": "Casey Counselor", "agree": "yes", "agreement_hash": digest})
        assert done.status_code == 303
    assert await status_of(placement_id) == PlacementStatus.ACTIVE
    rows = await AgreementSignature.select().where(AgreementSignature.placement == placement_id)
    assert {r["party"] for r in rows} == {"student", "supervisor", "staff"}
    assert all(r["agreement_hash"] == digest and r["ip"] and r["signed_at"] for r in rows)
    by_party = {r["party"]: r for r in rows}
    assert by_party["supervisor"]["email"] == SUPERVISOR_EMAIL and by_party["supervisor"]["signer"] is None
    assert by_party["student"]["signer"] == student.id and by_party["staff"]["signer"] == staff.id


async def test_a_minor_s_guardian_signs_from_the_address_the_school_confirmed_only(make_user, settings):
    staff = await make_user("staff")
    student = await make_user("student")
    await set_birth(student.id, 16)
    # The student proposed an address of their own; the school has not confirmed it: no link goes there.
    await GuardianConsent.insert(GuardianConsent(student=student.id, guardian_name="Me Really", guardian_email="me@student.example",
                                                 method="guardian_link", proposed_by=student.id))
    placement_id = await make_placement(settings, staff, student)
    state = await agreement.state(await scope.by_id(placement_id))
    assert state["minor"] and [p for p, _ in state["parties"]] == ["student", "guardian", "supervisor", "staff"]
    assert not await links_of(placement_id, PlacementLinkPurpose.GUARDIAN_SIGNATURE)
    assert await outbox(settings.var_dir, "me@student.example") == []
    # Staff confirm the guardian's address (as services/sharing/guardians does): the link goes there.
    await GuardianConsent.insert(GuardianConsent(student=student.id, guardian_name="Robin Parent", guardian_email="robin@home.example",
                                                 method="staff", confirmed_by=staff.id, confirmed_at=clock.now()))
    await agreement.send_links(emails_for(settings), await scope.by_id(placement_id))
    (link,) = await links_of(placement_id, PlacementLinkPurpose.GUARDIAN_SIGNATURE)
    assert link["email"] == "robin@home.example"
    assert len(await outbox(settings.var_dir, "robin@home.example")) == 1
    # The supervisor, who already had a usable link, is not e-mailed twice.
    assert len(await outbox(settings.var_dir, SUPERVISOR_EMAIL)) == 1


async def test_an_unknown_birth_date_is_treated_as_a_minor_and_says_so(client, signed_in, make_user, settings):
    student = await signed_in("student")
    placement_id = await make_placement(settings, await make_user("staff"), student)
    page = await client.get(f"/student/placements/{placement_id}")
    assert "does not know the student's birth date" in page.text and "Parent or guardian" in page.text


async def test_changing_the_facts_voids_the_signatures_and_asks_again(client, signed_in, make_user, make_client, settings):
    staff = await signed_in("staff")
    student = await make_user("student")
    await set_birth(student.id, 20)
    placement_id = await make_placement(settings, staff, student)
    before = await scope.by_id(placement_id)
    await agreement.sign_in_person(placement_id, "student", before["agreement_hash"], "S", student.id, student.email, "1.2.3.4")
    async with make_client() as supervisor:
        old_path = await open_link(supervisor, settings, SUPERVISOR_EMAIL)
        edit = await client.get(f"/staff/placements/{placement_id}/edit")
        assert "Machining intern" in edit.text
        fields = placement_fields(student.id, before["partner"], before["supervisor"], schedule="Mon to Fri, 8 to 12")
        saved = await post(client, f"/staff/placements/{placement_id}/edit", fields)
        assert saved.status_code == 303
        after = await scope.by_id(placement_id)
        assert after["agreement_hash"] != before["agreement_hash"]
        (signature,) = await AgreementSignature.select().where(AgreementSignature.placement == placement_id)
        assert signature["voided_at"] is not None
        page = await client.get(f"/staff/placements/{placement_id}")
        assert "Voided signatures (1)" in page.text and "Mon to Fri, 8 to 12" in page.text
        # The supervisor's old link signs nothing; a new one was sent for the new text.
        stale = await supervisor.post(f"{old_path}/sign", data={"name": "P", "agree": "yes", "agreement_hash": before["agreement_hash"]},
                                      headers=csrf_headers(supervisor))
        assert stale.status_code == 410
    assert len(await outbox(settings.var_dir, SUPERVISOR_EMAIL)) == 2
    assert not await AgreementSignature.exists().where(AgreementSignature.party == "supervisor")
    # An edit that changes nothing of the text keeps the signatures.
    await agreement.sign_in_person(placement_id, "student", after["agreement_hash"], "S", student.id, student.email, "")
    fields = placement_fields(student.id, before["partner"], before["supervisor"], schedule="Mon to Fri, 8 to 12")
    assert (await post(client, f"/staff/placements/{placement_id}/edit", fields)).status_code == 303
    assert await AgreementSignature.count().where(AgreementSignature.voided_at.is_null()) == 1


async def test_each_link_is_bound_to_its_party_works_once_and_expires(client, signed_in, make_user, make_client, settings):
    student = await signed_in("student")
    await set_birth(student.id, 20)
    placement_id = await make_placement(settings, await make_user("staff"), student)
    digest = (await scope.by_id(placement_id))["agreement_hash"]
    (link,) = await links_of(placement_id, PlacementLinkPurpose.SUPERVISOR_SIGNATURE)
    # The student, without the e-mailed token, cannot sign for the supervisor: no grant, no page, no signature.
    assert (await client.get(f"/w/l/{link['id']}")).status_code == 410
    forged = await client.post(f"/w/l/{link['id']}/sign", data={"name": "Fake", "agree": "yes", "agreement_hash": digest},
                               headers=csrf_headers(client))
    assert forged.status_code == 410
    assert (await client.get("/w/" + "A" * 43)).status_code == 410
    # Nor sign as the supervisor from their own page: the student's form signs the student's line only.
    await post(client, f"/student/placements/{placement_id}/sign", {"name": "S", "agree": "yes", "agreement_hash": digest})
    assert {r["party"] for r in await AgreementSignature.select()} == {"student"}

    async with make_client() as supervisor:
        path = await open_link(supervisor, settings, SUPERVISOR_EMAIL)
        ok = await supervisor.post(f"{path}/sign", data={"name": "Pat", "agree": "yes", "agreement_hash": digest},
                                   headers=csrf_headers(supervisor))
        assert ok.status_code == 200
        token_path = link_in((await outbox(settings.var_dir, SUPERVISOR_EMAIL))[-1])
        assert (await supervisor.get(token_path)).status_code == 410  # used
    assert await AgreementSignature.count().where(AgreementSignature.party == "supervisor") == 1

    # An expired link opens nothing.
    await AgreementSignature.delete().where(AgreementSignature.party == "supervisor")
    async with make_client() as supervisor:
        await agreement.send_links(emails_for(settings), await scope.by_id(placement_id), again=True)
        token_path = link_in((await outbox(settings.var_dir, SUPERVISOR_EMAIL))[-1])
        with clock.fixed(clock.now() + timedelta(days=15)):
            assert (await supervisor.get(token_path)).status_code == 410


async def test_another_school_s_staff_and_another_student_are_refused_every_placement(settings, make_user, make_client,
                                                                                       other_school):
    from tests.test_guards import routes

    staff = await make_user("staff")
    owner = await make_user("student")
    placement_id = await make_placement(settings, staff, owner)
    before = await scope.by_id(placement_id)
    checked = 0
    async with browser_of(make_client, await make_user("staff", school_id=other_school)) as theirs, \
            browser_of(make_client, await make_user("student")) as classmate:
        for path, method, _names, roles in routes(settings):
            if "{placement_id:int}" not in path:
                continue
            url = path.replace("{placement_id:int}", str(placement_id))
            client = classmate if roles == {"student"} else theirs
            data = placement_fields(owner.id, before["partner"], before["supervisor"], title="Taken") | {
                "name": "X", "agree": "yes", "agreement_hash": before["agreement_hash"]}
            response = await (client.get(url) if method == "GET" else client.post(url, data=data, headers=csrf_headers(client)))
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
    assert checked >= 8
    assert await scope.by_id(placement_id) == before
    assert not await AgreementSignature.exists()
    assert await PlacementLink.count() == 1  # only the supervisor's first link: no "send again" went through


async def test_a_link_signs_only_its_own_party_s_line(settings, make_user):
    student = await make_user("student")
    await set_birth(student.id, 20)
    placement_id = await make_placement(settings, await make_user("staff"), student)
    digest = (await scope.by_id(placement_id))["agreement_hash"]
    other = await PlacementLink.insert(PlacementLink(
        placement=placement_id, purpose=PlacementLinkPurpose.EVALUATION, email="someone@example.com", token_hash="e" * 64,
        expires_at=clock.now() + timedelta(days=1), created_at=clock.now())).returning(PlacementLink.id)
    with pytest.raises(LinkInvalid):
        await agreement.sign_by_link(other[0]["id"], digest, "Someone", "")
    (supervisor_link,) = await links_of(placement_id, PlacementLinkPurpose.SUPERVISOR_SIGNATURE)
    with pytest.raises(Conflict):  # over a text other than the one it was sent for
        await agreement.sign_by_link(supervisor_link["id"], "0" * 64, "Pat", "")
    assert not await AgreementSignature.exists()


async def test_an_admin_chooses_the_school_then_adds_a_placement(client, signed_in, make_user, school, settings):
    await signed_in("admin")
    student = await make_user("student", name="Sam Student")
    partner, supervisor = await partner_with_supervisor(school)
    chooser = await client.get("/staff/placements/new")
    assert chooser.status_code == 200 and "Test Career Center" in chooser.text
    form = await client.get(f"/staff/placements/new?school={school}")
    assert "Sam Student" in form.text and f'action="/staff/placements/new?school={school}"' in form.text
    added = await post(client, f"/staff/placements/new?school={school}", placement_fields(student.id, partner, supervisor))
    assert added.status_code == 303
    assert (await Placement.select(Placement.school).first())["school"] == school


async def test_staff_cancel_a_placement_and_its_links_stop_working(client, signed_in, make_user, make_client, settings):
    staff = await signed_in("staff")
    student = await make_user("student")
    await set_birth(student.id, 20)
    placement_id = await make_placement(settings, staff, student)
    assert len(await links_of(placement_id, PlacementLinkPurpose.SUPERVISOR_SIGNATURE)) == 1
    cancelled = await post(client, f"/staff/placements/{placement_id}/cancel")
    assert cancelled.status_code == 303 and cancelled.headers["location"].endswith("?done=cancelled")
    assert await status_of(placement_id) == PlacementStatus.CANCELLED
    page = re.sub(r"<[^>]+>", "", (await client.get("/staff/placements")).text)
    assert "Cancelled (1)" in page
    # The supervisor's e-mailed link no longer opens anything, and nobody can sign what will not happen.
    async with make_client() as supervisor:
        token_path = link_in((await outbox(settings.var_dir, SUPERVISOR_EMAIL))[-1])
        assert (await supervisor.get(token_path)).status_code == 410
    again = await post(client, f"/staff/placements/{placement_id}/cancel")
    assert again.status_code == 409 and await status_of(placement_id) == PlacementStatus.CANCELLED
    # The student, or another school's staff, cancel nothing.
    other = await make_placement(settings, staff, student, title="Second")
    async with browser_of(make_client, student) as theirs:
        assert (await post(theirs, f"/staff/placements/{other}/cancel")).status_code == 403
    assert await status_of(other) == PlacementStatus.AWAITING_SIGNATURES


async def test_the_staff_list_shows_each_group_s_first_25_and_pages_one_group(client, signed_in, make_user, settings):
    staff = await signed_in("staff")
    student = await make_user("student")
    await set_birth(student.id, 20)
    for n in range(27):
        await make_placement(settings, staff, student, title=f"Shadow {n:02d}")
    listed = re.sub(r"<[^>]+>", "", (await client.get("/staff/placements")).text)
    assert "Waiting for signatures (27)" in listed and "All 27" in listed and "Under way (0)" in listed
    assert listed.count("Shadow ") == 25
    second = re.sub(r"<[^>]+>", "", (await client.get("/staff/placements?show=awaiting&page=2")).text)
    assert second.count("Shadow ") == 2 and "page 2 of 2" in second and "Under way" not in second
    assert (await client.get("/staff/placements?show=nothing&page=-3")).status_code == 200
