"""Roster import, as the services do it: a dry run writes nothing, its confirmation writes what it showed, a
second import changes nothing; who leaves is deactivated (staff) or made an alumnus (students); guardians
become the school's confirmed addresses; the 10% rule; another school's staff; bad files; enrollments."""

from __future__ import annotations

import asyncio
import zipfile
from datetime import date, timedelta
from io import BytesIO

import pytest

from portfolio.errors import FormErrors
from portfolio.partner_tables import PartnerOwner, PartnerSchool
from portfolio.roster_tables import Enrollment, RosterUpload
from portfolio.services import sharing
from portfolio.services.accounts import authenticate
from portfolio.services.partners import owners
from portfolio.services.roster import imports
from portfolio.services.roster.enrollments import school_on
from portfolio.tables import GuardianConsent, Organization, StudentProfile, User
from tests.mailbox import link_in, outbox
from tests.roster_factories import Files, school_files

DAY = timedelta(days=365)


async def run(actor, found: Files, full: bool = True, large: int | None = None, emails=None):
    """A dry run and its confirmation, as the page does them."""
    dry = await imports.dry_run(actor, found.files(), full)
    if not dry.plan.writes:
        return dry
    return await imports.confirm(actor, dry.token, dry.plan.fingerprint, full, large, emails, DAY)


async def by_sid(sourced_id: str) -> dict:
    return await User.select().where(User.sourced_id == sourced_id).first()


async def test_a_dry_run_writes_nothing_its_confirmation_writes_it_and_again_changes_nothing(make_user, school):
    staff = await make_user("staff")
    before = await User.count()
    dry = await imports.dry_run(staff, school_files().files(), True)
    counts = dry.plan.counts
    assert (counts["create"], counts["link"], counts["refused"]) == (4, 1, 0), dry.plan.rows
    assert await User.count() == before and not await GuardianConsent.exists()
    assert await RosterUpload.count() == 1  # the files, kept for the confirmation
    done = await imports.confirm(staff, dry.token, dry.plan.fingerprint, True, None, None, DAY)
    assert done.written and await RosterUpload.count() == 0
    s1 = await by_sid("s1")
    assert s1["school"] == school and s1["roles"] == ["student"] and s1["email"] == "s1@k12.example"
    profile = await StudentProfile.select().where(StudentProfile.student == s1["id"]).first()
    assert profile["grade"] == 11 and profile["birth_date"] == date(2009, 3, 2)
    assert (await by_sid("t1"))["roles"] == ["mentor"]
    assert await Enrollment.count() == 3

    again = await imports.dry_run(staff, school_files().files(), True)
    assert not again.plan.writes and again.token == ""
    assert again.plan.counts["unchanged"] == 5, again.plan.rows
    assert "Already here, nothing to change." in again.plan.rows[0].reasons
    # The same confirmation sent twice (a double click) finds its files gone.
    with pytest.raises(FormErrors) as gone:
        await imports.confirm(staff, dry.token, dry.plan.fingerprint, True, None, None, DAY)
    assert "expired" in gone.value.errors["file"]


async def test_a_changed_school_between_the_dry_run_and_the_confirmation_shows_the_new_dry_run(make_user):
    staff = await make_user("staff")
    dry = await imports.dry_run(staff, school_files().files(), True)
    await make_user("student")  # someone joined: now the full import would make them an alumnus too
    changed = await imports.confirm(staff, dry.token, dry.plan.fingerprint, True, None, None, DAY)
    assert not changed.written and changed.notice == "changed"
    assert not await User.exists().where(User.sourced_id == "s1")


async def test_staff_left_out_are_deactivated_and_their_partners_wait_for_an_owner(make_user, school):
    staff, admin = await make_user("staff"), await make_user("admin")
    files = school_files(students=12).person("a1", "administrator", "org-1")
    await run(staff, files)
    leaver = await by_sid("a1")
    assert leaver["roles"] == ["staff"]
    org = (await Organization.insert(Organization(name="Harbor Clinic")).returning(Organization.id))[0]["id"]
    partner = (await PartnerSchool.insert(PartnerSchool(organization=org, school=school)).returning(PartnerSchool.id))[0]
    await PartnerOwner.insert(PartnerOwner(partner=partner["id"], staff=leaver["id"]))

    dry = await imports.dry_run(staff, school_files(students=12).files(), True)
    assert [r.outcome for r in dry.plan.rows if r.name == leaver["name"]] == ["deactivate"]
    await imports.confirm(staff, dry.token, dry.plan.fingerprint, True, None, None, DAY)
    gone = await by_sid("a1")
    assert not gone["active"] and gone["session_generation"] == 1  # never deleted; signed out
    assert [p["id"] for p in (await owners.ownerless(admin)).partners] == [partner["id"]]
    # The importer was in no file, and stays.
    assert (await User.select(User.active).where(User.id == staff.id).first())["active"]


async def test_tobedeleted_deactivates_staff_and_graduates_students(make_user):
    staff = await make_user("staff")
    await run(staff, school_files(students=12, staff=2))
    marked = school_files(students=12, staff=2)
    marked.users[0]["status"] = "tobedeleted"  # s1
    marked.users[12]["status"] = "tobedeleted"  # t1
    dry = await imports.dry_run(staff, marked.files(), False)
    assert {r.name: r.outcome for r in dry.plan.rows if r.outcome != "unchanged"} == {
        "Pat S1": "graduate", "Pat T1": "deactivate"}
    await imports.confirm(staff, dry.token, dry.plan.fingerprint, False, dry.plan.leaving, None, DAY)
    assert (await by_sid("s1"))["alumni_since"] == date.today() and (await by_sid("s1"))["active"]
    assert not (await by_sid("t1"))["active"]


async def test_students_left_out_become_alumni_who_still_sign_in(make_user, hasher, school):
    staff = await make_user("staff")
    await run(staff, school_files(students=12))
    s2 = await by_sid("s2")
    await User.update({User.password_hash: await hasher.hash("a long enough password")}).where(User.id == s2["id"])
    files = school_files(students=12)
    files.users.pop(1)  # s2 graduated
    outcome = await run(staff, files)
    assert outcome.plan.counts["graduate"] == 1
    alumnus = await by_sid("s2")
    assert alumnus["alumni_since"] == date.today() and alumnus["active"]
    assert await authenticate(hasher, "s2@k12.example", "a long enough password") is not None
    enrollment = await Enrollment.select().where(Enrollment.student == alumnus["id"]).first()
    assert enrollment["ended_on"] == date.today()
    # Back on the roster, they are a student again.
    back = await run(staff, school_files(students=12))
    assert back.plan.counts["update"] == 1 and (await by_sid("s2"))["alumni_since"] is None
    assert await Enrollment.count().where(Enrollment.student == alumnus["id"]) == 2


async def test_more_than_a_tenth_leaving_asks_a_second_confirmation(make_user):
    staff = await make_user("staff")
    await run(staff, school_files(students=9, staff=1))
    files = school_files(students=9, staff=1)
    files.users.pop(0)
    files.users.pop(0)
    dry = await imports.dry_run(staff, files.files(), True)
    assert dry.plan.leaving == 2 and list(dry.plan.large.values()) == [(2, 11)]  # the importer is one of them
    asked = await imports.confirm(staff, dry.token, dry.plan.fingerprint, True, None, None, DAY)
    assert not asked.written and asked.notice == "large"
    wrong = await imports.confirm(staff, dry.token, dry.plan.fingerprint, True, 1, None, DAY)
    assert not wrong.written and not await User.exists().where(User.alumni_since.is_not_null())
    done = await imports.confirm(staff, dry.token, dry.plan.fingerprint, True, 2, None, DAY)
    assert done.written and await User.count().where(User.alumni_since.is_not_null()) == 2
    # A partial import (not every one listed) makes no one leave.
    partial = await imports.dry_run(staff, school_files(students=1).files(), False)
    assert not partial.plan.large and partial.plan.counts["graduate"] == 0


async def test_imported_guardians_are_where_consent_requests_go(make_user, emails, settings):
    staff = await make_user("staff")
    await run(staff, school_files())
    s1 = await by_sid("s1")
    guardian = await GuardianConsent.select().where(GuardianConsent.student == s1["id"]).first()
    assert (guardian["guardian_email"], guardian["roster_guardian"]) == ("parent.one@home.example", "g1")
    assert guardian["confirmed_by"] == staff.id and guardian["confirmed_at"] is not None  # the school's address
    [shown] = await sharing.guardians_of(staff, s1["id"])
    assert shown["on_file"] and not shown["from_student"]
    await sharing.confirm(emails, staff, s1["id"], guardian["id"])
    [message] = await outbox(settings.var_dir, "parent.one@home.example")
    assert link_in(message).startswith("/consent/")
    # Linked from the student's row too (agentSourcedIds on either side), the link is made once.
    both = school_files()
    both.users[0]["agentSourcedIds"] = "g1"
    assert (await imports.dry_run(staff, both.files(), True)).plan.counts["link"] == 0



async def test_a_guardian_on_two_rows_is_linked_once(make_user):
    staff = await make_user("staff")
    twice = school_files().person("g1", "guardian", "org-1", email="parent.one@home.example", given="Gale",
                                  family="One", agents="s1")
    dry = await imports.dry_run(staff, twice.files(), True)
    assert dry.plan.counts["link"] == 1 and dry.plan.counts["refused"] == 1
    await imports.confirm(staff, dry.token, dry.plan.fingerprint, True, None, None, DAY)
    s1 = await by_sid("s1")
    assert await GuardianConsent.count().where(GuardianConsent.student == s1["id"]) == 1


async def test_two_confirmations_at_once_write_the_roster_once(make_user):
    staff = await make_user("staff")
    dry = await imports.dry_run(staff, school_files().files(), True)
    both = await asyncio.gather(*(imports.confirm(staff, dry.token, dry.plan.fingerprint, True, None, None, DAY)
                                  for _ in range(2)), return_exceptions=True)
    assert sum(isinstance(result, imports.Outcome) and result.written for result in both) == 1
    [refused] = [result for result in both if isinstance(result, FormErrors)]
    assert "applied already" in refused.errors["file"]
    assert await User.count().where(User.sourced_id == "s1") == 1
    assert await GuardianConsent.count() == 1

async def test_invitations_are_a_choice_and_go_through_the_outbox(make_user, emails, settings):
    staff = await make_user("staff")
    await run(staff, school_files(students=1, staff=0), emails=emails)
    [message] = await outbox(settings.var_dir, "s1@k12.example")
    assert link_in(message).startswith("/invite/")
    files = school_files(students=2, staff=0)
    await run(staff, files)
    assert await outbox(settings.var_dir, "s2@k12.example") == []


async def test_another_school_s_staff_cannot_import_into_this_school_or_confirm_its_upload(make_user, other_school):
    ours = await make_user("staff")
    theirs = await make_user("staff", school_id=other_school)
    with pytest.raises(FormErrors) as refused:
        await imports.dry_run(theirs, school_files().files(), True)
    assert "no school you may import into" in refused.value.errors["file"]
    dry = await imports.dry_run(ours, school_files().files(), True)
    with pytest.raises(FormErrors):
        await imports.confirm(theirs, dry.token, dry.plan.fingerprint, True, None, None, DAY)
    assert not await User.exists().where(User.sourced_id.is_not_null())
    # A district file: their staff import their own school's people only, and nobody else's is touched.
    district = school_files().org("org-2", "Other High School").person("o1", "student", "org-2")
    mine = await imports.dry_run(theirs, district.files(), True)
    assert mine.plan.schools == {other_school: "Other High School"} and mine.plan.left_out == 5
    assert {r.name for r in mine.plan.rows if r.outcome == "create"} == {"Pat O1"}
    assert not [r for r in mine.plan.rows if r.outcome in ("graduate", "deactivate", "update")]


async def test_a_student_who_moves_keeps_their_history(make_user, school, other_school):
    admin, staff = await make_user("admin"), await make_user("staff")
    files = school_files(students=1, staff=0)
    files.begins.append(("s1", "org-1", "2025-08-20"))
    await run(staff, files)
    s1 = await by_sid("s1")
    moved = Files().org("org-2", "Other High School").person("s1", "student", "org-2", grade="11")
    # Staff of the new school cannot take a student from another school; the district's admin moves them.
    theirs = await make_user("staff", school_id=other_school)
    refused = await imports.dry_run(theirs, moved.files(), False)
    assert refused.plan.counts["refused"] == 1 and "another school" in refused.plan.rows[0].reasons[0]
    await run(admin, moved, full=False)
    assert (await by_sid("s1"))["school"] == other_school
    enrollments = await Enrollment.select(Enrollment.school, Enrollment.began_on, Enrollment.ended_on,
                                          Enrollment.source_id).where(Enrollment.student == s1["id"]).order_by(Enrollment.id)
    assert [(e["school"], e["began_on"], e["ended_on"], e["source_id"]) for e in enrollments] == [
        (school, date(2025, 8, 20), date.today(), "s1"), (other_school, date.today(), None, "s1")]
    assert await school_on(s1["id"], date(2025, 9, 1)) == school
    assert await school_on(s1["id"], date.today() + timedelta(days=1)) == other_school
    assert await school_on(s1["id"], date(2025, 8, 1)) is None
    by_hand = await make_user("student")
    assert await school_on(by_hand.id, date(2020, 1, 1)) == school  # never imported
    # Added by hand last year, then moved by the district's roster: their time at the first school is kept.
    await User.update({User.created_at: User.created_at - DAY}).where(User.id == by_hand.id)
    await run(admin, Files().org("org-2", "Other High School").person("h1", "student", "org-2", email=by_hand.email),
              full=False)
    assert await school_on(by_hand.id, date.today() - timedelta(days=1)) == school
    assert await school_on(by_hand.id, date.today() + timedelta(days=1)) == other_school


def _zip_marked(flag: int = 0, method: int | None = None) -> bytes:
    """The test school's ZIP with its first member marked encrypted (`flag` 1) or compressed by a method zipfile
    lacks, in its local and central headers, as another program would write it."""
    raw = bytearray(school_files().zipped())
    central = raw.find(b"PK\x01\x02")
    raw[6] |= flag
    raw[central + 8] |= flag
    if method is not None:
        raw[8:10] = raw[central + 10:central + 12] = method.to_bytes(2, "little")
    return bytes(raw)


@pytest.mark.parametrize(("files", "message"), [
    ([("users.csv", b"not,a,roster\n1,2,3\n")], "orgs.csv is missing"),
    ([("roster.zip", b"PK\x03\x04 broken")], "not a ZIP file"),
    ([("roster.zip", _zip_marked(flag=1))], "not a ZIP file"),  # password-protected
    ([("roster.zip", _zip_marked(method=99))], "not a ZIP file"),  # AES: a method zipfile cannot read
    ([("notes.txt", b"hello")], "neither users.csv nor the template"),
    ([], "Choose the files"),
])
async def test_bad_files_say_what_is_wrong_and_lose_nothing(make_user, files, message):
    staff = await make_user("staff")
    with pytest.raises(FormErrors) as problem:
        await imports.dry_run(staff, files, True)
    assert message in problem.value.errors["file"] and "Nothing was saved." in problem.value.errors["file"]
    assert not await RosterUpload.exists()


async def test_bad_rows_are_refused_each_with_its_reason(make_user):
    staff = await make_user("staff")
    files = school_files(students=2, staff=0)
    files.person("x1", "student", "org-1", email="not an address")
    files.person("x2", "student", "org-1", email="")
    files.person("s1", "student", "org-1", email="another@k12.example")
    files.person("x3", "student", "org-9")
    files.person("x4", "janitor", "org-1")
    files.person("g2", "guardian", "org-1", agents="nobody")
    dry = await imports.dry_run(staff, files.files(), False)
    reasons = {r.number: (r.outcome, r.reasons[0]) for r in dry.plan.rows if r.outcome == "refused"}
    assert reasons == {
        5: ("refused", "Bad e-mail address: not an address."), 6: ("refused", "Missing field: email."),
        7: ("refused", "Duplicate: sourcedId s1 is on an earlier row."), 8: ("refused", "Unknown org: org-9."),
        9: ("refused", "Unknown role: janitor."), 10: ("refused", "Unknown student: nobody.")}
    await imports.confirm(staff, dry.token, dry.plan.fingerprint, False, None, None, DAY)
    assert await User.count().where(User.sourced_id.is_not_null()) == 2


async def test_the_template_and_a_zip_import_the_same(make_user):
    staff = await make_user("staff")
    template = ("school,id,role,given_name,family_name,email,grade,birth_date,guardian_of,status\r\n"
                "Test Career Center,S-1,student,Ana,Lopez,ana@k12.example,10,2010-01-02,,\r\n"
                "Test Career Center,P-1,guardian,Rosa,Lopez,rosa@home.example,,,S-1,\r\n").encode()
    dry = await imports.dry_run(staff, [("roster.csv", template)], False)
    assert dry.plan.counts == {"create": 1, "update": 0, "unchanged": 0, "deactivate": 0, "graduate": 0, "link": 1,
                               "refused": 0}
    zipped = await imports.dry_run(staff, [("export.zip", school_files().zipped())], True)
    assert zipped.plan.counts["create"] == 4
    with zipfile.ZipFile(BytesIO(school_files().zipped())) as archive:
        assert "oneroster/users.csv" in archive.namelist()


async def test_people_switched_off_in_the_sis_are_deactivated_and_come_back_when_switched_on(make_user):
    """enabledUser false: a student or staff member here is deactivated (not made an alumnus: the SIS switched
    the account off), a new one is not created; switched on again, the account is active again."""
    staff = await make_user("staff")
    await run(staff, school_files(students=12, staff=2))
    switched = school_files(students=13, staff=2)
    for row in switched.users:
        if row["sourcedId"] in ("s1", "s13", "t1"):
            row["enabledUser"] = "false"
    dry = await imports.dry_run(staff, switched.files(), False)
    changed = {r.name: r.outcome for r in dry.plan.rows if r.outcome != "unchanged"}
    assert changed == {"Pat S1": "deactivate", "Pat T1": "deactivate"}
    await imports.confirm(staff, dry.token, dry.plan.fingerprint, False, dry.plan.leaving, None, DAY)
    assert not (await by_sid("s1"))["active"] and (await by_sid("s1"))["alumni_since"] is None
    assert not (await by_sid("t1"))["active"] and await by_sid("s13") is None
    back = await run(staff, school_files(students=12, staff=2))
    assert back.plan.counts["update"] == 2
    assert (await by_sid("s1"))["active"] and (await by_sid("t1"))["active"]
