"""What a verifier attests stays exactly as signed: the facts (kind, title, organization, date, hours) and the
files they saw. A reflection or a file the student adds afterwards is the student's own, shown as added after
verification, and never voids it; changing a fact or removing a file the verifier saw voids it, after a warning."""

from __future__ import annotations

import html

from portfolio.services import sharing, signoff
from portfolio.tables import Evidence, SignOff
from tests import samples
from tests.factories import (
    browser_of,
    employer_org,
    entry,
    mentor_for,
    new_entry,
    of_age,
    pdf_text,
    post,
    queue_ids,
    rows_for,
    share_with,
    status_of,
    upload,
)

RULE = "stay exactly as signed"
ADDED_AFTER = "Added after verification"


async def verified_by_a_mentor(client, make_user, make_client, student, with_photo: bool = True) -> int:
    """One of the student's entries (with a photo, unless told otherwise), verified by their mentor through the
    mentor's queue."""
    mentor = await mentor_for(make_user, student, name="Ms. Attest")
    entry_id = await new_entry(student, reflection="")
    if with_photo:
        assert (await upload(client, f"/student/experiences/{entry_id}/evidence",
                             ("seen.jpg", samples.jpeg_plain(), "image/jpeg"))).status_code == 303
    assert (await post(client, "/student/verify/mentor", {"entries": str(entry_id), "mentor": str(mentor.id)})).status_code == 303
    async with browser_of(make_client, mentor) as desk:
        item = (await queue_ids(mentor))[entry_id]
        assert (await post(desk, "/mentor/decide", {"items": str(item), "decision": "verified"})).status_code == 303
    assert await status_of(entry_id) == "verified"
    return entry_id


async def state_of(entry_id: int, student) -> str:
    current = await signoff.entry_for_verifier(entry_id)
    return (await signoff.entry_verification(current, student.email))["state"]


async def test_a_file_added_after_verification_keeps_it_and_is_marked(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    await of_age(student)
    org, _ = await employer_org()
    employer = await make_user("employer", organization_id=org)
    await share_with(student, org)
    entry_id = await verified_by_a_mentor(client, make_user, make_client, student)
    page = await client.get(f"/student/experiences/{entry_id}/edit")
    assert RULE in page.text  # said before the student acts

    added = await upload(client, f"/student/experiences/{entry_id}/evidence", ("later.png", samples.png_plain(), "image/png"))
    assert added.status_code == 303
    assert await status_of(entry_id) == "verified" and await state_of(entry_id, student) == "verified"
    assert all(row["voided_at"] is None for row in await SignOff.select().where(SignOff.experience == entry_id))
    seen, later = sorted(await rows_for(entry_id), key=lambda r: r["id"])

    page = await client.get(f"/student/experiences/{entry_id}")
    assert 'status-verified">Verified' in page.text
    item_of_later = page.text[page.text.index("later.png") - 600:page.text.index("later.png") + 400]
    assert ADDED_AFTER in item_of_later
    assert page.text.count(ADDED_AFTER) == 1
    pf = await sharing.portfolio(student.id)
    [shown] = pf["verified"]
    assert [f["added_after"] for f in shown["evidence"]] == [False, True]
    async with browser_of(make_client, employer) as desk:
        employer_page = await desk.get(f"/employer/students/{student.id}")
        assert "added after verification" in employer_page.text and 'status-verified">Verified' in employer_page.text
    pdf = " ".join(pdf_text((await client.get("/student/portfolio.pdf")).content).split())
    assert "seen.jpg, later.png (added after verification)" in pdf and "2.5 verified hours" in pdf

    # A file the student added afterwards goes again freely; one the mentor saw voids it, after a warning.
    assert (await post(client, f"/student/evidence/{later['id']}/delete")).status_code == 303
    assert await state_of(entry_id, student) == "verified"
    page = await client.get(f"/student/experiences/{entry_id}/edit")
    assert "Remove (voids the verification)" in html.unescape(page.text)
    refused = await post(client, f"/student/evidence/{seen['id']}/delete")
    assert refused.status_code == 409 and "voids the verification" in html.unescape(refused.text)
    assert await Evidence.exists().where(Evidence.id == seen["id"]) and await status_of(entry_id) == "verified"
    removed = await post(client, f"/student/evidence/{seen['id']}/delete", {"void_ok": "1"})
    assert removed.status_code == 303
    assert await status_of(entry_id) == "voided" and await state_of(entry_id, student) == "voided"


async def test_a_reflection_added_after_verification_keeps_it_and_a_fact_asks_first(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    entry_id = await verified_by_a_mentor(client, make_user, make_client, student, with_photo=False)

    wrote = await post(client, f"/student/experiences/{entry_id}", entry(reflection="What I learned: measure twice."))
    assert wrote.status_code == 303
    assert await status_of(entry_id) == "verified" and await state_of(entry_id, student) == "verified"
    [shown] = (await sharing.portfolio(student.id))["verified"]
    assert shown["reflection_added_after"] is True
    page = await client.get(f"/student/experiences/{entry_id}")
    assert ADDED_AFTER in page.text

    # An attested fact: the form warns and saves nothing until the student says so.
    warned = await post(client, f"/student/experiences/{entry_id}", entry(hours="3", reflection="What I learned: measure twice."))
    assert warned.status_code == 422
    assert "Ms. Attest verified the hours" in html.unescape(warned.text) and 'name="void_ok" value="1"' in warned.text
    assert await status_of(entry_id) == "verified"
    saved = await post(client, f"/student/experiences/{entry_id}",
                       entry(hours="3", reflection="What I learned: measure twice.") | {"void_ok": "1"})
    assert saved.status_code == 303
    assert await status_of(entry_id) == "voided" and await state_of(entry_id, student) == "voided"
