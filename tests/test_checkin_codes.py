"""The student's personal check-in code: it changes every minute, the server takes this minute's and the last
one's only (a screenshot from an hour ago or yesterday checks nobody in), staff find only their own school's
students by it, and the dashboard's card shows it with the student's name and its QR."""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone

from portfolio import clock
from portfolio.opportunity_tables import Attendance
from portfolio.services.attendance import codes
from tests.attendance_factories import confirmed, event
from tests.factories import browser_of, post

SECRET = "a-test-secret-key-of-some-length"
MOMENT = datetime(2026, 12, 7, 15, 0, 30, tzinfo=timezone.utc)


def test_a_code_is_good_for_its_minute_and_the_next_only():
    with clock.fixed(MOMENT):
        shown = codes.current(SECRET, 42).text
        assert len(shown) == codes.LENGTH and set(shown) <= set(codes.ALPHABET)
        assert codes.whose(SECRET, shown, [7, 42]) == 42
        assert codes.whose(SECRET, shown.lower()[:4] + "-" + shown[4:], [42]) == 42  # read out, typed loosely
        assert codes.whose("another-secret-key-entirely-000", shown, [42]) is None
        assert codes.current(SECRET, 43).text != shown
    for later, accepted in ((timedelta(seconds=50), True), (timedelta(seconds=95), False), (timedelta(hours=1), False),
                            (timedelta(days=1), False)):
        with clock.fixed(MOMENT + later):
            assert (codes.whose(SECRET, shown, [42]) == 42) is accepted, later


async def test_the_dashboard_shows_the_student_s_card_and_it_refreshes_itself(client, signed_in, settings):
    student = await signed_in("student", name="Jordan Lee")
    with clock.fixed(MOMENT):
        page = html.unescape((await client.get("/student")).text)
        code = codes.current(settings.secret_key, student.id).text
    assert "My check-in code" in page and "Jordan Lee" in page and f"{code[:4]} {code[4:]}" in page
    assert 'src="data:image/svg+xml' in page and 'alt="QR code to check Jordan Lee in"' in page
    assert 'hx-get="/student/check-in"' in page and 'hx-trigger="every 20s"' in page
    with clock.fixed(MOMENT + timedelta(minutes=1)):
        fragment = await client.get("/student/check-in", headers={"HX-Request": "true"})
        following = codes.current(settings.secret_key, student.id).text
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert following != code and f"{following[:4]} {following[4:]}" in fragment.text


async def test_staff_find_the_student_by_code_and_check_them_in(client, signed_in, make_user, settings, school):
    await signed_in("staff")
    student = await make_user("student", name="Jordan Lee")
    made = await event(school)
    await confirmed(made["opportunity_id"], student)
    url = f"/staff/sessions/{made['session_id']}"
    with clock.fixed(MOMENT):
        code = codes.current(settings.secret_key, student.id).text
        found = html.unescape((await post(client, f"{url}/code", {"code": code, "method": "qr"})).text)
    assert "Is this Jordan Lee?" in found and ">JL<" in found and 'name="method" value="qr"' in found
    assert not await Attendance.exists()  # nobody is checked in until staff confirm
    await post(client, f"{url}/mark", {"student_id": student.id, "method": "qr"})
    [row] = await Attendance.select().where(Attendance.student == student.id)
    assert row["method"] == "qr"
    # A screenshot from an hour ago finds nobody.
    with clock.fixed(MOMENT + timedelta(hours=1)):
        stale = await post(client, f"{url}/code", {"code": code})
    assert stale.status_code == 422 and "No student of this school has this code now" in html.unescape(stale.text)
    short = await post(client, f"{url}/code", {"code": "ABC"})
    assert short.status_code == 422 and 'value="ABC"' in short.text


async def test_another_school_s_staff_cannot_check_in_a_student_by_their_code(make_client, make_user, settings, school, other_school):
    student = await make_user("student", name="Jordan Lee")
    theirs_made = await event(other_school, title="Their visit")
    async with browser_of(make_client, await make_user("staff", school_id=other_school)) as theirs:
        with clock.fixed(MOMENT):
            code = codes.current(settings.secret_key, student.id).text
            response = await post(theirs, f"/staff/sessions/{theirs_made['session_id']}/code", {"code": code})
    assert response.status_code == 422 and "Jordan Lee" not in response.text
