"""Certifications earned over the hand-made district (tests/report_factories.py): verified ones only (a voided
sign-off or none at all never counts), each for the school its student was at on the day it was issued (Ben's on
the day of his move counts for his new school), by name and issuer or by the cluster of the student's program;
the students holding one; the page, its CSV and refusals; a query count that does not grow with the data."""

from __future__ import annotations

from datetime import date

import pytest

from portfolio.errors import NotFound
from portfolio.services.reports import certifications, scope
from portfolio.tables import Certification
from tests import report_factories as rf
from tests.factories import counting_queries
from tests.test_report_hours import csv_rows, page_rows


@pytest.fixture
async def district(make_user, settings, school, other_school):
    return await rf.hand_district(make_user, settings, school, other_school, records=True)


def table(report: certifications.CertificationsReport) -> dict[tuple[str, str], tuple[int, int]]:
    rows = {(g.name, g.issuer): (g.students, g.certifications) for g in report.groups}
    rows[("Total", "")] = (report.total.students, report.total.certifications)
    return rows


async def test_verified_certifications_by_name_and_by_cluster(district, make_user):
    admin = await make_user("admin")
    year = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))
    # Counted: Ana's OSHA 10 (2025-10-05) and Cara's "osha 10" (2026-02-20), one row whatever the capitals, and
    # Ben's NCCER Core on his move day. Not: Ana's voided CPR/AED, Cara's unverified ServSafe, Ben's OSHA 10 of
    # 2025-06-15 (the year before).
    by_name = await certifications.earned(year, "name")
    assert table(by_name) == {("OSHA 10", "OSHA"): (2, 2), ("NCCER Core", "NCCER"): (1, 1), ("Total", ""): (3, 3)}
    # Ana was in Health Sciences (healthcare), Ben in Construction Trades (construction), Cara in no program.
    assert table(await certifications.earned(year, "cluster")) == {
        ("Construction", ""): (1, 1), ("Healthcare & Human Services", ""): (1, 1),
        (certifications.NO_PROGRAM, ""): (1, 1), ("Total", ""): (3, 3)}


async def test_the_school_of_the_day_it_was_issued(district, make_user):
    admin = await make_user("admin")
    # The move day counts for B; the day before nothing.
    move_day = await scope.scope_for(admin, scope.Wanted(start=rf.MOVED_ON, end=rf.MOVED_ON))
    assert table(await certifications.earned(move_day, "name")) == {("NCCER Core", "NCCER"): (1, 1), ("Total", ""): (1, 1)}
    assert [s for s in (await scope.scope_for(admin, scope.Wanted(school=district.school_b, start=rf.MOVED_ON,
                                                                  end=rf.MOVED_ON))).schools] == [district.school_b]
    day_before = await scope.scope_for(admin, scope.Wanted(start=date(2026, 1, 14), end=date(2026, 1, 14)))
    assert table(await certifications.earned(day_before, "name")) == {("Total", ""): (0, 0)}
    # Across the year boundary: Ben's OSHA 10 of 2025-06-15, at A then; Ana's of 2025-10-05 is outside.
    spanning = await scope.scope_for(admin, scope.Wanted(start=date(2025, 6, 1), end=date(2025, 9, 30)))
    assert table(await certifications.earned(spanning, "name")) == {("OSHA 10", "OSHA"): (1, 1), ("Total", ""): (1, 1)}
    staff_a = await make_user("staff", school_id=district.school_a)
    own = await scope.scope_for(staff_a, scope.Wanted(year=rf.YEAR))
    assert table(await certifications.earned(own, "name")) == {("OSHA 10", "OSHA"): (2, 2), ("Total", ""): (2, 2)}


async def test_a_certification_edited_after_its_sign_off_stops_counting(district, make_user):
    admin = await make_user("admin")
    year = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))
    voided = await Certification.select(Certification.status).where(
        Certification.id == district.certifications["ana_voided"]).first()
    assert voided["status"] == "voided"
    # A status set back to verified by hand, with the sign-off still voided, is not verified either.
    await Certification.update({Certification.status: "verified"}).where(Certification.id == district.certifications["ana_voided"])
    assert ("CPR/AED", "American Red Cross") not in table(await certifications.earned(year, "name"))


async def test_the_students_holding_one(district, make_user):
    admin = await make_user("admin")
    year = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))
    label, page = await certifications.holders(year, "name", "osha 10|osha", 1)
    assert label == "OSHA 10, OSHA" and [(h.name, h.certifications, h.latest) for h in page.rows] == [
        ("Ana", 1, date(2025, 10, 5)), ("Cara", 1, date(2026, 2, 20))]
    label, page = await certifications.holders(year, "cluster", certifications.NONE, 1)
    assert label == certifications.NO_PROGRAM and [h.name for h in page.rows] == ["Cara"]
    for by, group in (("name", "cpr/aed|american red cross"), ("cluster", "x1"), ("name", "nothing")):
        with pytest.raises(NotFound):
            await certifications.holders(year, by, group, 1)


async def test_the_page_its_csv_and_refusals(client, signed_in, district, other_school):
    await signed_in("staff", school_id=district.school_a)
    page = await client.get("/staff/reports/certifications?year=2025-26")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store" and 'class="chart-svg"' in page.text
    shown = page_rows(page.text)
    assert shown == [["Certification", "Issuer", "Students", "Certifications"], ["OSHA 10", "OSHA", "2", "2"],
                     ["Total", "", "2", "2"]]
    assert csv_rows((await client.get("/staff/reports/certifications.csv?year=2025-26")).text) == shown
    by_cluster = await client.get("/staff/reports/certifications?by=cluster&year=2025-26")
    shown = page_rows(by_cluster.text)
    assert shown[1:] == [["Healthcare & Human Services", "1", "1"], [certifications.NO_PROGRAM, "1", "1"], ["Total", "2", "2"]]
    assert csv_rows((await client.get("/staff/reports/certifications.csv?by=cluster&year=2025-26")).text) == shown
    link = "/staff/reports/certifications/students?by=name&amp;group=osha+10%7Cosha&amp;year=2025-26"
    assert link in page.text
    holders = await client.get(link.replace("&amp;", "&"))
    assert holders.status_code == 200 and f'href="/staff/students/{district.students["Cara"].id}"' in holders.text
    shown = page_rows(holders.text)
    assert shown == [["Student", "Certifications", "Latest issued"], ["Ana", "1", "Oct 5, 2025"], ["Cara", "1", "Feb 20, 2026"]]
    assert csv_rows((await client.get(link.replace("&amp;", "&").replace("/students?", "/students.csv?"))).text) == shown
    for url in (f"/staff/reports/certifications?school={other_school}", f"/staff/reports/certifications.csv?school={other_school}",
                f"/staff/reports/certifications/students?by=name&group=osha+10%7Cosha&school={other_school}"):
        assert (await client.get(url)).status_code == 404, url


async def test_the_query_count_does_not_grow_with_the_data(district, make_user, settings):
    admin = await make_user("admin")
    year = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))

    async def count() -> int:
        async with counting_queries() as seen:
            await certifications.earned(year, "name")
            await certifications.earned(year, "cluster")
            await certifications.holders(year, "name", "osha 10|osha", 1)
        return len(seen)

    before = await count()
    for n in range(5):
        student = await make_user("student", school_id=district.school_a, name=f"More {n}")
        await rf._certify(district, make_user, f"more_{n}", student, "OSHA 10", "OSHA", "2025-11-01")
    assert await count() == before
