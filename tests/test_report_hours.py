"""Hours by cluster, school, grade, kind and partner over the hand-made district (tests/report_factories.py),
every figure worked out by hand in minutes; the students behind a row; the page, its CSV and its refusals; a
query count that does not grow with the data."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date

import pytest

from portfolio.errors import NotFound
from portfolio.services.reports import hours, scope
from tests import report_factories as rf
from tests.factories import counting_queries, new_entry


@pytest.fixture
async def district(make_user, settings, school, other_school):
    return await rf.hand_district(make_user, settings, school, other_school, records=True)


def table(report: hours.HoursReport) -> dict[str, tuple[int, int, int, int]]:
    """label -> (students, minutes, verified, self-reported)"""
    rows = {g.label: (g.students, g.minutes, g.verified, g.self_reported) for g in report.groups}
    rows["Total"] = (report.total.students, report.total.minutes, report.total.verified, report.total.self_reported)
    return rows


async def year_of(user) -> scope.Scope:
    return await scope.scope_for(user, scope.Wanted(year=rf.YEAR))


async def test_hours_by_each_dimension_across_the_district(district, make_user):
    admin = await make_user("admin")
    year = await year_of(admin)
    # 2025-26 counts: Ana 600 v (healthcare, internship, A, grade 11, Riverside); Ben 240 v (construction, site
    # visit, A, Turner) + 300 draft on the move day (job shadow, B, Turner) + 1200 v (internship, B, Turner);
    # Cara 900 with a voided sign-off (construction, internship, A, grade 10, Turner); Dan 120 draft (no
    # cluster, mock interview, B, grade 9, no partner). Ana's rejected, year-before and year-after entries never.
    # Total: 4 students, 600+240+300+1200+900+120 = 3360 minutes, 600+240+1200 = 2040 verified, 1320 self.
    total = (4, 3360, 2040, 1320)
    assert table(await hours.hours_by(year, hours.DIMENSIONS["cluster"])) == {
        "Construction": (2, 240 + 300 + 1200 + 900, 240 + 1200, 300 + 900),
        "Healthcare & Human Services": (1, 600, 600, 0),
        "No cluster": (1, 120, 0, 120),
        "Total": total,
    }
    # Ben counts for both schools (his visit at A, the rest at B) and once in the total.
    assert table(await hours.hours_by(year, hours.DIMENSIONS["school"])) == {
        "Test Career Center": (3, 600 + 240 + 900, 600 + 240, 900),
        "Other High School": (2, 300 + 1200 + 120, 1200, 420),
        "Total": total,
    }
    assert table(await hours.hours_by(year, hours.DIMENSIONS["grade"])) == {
        "Grade 12": (1, 1740, 1440, 300), "Grade 10": (1, 900, 0, 900), "Grade 11": (1, 600, 600, 0),
        "Grade 9": (1, 120, 0, 120), "Total": total,
    }
    by_kind = await hours.hours_by(year, hours.DIMENSIONS["kind"])
    assert by_kind.total.label == "Total"
    assert table(by_kind) == {
        "Internship": (3, 600 + 1200 + 900, 1800, 900), "Job shadow": (1, 300, 0, 300), "Site visit": (1, 240, 240, 0),
        "Mock interview": (1, 120, 0, 120), "Total": total,
    }
    # Turner is one partner across its two schools.
    by_partner = await hours.hours_by(year, hours.DIMENSIONS["partner"])
    assert table(by_partner) == {
        "Turner Construction": (2, 240 + 900 + 300 + 1200, 240 + 1200, 900 + 300),
        "Riverside Health": (1, 600, 600, 0),
        "No partner linked": (1, 120, 0, 120),
        "Total": total,
    }
    assert [g.label for g in by_partner.groups] == ["Turner Construction", "Riverside Health", "No partner linked"]


async def test_one_school_s_staff_see_their_school_only(district, make_user):
    staff = await make_user("staff", school_id=district.school_a)
    year = await year_of(staff)
    assert [d.key for d in hours.dimensions(year)] == ["cluster", "grade", "kind", "partner"]
    # At A: Ana 600 v (Riverside), Ben's visit 240 v and Cara's 900 (Turner). 3 students, 1740, 840 verified.
    assert table(await hours.hours_by(year, hours.dimension(year, "partner"))) == {
        "Turner Construction": (2, 1140, 240, 900), "Riverside Health": (1, 600, 600, 0), "Total": (3, 1740, 840, 900)}
    # Asking by school, which one school does not offer, is by cluster.
    assert hours.dimension(year, "school").key == "cluster"


async def test_a_range_across_the_year_boundary_and_the_move_day(district, make_user):
    admin = await make_user("admin")
    # 2025-06-01..2025-09-30: Ana's 120 visit of the year before (verified, construction) and her 600 internship.
    spanning = await scope.scope_for(admin, scope.Wanted(start=date(2025, 6, 1), end=date(2025, 9, 30)))
    assert table(await hours.hours_by(spanning, hours.DIMENSIONS["school"])) == {
        "Test Career Center": (1, 720, 720, 0), "Total": (1, 720, 720, 0)}
    move_day = await scope.scope_for(admin, scope.Wanted(start=rf.MOVED_ON, end=rf.MOVED_ON))
    assert table(await hours.hours_by(move_day, hours.DIMENSIONS["school"])) == {
        "Other High School": (1, 300, 0, 300), "Total": (1, 300, 0, 300)}


async def test_the_students_behind_a_row(district, make_user):
    admin = await make_user("admin")
    year = await year_of(admin)
    turner = str(district.organizations["Turner Construction"])
    label, page = await hours.students_behind(year, hours.DIMENSIONS["partner"], turner, 1)
    # Ben: 240 + 300 + 1200 = 1740, 1440 verified; Cara: 900, none verified.
    assert label == "Turner Construction" and page.total == 2
    assert [(s.name, s.minutes, s.verified, s.self_reported) for s in page.rows] == [("Ben", 1740, 1440, 300), ("Cara", 900, 0, 900)]
    label, page = await hours.students_behind(year, hours.DIMENSIONS["cluster"], hours.NONE, 1)
    assert label == "No cluster" and [(s.name, s.minutes) for s in page.rows] == [("Dan", 120)]
    label, page = await hours.students_behind(year, hours.DIMENSIONS["kind"], "internship", 1)
    assert [(s.name, s.minutes) for s in page.rows] == [("Ana", 600), ("Ben", 1200), ("Cara", 900)]
    staff = await make_user("staff", school_id=district.school_a)
    own = await year_of(staff)
    _, page = await hours.students_behind(own, hours.dimension(own, "partner"), turner, 1)
    assert [(s.name, s.minutes, s.verified) for s in page.rows] == [("Ben", 240, 240), ("Cara", 900, 0)]
    for group in ("kitchen", "12x", hours.NONE):
        with pytest.raises(NotFound):
            await hours.students_behind(own, hours.dimension(own, "kind"), group, 1)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def page_rows(text: str) -> list[list[str]]:
    """The report table's body rows as text, links and tags taken out."""
    body = text.split('<table class="report-table"', 1)[1].split("</table>", 1)[0]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", c).strip()) for c in cells])
    return rows


async def test_the_page_its_csv_and_a_number_s_students(client, signed_in, district):
    staff = await signed_in("staff", school_id=district.school_a)
    page = await client.get("/staff/reports/hours?by=partner&year=2025-26")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert 'class="chart-svg"' in page.text and "Hours by partner" in page.text
    shown = page_rows(page.text)
    assert shown[0] == ["Partner", "Students", "Hours", "Verified hours", "Self-reported hours"]
    assert shown[1:] == [["Turner Construction", "2", "19", "4", "15"], ["Riverside Health", "1", "10", "10", "0"],
                         ["Total", "3", "29", "14", "15"]]
    download = await client.get("/staff/reports/hours.csv?by=partner&year=2025-26")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert csv_rows(download.text) == shown
    turner = district.organizations["Turner Construction"]
    link = f"/staff/reports/hours/students?by=partner&amp;group={turner}&amp;year=2025-26"
    assert link in page.text
    behind = await client.get(link.replace("&amp;", "&"))
    assert behind.status_code == 200 and behind.headers["cache-control"] == "no-store"
    # Cara is at this school now: her name opens her page. Ben moved to B: his name is text only.
    assert f'href="/staff/students/{district.students["Cara"].id}"' in behind.text
    assert f'href="/staff/students/{district.students["Ben"].id}"' not in behind.text and "Ben" in behind.text
    # At A: Ben's visit, 240 verified minutes; Cara's 900, self-reported.
    shown = page_rows(behind.text)
    assert shown == [["Student", "Hours", "Verified hours", "Self-reported hours"], ["Ben", "4", "4", "0"], ["Cara", "15", "0", "15"]]
    download = await client.get(link.replace("&amp;", "&").replace("/students?", "/students.csv?"))
    assert csv_rows(download.text) == shown
    assert staff.school_id == district.school_a


async def test_an_admin_sees_the_district_by_school_without_student_links(client, signed_in, district):
    await signed_in("admin")
    page = await client.get("/staff/reports/hours?by=school&year=2025-26")
    # By hours: A's 1740 minutes (29 h) before B's 1620 (27 h).
    assert page_rows(page.text)[1:] == [["Test Career Center", "3", "29", "14", "15"],
                                        ["Other High School", "2", "27", "20", "7"], ["Total", "4", "56", "34", "22"]]
    behind = await client.get(f"/staff/reports/hours/students?by=school&group={district.school_b}&year=2025-26")
    assert behind.status_code == 200 and "Dan" in behind.text and "/staff/students/" not in behind.text


async def test_refusals(client, signed_in, make_client, make_user, district, other_school):
    await signed_in("staff", school_id=district.school_a)
    for url in (f"/staff/reports/hours?school={other_school}", f"/staff/reports/hours.csv?school={other_school}",
                f"/staff/reports/hours/students?by=kind&group=internship&school={other_school}",
                "/staff/reports/hours/students?by=kind&group=nothing", "/staff/reports/hours/students?by=cluster&group=999999"):
        assert (await client.get(url)).status_code == 404, url
    for role in ("student", "mentor", "employer"):
        async with make_client() as other:
            from tests.factories import sign_in
            await sign_in(other, (await make_user(role)).email)
            for url in ("/staff/reports/hours", "/staff/reports/hours.csv", "/staff/reports/hours/students?by=kind&group=internship"):
                assert (await other.get(url, follow_redirects=False)).status_code in (403, 404), (role, url)


async def test_the_query_count_does_not_grow_with_the_data(district, make_user):
    admin = await make_user("admin")
    year = await year_of(admin)

    async def count() -> int:
        async with counting_queries() as seen:
            await hours.hours_by(year, hours.DIMENSIONS["partner"])
            await hours.students_behind(year, hours.DIMENSIONS["kind"], "internship", 1)
        return len(seen)

    before = await count()
    for n in range(30):
        student = await make_user("student", school_id=district.school_a, name=f"More {n}")
        await new_entry(student, title="More", date="2025-10-01", kind="internship", hours="1")
    assert await count() == before
    # Ana, Ben, Cara and the 30 more had an internship: 33 students, 25 on page 1 and 8 on page 2; past the end is
    # the last page.
    for wanted in (2, 99):
        _, page = await hours.students_behind(year, hours.DIMENSIONS["kind"], "internship", wanted)
        assert (page.total, page.page, page.pages, len(page.rows)) == (33, 2, 2, 8)
