"""Publishing a student's name beyond the school: the student's own opt-in, and under 18 a guardian's agreement that
only staff record, so a minor cannot complete it alone; withdrawal takes effect at once, so the next program
leaves the name out and only counts them. Certificates go to the chosen students only, and need no opt-in."""

from __future__ import annotations

from piccolo.query.functions.aggregate import Count

from portfolio.celebration_tables import PublicationConsent
from portfolio.services.celebrations import publication, signing
from portfolio.tables import Disclosure
from portfolio.vocabulary import DisclosureKind
from tests.celebration_factories import commitment, publishable
from tests.factories import browser_of, pdf_text, post, set_birth


async def _celebrated(staff, student, organization: str) -> None:
    """A signing-day commitment of today's, confirmed by the student: the program lists it."""
    await signing.answer(student, await commitment(staff, student, organization), confirmed=True)


async def test_a_minor_cannot_complete_it_alone(client, signed_in, make_user, make_client):
    staff = await make_user("staff")
    student = await signed_in("student")
    await set_birth(student.id, 17)
    assert (await post(client, "/student/publication")).status_code == 303
    page = await client.get("/student/publication")
    assert "You agreed" in page.text and "has not recorded a guardian" in page.text
    assert not (await publication.student_status(student))["complete"]
    # Recording a guardian's agreement is staff's: the student is refused it, for themselves as for anyone.
    assert (await post(client, f"/staff/students/{student.id}/publication", {"guardian_name": "Me Myself"})).status_code == 403
    assert not await PublicationConsent.exists().where(PublicationConsent.party == "guardian")
    async with browser_of(make_client, staff) as school:
        saved = await post(school, f"/staff/students/{student.id}/publication", {"guardian_name": "Pat Parent"})
        assert saved.status_code == 303
    assert (await publication.student_status(student))["complete"]


async def test_without_a_birth_date_a_guardian_is_needed_and_at_18_it_is_not(make_user):
    student = await make_user("student")
    await publication.opt_in(student)
    await publication.opt_in(student)  # a double tap adds nothing
    assert await PublicationConsent.count() == 1
    assert not (await publication.student_status(student))["complete"]
    await set_birth(student.id, 18)
    assert (await publication.student_status(student))["complete"]


async def test_a_withdrawal_leaves_the_name_out_of_the_next_program(client, signed_in, make_user, make_client):
    staff = await signed_in("staff")
    named = await make_user("student", name="Quinn Named")
    withdrawing = await make_user("student", name="Wren Withdrawing")
    never = await make_user("student", name="Sky Never")
    for student, organization in ((named, "Acme Manufacturing"), (withdrawing, "State University"),
                                  (never, "US Navy")):
        await _celebrated(staff, student, organization)
    await publishable(staff, named)
    await publishable(staff, withdrawing)
    url = "/staff/celebrations/program.pdf?title=Spring+Awards&held_on=2026-05-20"
    first = await client.get(url)
    assert first.status_code == 200 and first.headers["content-type"] == "application/pdf"
    text = pdf_text(first.content)
    assert "Spring Awards" in text and "Quinn Named" in text and "Wren Withdrawing" in text
    assert "Sky Never" not in text and "and 1 more student" in text
    async with browser_of(make_client, withdrawing) as theirs:
        assert (await post(theirs, "/student/publication/withdraw")).status_code == 303
    text = pdf_text((await client.get(url)).content)
    assert "Quinn Named" in text and "Wren Withdrawing" not in text and "Sky Never" not in text
    assert "and 2 more students" in text
    # A guardian's withdrawal, recorded by staff, takes effect as at once.
    guardian = (await publication.student_status(named))["guardian"]
    assert (await post(client, f"/staff/students/{named.id}/publication/{guardian['id']}/withdraw")).status_code == 303
    text = pdf_text((await client.get(url)).content)
    assert "Quinn Named" not in text and "3 students" in text
    # Each student the program named finds it among the disclosures of their record, once however many times it
    # was printed that day; a student never named has none.
    kinds = {row["student"]: row["n"] for row in await Disclosure.select(
        Disclosure.student, Count(alias="n")).where(Disclosure.kind == DisclosureKind.PUBLICATION).group_by(Disclosure.student)}
    assert kinds == {named.id: 1, withdrawing.id: 1}
    async with browser_of(make_client, named) as theirs:
        views = await theirs.get("/student/sharing/views")
        assert "Named you in a printed program" in views.text and "Spring Awards, " in views.text


async def test_certificates_are_for_the_chosen_students_only(client, signed_in, make_user, other_school):
    staff = await signed_in("staff")
    chosen = await make_user("student", name="Ada Chosen")
    also = await make_user("student", name="Bo Also")
    left = await make_user("student", name="Cy Left")
    for student in (chosen, also, left):
        await _celebrated(staff, student, "Acme Manufacturing")
    # Another school's celebrated student is never printed by this school, even when asked for by id.
    theirs = await make_user("student", name="Di Elsewhere", school_id=other_school)
    await _celebrated(await make_user("staff", school_id=other_school), theirs, "Elsewhere Inc")
    response = await client.get(f"/staff/celebrations/certificates.pdf?students={chosen.id}&students={also.id}"
                                f"&students={theirs.id}&title=Senior+Night")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Ada Chosen" in text and "Bo Also" in text and "Cy Left" not in text and "Di Elsewhere" not in text
    assert text.count("Certificate of achievement") == 2 and "Senior Night" in text
    assert (await client.get(f"/staff/celebrations/certificates.pdf?students={theirs.id}")).status_code == 404
