"""The student's dashboard at a glance: hours split by how far their verification got (by the one rule of
signoff.verification_state), the school's goal as a ring, hours by career cluster as a chart with a table,
milestones, a timeline by month and certifications' expiry."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from portfolio import charts, clock
from portfolio.services import audit, certifications, experiences, progress
from portfolio.tables import CareerCluster, School
from portfolio.vocabulary import EntryStatus, Expiry
from tests.factories import as_certification, entries_in_every_state, new_entry, post, sign_in


def _split(page: str) -> dict[str, str]:
    """The three sums and the total as the page shows them."""
    found = dict(re.findall(r'<li class="split-(\w+)"><span>[^<]*</span> <strong>([^<]*) h</strong>', page))
    found["logged"] = re.search(r'<strong class="logged-hours">([^<]*)</strong>', page).group(1)
    found["big"] = re.search(r'<span class="big">([^<]*)</span> verified hours', page).group(1)
    return found


async def test_the_hours_split_into_verified_waiting_and_self_reported(client, signed_in, make_user, settings):
    student = await signed_in("student")
    await entries_in_every_state(student, make_user, settings)
    # Verified 5; waiting: asked 3 and signed on the spot, unconfirmed, 4; self-reported: the draft 1 and the voided
    # 2; the rejected half hour counts nowhere.
    assert (await progress.glance(student))["split"] == progress.Split(verified=300, waiting=420, self_reported=180)
    page = (await client.get("/student")).text
    assert _split(page) == {"verified": "5", "waiting": "7", "self": "3", "logged": "15", "big": "5"}
    for words in ("You asked and nobody answered yet, or a supervisor signed on your phone and has not confirmed",
                  "Drafts, entries sent back for changes, and verifications voided by a change.",
                  "Rejected entries do not count."):
        assert words in page
    # The timeline shows each entry's state by the same rule.
    assert "Waiting for the supervisor to confirm" in page and "Verification voided" in page


async def test_the_goal_ring_shows_only_when_the_school_set_a_goal(client, signed_in, make_user, make_client, settings, school):
    student = await signed_in("student")
    await entries_in_every_state(student, make_user, settings)
    without = (await client.get("/student")).text
    assert '<svg class="ring"' not in without and "goal of" not in without

    admin = await make_user("admin")
    async with make_client() as theirs:
        assert (await sign_in(theirs, admin.email)).status_code == 303
        form = {"name": "Test Career Center", "timezone": "America/New_York", "year_start_month": "7", "year_start_day": "1"}
        for wrong in ("0", "12.5", "many", "1001"):
            refused = await post(theirs, f"/admin/schools/{school}", form | {"wbl_goal_hours": wrong})
            assert refused.status_code == 422 and "Enter whole hours from 1 to 1,000" in refused.text, wrong
        assert (await post(theirs, f"/admin/schools/{school}", form | {"wbl_goal_hours": "20"})).status_code == 303
        assert (await School.select(School.wbl_goal_hours).where(School.id == school).first())["wbl_goal_hours"] == 20
        [changed] = await audit.events_for(admin.id, limit=1)
        assert changed["action"] == "school.changed" and "wbl_goal_hours" in json.loads(changed["detail"])["changed"]
        assert 'name="wbl_goal_hours" type="number" value="20"' in (await theirs.get(f"/admin/schools/{school}")).text
        assert "goal 20 h" in (await theirs.get("/admin/schools")).text

    with_goal = (await client.get("/student")).text
    assert with_goal.count('<svg class="ring"') == 1 and "of the school's goal of 20 hours" in with_goal
    # 5 verified hours of 20: a quarter of the ring, then the 7 waiting hours lighter, after it.
    assert 'class="ring-done"' in with_goal and 'stroke-dasharray="25.00 75.00"' in with_goal
    assert 'class="ring-waiting"' in with_goal and 'stroke-dasharray="35.00 65.00" stroke-dashoffset="-25.00"' in with_goal
    assert ">25%</text>" in with_goal and "Only verified hours count toward the goal." in with_goal

    async with make_client() as theirs:
        assert (await sign_in(theirs, admin.email)).status_code == 303
        assert (await post(theirs, f"/admin/schools/{school}", form | {"wbl_goal_hours": ""})).status_code == 303
    assert (await School.select(School.wbl_goal_hours).where(School.id == school).first())["wbl_goal_hours"] is None
    assert '<svg class="ring"' not in (await client.get("/student")).text


async def test_the_cluster_chart_has_a_table_of_clusters_and_hours(client, signed_in, make_user, settings):
    student = await signed_in("student")
    await entries_in_every_state(student, make_user, settings)  # all in Construction: 15 counted, 5 verified
    await new_entry(student, title="Wrote a web page", hours="2.25", cluster="digital-technology")
    page = (await client.get("/student")).text
    chart = re.search(r'<figure class="chart" id="by-cluster">.*?</figure>', page, re.S).group(0)
    assert 'role="img"' in chart and 'aria-describedby="by-cluster-table"' in chart
    assert 'aria-label="Hours by career cluster this school year: a bar chart; the table that follows has the numbers"' in chart
    rows = re.findall(r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td></tr>', chart)
    assert rows == [("Construction", "15 h", "5 h"), ("Digital Technology", "2.25 h", "0 h")]
    # The bigger cluster fills the width; the other is drawn to scale.
    assert 'class="chart-bar" x="0" y="20" width="320.0"' in chart and 'width="48.0"' in chart
    assert 'class="chart-part" x="0" y="20" width="106.7"' in chart
    # Every picture on the page (chart, goal ring, icons) is coloured by app.css classes or currentColor, so it
    # follows the light or dark scheme: none has a colour of its own.
    pictures = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(pictures) > 3 and not [svg for svg in pictures if re.search(r"\b(fill|stroke|color|style)=", svg)]


async def test_labels_are_escaped_in_the_chart_and_its_table(client, signed_in):
    markup = str(charts.bar_chart([charts.Bar("<script>alert(1)</script>", 1, "1 <b>h</b>")], chart_id='x" onload="y',
                                  title="A & B", headings=("<i>", "Hours")))
    assert "<script>" not in markup and "<b>" not in markup and "<i>" not in markup and 'onload="y"' not in markup
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in markup and "A &amp; B" in markup

    student = await signed_in("student")
    hostile = "<script>alert('cluster')</script>"
    await CareerCluster.update({CareerCluster.name: hostile}).where(CareerCluster.code == "agriculture")
    try:
        await new_entry(student, title="Milked the goats", cluster="agriculture")
        page = (await client.get("/student")).text
    finally:
        await CareerCluster.update({CareerCluster.name: "Agriculture"}).where(CareerCluster.code == "agriculture")
    assert hostile not in page
    assert "&lt;script&gt;alert(&#39;cluster&#39;)&lt;/script&gt;" in page


async def test_milestones_timeline_and_certifications_expiry(client, signed_in, make_user, settings):
    student = await signed_in("student")
    ids = await entries_in_every_state(student, make_user, settings)
    today = clock.today_at(await experiences.school_of(student))
    for name, expires in (("Forklift", today + timedelta(days=30)), ("CPR", today - timedelta(days=3)),
                          ("OSHA 10", today + timedelta(days=400)), ("ServSafe", None)):
        raw = {"name": name, "issuer": "Issuer", "issued_on": (today - timedelta(days=700)).isoformat(),
               "expires_on": expires.isoformat() if expires else ""}
        await certifications.create(student, await as_certification(student, raw))
    glance = await progress.glance(student)
    assert [(c["name"], c["expiry"]) for c in glance["certifications"]] == [
        ("Forklift", Expiry.SOON), ("CPR", Expiry.EXPIRED), ("OSHA 10", Expiry.VALID), ("ServSafe", Expiry.NONE)]
    assert [m["text"] for m in glance["milestones"]] == ["First verified entry"]
    assert glance["next_milestone"] == {"hours": 10, "missing": 300}
    assert [e["id"] for group in glance["timeline"] for e in group["entries"]] == sorted(ids.values(), reverse=True)

    page = (await client.get("/student")).text
    for name, label in (("Forklift", "Expires soon"), ("CPR", "Expired"), ("OSHA 10", "Valid"), ("ServSafe", "Does not expire")):
        assert re.search(rf'>{re.escape(name)}</a> <span class="status expiry-\w+">{label}</span>', page), name
    assert "First verified entry" in page and "5 more verified hours to 10." in page
    yesterday = today - timedelta(days=1)
    assert f'<h3 class="month">{yesterday:%B %Y}</h3>' in page


def _verified(entry_id: int, day: date, minutes: int) -> dict:
    return {"id": entry_id, "date": day, "minutes": minutes, "state": EntryStatus.VERIFIED}


def test_milestones_are_dated_by_the_entry_that_reached_them():
    day = date(2026, 9, 1)
    entries = [
        _verified(3, day + timedelta(days=9), 20 * 60),
        {"id": 2, "date": day + timedelta(days=5), "minutes": 50 * 60, "state": EntryStatus.DRAFT},
        _verified(1, day, 9 * 60),
        _verified(4, day + timedelta(days=20), 71 * 60),
    ]
    reached = progress.milestones(entries)
    assert [(m["text"], m["date"]) for m in reached] == [
        ("First verified entry", day), ("10 verified hours", day + timedelta(days=9)), ("25 verified hours", day + timedelta(days=9)),
        ("50 verified hours", day + timedelta(days=20)), ("100 verified hours", day + timedelta(days=20))]
    assert progress.next_milestone(100 * 60) is None and progress.milestones([]) == []


def test_the_timeline_groups_the_newest_entries_by_month():
    entries = [{"id": n, "date": date(2026, 12 - n // 3, 28 - n)} for n in range(12)]
    months = progress.timeline(entries)
    assert [(g["month"], len(g["entries"])) for g in months] == [
        (date(2026, 12, 1), 3), (date(2026, 11, 1), 3), (date(2026, 10, 1), 3), (date(2026, 9, 1), 1)]


def test_expiry_status_by_date():
    today = date(2026, 12, 7)
    assert progress.expiry(None, today) == Expiry.NONE
    assert progress.expiry(today - timedelta(days=1), today) == Expiry.EXPIRED
    assert progress.expiry(today, today) == Expiry.SOON
    assert progress.expiry(today + timedelta(days=60), today) == Expiry.SOON
    assert progress.expiry(today + timedelta(days=61), today) == Expiry.VALID
