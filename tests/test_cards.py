"""An entry or a certification opens as a card to read, at its own address; editing is an action (/edit)."""

from __future__ import annotations

import re
import uuid

from portfolio.services import certifications, experiences
from tests.factories import (
    as_certification,
    as_entry,
    browser_of,
    csrf_headers,
    employer_org,
    entry,
    mentor_for,
    new_entry,
    of_age,
    post,
    queue_ids,
    share_with,
    status_of,
)

CERTIFICATION = {"name": "OSHA 10-Hour Construction", "issuer": "OSHA", "credential_id": "X-1",
                 "issued_on": "2026-01-10", "expires_on": "", "verification_url": "https://example.org/check/X-1"}


def fields_besides_hidden(page: str) -> list[str]:
    """Every control a person could type into or pick (a CSRF token is hidden; an action is a button)."""
    return [tag for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", page) if 'type="hidden"' not in tag]


async def test_an_entry_opens_as_a_card_and_edit_is_an_action(client, signed_in):
    student = await signed_in("student")
    entry_id = await new_entry(student, reflection="Measure twice.")
    card = await client.get(f"/student/experiences/{entry_id}")
    assert card.status_code == 200
    assert fields_besides_hidden(card.text) == []  # only the delete action's button (and its CSRF token)
    for shown in ("Shadowed an electrician", "Bright Sparks LLC", "Job shadow", "2.5 h", "Construction", "Measure twice.",
                  "Not verified", "Verification history", "Shared with", "Delete this draft"):
        assert shown in card.text, shown
    assert f'href="/student/experiences/{entry_id}/edit"' in card.text

    form = await client.get(f"/student/experiences/{entry_id}/edit")
    assert form.status_code == 200
    assert 'name="title"' in form.text and 'value="Shadowed an electrician"' in form.text
    assert f'action="/student/experiences/{entry_id}"' in form.text

    saved = await post(client, f"/student/experiences/{entry_id}", entry(title="Renamed"))
    assert saved.status_code == 303 and saved.headers["location"] == f"/student/experiences/{entry_id}?saved=1"
    after = await client.get(saved.headers["location"])
    assert "Saved." in after.text and "Renamed" in after.text and fields_besides_hidden(after.text) == []


async def test_the_card_shows_the_badge_its_history_and_who_it_is_shared_with(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    await of_age(student)
    mentor = await mentor_for(make_user, student, name="Ms. Card")
    entry_id = await new_entry(student)
    other_id = await new_entry(student, title="Not picked")
    everything_org, everything_name = await employer_org()
    picked_org, picked_name = await employer_org()
    elsewhere_org, elsewhere_name = await employer_org()
    await share_with(student, everything_org)
    await share_with(student, picked_org, experiences_=[entry_id])
    await share_with(student, elsewhere_org, experiences_=[other_id])
    assert (await post(client, "/student/verify/mentor", {"entries": str(entry_id), "mentor": str(mentor.id)})).status_code == 303
    async with browser_of(make_client, mentor) as desk:
        item = (await queue_ids(mentor))[entry_id]
        assert (await post(desk, "/mentor/decide", {"items": str(item), "decision": "verified"})).status_code == 303
    assert await status_of(entry_id) == "verified"

    card = (await client.get(f"/student/experiences/{entry_id}")).text
    assert fields_besides_hidden(card) == []
    assert 'status-verified">Verified' in card
    history = card[card.index('id="history-heading"'):]
    assert "Ms. Card" in history and 'status-verified">Verified' in history
    shared = card[card.index('id="shared-heading"'):]
    assert everything_name in shared and "your whole portfolio" in shared
    assert picked_name in shared and "picked items" in shared
    assert elsewhere_name not in shared
    assert "Delete this draft" not in card  # verified: no delete, but still an Edit (the reflection may grow)
    assert f'href="/student/experiences/{entry_id}/edit"' in card


async def test_a_certification_opens_as_a_card_and_edit_is_an_action(client, signed_in):
    student = await signed_in("student")
    await of_age(student)
    row = await certifications.create(student, await as_certification(student, CERTIFICATION))
    org, org_name = await employer_org()
    await share_with(student, org, certifications_=[row["id"]])
    card = await client.get(f"/student/certifications/{row['id']}")
    assert card.status_code == 200
    assert fields_besides_hidden(card.text) == []
    for shown in ("OSHA 10-Hour Construction", "X-1", "https://example.org/check/X-1", "Not verified yet", org_name,
                  "Delete this certification"):
        assert shown in card.text, shown
    assert f'href="/student/certifications/{row["id"]}/edit"' in card.text
    form = await client.get(f"/student/certifications/{row['id']}/edit")
    assert 'name="issuer"' in form.text and 'value="OSHA"' in form.text
    saved = await post(client, f"/student/certifications/{row['id']}", CERTIFICATION | {"issuer": "US OSHA"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/student/certifications/{row['id']}?saved=1"
    after = await client.get(saved.headers["location"])
    assert "Saved." in after.text and "US OSHA" in after.text and fields_besides_hidden(after.text) == []


async def test_another_student_gets_not_found_on_the_card_and_the_form(client, signed_in, make_user):
    owner = await make_user("student")
    saved = await experiences.create(owner, await as_entry(owner, entry()), uuid.uuid4())
    cert = await certifications.create(owner, await as_certification(owner, CERTIFICATION))
    await signed_in("student")
    for path in (f"/student/experiences/{saved.entry['id']}", f"/student/experiences/{saved.entry['id']}/edit",
                 f"/student/certifications/{cert['id']}", f"/student/certifications/{cert['id']}/edit"):
        response = await client.get(path, headers=csrf_headers(client))
        assert response.status_code == 404, path
        assert "Shadowed an electrician" not in response.text and "OSHA 10" not in response.text
