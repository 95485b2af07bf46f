"""Demo data for `make run`: two schools, one account per role, a few entries, and a mentor with one request
waiting. Never in production."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from portfolio import clock
from portfolio.forms.certification import parse_certification
from portfolio.forms.entry import parse_entry
from portfolio.forms.interactions import parse_interaction
from portfolio.forms.mentoring import Assignment
from portfolio.forms.partners import parse_contact, parse_filter, parse_partner
from portfolio.forms.programs import ActionForm, MeetingForm, MemberForm, ProgramForm
from portfolio.forms.share import parse_share
from portfolio.partner_tables import PartnerContact, PartnerOwner, PartnerSchool
from portfolio.services import (
    certifications,
    demo_attendance,
    demo_celebrations,
    demo_counseling,
    demo_feedback,
    demo_opportunities,
    demo_placements,
    demo_reports,
    experiences,
    mentoring,
    sharing,
    signoff,
)
from portfolio.services.accounts import CurrentUser, create_user, load_user
from portfolio.services.emails import Emails
from portfolio.services.partners import contacts, directory, follow_ups, interactions, linking, records
from portfolio.services.passwords import Hasher
from portfolio.services.programs import board
from portfolio.services.programs import records as programs
from portfolio.tables import Organization, School, StudentProfile, User

DEMO_PASSWORD = "demo-portfolio-2026"
DEMO_ACCOUNTS = [
    # email, name, roles, where
    ("student@demo.example", "Jordan Rivera", ["student"], "school"),
    ("student2@demo.example", "Avery Chen", ["student"], "school"),
    ("mentor@demo.example", "Ms. Patel (teacher)", ["mentor"], "school"),
    ("counselor@demo.example", "Mr. Okafor (counselor)", ["staff", "mentor"], "school"),
    ("employer@demo.example", "Dana Brooks (Acme Manufacturing)", ["employer"], "organization"),
    ("admin@demo.example", "District Admin", ["admin"], None),
]


SAMPLE_ENTRIES = [
    # kind, title, organization, days ago, hours, cluster, reflection
    ("guest_lecture", "Guest lecture: careers in welding", "Acme Manufacturing", 12, "1", "advanced-manufacturing",
     "Learned how many kinds of welding jobs there are, and that certifications matter more than I thought."),
    ("site_visit", "Tour of the hospital lab", "Riverside Health", 7, "2", "healthcare-human-services",
     "Saw how samples are tracked from the ER to the lab."),
    ("job_shadow", "Shadowed a network technician", "City IT Department", 2, "4.5", "digital-technology",
     "Helped patch a switch closet and label cables."),
]


async def seed(hasher: Hasher, emails: Emails, today: date | None = None) -> bool:
    """Seed when the database has no users. Returns whether it seeded.

    The mentor's e-mail about the demo's pending request is queued in the outbox like any other."""
    if await User.count() > 0:
        return False
    school_id, organization_id = await _places()
    ids = await _accounts(hasher, school_id, organization_id)
    student = await load_user(ids["student@demo.example"])
    assert student is not None
    today = today or clock.today_at(await experiences.school_of(student))
    # Jordan is 18 (a senior), so the demo can show sharing outside the school without a guardian's consent.
    await StudentProfile.insert(
        StudentProfile(student=student.id, birth_date=date(today.year - 18, 1, 1),
                       graduation_year=today.year if today.month < 7 else today.year + 1,
                       headline="Future welder, OSHA 10 certified")
    )
    created = await _entries(student, today)
    # The counselor (staff) assigns the teacher as Jordan's mentor, and Jordan asks her to verify the lab tour:
    # the mentor's queue has something in it from the start. The other entries stay drafts.
    counselor = await load_user(ids["counselor@demo.example"])
    assert counselor is not None
    await mentoring.assign(counselor, Assignment(ids["mentor@demo.example"], [student.id]))
    await signoff.ask_mentor(emails, student, [created["Tour of the hospital lab"]], ids["mentor@demo.example"])
    await _certifications(student, today)
    # Jordan (18) shares everything with Acme Manufacturing, so the demo employer has a portfolio to open.
    share = {"audience": "organization", "organization": str(organization_id), "days": "90", "scope": "everything",
             "label": "Acme internship application"}
    await sharing.create(emails, student, parse_share(share, await sharing.employer_ids()))
    await _partners(counselor, organization_id)
    await _interactions(counselor, today)
    await _retired_owner(counselor, today)
    await _linked_entries(counselor)
    await _programs(counselor, [ids["student@demo.example"], ids["student2@demo.example"]], today)
    # Placements first: Avery's guardian on record is where the opportunities' permission slip goes.
    await demo_placements.seed(emails, counselor, student, await load_user(ids["student2@demo.example"]), today)
    await demo_opportunities.seed(emails, counselor, ids["student@demo.example"], ids["student2@demo.example"], today)
    classmates = [await create_user(f"{name.lower().replace(' ', '.')}@demo.example", name, ["student"], school_id=school_id)
                  for name in CLASSMATES]
    visits = await demo_attendance.seed(counselor, [ids["student@demo.example"], ids["student2@demo.example"]],
                                        classmates, today)
    await demo_feedback.seed(emails, counselor, classmates, visits)
    await demo_counseling.seed(counselor, ids["student@demo.example"], ids["student2@demo.example"], classmates, today)
    await demo_reports.seed_participation(counselor, ids["student@demo.example"], ids["student2@demo.example"], classmates, today)
    await demo_celebrations.seed(emails, counselor, ids["mentor@demo.example"], ids["student@demo.example"],
                                 ids["student2@demo.example"], classmates, today)
    await demo_reports.seed_earned(counselor, student, await load_user(ids["student2@demo.example"]), today)
    return True


# Students of the demo school with no sign-in of their own: they came to the visits, answered the feedback, and
# fill today's roster.
CLASSMATES = ["Maya Johnson", "Luis Ortega", "Sam Ortiz", "Riley Nguyen", "Priya Shah", "Noah Williams"]

DEMO_PARTNERS = [
    # name, kind, website, clusters, offerings, status, contacts (name, title, e-mail, phone, reach by, role, active)
    ("Tri-County Builders Association", "intermediary", "https://tricountybuilders.example", ["construction"],
     ["site_visit", "job_demonstration", "advisory_board_seat", "apprenticeship"], "active",
     [("Maria Lopez", "Workforce director (runs Senior Days with 20 member companies)", "maria@tricountybuilders.example",
       "555-010-3100", "phone", "education_outreach", True)]),
    ("Riverside Health", "employer", "https://riversidehealth.example", ["healthcare-human-services"],
     ["job_shadow", "site_visit", "internship_unpaid"], "active",
     [("Sam Okoro", "Volunteer and student programs", "sokoro@riversidehealth.example", "555-010-4400 ext. 12",
       "email", "education_outreach", True),
      ("Lee Park", "Former HR partner", "lpark@riversidehealth.example", "", "email", "hr", False)]),
    ("Riverside Community College", "college", "https://rcc.example", ["advanced-manufacturing", "healthcare-human-services"],
     ["guest_lecture", "site_visit"], "active",
     [("Dr. Ann Bell", "Dual enrollment coordinator", "abell@rcc.example", "555-010-5000", "email", "education_outreach", True)]),
    ("Riverside Chamber of Commerce", "chamber", "https://riversidechamber.example", [], ["mock_interviews", "resume_review"],
     "active", [("Tom Reyes", "President", "tom@riversidechamber.example", "", "in_person", "executive", True)]),
    ("Acme Manufacturing", "employer", "https://acme.example", ["advanced-manufacturing"],
     ["guest_lecture", "internship_paid", "teacher_externship"], "active",
     [("Dana Brooks", "Plant HR manager", "dana@acme.example", "555-010-6000", "email", "hr", True)]),
    ("Valley Electrical JATC", "training_provider", "https://valleyjatc.example", ["construction", "energy-natural-resources"],
     ["apprenticeship", "job_demonstration"], "active", []),
    ("City IT Department", "public_agency", "", ["digital-technology"], ["job_shadow"], "paused",
     [("Chris Wu", "Network supervisor", "", "555-010-7000", "text", "supervisor", True)]),
    ("Northside Auto Group", "employer", "https://northsideauto.example", ["supply-chain-transportation"],
     ["internship_paid", "equipment_or_facility"], "prospect", []),
    ("Riverside Credit Union", "employer", "https://riversidecu.example", ["financial-services"],
     ["sponsorship", "mock_interviews"], "active", []),
    ("Harbor Hotel Group", "employer", "", ["hospitality-events-tourism"], ["job_shadow"], "former", []),
    ("County Sheriff's Office", "public_agency", "", ["public-service-safety"], ["guest_lecture"], "prospect", []),
    ("Green Acres Co-op", "other", "", ["agriculture"], ["site_visit"], "active", []),
]


async def _partners(counselor: CurrentUser, acme_id: int) -> None:
    """A dozen partners of Riverside Career Center, one of them also Lakeview High School's."""
    clusters = {c["code"]: c["id"] for c in await experiences.clusters()}
    choices = await records.choices(counselor)
    for name, kind, website, codes, offerings, status, people in DEMO_PARTNERS:
        raw = {"name": name, "kind": kind, "website": website, "status": status, "owners": str(counselor.id),
               "clusters": [str(clusters[c]) for c in codes if c in clusters], "offerings": offerings}
        if name == "Acme Manufacturing":  # the demo employer's own record, taken into the directory
            raw |= {"use": "existing", "existing": str(acme_id)}
        partner_id = await records.create(counselor, parse_partner(raw, choices), raw)
        for contact_name, title, email, phone, reach_by, role, active in people:
            contact_id = await contacts.add(counselor, partner_id, parse_contact(
                {"contact_name": contact_name, "title": title[:120], "email": email, "phone": phone, "reach_by": reach_by,
                 "role": role}))
            if not active:
                await contacts.set_active(counselor, partner_id, contact_id, False)
    lakeview = await School.select(School.id).where(School.name == "Lakeview High School").first()
    health = await Organization.select(Organization.id).where(Organization.name == "Riverside Health").first()
    await PartnerSchool.insert(PartnerSchool(organization=health["id"], school=lakeview["id"], status="active",
                                             created_at=clock.now(), updated_at=clock.now()))


# --- partner interactions and follow-ups ---
DEMO_INTERACTIONS = [
    # partner, kind, days ago, summary, follow-up (what, due in days, done) or None
    ("Tri-County Builders Association", "event", 40, "Senior Days planning breakfast: 20 member companies will host "
     "job demonstrations in April.", ("Send the list of seniors' trade interests", -30, True)),
    ("Tri-County Builders Association", "call", 6, "Maria confirmed two apprenticeship information sessions this "
     "spring and asked for a date.", ("Send Maria two dates for the apprenticeship sessions", 2, False)),
    ("Riverside Health", "visit", 15, "Toured the lab with the volunteer coordinator; job shadows can restart in the "
     "fall.", None),
    ("Riverside Community College", "meeting", 25, "Dual-enrollment welding seats for next year: eight seats held.",
     None),
    # Nobody has been in touch since: the staff home's "Going cold" names it ("No contact for 160 days").
    ("Riverside Credit Union", "meeting", 160, "Talked about sponsoring the mock interview day; they asked us to "
     "call back after their budget is set.", None),
]


async def _interactions(counselor: CurrentUser, today: date) -> None:
    """A few interactions of the counselor's, one with an open follow-up due in two days (their home shows it
    once it is due; My follow-ups at once)."""
    listing = {p["name"]: p["id"] for p in (await directory.listing(counselor, parse_filter({}))).rows}
    for name, kind, days_ago, summary, follow_up in DEMO_INTERACTIONS:
        partner_id = listing[name]
        _, choices = await interactions.choices(counselor, partner_id)
        raw = {"kind": kind, "happened_on": (today - timedelta(days=days_ago)).isoformat(), "summary": summary,
               "staff": str(counselor.id), "contacts": [str(c) for c in list(choices.contacts)[:1]]}
        if follow_up:
            raw |= {"follow_up": follow_up[0], "owner": str(counselor.id),
                    "due_on": (today + timedelta(days=follow_up[1])).isoformat()}
        await interactions.add(counselor, partner_id, parse_interaction(raw, choices, today))
        if follow_up and follow_up[2]:
            mine = await follow_ups.mine(counselor, today)
            done = next(f for f in mine.overdue if f["what"] == follow_up[0])
            await follow_ups.set_done(counselor, partner_id, done["id"], True)
async def _retired_owner(counselor: CurrentUser, today: date) -> None:
    """Mr. Grant retired before partners were handed over at deactivation (as a roster import still leaves it):
    two partners and an open follow-up of his wait on the staff home's "Partners without an owner"."""
    grant_id = await create_user("retired@demo.example", "Mr. Grant (retired)", ["staff"], school_id=counselor.school_id)
    grant = await load_user(grant_id)
    assert grant is not None
    listing = {p["name"]: p["id"] for p in (await directory.listing(counselor, parse_filter({}))).rows}
    for name in ("Green Acres Co-op", "Valley Electrical JATC"):
        await PartnerOwner.update({PartnerOwner.staff: grant_id}).where(PartnerOwner.partner == listing[name])
    partner_id = listing["Valley Electrical JATC"]
    _, choices = await interactions.choices(grant, partner_id)
    await interactions.add(grant, partner_id, parse_interaction({
        "kind": "call", "happened_on": (today - timedelta(days=30)).isoformat(), "staff": str(grant_id),
        "summary": "They can take two pre-apprentices this summer.", "follow_up": "Send the two students' names",
        "owner": str(grant_id), "due_on": (today + timedelta(days=5)).isoformat()}, choices, today))
    await User.update({User.active: False}).where(User.id == grant_id)


async def _linked_entries(counselor: CurrentUser) -> None:
    """Jordan's entries at Acme and the hospital count toward those partners, as if picked from the suggestions;
    "City IT Department" (a paused partner, never suggested) stays on the staff's "Names students typed" page to
    merge."""
    for name in ("Acme Manufacturing", "Riverside Health"):
        partner = await PartnerSchool.select(PartnerSchool.id).where(
            (PartnerSchool.school == counselor.school_id) & (PartnerSchool.organization.name == name)).first()
        await linking.merge_name(counselor, name, partner["id"])


async def _places() -> tuple[int, int]:
    """Two schools (the demo people are at the first) and the demo employer; their ids."""
    schools = await School.insert(
        School(name="Riverside Career Center", timezone="America/New_York", year_start_month=7, year_start_day=1,
               wbl_goal_hours=40),
        School(name="Lakeview High School", timezone="America/Chicago", year_start_month=7, year_start_day=1),
    ).returning(School.id)
    organization = await Organization.insert(
        Organization(name="Acme Manufacturing", kind="employer", website="https://acme.example")
    ).returning(Organization.id)
    return schools[0]["id"], organization[0]["id"]


async def _accounts(hasher: Hasher, school_id: int, organization_id: int) -> dict[str, int]:
    password_hash = await hasher.hash(DEMO_PASSWORD)
    ids = {}
    for email, name, roles, where in DEMO_ACCOUNTS:
        ids[email] = await create_user(
            email, name, roles, password_hash=password_hash,
            school_id=school_id if where == "school" else None,
            organization_id=organization_id if where == "organization" else None,
        )
    return ids


async def _entries(student: CurrentUser, today: date) -> dict[str, int]:
    """Jordan's sample entries, read as the form reads them; their ids by title."""
    rules = await experiences.entry_rules(student)
    created = {}
    for kind, title, org, days_ago, hours, cluster, reflection in SAMPLE_ENTRIES:
        entry = parse_entry(
            {"kind": kind, "title": title, "organization": org, "date": (today - timedelta(days=days_ago)).isoformat(),
             "hours": hours, "cluster": cluster, "reflection": reflection},
            rules,
        )
        created[title] = (await experiences.create(student, entry, uuid.uuid4())).entry["id"]
    return created


async def _certifications(student: CurrentUser, today: date) -> None:
    """One that lasts, and one that expires soon (the dashboard warns about it)."""
    for raw in (
        {"name": "OSHA 10-Hour General Industry", "issuer": "OSHA Outreach Training Program",
         "credential_id": "DEMO-10-4471", "issued_on": (today - timedelta(days=200)).isoformat()},
        {"name": "Adult First Aid/CPR/AED", "issuer": "American Red Cross", "credential_id": "DEMO-RC-2231",
         "issued_on": (today - timedelta(days=690)).isoformat(), "expires_on": (today + timedelta(days=40)).isoformat(),
         "verification_url": "https://www.redcross.org/take-a-class/digital-certificate"},
    ):
        await certifications.create(student, parse_certification(raw, today))


# Programs of study and their advisory boards.
DEMO_PROGRAMS = [
    # name, cluster, board members (contacts by name; "staff" for the counselor), meetings (days ago, place,
    # who came), an open action item's text or ""
    ("Welding Technology", "advanced-manufacturing", ["Maria Lopez", "Dana Brooks", "Dr. Ann Bell", "staff"],
     [(150, "Welding lab, room 114", ["Maria Lopez", "Dana Brooks", "staff"]),
      (40, "Acme Manufacturing training room", ["Maria Lopez", "Dana Brooks", "Dr. Ann Bell", "staff"])],
     "Send the board the updated AWS D1.1 practice test results"),
    # Last met eight months ago: the programs list and the staff home flag it.
    ("Health Science: CNA", "healthcare-human-services", ["Sam Okoro", "Dr. Ann Bell", "staff"],
     [(240, "Riverside Health, conference room B", ["Sam Okoro", "staff"])], ""),
]


async def _programs(counselor: CurrentUser, student_ids: list[int], today: date) -> None:
    """Two Riverside programs with a student each, and their boards of partner contacts and the counselor."""
    clusters = {c["code"]: c["id"] for c in await experiences.clusters()}
    people = {c["name"]: c["id"] for c in await PartnerContact.select(PartnerContact.id, PartnerContact.name).where(
        PartnerContact.partner.school == counselor.school_id)}
    for (name, cluster, seated, meetings, action), student_id in zip(DEMO_PROGRAMS, student_ids):
        program_id = await programs.create(counselor, ProgramForm(name, clusters.get(cluster)))
        await programs.add_student(counselor, program_id, student_id, today - timedelta(days=200))
        # Seated a year ago, so that the meetings below were held while they sat on the board.
        since = today - timedelta(days=365)
        for person in seated:
            await board.add_member(counselor, program_id, MemberForm(staff=counselor.id, since=since) if person == "staff"
                                   else MemberForm(contact=people[person], since=since))
        seats = {m["contact_name"] or "staff": m["id"] for m in await board.members(program_id)}
        for days_ago, place, came in meetings:
            await board.record_meeting(counselor, program_id, MeetingForm(
                today - timedelta(days=days_ago), place, "Curriculum review; equipment needs; work-based learning",
                "The board reviewed the program's results and the equipment list.",
                "Keep the current sequence; ask partners for two more job shadow slots.",
                tuple(seats[c] for c in came)))
        if action:
            await board.add_action(counselor, program_id, ActionForm(action, counselor.id, today + timedelta(days=30)))
