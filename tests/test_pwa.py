"""The installable app over HTTP: the service worker at the root scope, the manifest and its icons, the
offline page (which holds nobody's data), and caches cleared at sign-in and sign-out."""

from __future__ import annotations

import io
import json
import re

from PIL import Image

from portfolio.assets import STATIC, static_url
from portfolio.forms import entry as entry_form
from portfolio.routes.pwa import SHELL_FILES
from portfolio.tables import Organization, School
from tests.factories import csrf_headers, entries_in_every_state, sign_in


async def test_the_service_worker_is_served_at_the_root_scope(client):
    response = await client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["cache-control"] == "no-cache"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    body = response.text
    assert "__VERSION__" not in body and "__SHELL__" not in body
    version = re.search(r'var VERSION = "([0-9a-f]{12})";', body)
    assert version, "the cache version is filled in"
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", body).group(1))
    assert "/offline" in shell
    # The URLs the pages link: a kept page finds its files in the cache, and the phone's own cache keeps
    # them a year.
    assert len(shell) == len(SHELL_FILES) + 1
    for name in SHELL_FILES:
        assert static_url(name) in shell
        served = await client.get(static_url(name))
        assert served.status_code == 200 and "immutable" in served.headers["cache-control"], name
    assert f'importScripts("{static_url("offline.js")}");' in body
    # Never cached: fragments, writes, the API.
    assert "HX-Request" in body and '"/api/"' in body and 'request.method !== "GET"' in body


async def test_the_manifest_passes_the_install_criteria_and_its_icons_load(client):
    response = await client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Career Portfolio" and manifest["short_name"] == "Portfolio"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    css = (await client.get("/static/app.css")).text
    assert f"--brand: {manifest['theme_color']};" in css
    assert f"--bg: {manifest['background_color']};" in css
    purposes = set()
    for icon in manifest["icons"]:
        image = await client.get(icon["src"])
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(image.content)) as picture:
            assert picture.format == "PNG"
            assert f"{picture.width}x{picture.height}" == icon["sizes"]
        purposes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes


async def test_the_installed_app_opens_on_each_role_s_own_page(client, make_user, make_client):
    start = (await client.get("/manifest.webmanifest")).json()["start_url"]
    organization = (await Organization.insert(Organization(name="Start Co")).returning(Organization.id))[0]["id"]
    for role in ("student", "mentor", "employer", "staff", "admin"):
        user = await make_user(role, organization_id=organization if role == "employer" else None)
        async with make_client() as phone:
            assert (await sign_in(phone, user.email)).status_code == 303
            opened = await phone.get(start, follow_redirects=True)
            assert opened.status_code == 200, role
            assert opened.url.path == f"/{role}", role
    # Signed out, it asks for a sign-in that comes back to the start.
    async with make_client() as phone:
        opened = await phone.get(start)
        assert opened.status_code == 303 and opened.headers["location"].startswith("/signin?next=/")


async def test_pages_link_the_manifest_and_icons(client):
    page = (await client.get("/signin")).text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'rel="apple-touch-icon"' in page and 'name="theme-color"' in page
    assert f'<script src="{static_url("offline.js")}" defer></script>' in page
    assert "<script>" not in page


async def test_the_offline_page_has_no_user_in_it(client, signed_in):
    anonymous = await client.get("/offline")
    assert anonymous.status_code == 200 and "You are offline" in anonymous.text
    student = await signed_in("student")
    page = await client.get("/offline")
    assert page.status_code == 200
    assert "data-user-id" not in page.text and "Sign out" not in page.text and student.email not in page.text
    dashboard = await client.get("/student")
    assert f'data-user-id="{student.id}"' in dashboard.text
    assert "data-sync-list" in dashboard.text and "Waiting to sync" in dashboard.text
    form = await client.get("/student/experiences/new")
    assert "data-offline-queue" in form.text and 'name="client_uuid"' in form.text


async def test_the_offline_queue_keeps_the_fields_the_server_reads(client, signed_in):
    await signed_in("student")
    page = (await client.get("/student/experiences/new")).text
    form = re.search(r'<form [^>]*data-offline-queue="([^"]*)"[^>]*>(.*?)</form>', page, re.S)
    assert form, "the new-entry form is not marked for the offline queue"
    assert tuple(form.group(1).split()) == entry_form.FIELDS
    for name in entry_form.FIELDS:
        assert f'name="{name}"' in form.group(2), f"the form has no {name} field"
    # ... and no script keeps a list of its own that could drift from it.
    for script in STATIC.rglob("*.js"):
        text = script.read_text(encoding="utf-8")
        assert not all(f'"{name}"' in text for name in entry_form.FIELDS), script.name


async def test_sign_in_and_sign_out_clear_the_caches(client, make_user):
    user = await make_user("student")
    signed = await sign_in(client, user.email)
    assert signed.status_code == 303
    assert signed.headers["clear-site-data"] == '"cache"'
    out = await client.post("/signout", headers=csrf_headers(client))
    assert out.status_code == 303 and out.headers["clear-site-data"] == '"cache"'
    assert out.headers["location"] == "/signin?signed_out=1"


async def test_the_dashboard_weighs_at_most_45_kb_compressed(client, signed_in, make_user, settings, capsys):
    """HTML and every style sheet, script and icon sprite the page links (the offline queue included), gzip'd,
    the sprite once however many icons use it, for a student with an entry in every state (so the progress
    ring's, the chart's and the timeline's markup are in it)."""
    import gzip

    student = await signed_in("student")
    await entries_in_every_state(student, make_user, settings)
    await School.update({School.wbl_goal_hours: 40}).where(School.id == student.school_id)
    page = await client.get("/student")
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"', page.text)
    paths = [css or js for css, js in assets]
    assert static_url("offline.js") in paths and static_url("behaviours/sync-queue.js") in paths
    sprites = sorted({href.split("#")[0] for href in re.findall(r'<use href="([^"]+)"', page.text)})
    assert sprites == [static_url("icons/sprite.svg")]
    paths += sprites
    weight = len(gzip.compress(page.content))
    for path in paths:
        weight += len(gzip.compress((await client.get(path)).content))
    with capsys.disabled():
        print(f"\n  dashboard page weight: {weight / 1024:.1f} KB compressed ({len(paths)} files and the HTML)")
    assert weight <= 45 * 1024
