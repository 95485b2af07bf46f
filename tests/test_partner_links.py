"""Students' entries link to their school's partners: suggestions as they type (only their own school's active
partners), a link when the typed name is a partner's, staff merging the names students typed (their school's
entries only), the engagement figures on the partner page, and never a change to what a verifier signed."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest

from portfolio import clock
from portfolio.errors import NotFound
from portfolio.forms.partners import parse_partner
from portfolio.services import demo, experiences, signoff
from portfolio.services.accounts import load_user
from portfolio.services.experiences import school_year_start
from portfolio.services.partners import engagement, linking, records
from portfolio.services.partners.scope import relationship
from portfolio.tables import Experience, School, SignOff, User
from portfolio.vocabulary import EntryStatus
from tests.factories import as_entry, browser_of, csrf_headers, entry, mentor_for, new_entry, post, queue_ids, status_of


async def add_partner(staff, name: str, status: str = "active") -> int:
    raw = {"name": name, "kind": "employer", "status": status, "owners": str(staff.id), "offerings": [],
           "clusters": [], "client_uuid": str(uuid.uuid4())}
    return await records.create(staff, parse_partner(raw, await records.choices(staff)), raw)


@pytest.fixture
async def directory(make_user, other_school):
    """Our school's partners in every status, and another school's active one with a similar name."""
    ours, theirs = await make_user("staff"), await make_user("staff", school_id=other_school)
    ids = {"ours": ours, "theirs": theirs}
    for name, status in (("Acme Manufacturing", "active"), ("Acme Prospects", "prospect"),
                         ("Acme Paused Works", "paused"), ("Acme Former Plant", "former"),
                         ("Riverside Health", "active")):
        ids[name] = await add_partner(ours, name, status)
    ids["Acme Other"] = await add_partner(theirs, "Acme Other School Partner")
    return ids


async def link_of(entry_id: int) -> int | None:
    return (await Experience.select(Experience.partner).where(Experience.id == entry_id).first())["partner"]


async def test_only_the_student_s_own_school_s_active_partners_are_suggested(make_user, other_school, directory):
    student = await make_user("student")
    assert await linking.suggestions(student, "acm") == ["Acme Manufacturing"]
    assert await linking.suggestions(student, "  ACME ") == ["Acme Manufacturing"]
    assert await linking.suggestions(student, "health") == ["Riverside Health"]
    for nothing in ("a", "", "%", "_%", "Prospects", "Paused", "Former", "Other School"):
        assert await linking.suggestions(student, nothing) == [], nothing
    other = await make_user("student", school_id=other_school)
    assert await linking.suggestions(other, "acm") == ["Acme Other School Partner"]
    assert await linking.suggestions(await make_user("student", school_id=None), "acm") == []


async def test_an_entry_links_when_its_name_is_an_active_partner_s_and_keeps_the_name_as_typed(make_user, other_school, directory):
    student = await make_user("student")
    picked = await new_entry(student, organization="Acme Manufacturing")
    typed = await new_entry(student, organization="acme   MANUFACTURING", date=(clock.today_at(None) - timedelta(days=2)).isoformat())
    assert await link_of(picked) == await link_of(typed) == directory["Acme Manufacturing"]
    assert (await experiences.get(student, typed))["organization_name"] == "acme   MANUFACTURING"
    for name in ("Acme Prospects", "Acme Paused Works", "Acme Former Plant", "Acme", "Acme Other School Partner"):
        assert await link_of(await new_entry(student, organization=name, hours="0.25")) is None, name
    # Another school's student naming our partner is not linked to it.
    other = await make_user("student", school_id=other_school)
    assert await link_of(await new_entry(other, organization="Acme Manufacturing")) is None
    # An edit of the reflection keeps the link; a new name links anew (or to nothing).
    current = experiences.as_form(await experiences.get(student, picked))
    await experiences.update(student, picked, await as_entry(student, current | {"reflection": "More."}))
    assert await link_of(picked) == directory["Acme Manufacturing"]
    await experiences.update(student, picked, await as_entry(student, current | {"organization": "riverside health"}))
    assert await link_of(picked) == directory["Riverside Health"]
    await experiences.update(student, picked, await as_entry(student, current | {"organization": "Somewhere else"}))
    assert await link_of(picked) is None


async def test_a_merge_links_the_school_s_entries_with_that_name_and_never_another_school_s(make_user, other_school, directory):
    ours, theirs = directory["ours"], directory["theirs"]
    student, other = await make_user("student"), await make_user("student", school_id=other_school)
    mine = [await new_entry(student, organization="Acme Mfg", hours="1"),
            await new_entry(student, organization=" acme  mfg ", hours="1"),
            await new_entry(await make_user("student"), organization="ACME MFG")]
    kept = await new_entry(student, organization="Acme Mfg Co", hours="1")
    elsewhere = await new_entry(other, organization="Acme Mfg")
    names = await linking.unlinked_names(ours)
    assert [(n["entries"], n["school"]) for n in names if linking.same_name(n["name"]) == "acme mfg"] == [(3, student.school_id)]
    assert all(n["school"] == student.school_id for n in names)
    assert {p["name"] for p in names[0]["partners"]} >= {"Acme Manufacturing", "Acme Prospects"}
    assert "Acme Other School Partner" not in str(names)
    # Another school's staff cannot merge into our partner, nor do ours reach their entries.
    with pytest.raises(NotFound):
        await linking.merge_name(theirs, "Acme Mfg", directory["Acme Manufacturing"])
    with pytest.raises(NotFound):
        await linking.merge_name(ours, "Acme Mfg", directory["Acme Other"])
    assert await linking.merge_name(ours, "ACME mfg", directory["Acme Manufacturing"]) == 3
    assert [await link_of(e) for e in mine] == [directory["Acme Manufacturing"]] * 3
    assert await link_of(kept) is None and await link_of(elsewhere) is None
    assert (await experiences.get(student, mine[1]))["organization_name"] == "acme  mfg"
    assert not [n for n in await linking.unlinked_names(ours) if linking.same_name(n["name"]) == "acme mfg"]
    assert [n["entries"] for n in await linking.unlinked_names(theirs) if n["name"] == "Acme Mfg"] == [1]


async def test_engagement_counts_students_and_hours_this_school_year_and_before(make_user, directory, school):
    ours = directory["ours"]
    row = await School.select().where(School.id == school).first()
    today = clock.today_at(row)
    start = school_year_start(row, today)
    ann, ben = await make_user("student"), await make_user("student")
    this_year = [await new_entry(ann, organization="Acme Manufacturing", hours="2", date=start.isoformat()),
                 await new_entry(ben, organization="Acme Manufacturing", hours="1.5", date=today.isoformat()),
                 await new_entry(ben, organization="Acme Manufacturing", hours="4", date=today.isoformat())]
    before = [await new_entry(ann, organization="Acme Manufacturing", hours="3", date=(start - timedelta(days=1)).isoformat()),
              await new_entry(ann, organization="Acme Manufacturing", hours="0.75", date=(start - timedelta(days=400)).isoformat())]
    await new_entry(ann, organization="Riverside Health", hours="5", date=today.isoformat())  # another partner's
    await Experience.update({Experience.status: EntryStatus.VERIFIED}).where(Experience.id.is_in([this_year[0], before[1]]))
    await Experience.update({Experience.status: EntryStatus.REJECTED}).where(Experience.id == this_year[2])
    found = await engagement.engagement(await relationship(ours, directory["Acme Manufacturing"]))
    assert found.start == start
    # This year: Ann 2 h (verified) and Ben 1.5 h (his 4 h were rejected). Before: Ann 3 h and 0.75 h (verified).
    assert (found.this_year.student_count, found.this_year.minutes, found.this_year.verified_minutes) == (2, 210, 120)
    assert (found.before.student_count, found.before.minutes, found.before.verified_minutes) == (1, 225, 45)
    empty = await engagement.engagement(await relationship(ours, directory["Acme Prospects"]))
    assert not empty.any and empty.this_year.minutes == 0


async def verified_entry(client, make_user, make_client, student, organization: str) -> int:
    """One of the student's entries, verified by their mentor through the mentor's queue."""
    mentor = await mentor_for(make_user, student)
    entry_id = await new_entry(student, organization=organization)
    assert (await post(client, "/student/verify/mentor", {"entries": str(entry_id), "mentor": str(mentor.id)})).status_code == 303
    async with browser_of(make_client, mentor) as desk:
        item = (await queue_ids(mentor))[entry_id]
        assert (await post(desk, "/mentor/decide", {"items": str(item), "decision": "verified"})).status_code == 303
    assert await status_of(entry_id) == "verified"
    return entry_id


async def test_a_merge_never_touches_a_verification(client, signed_in, make_user, make_client, directory):
    student = await signed_in("student")
    entry_id = await verified_entry(client, make_user, make_client, student, "Acme Mfg")
    before = await Experience.select().where(Experience.id == entry_id).first()
    signed = await SignOff.select().where(SignOff.experience == entry_id)
    assert await linking.merge_name(directory["ours"], "acme mfg", directory["Acme Manufacturing"]) == 1
    after = await Experience.select().where(Experience.id == entry_id).first()
    assert after["partner"] == directory["Acme Manufacturing"]
    assert {k: v for k, v in after.items() if k != "partner"} == {k: v for k, v in before.items() if k != "partner"}
    assert await SignOff.select().where(SignOff.experience == entry_id) == signed
    current = await signoff.entry_for_verifier(entry_id)
    assert (await signoff.entry_verification(current, student.email))["state"] == "verified"
    found = await engagement.engagement(await relationship(directory["ours"], directory["Acme Manufacturing"]))
    assert found.this_year.verified_minutes + found.before.verified_minutes == 150


async def test_the_type_ahead_answers_a_student_with_their_school_s_active_partners(client, signed_in, directory):
    await signed_in("student")
    form = await client.get("/student/experiences/new")
    assert 'list="organization-suggestions"' in form.text and 'hx-get="/student/partner-suggestions"' in form.text
    assert '<datalist id="organization-suggestions"></datalist>' in form.text
    found = await client.get("/student/partner-suggestions", params={"organization": "Acm"}, headers={"HX-Request": "true"})
    assert found.status_code == 200
    assert found.text.strip().startswith('<datalist id="organization-suggestions">')
    assert '<option value="Acme Manufacturing">' in found.text
    assert "Prospects" not in found.text and "Other School" not in found.text and "<html" not in found.text


async def test_the_form_without_javascript_saves_and_links_the_entry(client, signed_in, directory):
    student = await signed_in("student")
    saved = await client.post("/student/experiences", data=entry(organization="acme manufacturing"), headers=csrf_headers(client))
    assert saved.status_code == 303
    [row] = await Experience.select(Experience.organization_name, Experience.partner).where(Experience.student == student.id)
    assert row == {"organization_name": "acme manufacturing", "partner": directory["Acme Manufacturing"]}


async def test_staff_merge_a_typed_name_from_the_names_page(client, signed_in, make_user, make_client, other_school, directory):
    student = await make_user("student")
    first = await new_entry(student, organization="Acme Mfg", hours="1")
    await new_entry(student, organization="acme mfg", hours="2")
    other_entry = await new_entry(await make_user("student", school_id=other_school), organization="Acme Mfg")
    async with browser_of(make_client, directory["ours"]) as ours:
        assert 'href="/staff/partners/names"' in (await ours.get("/staff/partners")).text
        page = await ours.get("/staff/partners/names")
        assert page.status_code == 200 and "Acme Mfg" in page.text and "2 entries" in page.text
        assert "Acme Other School Partner" not in page.text
        refused = await post(ours, "/staff/partners/names/merge", {"name": "Acme Mfg"})
        assert refused.status_code == 422 and "Choose the partner" in refused.text
        done = await post(ours, "/staff/partners/names/merge", {"name": "Acme Mfg", "partner": str(directory["Acme Manufacturing"])})
        assert done.status_code == 303 and done.headers["location"] == "/staff/partners/names?merged=2"
        assert "2 entries linked." in (await ours.get(done.headers["location"])).text
        partner_page = await ours.get(f"/staff/partners/{directory['Acme Manufacturing']}")
        shown = re.sub(r"<[^>]+>", "", partner_page.text)
        assert "1 student hosted · 3 h, 0 h verified" in shown and "2 students hosted" not in shown
    async with browser_of(make_client, directory["theirs"]) as theirs:
        refused = await post(theirs, "/staff/partners/names/merge", {"name": "Acme Mfg", "partner": str(directory["Acme Manufacturing"])})
        assert refused.status_code == 404
    assert await link_of(first) == directory["Acme Manufacturing"] and await link_of(other_entry) is None


async def test_the_demo_links_jordan_s_entries_and_leaves_a_name_to_merge(hasher, emails, clean_database):
    assert await demo.seed(hasher, emails) is True
    counselor = await load_user((await User.select(User.id).where(User.email == "counselor@demo.example").first())["id"])
    rows = await Experience.select(Experience.organization_name, Experience.partner.organization.name.as_alias("partner"))
    assert {r["organization_name"]: r["partner"] for r in rows} == {
        "Acme Manufacturing": "Acme Manufacturing", "Riverside Health": "Riverside Health", "City IT Department": None,
        # The site visit staff marked attendance at (services/demo_attendance.py): linked to its partner.
        "Tri-County Builders Association": "Tri-County Builders Association"}
    assert [(n["name"], n["entries"]) for n in await linking.unlinked_names(counselor)] == [("City IT Department", 1)]


async def test_an_admin_sees_every_school_s_names_and_merges_within_the_partner_s_school(make_user, other_school, directory):
    admin = await make_user("admin")
    ours = await new_entry(await make_user("student"), organization="Acme Mfg")
    theirs = await new_entry(await make_user("student", school_id=other_school), organization="Acme Mfg")
    rows = [n for n in await linking.unlinked_names(admin) if n["name"] == "Acme Mfg"]
    assert sorted(n["school_name"] for n in rows) == ["Other High School", "Test Career Center"]
    for row in rows:  # each name offers only the partners of its own school
        assert {p["school"] for p in row["partners"]} == {row["school"]}
    assert await linking.merge_name(admin, "Acme Mfg", directory["Acme Other"]) == 1
    assert await link_of(theirs) == directory["Acme Other"] and await link_of(ours) is None
