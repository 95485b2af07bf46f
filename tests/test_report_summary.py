"""The summary that leaves staff: the reports' figures over the hand-made district with no student named, counts
of 1 to 4 students hidden with their hours, a lone hidden count taking the next smallest with it, and the CSV
holding the page's rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from portfolio.formats import hours
from portfolio.services.reports import partners, profiles, scope
from portfolio.services.reports import summary as summing
from tests import report_factories as rf
from tests.factories import browser_of

HIDDEN = "fewer than 5"


@pytest.fixture
async def district(make_user, settings, school, other_school):
    return await rf.hand_district(make_user, settings, school, other_school, records=True, participation=True)


async def _perkins() -> dict:
    return next(p for p in await profiles.listing() if p["state"] == "" and p["position"] <= 5)


def _table(lines) -> dict[str, tuple[str, str, str]]:
    return {line.label: (line.students.text, line.hours, line.share) for line in lines}


async def test_small_counts_and_their_hours_are_hidden(district, make_user):
    staff = await make_user("staff")
    the_scope = await scope.scope_for(staff, scope.Wanted(year=rf.YEAR))
    found = await summing.summary(staff, the_scope, await _perkins())
    # Perkins at A: 9 students of a program (Ana, Cara and seven of the participation students), 8 met (not Cara).
    assert _table(found.participation) == {"Students the definition counts among": ("9", "", ""),
                                           "Met the definition": ("8", "", "89%")}
    # Hours at A: 11 students (Ana, Ben before his move, Cara, and the eight participation students). By cluster:
    # healthcare (Ana) 1 and construction (Ben, Cara) 2 are hidden; no cluster (the eight) is shown.
    in_year = int(rf.IN_YEAR_A * 60)
    total, verified = rf.HAND["school_a"]["minutes"], rf.HAND["school_a"]["verified"]
    assert _table(found.hours) == {
        "All work-based learning": ("11", hours(total), f"{verified / total * 100:.0f}% verified"),
        "Healthcare & Human Services": (HIDDEN, "", ""),
        "Construction": (HIDDEN, "", ""),
        "No cluster": ("8", hours(in_year), "100% verified"),
    }
    # Certifications at A: Ana's and Cara's OSHA 10 (one group of 2): hidden, and so is the total of 2.
    assert _table(found.certifications) == {"OSHA 10 (OSHA)": (HIDDEN, "", ""), "Students who earned one": (HIDDEN, "", "")}
    # Partners of A active in 2025-26: Riverside (hosted Ana), Turner (Ben, Cara), Quiet Works (met in October).
    assert found.active_partners == 3
    assert found.active_partners == (await partners.engagement(the_scope, date(2026, 12, 7))).active


async def test_the_page_names_nobody_and_the_csv_holds_its_rows(district, make_user, make_client):
    staff = await make_user("staff")
    perkins = await _perkins()
    async with browser_of(make_client, staff) as browser:
        page = await browser.get(f"/staff/reports/summary?year={rf.YEAR}&profile={perkins['id']}")
        assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
        for name in district.students:
            assert not re.search(rf"\b{name}\b", page.text), name
        assert "/staff/students/" not in page.text and page.text.count(HIDDEN) >= 4
        download = await browser.get(f"/staff/reports/summary.csv?year={rf.YEAR}&profile={perkins['id']}")
        rows = list(csv.reader(io.StringIO(download.content.decode())))
    the_scope = await scope.scope_for(staff, scope.Wanted(year=rf.YEAR))
    found = await summing.summary(staff, the_scope, perkins)
    assert rows[0] == list(summing.HEADINGS)
    assert rows[1:-1] == [line.cells() for line in found.lines()]
    assert rows[-1][:3] == ["Partners", "Active partners (hosted a student or met)", str(found.active_partners)]
    for row in rows[1:-1]:  # counts of students (the last row counts partners)
        assert row[2] == HIDDEN or row[2] == "0" or int(row[2].replace(",", "")) >= 5


async def test_the_district_adds_both_schools(district, make_user):
    admin = await make_user("admin")
    the_scope = await scope.scope_for(admin, scope.Wanted(year=rf.YEAR))
    found = await summing.summary(admin, the_scope, await _perkins())
    # A's 8 of 9 and B's 4 of 4 (Ben, Ivy, Jay, Kim).
    assert _table(found.participation)["Met the definition"] == ("12", "", "92%")
