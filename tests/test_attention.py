"""Staff homes open on what needs them, counted over their own school only; an administrator's on what they sent."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from portfolio.record_tables import OutboxMessage
from portfolio.services import attention
from portfolio.tables import Certification, MentorAssignment, SignOff
from tests.factories import browser_of, needing_attention


def _cards(page: str) -> dict[str, tuple[int, str]]:
    """label -> (count, href) of each card at the top of the page."""
    found = re.findall(r'<a class="card attention-card" href="([^"]*)"><span class="attention-count">(\d+)</span> '
                       r'<span class="attention-label">([^<]*)</span>', page)
    return {label: (int(count), href) for href, count, label in found}


async def test_a_quiet_school_reads_nothing_needs_you(client, signed_in):
    await signed_in("staff")
    page = (await client.get("/staff")).text
    assert "Nothing needs you." in page and _cards(page) == {}


async def test_each_thing_that_needs_staff_is_a_card_with_its_count_and_link(make_user, make_client, settings, school):
    staff = await make_user("staff")
    await needing_attention(make_user, settings, school, staff, count=2)
    async with browser_of(make_client, staff) as desk:
        page = (await desk.get("/staff")).text
    cards = _cards(page)
    assert "Nothing needs you." not in page
    assert cards["guardians to confirm"] == (2, "#proposals-heading")
    count, href = cards["entries verified on the spot, not confirmed by the supervisor for 3 days"]
    assert count == 2 and re.fullmatch(r"/staff/students/\d+\?entry=(\d+)#entry-\1", href)
    count, href = cards["entries a supervisor said they never verified"]
    assert count == 2 and re.fullmatch(r"/staff/students/\d+\?entry=(\d+)#entry-\1", href)
    assert cards["invitations not delivered"] == (2, "#failed-invitations-heading")
    assert cards["students without a mentor"] == (2, "/staff/mentors")
    count, href = cards["certifications expiring within 60 days"]
    assert count == 2 and re.fullmatch(r"/staff/students/\d+#certification-\d+", href)


async def test_another_schools_items_are_never_counted(make_user, make_client, settings, school, other_school):
    elsewhere = await make_user("staff", school_id=other_school)
    await needing_attention(make_user, settings, other_school, elsewhere)
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as desk:
        page = (await desk.get("/staff")).text
    assert "Nothing needs you." in page and _cards(page) == {}
    async with browser_of(make_client, elsewhere) as desk:
        assert len(_cards((await desk.get("/staff")).text)) == 6


async def _counts(staff, school: int) -> attention.Attention:
    return await attention.for_staff(school, staff.id, date.today())


async def test_each_count_lets_go_once_the_thing_is_done(make_user, settings, school):
    staff = await make_user("staff")
    await needing_attention(make_user, settings, school, staff)
    before = await _counts(staff, school)
    assert all(c.count == 1 for c in (before.guardians, before.unconfirmed, before.disputed, before.failed_invitations,
                                      before.without_mentor, before.expiring))
    now = datetime.now(timezone.utc)
    # Younger than 3 days, or confirmed: not yet, or no longer, a reason to call the supervisor.
    await SignOff.update({SignOff.created_at: now - timedelta(days=2)}).where(SignOff.confirmed_at.is_null() & SignOff.disputed_at.is_null())
    assert (await _counts(staff, school)).unconfirmed.count == 0
    # A disputed entry signed off again is no longer disputed.
    disputed = await SignOff.select().where(SignOff.disputed_at.is_not_null()).first()
    await SignOff.insert(SignOff(**{k: v for k, v in disputed.items() if k not in ("id", "disputed_at", "voided_at", "receipt_token_hash")}))
    assert (await _counts(staff, school)).disputed.count == 0
    # An invitation sent again after it failed.
    failed = await OutboxMessage.select().where(OutboxMessage.state == "failed").first()
    await OutboxMessage.insert(OutboxMessage(**{k: v for k, v in failed.items() if k not in ("id", "message_id", "state")},
                                             message_id="<again@test>", state="queued"))
    assert (await _counts(staff, school)).failed_invitations.count == 0
    # A mentor assigned; a certification renewed past 60 days, or already expired.
    student = before.without_mentor
    assert student.count == 1
    lone = (await SignOff.select(SignOff.experience.student.id.as_alias("s")).first())["s"]
    await MentorAssignment.insert(MentorAssignment(mentor=staff.id, student=lone, created_at=now))
    assert (await _counts(staff, school)).without_mentor.count == 0
    await Certification.update({Certification.expires_on: date.today() + timedelta(days=61)}).where(Certification.id > 0)
    assert (await _counts(staff, school)).expiring.count == 0
    await Certification.update({Certification.expires_on: date.today() - timedelta(days=1)}).where(Certification.id > 0)
    assert (await _counts(staff, school)).expiring.count == 0
    assert (await _counts(staff, school)).guardians.count == 1


async def test_an_administrator_sees_only_the_invitations_they_sent(make_user, make_client, settings, school):
    admin = await make_user("admin")
    await needing_attention(make_user, settings, school, admin)
    async with browser_of(make_client, admin) as desk:
        assert _cards((await desk.get("/admin")).text) == {"invitation not delivered": (1, "#failed-invitations-heading")}
