"""Portfolio documents: the PDF (student's and employer's), its public check page, and the student's export."""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from portfolio import clock
from portfolio.formats import nice_date
from portfolio.services import certifications, documents, evidence, experiences, sharing, verification
from portfolio.storage import make_store
from portfolio.tables import (
    Disclosure,
    Evidence,
    Experience,
    Organization,
    PortfolioDocument,
    Share,
    ShareItem,
    SignOff,
)
from tests import samples
from tests.factories import as_certification, as_entry, entry, pdf_text, sign_in

SCRIPT = "<script>alert(1)</script>"
HOSTILE = f"{SCRIPT} 😀🔧 \u202egnp.exe\u202c 中文 العربية \x07 {'W' * 300} Łódź café — “quoted” ✓"
VERIFIER = "Dana Whitfield"
CHECK_URL = re.compile(r"http://testserver\.local/p/([A-Za-z0-9_-]{16})")




async def attach(settings, student, parent: str, parent_id: int, name: str, data: bytes) -> dict:
    path = settings.var_dir / f"upload-{uuid.uuid4().hex}"
    path.write_bytes(data)
    attached = await evidence.attach(
        make_store(settings), student, parent, parent_id, evidence.Upload(path=path, original_name=name),
        work_root=settings.var_dir / "work", max_bytes=settings.max_upload_mb * 1024 * 1024,
        max_pixels=settings.max_image_pixels,
    )
    return attached.row


async def verify(entry_id: int, name: str = VERIFIER) -> None:
    """A mentor's sign-off on exactly what the entry is now."""
    row = await Experience.select(Experience.content_hash).where(Experience.id == entry_id).first()
    await Experience.update({Experience.status: "verified"}).where(Experience.id == entry_id)
    await SignOff.insert(SignOff(experience=entry_id, method="mentor", verifier_name=name, verifier_title="Shop teacher",
                                 verifier_organization="Test Career Center", decision="verified",
                                 content_hash=row["content_hash"]))
    await verification.refresh_shown([entry_id])  # as every sign-off the app records does


async def make_portfolio(settings, student, prefix: str = "", variant: int = 1) -> dict:
    """A verified entry (4.5 h, with a photo), a self-reported one with a hostile title, a rejected one, and a
    certification with an expiry date and a PDF. Another `variant` makes other files."""
    yesterday = (datetime.now(timezone.utc).date() - timedelta(days=2)).isoformat()
    verified = (await experiences.create(student, await as_entry(student, entry(title=f"{prefix}Wired a panel", hours="4.5", date=yesterday,
                                                        reflection="Measure twice.")), uuid.uuid4())).entry["id"]
    photo = await attach(settings, student, "experience", verified, "IMG_0001.JPG", samples.jpeg_with_gps(width=64 * variant))
    await verify(verified)
    hostile = (await experiences.create(student, await as_entry(student, entry(title=f"{prefix}{SCRIPT}", hours="1.5", reflection=HOSTILE)),
                                        uuid.uuid4())).entry["id"]
    rejected = (await experiences.create(student, await as_entry(student, entry(title=f"{prefix}Rejected visit", hours="1")), uuid.uuid4())).entry["id"]
    await Experience.update({Experience.status: "rejected"}).where(Experience.id == rejected)
    cert = await certifications.create(student, await as_certification(student, {"name": f"{prefix}OSHA 10-Hour Construction", "issuer": "OSHA",
                                                  "credential_id": "OSHA-123", "issued_on": "2026-01-10",
                                                  "expires_on": "2030-01-10"}))
    card = await attach(settings, student, "certification", cert["id"], "../../card.pdf", samples.pdf(pages=variant))
    return {"verified": verified, "hostile": hostile, "rejected": rejected, "certification": cert["id"],
            "photo": photo["id"], "card": card["id"]}


async def organization(name: str = "Acme Manufacturing") -> int:
    return (await Organization.insert(Organization(name=name)).returning(Organization.id))[0]["id"]


async def share(student_id: int, organization_id: int, experiences_: list[int] = (), certs: list[int] = (),
                days: int = 30) -> int:
    everything = not experiences_ and not certs
    share_id = (await Share.insert(Share(student=student_id, organization=organization_id, everything=everything,
                                         expires_at=datetime.now(timezone.utc) + timedelta(days=days))
                                   ).returning(Share.id))[0]["id"]
    items = [ShareItem(share=share_id, experience=e) for e in experiences_] + [ShareItem(share=share_id, certification=c) for c in certs]
    if items:
        await ShareItem.insert(*items)
    return share_id


def today_at_school() -> str:
    return nice_date(clock.today_at({"timezone": "America/New_York"}))


def assert_download(response, kind: str = "application/pdf") -> None:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].startswith(kind)
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["cache-control"] == "private, no-store"


# --- the student's PDF and its check page -----------------------------------------------------------

async def test_student_pdf_shows_the_portfolio_and_a_check_code_that_answers(client, signed_in, settings, make_client):
    student = await signed_in("student", name="Jordan Rivera")
    made = await make_portfolio(settings, student)

    response = await client.get("/student/portfolio.pdf")
    assert_download(response)
    assert re.search(r'filename="portfolio-jordan-rivera-\d{4}-\d{2}-\d{2}\.pdf"', response.headers["content-disposition"])
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "Jordan Rivera" in text
    assert "4.5 verified hours" in text and "1.5 self-reported hours" in text
    assert f"Verified by a mentor: {VERIFIER}, Shop teacher (Test Career Center)" in text
    assert f"Made on {today_at_school()}" in text
    assert "OSHA 10-Hour Construction" in text and "expires Jan 10, 2030" in text and "ID OSHA-123" in text
    assert "Measure twice." in text  # reflections
    assert SCRIPT in text  # plain text, as typed
    assert "Rejected visit" not in text  # a portfolio never shows rejected entries
    # Verified first, then self-reported, then certifications.
    assert text.index("Wired a panel") < text.index(SCRIPT) < text.index("OSHA 10-Hour Construction")
    # The check URL is printed, and is the link the QR code area carries.
    [code] = CHECK_URL.findall(text)
    assert f"/URI (http://testserver.local/p/{code})".encode() in response.content
    row = await PortfolioDocument.select().where(PortfolioDocument.code == code).first()
    assert row["student"] == student.id and row["audience"] == "self"
    # The student's own copy is not a disclosure.
    assert await Disclosure.count().where(Disclosure.student == student.id) == 0

    async with make_client() as anonymous:
        page = await anonymous.get(f"/p/{code}")
        assert page.status_code == 200
        assert "Current" in page.text and "Changed since" not in page.text
        assert "Jordan Rivera" in page.text and today_at_school() in page.text
        assert page.headers["cache-control"] == "no-store"
        # Nothing of the record itself.
        for secret in ("Wired a panel", "alert(1)", "OSHA", VERIFIER, "4.5", "Acme"):
            assert secret not in page.text

        await experiences.update(student, made["hostile"], await as_entry(student, entry(title="Renamed after printing", hours="1.5")))
        page = await anonymous.get(f"/p/{code}")
        assert page.status_code == 200 and "Changed since this PDF was made" in page.text
        assert ">Current<" not in page.text

        for unknown in ("AAAAAAAAAAAAAAAA", "short", "x" * 40, "%2e%2e"):
            assert (await anonymous.get(f"/p/{unknown}")).status_code == 404


@pytest.mark.behind_the_apps_back  # voids a sign-off as no write of the app does
async def test_a_new_entry_or_a_voided_sign_off_makes_an_everything_pdf_changed(client, signed_in, settings):
    student = await signed_in("student")
    made = await make_portfolio(settings, student)
    code = CHECK_URL.findall(pdf_text((await client.get("/student/portfolio.pdf")).content))[0]
    assert (await documents.check(code))["current"]
    await SignOff.update({SignOff.voided_at: datetime.now(timezone.utc)}).where(SignOff.experience == made["verified"])
    assert not (await documents.check(code))["current"]

    code = CHECK_URL.findall(pdf_text((await client.get("/student/portfolio.pdf")).content))[0]
    assert (await documents.check(code))["current"]
    await experiences.create(student, await as_entry(student, entry(title="Added after printing", hours="1")), uuid.uuid4())
    assert not (await documents.check(code))["current"]


@pytest.mark.parametrize("core_fonts", [False, True], ids=["dejavu", "core-fonts"])
async def test_hostile_text_is_drawn_as_plain_text_with_either_font(signed_in, settings, tmp_path, core_fonts):
    if not core_fonts and not documents.FONT_DIR.is_dir():
        pytest.fail("fonts-dejavu-core is not installed")
    student = await signed_in("student", name="Zoë 李 \u202eO'Brien 🎓")
    await make_portfolio(settings, student)
    pf = await sharing.portfolio(student.id)
    pf["self_reported"][0]["reflection"] += "\x00\x1b[31m"  # PostgreSQL cannot even store a NUL; SQLite can
    data = documents.render_pdf(pf, day=datetime(2026, 3, 4).date(), audience="Ünïcode Co 🏭",
                                url="http://testserver.local/p/ABCDEFGHIJKLMNOP",
                                font_dir=tmp_path / "no-fonts" if core_fonts else None)
    text = pdf_text(data)
    assert SCRIPT in text and "Mar 4, 2026" in text and "http://testserver.local/p/ABCDEFGHIJKLMNOP" in text
    assert "\u202e" not in text and "\x00" not in text and "\x1b" not in text
    assert "Zo" in text and "Brien" in text and "café" in text
    if core_fonts:
        assert "Lódz" in text and "\"quoted\"" in text  # folded to what Latin-1 can show


# --- the employer's PDF -----------------------------------------------------------------------------

@pytest.mark.behind_the_apps_back  # makes a verified entry a draft as no write of the app does
async def test_employer_pdf_shows_only_the_shared_items_and_is_recorded_once(signed_in, settings, make_user, make_client):
    student = await signed_in("student", name="Avery Chen")
    made = await make_portfolio(settings, student)
    org = await organization()
    share_id = await share(student.id, org, experiences_=[made["verified"]])
    employer = await make_user("employer", organization_id=org, name="Pat Hiring")
    async with make_client() as browser:
        assert (await sign_in(browser, employer.email)).status_code == 303
        response = await browser.get(f"/employer/students/{student.id}/portfolio.pdf")
        assert_download(response)
        text = pdf_text(response.content)
        assert "Avery Chen" in text and "Wired a panel" in text and VERIFIER in text
        assert "for Acme Manufacturing" in text
        assert SCRIPT not in text and "OSHA" not in text and "Rejected visit" not in text
        assert "4.5 verified hours" in text and "0 self-reported hours" in text
        code = CHECK_URL.findall(text)[0]

        [disclosure] = await Disclosure.select().where(Disclosure.student == student.id)
        assert disclosure["kind"] == "pdf" and disclosure["viewer"] == employer.id and disclosure["share"] == share_id
        assert disclosure["viewer_name"] == "Pat Hiring" and disclosure["viewer_organization"] == "Acme Manufacturing"
        row = await PortfolioDocument.select().where(PortfolioDocument.code == code).first()
        assert row["audience"] == "Acme Manufacturing"

    # The check covers the same items: an edit of an unshared entry changes nothing, of a shared one it does.
    await experiences.update(student, made["hostile"], await as_entry(student, entry(title="Unshared rename", hours="1.5")))
    assert (await documents.check(code))["current"]
    await Experience.update({Experience.title: "Shared rename", Experience.status: "draft"}).where(
        Experience.id == made["verified"])
    assert not (await documents.check(code))["current"]


async def test_employer_without_an_active_share_gets_404_and_nothing_is_recorded(signed_in, settings, make_user, make_client):
    student = await signed_in("student")
    made = await make_portfolio(settings, student)
    ours, theirs = await organization("Ours Inc"), await organization("Theirs Inc")
    await share(student.id, theirs)
    expired = await share(student.id, ours, experiences_=[made["verified"]])
    await Share.update({Share.expires_at: datetime.now(timezone.utc) - timedelta(minutes=1)}).where(Share.id == expired)
    employer = await make_user("employer", organization_id=ours)
    async with make_client() as browser:
        assert (await sign_in(browser, employer.email)).status_code == 303
        assert (await browser.get(f"/employer/students/{student.id}/portfolio.pdf")).status_code == 404
        assert (await browser.get("/employer/students/999999999/portfolio.pdf")).status_code == 404
    assert await Disclosure.count().where(Disclosure.student == student.id) == 0
    assert await PortfolioDocument.count().where(PortfolioDocument.student == student.id) == 0


# --- the export -------------------------------------------------------------------------------------

async def test_export_holds_everything_of_the_student_and_nothing_of_anyone_else(client, signed_in, settings, make_user):
    other = await make_user("student", name="Other Student")
    other_made = await make_portfolio(settings, other, prefix="OTHERSTUDENT ", variant=2)
    student = await signed_in("student", name="Jordan Rivera")
    made = await make_portfolio(settings, student)
    org = await organization("Export Co")
    share_id = await share(student.id, org, experiences_=[made["verified"]])
    await sharing.disclose(student.id, "view", "Pat Hiring", "Export Co", share=share_id)

    response = await client.get("/student/export.zip")
    assert_download(response, "application/zip")
    assert int(response.headers["content-length"]) == len(response.content)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    data = json.loads(archive.read("portfolio.json"))

    own_entries = {r["id"] for r in await Experience.select(Experience.id).where(Experience.student == student.id)}
    assert {e["id"] for e in data["experiences"]} == own_entries == {made["verified"], made["hostile"], made["rejected"]}
    [verified] = [e for e in data["experiences"] if e["id"] == made["verified"]]
    assert verified["sign_offs"][0]["verifier_name"] == VERIFIER and verified["status"] == "verified"
    assert [c["id"] for c in data["certifications"]] == [made["certification"]]
    assert data["certifications"][0]["expires_on"] == "2030-01-10"
    assert data["student"]["name"] == "Jordan Rivera"
    assert [s["id"] for s in data["shares"]] == [share_id] and data["shares"][0]["experiences"] == [made["verified"]]
    assert [d["viewer_name"] for d in data["disclosures"]] == ["Pat Hiring"]

    rows = await Evidence.select().where(Evidence.student == student.id)
    assert len(rows) == 2 and {f["id"] for f in data["evidence"]} == {r["id"] for r in rows}
    for row in rows:
        [member] = [n for n in names if n.startswith(f"evidence/{row['id']}-")]
        assert hashlib.sha256(archive.read(member)).hexdigest() == row["sha256"]
    assert f"evidence/{made['card']}-card.pdf" in names  # "../../card.pdf", only a name now
    assert all(".." not in n and not n.startswith("/") for n in names)
    assert len(names) == 2 + 2  # two files, the PDF, the JSON

    text = pdf_text(archive.read("portfolio.pdf"))
    assert "Jordan Rivera" in text and "4.5 verified hours" in text

    # Nothing of the other student's, and no secrets.
    other_hashes = {r["sha256"] for r in await Evidence.select(Evidence.sha256).where(Evidence.student == other.id)}
    assert other_made and not other_hashes & {hashlib.sha256(archive.read(n)).hexdigest() for n in names}
    for name in names:
        assert b"OTHERSTUDENT" not in archive.read(name)
    raw = archive.read("portfolio.json").decode()
    assert "token_hash" not in raw and "storage_key" not in raw and "Other Student" not in raw


def test_safe_names_are_only_names():
    assert documents.safe_name("../../etc/passwd") == "etc_passwd"
    assert documents.safe_name("certificate.pdf", "image/jpeg") == "certificate.pdf.jpg"
    assert documents.safe_name("IMG_0001.JPEG", "image/jpeg") == "IMG_0001.JPEG"
    assert documents.safe_name("", "application/pdf") == "evidence.pdf"
    assert documents.safe_name("Fotó 😀 .pdf", "application/pdf") == "Foto_.pdf"
    assert "/" not in documents.safe_name("a/b\\c:d")


def test_codes_are_unguessable_and_url_safe():
    codes = {documents.new_code() for _ in range(200)}
    assert len(codes) == 200 and all(documents.CODE_RE.match(c) for c in codes)
