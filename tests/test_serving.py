"""How responses travel: the static files under names hashed from their bytes, kept a year by the phone,
and gzip for what the server writes, never for what is compressed already (photos, PDFs), with every
page's cache headers as they were."""

from __future__ import annotations

import re
import shutil

import httpx
from litestar import Litestar, get
from litestar.datastructures import ETag
from litestar.response import File

from portfolio.assets import HASH_IN_NAME, HASHED_CACHE, PLAIN_CACHE, STATIC, bundled, scan, static_url
from portfolio.compression import MINIMUM_SIZE, compression_config
from tests import samples
from tests.factories import add_photo, counting_queries, csrf_headers, new_entry, sign_in

GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}
YEAR = "public, max-age=31536000, immutable"


def _path(url: str) -> str:
    return url.removeprefix("/static/")


def test_a_changed_file_gets_a_new_name_and_the_others_keep_theirs(tmp_path):
    copy = tmp_path / "static"
    shutil.copytree(STATIC, copy)
    before = scan(copy)
    assert before.urls == bundled().urls
    assert re.fullmatch(r"/static/app\.[0-9a-f]{10}\.css", before.url("app.css"))
    assert re.fullmatch(r"/static/htmx-2\.0\.\d+\.min\.[0-9a-f]{10}\.js", before.url("htmx-2.0.11.min.js"))
    css = copy / "app.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.changed { color: #000; }\n", encoding="utf-8")
    after = scan(copy)
    assert after.url("app.css") != before.url("app.css")
    assert {name: url for name, url in after.urls.items() if name != "app.css"} == {
        name: url for name, url in before.urls.items() if name != "app.css"}
    assert after.find(_path(after.url("app.css"))).cache_control == HASHED_CACHE
    # The old name still answers (a page from before the change): today's bytes, and only for a few minutes.
    old = after.find(_path(before.url("app.css")))
    assert old.data == css.read_bytes() and old.cache_control == PLAIN_CACHE


def test_the_service_worker_reads_hashed_names_as_the_server_does():
    source = (STATIC / "sw.js").read_text(encoding="utf-8")
    pattern = re.search(r"return path\.replace\(/(.+)/, \"\$1\"\);", source)[1]
    assert pattern == HASH_IN_NAME.pattern
    for name, url in bundled().urls.items():
        assert re.sub(pattern, r"\1", url) == f"/static/{name}"


async def test_a_hashed_url_is_kept_a_year_and_a_plain_one_briefly(client):
    css = (STATIC / "app.css").read_bytes()
    hashed = await client.get(static_url("app.css"), headers=IDENTITY)
    assert hashed.status_code == 200 and hashed.content == css
    assert hashed.headers["cache-control"] == YEAR
    assert hashed.headers["content-type"] == "text/css; charset=utf-8"
    assert "unsafe-inline" not in hashed.headers["content-security-policy"]
    plain = await client.get("/static/app.css", headers=IDENTITY)
    assert plain.content == css and plain.headers["cache-control"] == "public, max-age=300"
    stale = await client.get("/static/app.0123456789.css", headers=IDENTITY)
    assert stale.content == css and stale.headers["cache-control"] == "public, max-age=300"
    for path in ("/static/nothing.css", "/static/nothing.0123456789.css", "/static/%2e%2e/app.py",
                 "/static/..%2Fsettings.py", "/static/icons", "/static/icons/", "/static/icons/..%2F..%2Fapp.py"):
        assert (await client.get(path)).status_code == 404, path
    head = await client.head(static_url("app.css"), headers=IDENTITY)
    assert head.status_code == 200 and head.content == b"" and head.headers["content-length"] == str(len(css))
    # A browser that has the bytes (the service worker asks with no-cache) hears 304 and nothing more.
    again = await client.get("/static/app.css", headers={**IDENTITY, "If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


async def test_pages_link_the_hashed_urls_and_no_inline_code(client, signed_in):
    for user in (None, "student", "staff"):
        if user:
            client.cookies.clear()
            await signed_in(user)
        page = (await client.get("/student" if user == "student" else "/staff" if user else "/signin")).text
        linked = re.findall(r'(?:src|href)="(/static/[^"#]+)', page)
        assert static_url("app.css") in linked and static_url("offline.js") in linked, user
        for url in set(linked):
            assert url in bundled().urls.values(), f"{url} is not a hashed URL"
            assert (await client.get(url)).headers["cache-control"] == YEAR, url
        assert "<script>" not in page and " style=" not in page and "<style" not in page


async def test_static_text_is_sent_gzipped_as_made_at_start_and_images_as_they_are(client):
    css = await client.get(static_url("app.css"), headers=GZIP)
    assert css.headers["content-encoding"] == "gzip" and css.headers["vary"] == "Accept-Encoding"
    assert css.content == (STATIC / "app.css").read_bytes()  # httpx unpacks it
    assert css.num_bytes_downloaded < len(css.content) / 3
    plain = await client.get(static_url("app.css"), headers=IDENTITY)
    assert css.headers["etag"] != plain.headers["etag"]  # two representations, two tags
    for refused in ("gzip;q=0", "br, gzip; q=0.0"):
        assert "content-encoding" not in (await client.get(static_url("app.css"), headers={"Accept-Encoding": refused})).headers
    assert (await client.get(static_url("app.css"), headers={"Accept-Encoding": "br, gzip;q=0.5"})).headers["content-encoding"] == "gzip"
    icon = await client.get(static_url("icons/icon-192.png"), headers=GZIP)
    assert "content-encoding" not in icon.headers
    assert icon.content == (STATIC / "icons" / "icon-192.png").read_bytes()
    assert icon.headers["content-length"] == str(len(icon.content))


async def test_pages_and_fragments_are_gzipped_and_keep_their_cache_headers(client, signed_in, make_client, make_user):
    signin = await client.get("/signin", headers=GZIP)
    assert signin.headers["content-encoding"] == "gzip" and "Accept-Encoding" in signin.headers["vary"]
    assert signin.num_bytes_downloaded < len(signin.content) / 2
    for refused in ("identity", "gzip;q=0"):
        assert "content-encoding" not in (await client.get("/signin", headers={"Accept-Encoding": refused})).headers
    # Smaller than a packet: sent as it is.
    health = await client.get("/healthz", headers=GZIP)
    assert len(health.content) < MINIMUM_SIZE and "content-encoding" not in health.headers

    student = await signed_in("student")
    dashboard = await client.get("/student", headers=GZIP)
    assert dashboard.headers["content-encoding"] == "gzip"
    assert "no-store" not in dashboard.headers.get("cache-control", "") and "x-session-expires" in dashboard.headers
    assert set(dashboard.headers["vary"].replace(" ", "").split(",")) == {"HX-Request", "Accept-Encoding"}
    # An htmx fragment (the entry form again, with what is wrong) is gzip'd like a page.
    fragment = await client.post("/student/experiences", data={"title": ""},
                                 headers={**GZIP, **csrf_headers(client), "HX-Request": "true"})
    assert fragment.status_code == 422 and fragment.headers["content-encoding"] == "gzip"
    assert "<form" in fragment.text and "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["vary"] and "Accept-Encoding" in fragment.headers["vary"]

    staff = await make_user("staff", school_id=student.school_id)
    async with make_client() as office:
        assert (await sign_in(office, staff.email)).status_code == 303
        roster = await office.get("/staff", headers=GZIP)
        assert roster.headers["content-encoding"] == "gzip" and roster.headers["cache-control"] == "no-store"
        listing = await office.get("/staff/partners.csv", headers=GZIP)
        assert listing.status_code == 200 and listing.headers["content-type"].startswith("text/csv")
        assert listing.headers["content-disposition"].startswith("attachment;")
        assert "no-store" in listing.headers["cache-control"]


async def test_photos_and_pdfs_are_never_gzipped(client, signed_in, settings):
    student = await signed_in("student")
    entry_id = await new_entry(student)
    photo = await add_photo(settings, student, entry_id, samples.jpeg_plain(width=640, height=480))
    original = await client.get(f"/evidence/{photo['id']}", headers=GZIP)
    assert original.status_code == 200 and original.headers["content-type"] == "image/jpeg"
    assert "content-encoding" not in original.headers
    assert original.headers["content-length"] == str(len(original.content)) and original.content[:2] == b"\xff\xd8"
    assert original.headers["cache-control"] == "private, no-store"
    thumb = await client.get(f"/evidence/{photo['id']}/thumb", headers=GZIP)
    assert thumb.status_code == 200 and "content-encoding" not in thumb.headers
    document = await client.get("/student/portfolio.pdf", headers=GZIP)
    assert document.status_code == 200 and document.content.startswith(b"%PDF-")
    assert "content-encoding" not in document.headers and document.headers["cache-control"] == "private, no-store"


async def test_a_streamed_text_file_is_gzipped_with_a_weak_tag_and_an_image_is_streamed_untouched(tmp_path):
    """The middleware on its own, with Litestar's streamed files (the way evidence is sent)."""
    text = tmp_path / "notes.txt"
    text.write_text("Torque the bolts to spec. " * 400, encoding="utf-8")
    image = tmp_path / "photo.jpg"
    image.write_bytes(samples.jpeg_plain(width=640, height=480))

    @get("/text")
    async def send_text() -> File:
        return File(path=text, media_type="text/plain", etag=ETag(value="notes-1"), chunk_size=1024)

    @get("/image")
    async def send_image() -> File:
        return File(path=image, media_type="image/jpeg", etag=ETag(value="photo-1"), chunk_size=1024)

    app = Litestar([send_text, send_image], compression_config=compression_config())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        streamed = await http.get("/text", headers=GZIP)
        assert streamed.headers["content-encoding"] == "gzip" and streamed.headers["etag"] == 'W/"notes-1"'
        assert streamed.content == text.read_bytes() and streamed.num_bytes_downloaded < len(streamed.content) / 10
        photo = await http.get("/image", headers=GZIP)
        assert "content-encoding" not in photo.headers and photo.headers["etag"] == '"photo-1"'
        assert photo.content == image.read_bytes() and photo.headers["content-length"] == str(image.stat().st_size)


async def test_static_files_never_load_the_session_or_the_user(client, signed_in):
    await signed_in("student")
    page = await client.get("/student")
    css = next(link for link in re.findall(r'href="(/static/[^"]+)"', page.text) if link.endswith(".css"))
    async with counting_queries() as seen:
        response = await client.get(css)
    assert response.status_code == 200 and seen == []
    # The pages still know who is signed in.
    async with counting_queries() as seen:
        assert (await client.get("/student")).status_code == 200
    assert seen
