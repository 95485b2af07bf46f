"""The students' entries with their files, the requests to verify them, and the sign-offs: every hash exactly
as the app makes it (services/attestation.py), so that each entry's status is what its latest sign-off says."""

from __future__ import annotations

import asyncio
import hashlib
import io
import tempfile
import uuid
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from portfolio.services import attestation
from portfolio.services.district import names
from portfolio.services.district.bulk import ENTRIES_PER_STUDENT, insert
from portfolio.services.district.people import District
from portfolio.storage import EvidenceStore
from portfolio.tables import Evidence, Experience, RequestItem, SignOff, VerificationRequest
from portfolio.vocabulary import Decision, EntryStatus, ExperienceKind, Method, RequestStatus

TYPED = ("Family restaurant", "Neighborhood hardware store", "Uncle's garage", "Church food pantry", "Summer camp")
COMMENTS = {Decision.CHANGES_REQUESTED: "Please add the hours you worked each day.",
            Decision.REJECTED: "I do not remember this visit.", Decision.VERIFIED: ""}
FILES_AT_ONCE = 64
ENTRY_COLUMNS = ("student", "client_uuid", "kind", "title", "organization_name", "cluster", "date", "minutes", "reflection",
                 "status", "content_hash", "created_at", "updated_at", "partner", "shown_verified")
AT = {name: n for n, name in enumerate(ENTRY_COLUMNS)}  # an entry row's values by column name


def tiny_jpeg() -> bytes:
    """An 8 x 8 grey JPEG: a real picture every page and preview can show, of a few hundred bytes."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (180, 180, 180)).save(out, "JPEG")
    return out.getvalue()


def _per_student(district: District) -> list[int]:
    """About twenty entries each, some students many more than others; the README's student exactly twenty."""
    rng, count = district.rng, len(district.students)
    counts = [ENTRIES_PER_STUDENT] * count
    if count > 2:
        for _ in range(count):
            a, b = rng.randrange(1, count), rng.randrange(1, count)
            moved = rng.randint(0, min(counts[a] - 3, 12))
            counts[a] -= moved
            counts[b] += moved
    return counts


def _statuses(district: District, total: int) -> list[str]:
    """Exactly as many decided entries as sign-offs; one in fifty waiting for an answer; the rest drafts."""
    signed = district.sizes.signoffs
    verified, changes = signed * 8 // 10, signed * 12 // 100
    waiting = min(total // 50, total - signed)
    statuses = ([EntryStatus.VERIFIED] * verified + [EntryStatus.CHANGES_REQUESTED] * changes
                + [EntryStatus.REJECTED] * (signed - verified - changes) + [EntryStatus.SUBMITTED] * waiting)
    statuses += [EntryStatus.DRAFT] * (total - len(statuses))
    district.rng.shuffle(statuses)
    # The README's student (the first twenty entries) shows every state: swapped in, so the counts stay exact.
    shown = [EntryStatus.VERIFIED] * 8 + [EntryStatus.SUBMITTED] * 2 + [EntryStatus.CHANGES_REQUESTED]
    for n, wanted in enumerate(shown):
        other = statuses.index(wanted, ENTRIES_PER_STUDENT) if wanted in statuses[ENTRIES_PER_STUDENT:] else n
        statuses[n], statuses[other] = statuses[other], statuses[n]
    return statuses


async def entries(district: District, store: EvidenceStore | None) -> None:
    rng, today = district.rng, district.today
    owners = [s for s, n in zip(district.students, _per_student(district)) for _ in range(n)]
    statuses = _statuses(district, len(owners))
    with_file = set(rng.sample(range(len(owners)), district.sizes.evidence))
    picture = tiny_jpeg()
    picture_hash = hashlib.sha256(picture).hexdigest()
    rows, facts = [], []
    for n, (student, status) in enumerate(zip(owners, statuses)):
        kind = rng.choice(list(ExperienceKind))
        partners = district.partners[student.school]
        partner, organization = rng.choice(partners) if partners and rng.random() < 0.6 else (None, rng.choice(TYPED))
        cluster, code = rng.choice(district.clusters)
        clean = {"kind": kind.value, "title": names.ENTRY_TITLES[kind].format(trade=rng.choice(names.TRADES).lower()),
                 "organization_name": organization, "date": today - timedelta(days=rng.randint(1, 700)),
                 "minutes": rng.choice((60, 90, 120, 180, 240, 480)), "cluster_code": code,
                 "reflection": rng.choice(names.REFLECTIONS)}
        files = [picture_hash] if n in with_file else []
        digest = attestation.content_hash(clean, files)
        made = datetime.combine(clean["date"], time(18), timezone.utc)
        rows.append((student.id, uuid.UUID(int=rng.getrandbits(128)), clean["kind"], clean["title"], organization,
                     cluster, clean["date"], clean["minutes"], clean["reflection"], status, digest, made, made, partner,
                     # The one rule's answer, known here: every verified entry gets a mentor's or an e-mailed
                     # supervisor's sign-off over exactly these facts and files (_verifications).
                     status == EntryStatus.VERIFIED))
        facts.append((clean, files))
    ids = await insert(Experience, ENTRY_COLUMNS, rows, ids=True)
    await _evidence(district, store, picture, picture_hash, [(ids[n], rows[n][AT["student"]]) for n in sorted(with_file)])
    await _verifications(district, ids, rows, facts)


async def _evidence(district: District, store: EvidenceStore | None, picture: bytes, digest: str,
                    parents: list[tuple[int, int]]) -> None:
    """One small picture behind each chosen entry, stored like an upload (original and thumbnail) unless there is
    no store: then the rows name files that are not there."""
    rng = district.rng
    rows = []
    for experience, student in parents:
        base = f"evidence/{student}/{rng.getrandbits(128):032x}"
        rows.append((student, experience, f"{base}/original.jpg", f"{base}/thumb.jpg", "photo.jpg", "image/jpeg",
                     len(picture), digest, 8, 8, district.now))
    await insert(Evidence, ("student", "experience", "storage_key", "thumb_key", "original_name", "content_type", "size",
                            "sha256", "width", "height", "uploaded_at"), rows)
    if store is None:
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "photo.jpg"
        path.write_bytes(picture)
        keys = [key for row in rows for key in (row[2], row[3])]
        for start in range(0, len(keys), FILES_AT_ONCE):
            await asyncio.gather(*(store.put_file(key, path, "image/jpeg") for key in keys[start:start + FILES_AT_ONCE]))


async def _verifications(district: District, ids: list[int], rows: list[tuple], facts: list[tuple]) -> None:
    """A decided request per student and way of asking, holding their decided entries, each with its sign-off; and
    a pending request to their mentor holding the entries waiting for an answer."""
    rng, now = district.rng, district.now
    students = {s.id: s for s in district.students}
    requests: dict[tuple[int, str], list[int]] = {}
    for n, row in enumerate(rows):
        status, student = row[AT["status"]], row[AT["student"]]
        if status == EntryStatus.SUBMITTED:
            requests.setdefault((student, "pending"), []).append(n)
        elif status != EntryStatus.DRAFT:
            method = Method.MENTOR if rng.random() < 0.6 else Method.EMAIL_LINK
            requests.setdefault((student, method), []).append(n)
    request_rows = []
    for (student_id, way), items in requests.items():
        mentor = students[student_id].mentor
        asked = min(now, min(rows[n][AT["created_at"]] for n in items) + timedelta(days=1))
        if way == Method.EMAIL_LINK:
            supervisor = (names.person(rng), "Supervisor", rows[items[0]][AT["organization_name"]])
            email = f"{supervisor[0].split()[0].lower()}@{supervisor[2].split()[0].lower()}.example"
            request_rows.append((student_id, way, None, *supervisor, email, RequestStatus.DECIDED, asked, asked, asked))
        else:
            method, status = Method.MENTOR, RequestStatus.PENDING if way == "pending" else RequestStatus.DECIDED
            request_rows.append((student_id, method, mentor, "", "", "", "", status, asked, asked,
                                 None if way == "pending" else asked))
    request_ids = await insert(VerificationRequest, (
        "student", "method", "mentor", "supervisor_name", "supervisor_title", "supervisor_organization",
        "supervisor_email", "status", "created_at", "last_sent_at", "decided_at"), request_rows, ids=True)
    items, signoffs = [], []
    for request_id, ((student_id, way), entries_asked), request in zip(request_ids, requests.items(), request_rows):
        for n in entries_asked:
            digest = rows[n][AT["content_hash"]]
            items.append((request_id, ids[n], digest, way != "pending"))
            if way == "pending":
                continue
            if way == Method.MENTOR:
                mentor = students[student_id].mentor
                verifier = (mentor, *district.mentors[mentor][:1], "Mentor", "", district.mentors[mentor][1])
            else:
                verifier = (None, request[3], request[4], request[5], request[6])
            decision = Decision(rows[n][AT["status"]])
            clean, files = facts[n]
            signed = min(now, rows[n][AT["created_at"]] + timedelta(days=rng.randint(1, 6)))
            signoffs.append((ids[n], request_id, way, *verifier, decision, COMMENTS[decision], digest,
                             attestation.facts_hash(clean), sorted(files), attestation.text_hash(clean["reflection"]),
                             signed))
    await insert(RequestItem, ("request", "experience", "content_hash", "decided"), items)
    await insert(SignOff, ("experience", "request", "method", "verifier", "verifier_name", "verifier_title",
                           "verifier_organization", "verifier_email", "decision", "comment", "content_hash", "facts_hash",
                           "evidence_seen", "reflection_hash", "created_at"), signoffs)
