"""The whole path of placing a student, in a browser on 360 px phones, on SQLite and PostgreSQL: the counselor
invites a new student and posts a site visit; the student signs up from their phone; attendance makes their entry,
verified; a placement's agreement is signed by the student, their guardian, the supervisor and the counselor; the
supervisor confirms a week of hours in one tap from the weekly e-mail and evaluates the student; the student
tells how the visit was, and the partner reads the summary without anyone's name."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from playwright.async_api import Page, expect

from portfolio import clock
from tests.browser.conftest import SMALL_PHONE
from tests.browser.helpers import assert_phone_ready, link_in_outbox, path_of, sign_in
from tests.live import run_cli

pytestmark = [pytest.mark.browser, pytest.mark.smoke]

COUNSELOR = "counselor@demo.example"
SUPERVISOR = "sokoro@riversidehealth.example"  # Sam Okoro, Riverside Health's student programs
PASSWORD = "three quiet harbor lights"


async def _sign(page: Page, name: str) -> None:
    await page.get_by_label("Your full name").fill(name)
    await page.get_by_label("I have read the agreement above and agree to it.").check()
    await page.get_by_role("button", name="Sign the agreement").click()


async def test_from_a_posted_visit_to_verified_hours_a_signed_placement_and_the_partner_s_summary(new_page, live):
    tag = uuid.uuid4().hex[:6]
    name, email, guardian = f"Casey Rowe {tag}", f"casey.{tag}@demo.example", f"pat.rowe.{tag}@demo.example"
    today = clock.today_at("America/New_York")
    reader = await new_page(SMALL_PHONE)
    staff = await new_page(SMALL_PHONE)
    await sign_in(staff, COUNSELOR)

    # The counselor invites the student, who chooses a password from the e-mailed link.
    await staff.goto("/staff/invite")
    await staff.get_by_label("Name").fill(name)
    await staff.get_by_label("E-mail").fill(email)
    await staff.get_by_label("Student", exact=True).check()
    await staff.get_by_role("button", name="Send invitation").click()
    student = await new_page(SMALL_PHONE)
    await student.goto(await link_in_outbox(reader, email, "You are invited"))
    await student.get_by_label("New password", exact=True).fill(PASSWORD)
    await student.get_by_label("New password again").fill(PASSWORD)
    await student.get_by_role("button", name="Save password and sign in").click()
    await student.wait_for_url("**/student")

    # The counselor posts a site visit next week with one seat; the student signs up from the phone.
    visit = f"Site visit: Riverside Health pharmacy {tag}"
    await staff.goto("/staff/opportunities/new")
    await staff.get_by_label("Kind", exact=True).select_option("site_visit")
    await staff.get_by_label("Title", exact=True).fill(visit)
    await staff.get_by_label("Place").fill("Riverside Health, 400 River Road")
    await staff.get_by_label("Session 1 date").fill((today + timedelta(days=7)).isoformat())
    await staff.locator("#start_1").fill("09:00")
    await staff.locator("#end_1").fill("11:00")
    await staff.get_by_label("Seats").fill("1")
    await staff.get_by_role("checkbox", name="Riverside Health", exact=True).check()
    await staff.get_by_label("Status").select_option("open")
    await staff.get_by_role("button", name="Post").click()
    await staff.wait_for_url("**?done=added")
    visit_path = path_of(staff).split("?")[0]

    await student.get_by_role("navigation", name="Main").get_by_role("link", name="Explore").click()
    await student.get_by_role("link", name=re.compile(re.escape(visit))).click()
    await student.get_by_role("button", name="Sign up").click()
    await student.wait_for_url("**?done=confirmed")
    await expect(student.get_by_text("You have a seat.", exact=False).first).to_be_visible()
    await assert_phone_ready(student)

    # The counselor sees the seat taken, records the student's birth date (16: a guardian signs placements) and
    # the guardian's address from the school's records.
    await staff.goto(visit_path)
    await expect(staff.get_by_text("1 of 1", exact=False).first).to_be_visible()
    await staff.get_by_role("link", name=name).click()
    await staff.get_by_label("Birth date").fill(today.replace(year=today.year - 16).isoformat())
    await staff.get_by_role("button", name="Save birth date").click()
    await staff.get_by_label("Guardian's name").fill(f"Pat Rowe {tag}")
    await staff.get_by_label("Guardian's e-mail").fill(guardian)
    await staff.get_by_role("button", name="E-mail the guardian a consent link").click()
    await expect(staff.get_by_text(f"Pat Rowe {tag}").first).to_be_visible()

    # The visit moved to yesterday morning: the counselor changes the session, then ticks who came.
    await staff.goto(visit_path)
    await staff.get_by_role("link", name=re.compile("^Change")).click()
    await staff.get_by_label("Date").fill((today - timedelta(days=1)).isoformat())
    await staff.get_by_role("button", name="Save session").click()
    await staff.get_by_role("link", name=re.compile("^Attendance")).click()
    await expect(staff.get_by_role("heading", level=1)).to_have_text(visit)
    # The tick shows at once and the mark goes through the phone's queue: wait for the server's answer.
    async with staff.expect_response("**/marks") as marked:
        await staff.get_by_role("button", name=f"{name} present").click()
    assert (await marked.value).status == 201
    await expect(staff.locator("[data-roster-count]")).to_have_text("1 of 1 here")
    await assert_phone_ready(staff)

    # Attendance made the student's entry, verified, at once.
    await student.goto("/student/experiences")
    row = student.locator(".entry", has_text=visit)
    await expect(row).to_contain_text("Verified")

    # A placement: an internship at Riverside Health under Sam Okoro, begun two Mondays ago.
    internship = f"Pharmacy intern {tag}"
    started = today - timedelta(days=today.weekday() + 14)
    await staff.goto("/staff/placements/new")
    await staff.get_by_label("Student").select_option(label=name)
    await staff.get_by_label("Partner").select_option(label="Riverside Health")
    await staff.get_by_label("Workplace supervisor").select_option(label="Sam Okoro (Riverside Health)")
    await staff.get_by_label("Kind").select_option(label="Internship")
    await staff.get_by_label("Title").fill(internship)
    await staff.get_by_label("Career cluster").select_option(label="Healthcare & Human Services")
    await staff.get_by_label("First day").fill(started.isoformat())
    await staff.get_by_label("Last day").fill((today + timedelta(days=60)).isoformat())
    await staff.get_by_label("Schedule").fill("Tuesdays and Thursdays, 3 to 6 pm")
    await staff.get_by_role("button", name="Save placement").click()
    await staff.wait_for_url(re.compile(r"/staff/placements/\d+\?done=added$"))
    placement_path = path_of(staff).split("?")[0]

    # Four signatures over one text: the student, the guardian and the supervisor (each from their own e-mailed
    # link, no account), and the counselor.
    await student.goto("/student/placements")
    await student.get_by_role("link", name=re.compile(re.escape(internship))).click()
    await _sign(student, name)
    await expect(student.get_by_role("status")).to_have_text("Signed.")
    for to, signer in ((guardian, f"Pat Rowe {tag}"), (SUPERVISOR, "Sam Okoro")):
        outsider = await new_page(SMALL_PHONE)
        await outsider.goto(await link_in_outbox(reader, to, f"Please sign {name}'s placement agreement"))
        await _sign(outsider, signer)
        await expect(outsider.get_by_role("status")).to_contain_text("Your signature is recorded")
    await staff.goto(placement_path)
    await _sign(staff, "Mr. Okafor")
    await expect(staff.locator(".signatures .entry .status", has_text="Signed")).to_have_count(4)
    await expect(staff.get_by_text("Under way").first).to_be_visible()

    # The student logs last Tuesday's hours from the placement; the daily job e-mails the supervisor the week.
    await student.reload()
    await student.get_by_role("link", name="Log hours for this placement").click()
    tuesday = today - timedelta(days=today.weekday() + 6)
    await student.get_by_label("Date").fill(tuesday.isoformat())
    await student.get_by_label("Hours").fill("3")
    await student.get_by_role("button", name=re.compile("^Save")).first.click()
    await student.wait_for_url(re.compile(r"/student(\?.*)?$"))
    assert run_cli(live.env, "remind").returncode == 0

    supervisor = await new_page(SMALL_PHONE)
    await supervisor.goto(await link_in_outbox(reader, SUPERVISOR, f"{name}'s hours for the week of"))
    await expect(supervisor.get_by_role("heading", level=1)).to_have_text(f"{name}'s hours")
    await supervisor.get_by_role("button", name="Confirm all 1").click()
    await expect(supervisor.get_by_role("status")).to_contain_text("confirmed")
    await assert_phone_ready(supervisor)

    # At the end, the supervisor evaluates the student on the school's rubric.
    await staff.goto(placement_path)
    await staff.get_by_role("button", name="Ask the supervisor for the evaluation").click()
    evaluator = await new_page(SMALL_PHONE)
    await evaluator.goto(await link_in_outbox(reader, SUPERVISOR, f"Please evaluate {name}'s placement"))
    criteria = evaluator.locator("fieldset.rubric-criterion")
    for index in range(await criteria.count()):
        await criteria.nth(index).get_by_role("radio", name=re.compile(r"4: ")).check()
    await evaluator.get_by_role("button", name="Send the evaluation").click()
    await expect(evaluator.get_by_role("status")).to_contain_text("evaluation is recorded")
    await student.goto("/student/placements")
    await student.get_by_role("link", name=re.compile(re.escape(internship))).click()
    await expect(student.locator(".evaluation")).to_contain_text("Given by the supervisor")
    await student.goto("/student/experiences")
    await expect(student.locator(".entry", has_text=internship).first).to_contain_text("Verified")

    # The student tells how the visit was; the counselor shares the comment with the partner and sends the
    # summary, which the partner's contact reads without an account and without a name.
    change = f"Let us count pills with the robot {tag}."
    await student.goto("/student")
    await student.get_by_role("link", name=f"How was {visit}? Tell us in a minute").click()
    await student.get_by_label("5, Excellent").check()
    await student.get_by_label("Yes").check()
    await student.get_by_label("What did you learn?").fill("Pharmacy techs check every order twice.")
    await student.get_by_label(re.compile("change")).fill(change)
    await student.get_by_role("button", name="Send my answer").click()
    await expect(student.get_by_role("status")).to_have_text("Thank you. Your answer is saved.")
    await assert_phone_ready(student)

    await staff.goto("/staff/feedback")
    await staff.get_by_role("button", name=re.compile(f"Share with the partner.*could change by {re.escape(name)}")).click()
    await staff.goto("/staff/feedback")
    await staff.get_by_role("link", name="Summary for the partner").first.click()
    await staff.get_by_label("Contact", exact=True).select_option(label=f"Sam Okoro <{SUPERVISOR}>")
    await staff.get_by_role("button", name="Send the link").click()
    await expect(staff.get_by_role("status")).to_have_text("Summary sent. It is logged as an e-mail.")
    partner = await new_page(SMALL_PHONE)
    await partner.goto(await link_in_outbox(reader, SUPERVISOR, "students said about Riverside Health"))
    await expect(partner.get_by_text(change)).to_be_visible()
    await expect(partner.get_by_text(name, exact=False)).to_have_count(0)
    await assert_phone_ready(partner)
