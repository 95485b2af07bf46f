"""The reports' index and the filter every report shares, over HTTP: staff see their school, an admin picks the
district or one school, another school's id is not found for staff, and a filter that cannot be read shows this
school year with the reason instead of failing."""

from __future__ import annotations

from datetime import date

from portfolio.formats import nice_date
from portfolio.routes.reports import csv_download


async def test_the_index_carries_the_filter(client, signed_in, school):
    await signed_in("staff")
    page = await client.get("/staff/reports?year=2025-26")
    assert page.status_code == 200 and "2025–26 school year" in page.text
    assert 'value="2025-26" selected' in page.text and "The whole district" not in page.text
    assert page.headers["cache-control"] == "no-store"


async def test_staff_never_reach_another_school(client, signed_in, other_school):
    await signed_in("staff")
    assert (await client.get(f"/staff/reports?school={other_school}")).status_code == 404


async def test_an_admin_chooses_the_district_or_a_school(client, signed_in, school, other_school):
    await signed_in("admin")
    whole = await client.get("/staff/reports")
    assert whole.status_code == 200 and "the whole district" in whole.text
    assert "Other High School" in whole.text and "Test Career Center" in whole.text
    one = await client.get(f"/staff/reports?school={other_school}")
    assert f'value="{other_school}" selected' in one.text
    assert (await client.get("/staff/reports?school=999999")).status_code == 404


async def test_a_filter_that_cannot_be_read_says_so(client, signed_in, school):
    await signed_in("staff")
    page = await client.get("/staff/reports?from=2026-13-01&to=2026-01-01")
    assert page.status_code == 200 and "Enter the first day as a date." in page.text
    backwards = await client.get("/staff/reports?from=2026-02-01&to=2026-01-01")
    assert "The end date is before the start date." in backwards.text
    one_day = await client.get("/staff/reports?from=2026-02-01&to=2026-02-01")
    day = nice_date(date(2026, 2, 1))
    assert f"{day} – {day}" in one_day.text and "could not be used" not in one_day.text


def test_a_csv_cell_is_never_a_formula():
    response = csv_download("x.csv", ["Partner", "Hours"], [["=HYPERLINK(\"http://evil\")", 3], ["Acme", 4]])
    assert response.content.decode().splitlines() == ["Partner,Hours", "\"'=HYPERLINK(\"\"http://evil\"\")\",3", "Acme,4"]
