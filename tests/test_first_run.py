"""A new student's "Get started" card on their dashboard: three steps whose states come from their data, gone
when they are all done or the student hides it, and hidden for that student only."""

from __future__ import annotations

import re

from portfolio.assets import static_url
from portfolio.tables import StudentProfile
from tests.factories import browser_of, new_entry, post


def _steps(page: str) -> list[tuple[str, str]]:
    """Each step of the card with the state it says (the install step's standalone "Done" is for app.css)."""
    card = re.search(r'<section class="card get-started.*?</section>', page, re.S)
    assert card, "no Get started card"
    return re.findall(r'<h3>([^<]+?) <span class="step-state">(Done|To do)</span>', card.group(0))


async def test_a_new_student_sees_three_steps_to_do(client, signed_in):
    await signed_in("student")
    page = await client.get("/student")
    assert page.status_code == 200
    assert _steps(page.text) == [("Say who you are", "To do"), ("Log your first experience", "To do"), ("Install the app", "To do")]
    # Links and plain forms: every step works without JavaScript, the written install steps show by default.
    assert 'href="/student/profile"' in page.text and 'href="/student/experiences/new"' in page.text
    assert "tap Share, then Add to Home Screen" in page.text
    assert re.search(r'<button type="button" class="primary" data-install hidden>Install</button>', page.text)
    assert f'<script src="{static_url("behaviours/install-prompt.js")}" defer></script>' in page.text


async def test_the_profile_and_a_first_entry_tick_their_steps(client, signed_in):
    student = await signed_in("student")
    assert (await post(client, "/student/profile", {"interests": ["construction"]})).status_code == 303
    page = await client.get("/student")
    assert _steps(page.text)[:2] == [("Say who you are", "Done"), ("Log your first experience", "To do")]
    await new_entry(student)
    page = await client.get("/student")
    assert _steps(page.text) == [("Say who you are", "Done"), ("Log your first experience", "Done"), ("Install the app", "To do")]
    # Both done: when the app runs installed, app.css hides the card (the server cannot tell it is installed).
    assert '<section class="card get-started rest-done"' in page.text


async def test_a_headline_alone_is_a_profile(client, signed_in):
    await signed_in("student")
    assert (await post(client, "/student/profile", {"headline": "Future nurse"})).status_code == 303
    assert _steps((await client.get("/student")).text)[0] == ("Say who you are", "Done")


async def test_setting_the_install_step_aside_and_doing_the_rest_ends_the_card(client, signed_in):
    student = await signed_in("student")
    hidden = await post(client, "/student/get-started", {"hide": "install"})
    assert hidden.status_code == 303 and hidden.headers["location"] == "/student"
    page = await client.get("/student")
    assert _steps(page.text)[2] == ("Install the app", "Done")
    assert "tap Share" not in page.text
    await new_entry(student)
    await post(client, "/student/profile", {"headline": "Future welder"})
    assert "get-started" not in (await client.get("/student")).text


async def test_hiding_the_card_is_kept_for_that_student_only(client, signed_in, make_user, make_client):
    student = await signed_in("student")
    other = await make_user("student")
    assert (await post(client, "/student/get-started", {"hide": "card"})).status_code == 303
    assert "get-started" not in (await client.get("/student")).text
    # Hiding again keeps the first moment; the profile the hiding made is still an empty one.
    first = await StudentProfile.select(StudentProfile.onboarded_at, StudentProfile.headline).where(StudentProfile.student == student.id).first()
    assert first["onboarded_at"] is not None and first["headline"] == ""
    await post(client, "/student/get-started", {"hide": "card"})
    again = await StudentProfile.select(StudentProfile.onboarded_at).where(StudentProfile.student == student.id).first()
    assert again["onboarded_at"] == first["onboarded_at"]
    async with browser_of(make_client, other) as other_client:
        assert len(_steps((await other_client.get("/student")).text)) == 3


async def test_only_a_known_part_can_be_hidden(client, signed_in):
    student = await signed_in("student")
    assert (await post(client, "/student/get-started", {"hide": "everything"})).status_code == 400
    assert not await StudentProfile.exists().where(StudentProfile.student == student.id)
    assert len(_steps((await client.get("/student")).text)) == 3
