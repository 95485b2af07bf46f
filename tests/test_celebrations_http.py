"""The celebrations page over HTTP: the demo's counselor and admin see all four lists; the program names only
students whose consent is complete; the page costs the same number of queries for one student or many; staff
never see another school's students, an admin the district or one school."""

from __future__ import annotations

from datetime import date

from portfolio.services import demo
from portfolio.tables import User
from tests.celebration_factories import commitment, publishable, verified
from tests.factories import browser_of, counting_queries, pdf_text, sign_in

# Today, as the commitments are signed: both are within this school year, the page's default.
DAY = date.today().isoformat()


async def test_the_demo_celebrates_at_the_demo_school(clean_database, hasher, emails, make_client):
    assert await demo.seed(hasher, emails) is True
    async with make_client() as browser:
        assert (await sign_in(browser, "counselor@demo.example", demo.DEMO_PASSWORD)).status_code == 303
        page = await browser.get("/staff/celebrations")
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        for text in ("OSHA 10-Hour Construction", "First internship", "The school&#39;s goal of 40 verified hours",
                     "100 verified hours", "Valley Electrical JATC", "Waiting for the student", "Riverside Health",
                     "Acme Manufacturing"):
            assert text in page.text, text
        program = pdf_text((await browser.get("/staff/celebrations/program.pdf")).content)
        for named in ("Jordan Rivera", "Luis Ortega"):
            assert named in program
        # Maya opted in, but no guardian's agreement is on file: counted, never named (her commitment waits, and
        # her milestones are counted).
        assert "Maya Johnson" not in program and "Tri-County Community College" not in program
    async with make_client() as browser:
        assert (await sign_in(browser, "student@demo.example", demo.DEMO_PASSWORD)).status_code == 303
        dashboard = await browser.get("/student")
        assert "First internship" in dashboard.text and "Valley Electrical JATC" in dashboard.text
        assert "Yes, confirm" not in dashboard.text  # Jordan confirmed it already
    async with make_client() as browser:
        assert (await sign_in(browser, "admin@demo.example", demo.DEMO_PASSWORD)).status_code == 303
        page = await browser.get("/staff/celebrations")
        assert page.status_code == 200 and "Valley Electrical JATC" in page.text and "100 verified hours" in page.text


async def test_staff_see_only_their_school_and_the_admin_picks(make_user, make_client, school, other_school, settings):
    ours, theirs = await make_user("staff"), await make_user("staff", school_id=other_school)
    mine = await make_user("student", name="Olive Ours")
    await commitment(ours, mine, "Our Employer Inc")
    elsewhere = await make_user("student", name="Tom Theirs", school_id=other_school)
    await commitment(theirs, elsewhere, "Their Employer Inc")
    async with browser_of(make_client, ours) as browser:
        page = await browser.get("/staff/celebrations")
        assert "Olive Ours" in page.text and "Tom Theirs" not in page.text
        assert (await browser.get(f"/staff/celebrations?school={other_school}")).status_code == 404
        assert (await browser.get(f"/staff/celebrations/program.pdf?school={other_school}")).status_code == 404
    async with browser_of(make_client, await make_user("admin")) as browser:
        whole = await browser.get("/staff/celebrations")
        assert "Olive Ours" in whole.text and "Tom Theirs" in whole.text
        one = await browser.get(f"/staff/celebrations?school={other_school}")
        assert "Olive Ours" not in one.text and "Tom Theirs" in one.text


async def test_the_page_costs_the_same_whatever_it_lists(make_user, make_client, settings):
    staff = await make_user("staff")

    async def queries() -> int:
        async with browser_of(make_client, staff) as browser:
            async with counting_queries() as seen:
                assert (await browser.get("/staff/celebrations")).status_code == 200
        return len(seen)

    first = await make_user("student", name="First One")
    await commitment(staff, first)
    await verified(make_user, settings, first, (DAY, "internship", "4"))
    # Opted in, as the others will be: with nobody opted in, the birth dates are not read at all.
    await publishable(staff, first)
    one = await queries()
    for n in range(4):
        student = await make_user("student", name=f"Student {n}")
        await commitment(staff, student, f"Employer {n}")
        await verified(make_user, settings, student, (DAY, "apprenticeship", "3"))
        await publishable(staff, student)
    assert await queries() == one
    assert await User.count() > 10
