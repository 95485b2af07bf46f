"""A district's roster: 20,000 people import in a number of queries bounded by the batches, not the rows, and
importing it again writes nothing."""

from __future__ import annotations

import time

from portfolio.services.roster import imports
from portfolio.tables import User
from tests.factories import counting_queries
from tests.roster_factories import Files
from tests.test_roster import DAY

PEOPLE = 20_000


async def test_twenty_thousand_people_import_in_bounded_queries(make_user):
    admin = await make_user("admin")
    files = Files().org("org-1", "Test Career Center")
    for n in range(PEOPLE):
        files.person(f"s{n}", "student", "org-1", grade="10")
    uploaded = files.files()

    started = time.perf_counter()
    async with counting_queries() as seen:
        dry = await imports.dry_run(admin, uploaded, True)
        done = await imports.confirm(admin, dry.token, dry.plan.fingerprint, True, None, None, DAY)
    print(f"\n{PEOPLE} people imported in {time.perf_counter() - started:.1f} s, {len(seen)} queries")
    assert done.written and await User.count().where(User.sourced_id.is_not_null()) == PEOPLE
    # Users, profiles and enrollments 300 a statement: about 200 inserts, and a few reads around them.
    assert len(seen) < 260, len(seen)

    async with counting_queries() as again:
        second = await imports.dry_run(admin, uploaded, True)
    assert not second.plan.writes and second.plan.counts["unchanged"] == PEOPLE
    assert len(again) < 10, again
