"""What cannot change says so on the form it was sent from, keeps what was typed, and changes nothing: an entry
waiting for verification, a rejected certification, deleting anything but a draft (or a certification not verified)."""

from __future__ import annotations

from portfolio.services import certifications
from portfolio.tables import Certification, Experience
from portfolio.vocabulary import EntryStatus
from tests.factories import as_certification, csrf_token, entry, new_entry, post


async def _status(entry_id: int) -> str:
    return (await Experience.select(Experience.status).where(Experience.id == entry_id).first())["status"]


async def test_an_entry_waiting_for_verification_cannot_be_edited_or_deleted(client, signed_in):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    await Experience.update({Experience.status: EntryStatus.SUBMITTED}).where(Experience.id == entry_id)

    edited = await post(client, f"/student/experiences/{entry_id}", entry(title="Sneaky new title"))
    assert edited.status_code == 409
    assert "This entry can no longer be edited." in edited.text
    assert 'value="Sneaky new title"' in edited.text, "what was typed is shown again"
    row = await Experience.select(Experience.title).where(Experience.id == entry_id).first()
    assert row["title"] == "Shadowed an electrician"

    deleted = await post(client, f"/student/experiences/{entry_id}/delete")
    assert deleted.status_code == 409 and "Only drafts can be deleted." in deleted.text
    assert await _status(entry_id) == EntryStatus.SUBMITTED


async def test_a_rejected_certification_cannot_be_edited_and_a_verified_one_not_deleted(client, signed_in):
    student = await signed_in("student")
    raw = {"name": "OSHA 10", "issuer": "OSHA", "issued_on": "2026-01-10"}
    cert = await certifications.create(student, await as_certification(student, raw))
    await Certification.update({Certification.status: EntryStatus.REJECTED}).where(Certification.id == cert["id"])

    edited = await post(client, f"/student/certifications/{cert['id']}", raw | {"name": "OSHA 30"})
    assert edited.status_code == 409 and "This certification can no longer be edited." in edited.text
    # A verified one may be edited (that voids its verification: tests/test_certification_checks.py), never deleted.
    await Certification.update({Certification.status: EntryStatus.VERIFIED}).where(Certification.id == cert["id"])
    deleted = await post(client, f"/student/certifications/{cert['id']}/delete")
    assert deleted.status_code == 409 and "A verified certification cannot be deleted." in deleted.text
    row = await Certification.select(Certification.name).where(Certification.id == cert["id"]).first()
    assert row["name"] == "OSHA 10"


async def test_a_bad_entry_comes_back_with_every_problem_from_form_and_api(client, signed_in):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    bad = entry(title="", hours="30", cluster="nonsense")
    page = await post(client, f"/student/experiences/{entry_id}", bad)
    assert page.status_code == 422
    for message in ("Enter a title.", "One day has at most 24 hours.", "Choose a career cluster."):
        assert message in page.text
    api = await client.post("/api/v1/experiences", json=bad | {"client_uuid": "5b0f3a52-2b1e-4c58-9d0e-3f1b2c4d5e6f"},
                            headers={"x-csrftoken": csrf_token(client)})
    assert api.status_code == 422
    assert set(api.json()["errors"]) == {"title", "hours", "cluster"}, "the API and the form read entries alike"
