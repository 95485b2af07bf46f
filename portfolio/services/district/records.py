"""The district's certifications (half of them checked by staff) and each school's programs of study, with their
students and advisory boards: seats, meetings, who came, and what the board agreed to do."""

from __future__ import annotations

from datetime import timedelta

from portfolio.program_tables import ActionItem, BoardMeeting, BoardMember, MeetingAttendee, Program, ProgramStudent
from portfolio.services import certifications as certs
from portfolio.services.district import names
from portfolio.services.district.bulk import PROGRAMS_PER_SCHOOL, SCHOOLS, insert
from portfolio.services.district.people import District
from portfolio.tables import Certification, CertificationSignOff
from portfolio.vocabulary import CertificationCheck, Decision, EntryStatus

CERTIFICATIONS = (
    ("OSHA 10-Hour General Industry", "OSHA Outreach Training Program", 0),
    ("Adult First Aid/CPR/AED", "American Red Cross", 2),
    ("AWS D1.1 Structural Welding", "American Welding Society", 3),
    ("Certified Nursing Assistant", "State Board of Nursing", 2),
    ("ServSafe Food Handler", "National Restaurant Association", 3),
    ("CompTIA A+", "CompTIA", 3),
    ("NCCER Core Curriculum", "NCCER", 0),
)


async def certifications(district: District) -> None:
    rng, today, now = district.rng, district.today, district.now
    rows, checked = [], []
    for n in range(district.sizes.certifications):
        student = rng.choice(district.students)
        name, issuer, years = rng.choice(CERTIFICATIONS)
        issued = today - timedelta(days=rng.randint(20, 700))
        expires = issued + timedelta(days=365 * years) if years else None
        clean = {"name": name, "issuer": issuer, "credential_id": f"D-{n:06d}", "issued_on": issued, "expires_on": expires,
                 "verification_url": f"https://verify.example/{n:06d}"}
        verified = rng.random() < 0.5
        rows.append((student.id, name, issuer, clean["credential_id"], issued, expires, clean["verification_url"],
                     EntryStatus.VERIFIED if verified else EntryStatus.DRAFT, certs.content_hash(clean), now, now))
        checked.append((student.school, verified))
    ids = await insert(Certification, ("student", "name", "issuer", "credential_id", "issued_on", "expires_on",
                                       "verification_url", "status",
                                       "content_hash", "created_at", "updated_at"), rows, ids=True)
    await insert(CertificationSignOff, (
        "certification", "verifier", "verifier_name", "verifier_title", "checked", "decision", "content_hash",
        "created_at"), (
        (cert, *district.staff[school][0], "School staff", CertificationCheck.ISSUER_LINK, Decision.VERIFIED, row[8], now)
        for cert, row, (school, verified) in zip(ids, rows, checked) if verified))


async def programs(district: District) -> None:
    """Programs of each school with all its students spread over them, and a board of partner contacts and the
    school's first staff member that met twice and has one thing to do."""
    rng, today, now = district.rng, district.today, district.now
    made = [(school, name) for school in range(SCHOOLS) for name in rng.sample(names.PROGRAMS, PROGRAMS_PER_SCHOOL)]
    ids = await insert(Program, ("school", "name", "cluster", "created_at", "updated_at"), (
        (district.schools[school], name, rng.choice(district.clusters)[0], now, now) for school, name in made), ids=True)
    by_school: dict[int, list[int]] = {}
    for program, (school, _) in zip(ids, made):
        by_school.setdefault(school, []).append(program)
    await insert(ProgramStudent, ("program", "student", "started_on"), (
        (rng.choice(by_school[s.school]), s.id, today - timedelta(days=rng.randint(30, 700))) for s in district.students))
    seats = []
    for program, (school, _) in zip(ids, made):
        people = [c for partner, _ in district.partners[school] for c in district.contacts.get(partner, [])]
        seats += [(program, contact, None, now) for contact in rng.sample(people, min(4, len(people)))]
        seats.append((program, None, district.staff[school][0][0], now))
    members = await insert(BoardMember, ("program", "contact", "staff", "created_at"), seats, ids=True)
    boards: dict[int, list[int]] = {}
    for member, seat in zip(members, seats):
        boards.setdefault(seat[0], []).append(member)
    held = [(program, today - timedelta(days=days + rng.randint(0, 20))) for program in ids for days in (150, 40)]
    meetings = await insert(BoardMeeting, ("program", "held_on", "place", "agenda", "minutes", "decisions", "created_at",
                                           "updated_at"), (
        (program, day, "Program lab", "Curriculum review; equipment needs; work-based learning",
         "The board reviewed the program's results and the equipment list.",
         "Keep the current sequence; ask partners for two more job shadow slots.", now, now) for program, day in held),
        ids=True)
    await insert(MeetingAttendee, ("meeting", "member"), (
        (meeting, member) for meeting, (program, _) in zip(meetings, held)
        for member in rng.sample(boards[program], max(1, len(boards[program]) - 1))))
    await insert(ActionItem, ("program", "meeting", "text", "owner", "due_on", "created_at"), (
        (program, meetings[2 * n + 1], "Send the board the updated equipment list", district.staff[school][0][0],
         today + timedelta(days=30), now) for n, (program, (school, _)) in enumerate(zip(ids, made))))
