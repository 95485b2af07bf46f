"""Partner engagement over the hand-made district (tests/report_factories.py): students and hours each partner
hosted in the dates, interactions, last contact, active partners and those going cold, all worked out by hand;
the page, its CSV and refusals; a query count that does not grow with the data."""

from __future__ import annotations

from datetime import date

import pytest

from portfolio.partner_tables import PartnerInteraction, PartnerSchool
from portfolio.services import demo
from portfolio.services.accounts import load_user
from portfolio.services.reports import certifications, hours, partners, scope
from portfolio.tables import School, User
from tests import report_factories as rf
from tests.factories import counting_queries
from tests.test_report_hours import csv_rows, page_rows

# The 2025-26 report is read at its last day: today is later.
AS_OF = date(2026, 6, 30)
TODAY = date(2026, 12, 7)
COLD_AFTER = 180


@pytest.fixture
async def district(make_user, settings, school, other_school):
    # Both schools call a partner going cold after 180 quiet days (the figures below are worked out with it).
    await School.update({School.cold_after_days: COLD_AFTER}).where(School.id.is_in([school, other_school]))
    return await rf.hand_district(make_user, settings, school, other_school, records=True)


def table(report: partners.PartnersReport) -> list[tuple]:
    """(name, students, minutes, verified, interactions, last contact, quiet days, going cold, active)"""
    return [(r.name, r.students, r.minutes, r.verified, r.meetings, r.last, r.quiet_days, r.going_cold, r.active)
            for r in report.rows]


async def test_the_district_s_partners(district, make_user):
    admin = await make_user("admin")
    year = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))
    report = await partners.engagement(year, TODAY)
    assert report.as_of == AS_OF
    assert table(report) == [
        # Turner at both schools, one row: Ben 240 v + 300 + 1200 v, Cara 900 (voided): 2640, 1440 verified.
        # Last hosted Ben's internship 2026-03-01: 30 + 30 + 31 + 30 = 121 days before 2026-06-30.
        ("Turner Construction", 2, 2640, 1440, 0, date(2026, 3, 1), 121, False, True),
        # Ana's internship 2025-09-10 only: 20 + 31 + 30 + 31 + 31 + 28 + 31 + 30 + 31 + 30 = 293 days: going cold.
        ("Riverside Health", 1, 600, 600, 0, date(2025, 9, 10), 293, True, True),
        # Met on 2025-10-20 (in the dates): 11 + 31 + 30 + 31 + 31 + 28 + 31 + 30 + 31 + 30 = 253 days: going cold.
        ("Quiet Works", 0, 0, 0, 1, date(2025, 10, 20), 253, True, True),
        # Met on 2025-03-01 only, before the dates: 365 + 121 = 486 days, more than a year: gone, not going.
        ("Long Gone Ltd", 0, 0, 0, 0, date(2025, 3, 1), 486, False, False),
    ]
    assert (report.active, report.going_cold) == (3, 2)
    # A partner of two schools is one row with no single relationship to open; a partner of one school opens.
    assert [r.partner for r in report.rows] == [None, district.partners["riverside"], district.partners["quiet"],
                                                 district.partners["gone"]]


async def test_one_school_and_a_recent_interaction(district, make_user):
    staff = await make_user("staff", school_id=district.school_a)
    year = await scope.scope_for(staff, scope.Wanted(year=rf.YEAR))
    # At A, Turner hosted Ben's visit (240 v) and Cara's 900: last 2026-02-01, 27 + 31 + 30 + 31 + 30 = 149 days.
    await PartnerInteraction.insert(PartnerInteraction(partner=district.partners["riverside"], kind="call",
                                                       happened_on=date(2026, 5, 1), summary="Next year"))
    report = await partners.engagement(year, TODAY)
    assert table(report) == [
        ("Turner Construction", 2, 1140, 240, 0, date(2026, 2, 1), 149, False, True),
        # The call of 2026-05-01 warms Riverside: 30 + 30 = 60 days.
        ("Riverside Health", 1, 600, 600, 1, date(2026, 5, 1), 60, False, True),
        ("Quiet Works", 0, 0, 0, 1, date(2025, 10, 20), 253, True, True),
    ]
    # Read on an earlier day (a report of this school year asked in the middle of it): 2026-01-31 is the day.
    early = await partners.engagement(year, date(2026, 1, 31))
    # Riverside: 2025-09-10 to 2026-01-31 is 20 + 31 + 30 + 31 + 31 = 143 days: not cold yet (the May call is later).
    assert [(r.name, r.quiet_days, r.going_cold) for r in early.rows if r.name == "Riverside Health"] == [
        ("Riverside Health", 143, False)]


async def test_the_page_its_csv_and_refusals(client, signed_in, district, other_school):
    await signed_in("staff", school_id=district.school_a)
    page = await client.get("/staff/reports/partners?year=2025-26")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    shown = page_rows(page.text)
    # 1140 minutes = 19 h, 240 = 4 h; 600 = 10 h.
    assert shown == [partners_headings(), ["Turner Construction", "2", "19", "4", "0", "Feb 1, 2026", ""],
                     ["Riverside Health", "1", "10", "10", "0", "Sep 10, 2025", "Yes"],
                     ["Quiet Works", "0", "0", "0", "1", "Oct 20, 2025", "Yes"]]
    assert csv_rows((await client.get("/staff/reports/partners.csv?year=2025-26")).text) == shown
    assert f'href="/staff/partners/{district.partners["riverside"]}"' in page.text
    riverside = district.organizations["Riverside Health"]
    assert f"/staff/reports/hours/students?by=partner&amp;group={riverside}&amp;year=2025-26" in page.text
    assert "3</strong> active partners" in page.text and "2</strong> going cold" in page.text
    for url in (f"/staff/reports/partners?school={other_school}", f"/staff/reports/partners.csv?school={other_school}"):
        assert (await client.get(url)).status_code == 404, url


def partners_headings() -> list[str]:
    return ["Partner", "Students hosted", "Hours hosted", "Verified hours", "Interactions", "Last contact", "Going cold"]


async def test_the_query_count_does_not_grow_with_the_data(district, make_user):
    admin = await make_user("admin")
    year = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))

    async def count() -> int:
        async with counting_queries() as seen:
            await partners.engagement(year, TODAY)
        return len(seen)

    before = await count()
    for n in range(20):
        await rf._partner(district, f"more_{n}", f"More Partner {n}", district.school_a)
        await PartnerInteraction.insert(PartnerInteraction(partner=district.partners[f"more_{n}"], kind="call",
                                                           happened_on=date(2025, 12, 1), summary="Hello"))
    assert await count() == before


async def test_the_demo_fills_every_report(clean_database, hasher, emails):
    assert await demo.seed(hasher, emails) is True
    for email in ("counselor@demo.example", "admin@demo.example"):
        user = await load_user((await User.select(User.id).where(User.email == email).first())["id"])
        this_year = await scope.scope_for(user, scope.Wanted())
        for dimension in hours.dimensions(this_year):
            assert (await hours.hours_by(this_year, dimension)).groups, (email, dimension.key)
        for by in certifications.GROUPINGS:
            assert (await certifications.earned(this_year, by)).groups, (email, by)
        report = await partners.engagement(this_year, date.today())
        assert report.active and report.going_cold >= 1, email


async def test_going_cold_follows_the_school_s_setting_and_only_active_partners(district, make_user):
    """At 120 days (a school's default), Turner's 121 quiet days at the district make it going cold too; a
    partner paused or only a prospect is never going cold, however quiet."""
    admin = await make_user("admin")
    await School.update({School.cold_after_days: 120}).where(School.id == district.school_b)
    year = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))
    report = await partners.engagement(year, TODAY)
    assert {r.name for r in report.rows if r.going_cold} == {"Turner Construction", "Riverside Health", "Quiet Works"}
    await PartnerSchool.update({PartnerSchool.status: "prospect"}).where(PartnerSchool.id == district.partners["quiet"])
    report = await partners.engagement(year, TODAY)
    assert {r.name for r in report.rows if r.going_cold} == {"Turner Construction", "Riverside Health"}
