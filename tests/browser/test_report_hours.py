"""On a 360 px phone: the demo counselor opens the hours report by career cluster from the reports index,
switches to hours by kind, downloads the table as CSV (the same rows as the page) and follows a number to the
students behind it. Every page passes axe, has 44 px targets and no sideways scrolling."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, sign_in

pytestmark = pytest.mark.browser

COUNSELOR = "counselor@demo.example"


async def table_rows(page) -> list[list[str]]:
    return await page.locator(".report-table tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))")


async def test_a_counselor_reads_hours_by_cluster_then_kind_downloads_them_and_opens_a_number(new_page, step):
    step("the counselor opens the hours report from the reports index")
    page = await new_page(SMALL_PHONE)
    await sign_in(page, COUNSELOR)
    await page.goto(page.url.split("/staff")[0] + "/staff/reports")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    await page.get_by_role("link", name="Hours").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Hours by career cluster")
    await expect(page.get_by_role("img", name="Hours by career cluster: a bar chart; the table that follows has the numbers")).to_be_visible()
    await assert_phone_ready(page)

    step("switches to hours by kind")
    await page.get_by_role("navigation", name="Group the hours by").get_by_role("link", name="Kind").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Hours by kind of experience")
    shown = await table_rows(page)
    assert shown[0] == ["Kind", "Students", "Hours", "Verified hours", "Self-reported hours"] and shown[-1][0] == "Total"
    await assert_phone_ready(page)

    step("downloads the table: the CSV holds the page's rows")
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Download this table (CSV)").click()
    saved = await (await downloading.value).path()
    assert list(csv.reader(io.StringIO(Path(saved).read_text()))) == shown

    step("follows the first row's number of students to the students behind it")
    first = shown[1][0]
    await page.locator(".report-table tbody tr").first.get_by_role("link").first.click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Kind: {first}")
    await expect(page.locator(".report-table tbody tr").first).to_be_visible()
    await assert_phone_ready(page)


async def test_the_certifications_and_partner_reports_on_a_phone(new_page, step):
    step("the counselor opens certifications earned, by name and by cluster, and the students holding one")
    page = await new_page(SMALL_PHONE)
    await sign_in(page, COUNSELOR)
    await page.goto(page.url.split("/staff")[0] + "/staff/reports/certifications")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Certifications by name and issuer")
    await expect(page.locator(".report-table tbody tr")).not_to_have_count(0)
    await assert_phone_ready(page)
    await page.get_by_role("navigation", name="Group the certifications by").get_by_role("link", name="Career cluster").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Certifications by career cluster")
    await assert_phone_ready(page)
    await page.locator(".report-table tbody tr").first.get_by_role("link").first.click()
    await expect(page.locator(".report-table tbody tr")).not_to_have_count(0)
    await assert_phone_ready(page)

    step("opens partner engagement: a partner going cold, and a partner's page from its name")
    await page.goto(page.url.split("/staff")[0] + "/staff/reports/partners")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Partner engagement")
    # The Chamber, met 200 days ago, is going cold whatever other tests on this server did (the Credit Union, cold
    # at 160 days, may have been contacted by one).
    await expect(page.locator(".report-figures")).to_contain_text(re.compile(r"[12] going cold"))
    chamber = page.locator(".report-table tbody tr", has=page.get_by_role("rowheader", name="Riverside Chamber of Commerce"))
    await expect(chamber.locator("td").last).to_have_text("Yes")
    await assert_phone_ready(page)
    await page.locator(".report-table tbody tr").first.locator("th a").click()
    await expect(page).to_have_url(re.compile(r"/staff/partners/\d+$"))
