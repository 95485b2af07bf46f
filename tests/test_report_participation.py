"""Participation in work-based learning under each seeded profile, over the hand-made district
(tests/report_factories.py), every figure worked out on paper in the comments: who is counted (students of a CTE
program during the dates, their grade), who met the definition (kinds, hours, verified only, one experience,
hours since grade 9), by school and grade, and the students behind each number. Then the pages: CSV equals the
page, staff only their school, the profiles as data only an admin changes, a constant number of queries."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, datetime, timezone

import pytest

from portfolio import clock
from portfolio.forms.report_profiles import ProfileForm
from portfolio.program_tables import Program, ProgramStudent
from portfolio.report_tables import ReportProfile
from portfolio.services import demo
from portfolio.services.reports import participation as counting
from portfolio.services.reports import profiles, scope
from portfolio.tables import User
from tests import report_factories as rf
from tests.factories import browser_of, counting_queries, csrf_headers, new_entry, sign_in

# Inside the 2025-26 school year, so students' grades are that year's (Ohio counts from grade 9 by them).
DURING = datetime(2026, 3, 15, 16, tzinfo=timezone.utc)


@pytest.fixture
async def district(make_user, settings, school, other_school):
    return await rf.hand_district(make_user, settings, school, other_school, participation=True)


@pytest.fixture
async def made_profiles():
    """Profiles a test adds; taken away after it, since the seeded table is not emptied between tests."""
    made: list[int] = []
    yield made
    await ReportProfile.delete().where(ReportProfile.id.is_in(made or [0]))
    await ReportProfile.delete().where(ReportProfile.name.like("Test %"))


async def seeded(state: str) -> dict:
    return next(p for p in await profiles.listing() if p["state"] == state and p["position"] <= 5)


async def figures(user, state_or_profile, **wanted):
    profile = state_or_profile if isinstance(state_or_profile, dict) else await seeded(state_or_profile)
    with clock.fixed(DURING):
        the_scope = await scope.scope_for(user, scope.Wanted(**({"year": rf.YEAR} | wanted)))
        return await counting.participation(user, the_scope, profile)


def met_of(result) -> dict[str, tuple[int, int]]:
    groups = [result.total, *result.schools, *result.grades]
    return {g.label: (g.met, g.students) for g in groups}


# The denominator in 2025-26 (students of a program during the year, at the school they ended it at):
# A: Ana, Cara, Eve, Fay, Gus, Hal, Leo, Mia, Nia (9); B: Ben (moved there), Ivy, Jay, Kim (4). Not Dan (no
# program), not Ola (her program ended 2025-05-30). Grades: 9 Nia; 10 Cara, Leo, Mia, Kim; 11 Ana, Fay, Hal, Ivy;
# 12 Ben, Eve, Gus, Jay.
async def test_perkins_5s3_counts_any_verified_sustained_hours(district, make_user):
    result = await figures(await make_user("admin"), "")
    # Everyone with verified internship hours met it; Cara's 15 h lost their sign-off (self-reported): not her.
    assert met_of(result) == {
        "All students": (12, 13), "Test Career Center": (8, 9), "Other High School": (4, 4),
        "Grade 9": (1, 1), "Grade 10": (3, 4), "Grade 11": (4, 4), "Grade 12": (4, 4)}


async def test_wisconsin_needs_90_hours_of_its_kinds(district, make_user):
    result = await figures(await make_user("admin"), "WI")
    # 90 or more: Eve 90 (exactly), Hal 129.75, Ivy 139.75, Jay 140, Kim 280; Fay's 89.75 is just under.
    assert met_of(result) == {
        "All students": (5, 13), "Test Career Center": (2, 9), "Other High School": (3, 4),
        "Grade 9": (0, 1), "Grade 10": (1, 4), "Grade 11": (2, 4), "Grade 12": (2, 4)}
    # Hours counted: Ana 10 + Ben 20 + Eve 90 + Fay 89.75 + Gus 50 + Hal 129.75 + Ivy 139.75 + Jay 140 + Kim 280
    # + Leo 60 + Mia 60 + Nia 59.75 = 1129 h (Ben's site visit and draft job shadow do not count).
    assert result.total.minutes == 1129 * 60


async def test_ohio_counts_hours_from_grade_9(district, make_user):
    result = await figures(await make_user("admin"), "OH")
    # Gus (grade 12, from 2022-07-01): 100 + 100 + 50 = 250, met. Hal (grade 11, from 2023-07-01): 120 + 129.75 =
    # 249.75, not (his 10 h of grade 8 do not count). Kim (grade 10, from 2024-07-01): 280, met.
    assert met_of(result) == {
        "All students": (2, 13), "Test Career Center": (1, 9), "Other High School": (1, 4),
        "Grade 9": (0, 1), "Grade 10": (1, 4), "Grade 11": (0, 4), "Grade 12": (1, 4)}
    # 1129 h of the year (as Wisconsin's, job shadows included but none verified) + Gus's 200 and Hal's 120 before.
    assert result.total.minutes == (1129 + 200 + 120) * 60


async def test_virginia_needs_140_hours_and_counts_half_credits(district, make_user):
    result = await figures(await make_user("admin"), "VA")
    # 140 or more: Jay 140 (half a credit), Kim 280 (a credit); Ivy's 139.75 is just under.
    assert met_of(result) == {
        "All students": (2, 13), "Test Career Center": (0, 9), "Other High School": (2, 4),
        "Grade 9": (0, 1), "Grade 10": (1, 4), "Grade 11": (0, 4), "Grade 12": (1, 4)}
    assert result.total.credits == 1.5


async def test_illinois_needs_60_hours_and_20_in_one_experience(district, make_user):
    result = await figures(await make_user("admin"), "IL")
    # 60 or more with one experience of 20: Eve (50), Fay (50), Hal (129.75), Ivy, Jay, Kim (100 each), Mia (her
    # placement's 7 + 7 + 6 = 20). Not Leo (60, his placement 19.75), Nia (59.75), Gus (50), Ana, Ben, Cara.
    assert met_of(result) == {
        "All students": (7, 13), "Test Career Center": (4, 9), "Other High School": (3, 4),
        "Grade 9": (0, 1), "Grade 10": (2, 4), "Grade 11": (3, 4), "Grade 12": (2, 4)}


async def test_a_date_range_counts_its_own_hours(district, make_user):
    # October 2025: Ben was still at A. Wisconsin: Ivy, Jay, Kim have 100 h each; Eve, Fay, Gus 50; Nia 59.75.
    result = await figures(await make_user("admin"), "WI", start=date(2025, 10, 1), end=date(2025, 10, 31))
    assert met_of(result)["All students"] == (3, 13)
    assert met_of(result)["Test Career Center"] == (0, 10) and met_of(result)["Other High School"] == (3, 3)


async def test_a_profile_of_every_student_and_self_reported_hours(district, make_user, made_profiles):
    admin = await make_user("admin")
    made_profiles.append(await profiles.create(admin, ProfileForm(
        "Test grades 10 and 11", "", "Test", "2025-26", ("internship",), 15, False, (10, 11), "school_year", None, None,
        "all_students")))
    result = await figures(admin, await profiles.get(made_profiles[0]))
    # Grades 10 and 11 of every student: Cara, Leo, Mia, Kim, Ana, Fay, Hal, Ivy, Ola (9). 15 h or more, verified
    # or not: all but Ana (10 h); Cara's self-reported 15 h count, and Ola counts without a program.
    assert met_of(result)["All students"] == (8, 9)


async def test_staff_see_their_school_only(district, make_user, other_school):
    staff = await make_user("staff")
    result = await figures(staff, "WI")
    assert [g.label for g in result.schools] == ["Test Career Center"] and met_of(result)["All students"] == (2, 9)


async def test_the_students_behind_a_number(district, make_user):
    admin = await make_user("admin")
    profile = await seeded("WI")
    with clock.fixed(DURING):
        the_scope = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))
        page = await counting.students(admin, the_scope, profile, f"school-{district.school_a}", False, 1)
    # A's 9 but Eve and Hal.
    assert [r["name"] for r in page.rows] == ["Ana", "Cara", "Fay", "Gus", "Leo", "Mia", "Nia"]
    assert {r["name"]: r["minutes"] for r in page.rows}["Fay"] == 5385  # 89.75 h


async def test_the_query_count_does_not_grow_with_the_data(make_user, settings, school, other_school):
    admin = await make_user("admin")
    # Small: one program student with one entry. Larger: the hand district besides.
    first = await make_user("student", name="Zed")
    program = await Program.insert(Program(school=school, name="Test program")).returning(Program.id)
    await ProgramStudent.insert(ProgramStudent(program=program[0]["id"], student=first.id, started_on=date(2025, 8, 20)))
    await new_entry(first, date="2025-10-01", kind="internship", hours="3")
    await rf.set_grade(first, 10)
    profile = await seeded("IL")

    async def count() -> int:
        with clock.fixed(DURING):
            the_scope = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))
            async with counting_queries() as seen:
                await counting.participation(admin, the_scope, profile)
                await counting.students(admin, the_scope, profile, "all", None, 1)
        return len(seen)

    small = await count()
    await rf.hand_district(make_user, settings, school, other_school, participation=True)
    assert await count() == small


# --- the pages ----------------------------------------------------------------------------------------

def _cells(page: str) -> list[list[str]]:
    rows = []
    for table in re.findall(r'<table class="report-table".*?</table>', page, re.S):
        for row in re.findall(r"<tbody>(.*?)</tbody>", table, re.S)[0].split("</tr>")[:-1]:
            rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                         for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)])
    return rows


async def test_the_csv_holds_the_page_s_rows(client, signed_in, district):
    await signed_in("admin")
    va = await seeded("VA")
    with clock.fixed(DURING):
        page = await client.get(f"/staff/reports/participation?profile={va['id']}&year={rf.YEAR}")
        download = await client.get(f"/staff/reports/participation.csv?profile={va['id']}&year={rf.YEAR}")
    assert page.status_code == 200 and download.status_code == 200
    assert ">2</a> of <a" in page.text and "(15.4%)" in page.text  # 2 of 13
    assert "280 hours earn a credit" in page.text and va["source"][:40] in html.unescape(page.text)
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["Group", "Students counted", "Met the definition", "Rate", "Hours counted", "Credits earned"]
    assert rows[1:] == _cells(page.text)
    # Schools by name, then grades 9 to 12, then all: B's 2 of 4 earned Jay's half and Kim's whole credit, with
    # Ben's 20 + Ivy 139.75 + Jay 140 + Kim 280 = 579.75 h; A's: Ana 10 + Eve 90 + Fay 89.75 + Gus 50 + Hal 129.75
    # + Leo 60 + Mia 60 + Nia 59.75 = 549.25.
    assert rows[1] == ["Other High School", "4", "2", "50.0%", "579.75", "1.5"]
    assert rows[2] == ["Test Career Center", "9", "0", "0.0%", "549.25", "0"]
    assert rows[-1][:4] == ["All students", "13", "2", "15.4%"]


async def test_every_number_links_to_its_students(client, signed_in, district):
    staff = await signed_in("staff")
    wi = await seeded("WI")
    with clock.fixed(DURING):
        page = await client.get(f"/staff/reports/participation?profile={wi['id']}&year={rf.YEAR}")
        links = re.findall(r'href="(/staff/reports/participation/students\?[^"]+)"', page.text)
        assert len(links) == 2 + 2 * 5  # the headline's two, and two a row: 4 grades and all
        met = await client.get(html.unescape(f"/staff/reports/participation/students?profile={wi['id']}&year={rf.YEAR}"
                                             "&group=grade-11&met=yes"))
    assert met.status_code == 200
    # Grade 11 at A who met Wisconsin's: Hal (Ivy is B's). Staff open the student's page from the name.
    assert f'href="/staff/students/{district.students["Hal"].id}">Hal</a>' in met.text and "Ivy" not in met.text
    assert staff.school_id == district.school_a


async def test_staff_never_reach_another_school_and_an_admin_reads_without_links(client, signed_in, district,
                                                                               make_client, make_user):
    await signed_in("staff")
    assert (await client.get(f"/staff/reports/participation?school={district.school_b}")).status_code == 404
    assert (await client.get(f"/staff/reports/participation.csv?school={district.school_b}")).status_code == 404
    assert (await client.get(f"/staff/reports/participation/students?school={district.school_b}")).status_code == 404
    assert (await client.get("/staff/reports/participation?profile=999999")).status_code == 404
    async with browser_of(make_client, await make_user("admin")) as admin:
        with clock.fixed(DURING):
            whole = await admin.get(f"/staff/reports/participation?year={rf.YEAR}")
            names = await admin.get(f"/staff/reports/participation/students?year={rf.YEAR}&group=all")
    assert whole.status_code == 200 and "By school" in whole.text and "Other High School" in whole.text
    # The student's page is staff-only: an admin reads the names without links.
    assert ">Kim</th>" in names.text and "/staff/students/" not in names.text


async def test_only_an_admin_changes_profiles(client, signed_in, make_client, make_user, made_profiles):
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as theirs:
        listing = await theirs.get("/staff/reports/profiles")
        assert listing.status_code == 200 and "Wisconsin" in listing.text and "/staff/reports/profiles/new" not in listing.text
        refused = await theirs.post("/staff/reports/profiles/new", data={"name": "Test by staff"}, headers=csrf_headers(theirs))
        assert refused.status_code == 403
    await signed_in("admin")
    typed = {"name": "Test Kentucky", "state": "kentucky", "source": "", "school_year": "2025", "min_hours": "-3",
             "kinds": ["internship", "nonsense"], "grades": ["11", "12"], "accumulation": "school_year",
             "denominator": "program_students", "verified_only": "on"}
    again = await client.post("/staff/reports/profiles/new", data=typed, headers=csrf_headers(client))
    assert again.status_code == 422
    for message in ("two-letter code", "Cite the document", "like 2025-26", "whole hours", "kinds of experience"):
        assert message in again.text, message
    assert 'value="Test Kentucky"' in again.text and 'value="12" checked' in again.text
    typed |= {"state": "ky", "source": "KDE guidance", "school_year": "2025-26", "min_hours": "80", "kinds": ["internship"]}
    made = await client.post("/staff/reports/profiles/new", data=typed, headers=csrf_headers(client))
    assert made.status_code == 303
    saved = await ReportProfile.select().where(ReportProfile.name == "Test Kentucky").first()
    made_profiles.append(saved["id"])
    assert (saved["state"], saved["min_hours"], saved["kinds"], saved["grades"]) == ("KY", 80, ["internship"], [11, 12])
    retired = await client.post(f"/staff/reports/profiles/{saved['id']}", data={"retire": "1"}, headers=csrf_headers(client))
    assert retired.status_code == 303
    assert not (await profiles.get(saved["id"]))["active"]
    # A retired profile is still read by a link that names it.
    assert (await client.get(f"/staff/reports/participation?profile={saved['id']}")).status_code == 200


async def test_the_demo_counts_students_under_every_definition(clean_database, hasher, emails, make_client):
    assert await demo.seed(hasher, emails) is True
    admin = await User.select(User.email).where(User.roles.any("admin")).first()
    for email in ("counselor@demo.example", admin["email"]):
        async with make_client() as browser:
            assert (await sign_in(browser, email, demo.DEMO_PASSWORD)).status_code == 303
            for profile in await profiles.listing(active_only=True):
                page = await browser.get(f"/staff/reports/participation?profile={profile['id']}")
                assert page.status_code == 200, (email, profile["name"])
                # Jordan (12), Avery (11) and the six classmates (grades 9 to 12) are in a program.
                assert re.search(r">\d+</a> of <a[^>]*>8</a>", page.text), (email, profile["name"])
            # Jordan's internship week, confirmed by the supervisor, counts under the Perkins definition.
            generic = await browser.get(f"/staff/reports/participation?profile={(await seeded(''))['id']}")
            assert re.search(r">[1-9]\d*</a> of <a[^>]*>8</a>", generic.text), email


async def test_a_page_of_students_downloads_as_its_rows(client, signed_in, district):
    await signed_in("staff")
    il = await seeded("IL")
    query = f"profile={il['id']}&year={rf.YEAR}&group=school-{district.school_a}&met=no"
    with clock.fixed(DURING):
        page = await client.get(f"/staff/reports/participation/students?{query}")
        download = await client.get(f"/staff/reports/participation/students.csv?{query}")
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["Student", "School", "Grade", "Hours counted", "Longest experience (hours)", "Met"]
    assert rows[1:] == _cells(page.text)
    # A's 9 but Eve, Fay, Hal and Mia, who met Illinois': Leo has 60 h but 19.75 in his placement.
    assert [r[0] for r in rows[1:]] == ["Ana", "Cara", "Gus", "Leo", "Nia"]
    assert rows[4] == ["Leo", "Test Career Center", "10", "60", "19.75", "No"]
