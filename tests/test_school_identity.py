"""A school's identity: its name in the header, its accent colour (checked for AA contrast) as a stylesheet of
its own, its logo, all in its students' PDF portfolios; set by an administrator or the school's own staff; and
the district's name on the sign-in page."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from portfolio import colours
from portfolio.record_tables import AuditEvent
from portfolio.services.media import GPS_IFD
from portfolio.tables import School
from tests import samples
from tests.factories import browser_of, csrf_headers, new_entry, pdf_text, post, sign_in

FORM = {"name": "Test Career Center", "timezone": "America/New_York", "year_start_month": "7", "year_start_day": "1"}


@pytest.mark.parametrize(("first", "second", "ratio"), [
    ("#000000", "#ffffff", 21.0),
    ("#ffffff", "#ffffff", 1.0),
    ("#777777", "#ffffff", 4.48),  # the grey just short of AA
    ("#767676", "#ffffff", 4.54),  # the lightest grey that passes
    ("#0b5d4b", "#ffffff", 7.83),  # the app's own green
    ("#ff0000", "#ffffff", 4.0),
])
def test_contrast_is_wcag_relative_luminance(first, second, ratio):
    assert round(colours.contrast(first, second), 2) == ratio
    assert colours.contrast(second, first) == colours.contrast(first, second)


def test_an_accent_must_hold_aa_on_white_and_on_the_page():
    assert colours.accent_contrast("#0b5d4b") >= colours.AA
    # Passes on white (4.54) but the page background is a little darker than white.
    assert colours.contrast("#767676", colours.WHITE) >= colours.AA > colours.accent_contrast("#767676")
    assert colours.darker("#0b5d4b") == "#084538"


@pytest.mark.parametrize("colour", ["#0b5d4b", "#000080", "#7b2d8e", "#000000", "#b3261e", "#ffcc00", "#ffffff"])
def test_a_dark_mode_accent_holds_aa_on_every_dark_surface_and_under_button_text(colour):
    dark = colours.dark_accent(colour)
    hover = colours.lighter(dark)
    for surface in (colours.DARK_SURFACE, colours.DARK_CARD, colours.DARK_PAGE):
        assert colours.contrast(dark, surface) >= colours.AA, (colour, dark, surface)
    for shade in (dark, hover):
        assert colours.contrast(shade, colours.ON_ACCENT_DARK) >= colours.AA, (colour, shade)
    # Lightened in its own hue, and only as far as it must be: a light colour is kept as it is.
    if colours.contrast(colour, colours.DARK_SURFACE) >= colours.AA:
        assert dark == colour
    else:
        assert colours.luminance(dark) > colours.luminance(colour)
        assert colours.contrast(colours.darker(dark, 0.97), colours.DARK_SURFACE) < colours.AA + 0.5


def test_a_lightened_accent_keeps_its_hue():
    assert colours.dark_accent("#000080") == "#8a8aff"  # navy becomes a light blue, not a grey
    assert colours.dark_accent("#ffcc00") == "#ffcc00"
    assert colours.dark_accent("#0b5d4b") == "#14a686"


def test_app_css_dark_colours_are_the_ones_the_accent_is_checked_against():
    css = (Path(colours.__file__).parent / "static" / "app.css").read_text(encoding="utf-8")
    dark = css[css.index("@media (prefers-color-scheme: dark)"):]
    dark = dark[: dark.index("\n  }\n")]
    assert "color-scheme: light dark;" in css
    default = colours.dark_accent("#0b5d4b")
    for name, value in (("bg", colours.DARK_PAGE), ("card", colours.DARK_CARD), ("notice-bg", colours.DARK_SURFACE),
                        ("on-brand", colours.ON_ACCENT_DARK), ("brand", default), ("brand-dark", colours.lighter(default))):
        assert f"--{name}: {value};" in dark, name
    # Every colour of the light theme has a dark counterpart.
    light = css[css.index(":root {"): css.index("@media (prefers-color-scheme: dark)")]
    light_names = set(re.findall(r"--([a-z-]+): (?:#|rgba)", light))
    assert light_names <= set(re.findall(r"--([a-z-]+):", dark)), light_names - set(re.findall(r"--([a-z-]+):", dark))


async def test_a_light_accent_is_refused_with_its_contrast_and_a_dark_one_is_kept(make_user, make_client, school):
    admin = await make_user("admin")
    async with make_client() as theirs:
        assert (await sign_in(theirs, admin.email)).status_code == 303
        refused = await post(theirs, f"/admin/schools/{school}", FORM | {"accent_colour": "#ffcc00"})
        assert refused.status_code == 422
        assert "This colour is too light: white text on it and the colour as text on the page contrast only 1.4:1" in refused.text
        assert "they need at least 4.5:1" in refused.text and 'value="#ffcc00"' in refused.text
        for wrong in ("red", "#12345", "#12345g", "javascript:x"):
            refused = await post(theirs, f"/admin/schools/{school}", FORM | {"accent_colour": wrong})
            assert refused.status_code == 422 and "six hexadecimal digits" in refused.text, wrong
        assert (await post(theirs, f"/admin/schools/{school}", FORM | {"accent_colour": "7B2D8E"})).status_code == 303
    assert (await School.select(School.accent_colour).where(School.id == school).first())["accent_colour"] == "#7b2d8e"


async def test_the_header_names_the_school_and_links_its_colour(client, signed_in, school, other_school, make_user, make_client):
    await School.update({School.accent_colour: "#7b2d8e"}).where(School.id == school)
    await School.update({School.accent_colour: "#123456"}).where(School.id == other_school)
    await signed_in("student")
    page = (await client.get("/student")).text
    assert re.search(r'<a class="brand" href="/"><span class="brand-name">Test Career Center</span></a>', page)
    assert f'<link rel="stylesheet" href="/schools/{school}/theme.css?v=7b2d8e">' in page
    assert "<style" not in page and "style=" not in page  # the policy allows no inline style

    theme = await client.get(f"/schools/{school}/theme.css?v=7b2d8e")
    assert theme.status_code == 200 and theme.headers["content-type"].startswith("text/css")
    assert theme.text == (":root { --brand: #7b2d8e; --brand-dark: #5c216a; }\n"
                          "@media (prefers-color-scheme: dark) { :root { --brand: #c176d4; --brand-dark: #cd91dd; } }\n")
    assert theme.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert theme.headers["x-content-type-options"] == "nosniff"
    # Another school's colours are not for this school's people, nor for anyone signed out.
    assert (await client.get(f"/schools/{other_school}/theme.css")).status_code == 404
    async with make_client() as nobody:
        assert (await nobody.get(f"/schools/{school}/theme.css")).status_code == 404
        assert "theme.css" not in (await nobody.get("/signin")).text


async def test_a_school_without_an_accent_links_no_theme(client, signed_in):
    await signed_in("student")
    page = (await client.get("/student")).text
    assert "theme.css" not in page and '<a class="brand" href="/"><span class="brand-name">Test Career Center</span></a>' in page


async def test_the_pdf_names_the_school(client, signed_in, school):
    await School.update({School.accent_colour: "#7b2d8e"}).where(School.id == school)
    student = await signed_in("student")
    await new_entry(student, title="Shadowed a welder", hours="2")
    text = pdf_text((await client.get("/student/portfolio.pdf")).content)
    assert "TEST CAREER CENTER · CAREER PORTFOLIO" in text


async def test_the_sign_in_page_shows_the_district(settings, make_client):
    async with make_client(dataclasses.replace(settings, district_name="Riverside Unified School District")) as browser:
        page = (await browser.get("/signin")).text
    assert '<p class="district">Riverside Unified School District</p>' in page
    async with make_client() as browser:
        assert 'class="district"' not in (await browser.get("/signin")).text


async def _upload_logo(browser, school: int | None, name: str, data: bytes):
    """Upload to an administrator's school page, or (school None) to the staff member's own school."""
    url = "/staff/school/logo" if school is None else f"/admin/schools/{school}/logo"
    return await browser.post(url, files={"logo": (name, data)}, headers=csrf_headers(browser))


async def _identity(school: int) -> dict:
    return await School.select(School.name, School.accent_colour, School.logo_version).where(School.id == school).first()


async def test_a_logo_is_a_picture_without_metadata_in_its_schools_header(client, signed_in, make_user, make_client, school, other_school):
    admin = await make_user("admin")
    async with make_client() as theirs:
        assert (await sign_in(theirs, admin.email)).status_code == 303
        for name, data in (("logo.png", samples.svg_renamed()), ("logo.png", samples.html_renamed()),
                           ("logo.pdf", samples.pdf()), ("logo.heic", samples.heic_with_gps()),
                           ("logo.png", samples.png_plain(1200, 10)), ("logo.png", b"")):
            refused = await _upload_logo(theirs, school, name, data)
            assert refused.status_code == 422 and "Choose a PNG, JPEG or WebP picture of at most 512 KB" in refused.text, name
        assert (await _upload_logo(theirs, school, "logo.jpg", samples.jpeg_with_gps())).status_code == 303
        version = (await School.select(School.logo_version).where(School.id == school).first())["logo_version"]
        assert f'src="/schools/{school}/logo?v={version}" alt="Test Career Center"' in (await theirs.get(f"/admin/schools/{school}")).text

    await signed_in("student")
    page = (await client.get("/student")).text
    assert re.search(rf'<a class="brand" href="/"><img class="logo" src="/schools/{school}/logo\?v={version}" alt="" '
                     r'width="32" height="32"><span class="brand-name">Test Career Center</span></a>', page)
    logo = await client.get(f"/schools/{school}/logo?v={version}")
    assert logo.status_code == 200 and logo.headers["content-type"] == "image/jpeg"
    assert logo.headers["x-content-type-options"] == "nosniff" and "max-age=31536000" in logo.headers["cache-control"]
    with Image.open(io.BytesIO(logo.content)) as picture:
        assert picture.format == "JPEG" and not picture.getexif().get_ifd(GPS_IFD) and b"GPSLatitude" not in logo.content
    assert (await client.get(f"/schools/{other_school}/logo")).status_code == 404
    async with make_client() as nobody:
        assert (await nobody.get(f"/schools/{school}/logo")).status_code == 404


async def test_staff_set_their_own_school_s_name_and_colour_with_the_administrator_s_checks(make_user, make_client, school, other_school):
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as theirs:
        page = await theirs.get("/staff/school")
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        assert '<form method="post" action="/staff/school" novalidate>' in page.text and 'value="Test Career Center"' in page.text
        # Only the identity: what the school's year and goal are stays the administrator's.
        assert 'name="timezone"' not in page.text and 'name="wbl_goal_hours"' not in page.text
        assert "No logo: the header shows the school's name alone." in page.text and "Remove logo" not in page.text
        account = (await theirs.get("/account")).text
        assert '<a href="/staff/school">' in account and "School name, logo and colour" in account

        refused = await post(theirs, "/staff/school", {"name": "Test Career Center", "accent_colour": "#ffcc00"})
        assert refused.status_code == 422
        assert "This colour is too light: white text on it and the colour as text on the page contrast only 1.4:1" in refused.text
        assert 'value="#ffcc00"' in refused.text and 'class="error-summary"' in refused.text
        refused = await post(theirs, "/staff/school", {"name": "", "accent_colour": "red"})
        assert refused.status_code == 422 and "Enter the school&#39;s name" in refused.text and "six hexadecimal digits" in refused.text
        refused = await post(theirs, "/staff/school", {"name": "other high school", "accent_colour": ""})
        assert refused.status_code == 422 and "Another school already has this name." in refused.text
        # A school id sent along is no way into another school: the page is the staff member's own.
        saved = await post(theirs, "/staff/school", {"name": "Northside Tech", "accent_colour": "7B2D8E", "school_id": str(other_school),
                                                      "timezone": "Europe/Paris", "wbl_goal_hours": "40"})
        assert saved.status_code == 303 and saved.headers["location"] == "/staff/school?saved=1"
        again = await theirs.get(saved.headers["location"])
        assert "School saved." in again.text and "<h1>Northside Tech</h1>" in again.text
        assert '<a class="brand" href="/"><span class="brand-name">Northside Tech</span></a>' in again.text
        assert f'href="/schools/{school}/theme.css?v=7b2d8e"' in again.text
    row = await School.select().where(School.id == school).first()
    assert (row["name"], row["accent_colour"], row["timezone"], row["wbl_goal_hours"]) == ("Northside Tech", "#7b2d8e", "America/New_York", None)
    assert (await _identity(other_school))["name"] == "Other High School"
    # Who changed what is recorded, as for an administrator.
    event = await AuditEvent.select().where((AuditEvent.action == "school.changed") & (AuditEvent.actor == staff.id)).first()
    assert event["subject"] == f"school:{school}"
    assert json.loads(event["detail"]) == {"changed": ["accent_colour", "name"]}


async def test_staff_upload_and_remove_their_school_s_logo_and_the_colour_stays(client, signed_in, make_user, make_client, school):
    await School.update({School.accent_colour: "#7b2d8e"}).where(School.id == school)
    staff = await make_user("staff")
    async with browser_of(make_client, staff) as theirs:
        refused = await _upload_logo(theirs, None, "logo.png", samples.svg_renamed())
        assert refused.status_code == 422 and "Choose a PNG, JPEG or WebP picture of at most 512 KB" in refused.text
        assert (await _upload_logo(theirs, None, "logo.png", samples.png_plain(96, 96))).status_code == 303
        version = (await _identity(school))["logo_version"]
        page = (await theirs.get("/staff/school")).text
        assert f'<img class="logo" src="/schools/{school}/logo?v={version}"' in page  # their own header
        assert '<form method="post" action="/staff/school/logo/remove" class="logo-remove">' in page
        assert (await theirs.get(f"/schools/{school}/logo")).status_code == 200

        student = await signed_in("student")
        assert f'<img class="logo" src="/schools/{school}/logo?v={version}"' in (await client.get("/student")).text

        removed = await post(theirs, "/staff/school/logo/remove")
        assert removed.status_code == 303 and removed.headers["location"] == "/staff/school?saved=1"
        assert (await theirs.get(f"/schools/{school}/logo")).status_code == 404
    assert await _identity(school) == {"name": "Test Career Center", "accent_colour": "#7b2d8e", "logo_version": ""}
    page = (await client.get("/student")).text
    assert '<a class="brand" href="/"><span class="brand-name">Test Career Center</span></a>' in page and 'class="logo"' not in page
    assert f'href="/schools/{school}/theme.css?v=7b2d8e"' in page
    assert (await client.get(f"/schools/{school}/logo")).status_code == 404
    changes = await AuditEvent.select(AuditEvent.detail).where((AuditEvent.action == "school.changed") & (AuditEvent.actor == staff.id))
    assert len(changes) == 2, student


async def test_an_administrator_removes_a_school_s_logo(make_user, make_client, school):
    admin = await make_user("admin")
    async with browser_of(make_client, admin) as theirs:
        assert (await _upload_logo(theirs, school, "logo.jpg", samples.jpeg_with_gps())).status_code == 303
        assert "Remove logo" in (await theirs.get(f"/admin/schools/{school}")).text
        removed = await post(theirs, f"/admin/schools/{school}/logo/remove")
        assert removed.status_code == 303 and removed.headers["location"] == "/admin/schools?saved=1"
        page = (await theirs.get(f"/admin/schools/{school}")).text
        assert "No logo: the header shows the school's name alone." in page and "Remove logo" not in page
        assert (await theirs.get(f"/schools/{school}/logo")).status_code == 404
        # Removing what is not there is no error: the school simply has no logo.
        assert (await post(theirs, f"/admin/schools/{school}/logo/remove")).status_code == 303
    assert (await _identity(school))["logo_version"] == ""


def _images_on_first_page(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    try:
        return sum(1 for item in document[0].get_objects() if item.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE)
    finally:
        document.close()


@pytest.mark.parametrize("picture", [samples.png_plain(600, 200), samples.jpeg_with_gps(), samples.webp_with_location()])
async def test_the_pdf_draws_the_school_s_logo_beside_its_name(client, signed_in, make_user, make_client, school, picture):
    student = await signed_in("student")
    await new_entry(student, title="Shadowed a welder", hours="2")
    without = (await client.get("/student/portfolio.pdf")).content
    assert _images_on_first_page(without) == 0 and "TEST CAREER CENTER · CAREER PORTFOLIO" in pdf_text(without)

    async with browser_of(make_client, await make_user("staff")) as staff:
        assert (await _upload_logo(staff, None, "logo", picture)).status_code == 303
    made = await client.get("/student/portfolio.pdf")
    assert made.status_code == 200 and made.headers["content-type"] == "application/pdf"
    assert _images_on_first_page(made.content) == 1 and b"/Subtype /Image" in made.content
    assert "TEST CAREER CENTER · CAREER PORTFOLIO" in pdf_text(made.content)
    # Shrunk to what 12 mm of paper needs, so the logo does not weigh on every PDF.
    assert len(made.content) - len(without) < 60_000
