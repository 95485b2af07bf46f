"""The installable app: the service worker at the root scope, the web app manifest and the offline page."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.response import Template

from portfolio.assets import STATIC, static_url
from portfolio.auth import public
from portfolio.settings import Settings
from portfolio.templating import HTMX_FILE

ICONS = ("icons/icon-192.png", "icons/icon-512.png", "icons/maskable-512.png", "icons/sprite.svg")
# Every behaviour script, found rather than listed: a page opened offline finds whichever ones it links,
# and a new one changes the worker's version like any other change to the shell.
BEHAVIOURS = tuple(sorted(f"behaviours/{path.name}" for path in (STATIC / "behaviours").glob("*.js")))
# The shell the service worker keeps on the phone; none of it holds anybody's data.
SHELL_FILES = ("app.css", HTMX_FILE, "offline.js", *BEHAVIOURS, *ICONS)
THEME = "#0b5d4b"  # app.css --brand
BACKGROUND = "#f6f8f7"  # app.css --bg


@cache
def service_worker(release: str = "") -> str:
    """sw.js with its cache version filled in: a hash of the worker and the shell files, so any change to
    them is a new worker, a new cache, and the old cache removed, without anyone bumping a number.

    The release name (PORTFOLIO_RELEASE) goes into the hash too, so that a deploy can make every phone
    fetch the shell again when the files did not change (a fix in what the server puts in /offline, say)."""
    source = (STATIC / "sw.js").read_text(encoding="utf-8")
    digest = hashlib.sha256(source.encode())
    for name in SHELL_FILES:
        digest.update((STATIC / name).read_bytes())
    if release:  # unset, the version is the files' alone
        digest.update(b"\0release\0" + release.encode())
    # The hashed URLs the pages link, so the worker answers them from its cache.
    shell = ["/offline", *(static_url(name) for name in SHELL_FILES)]
    return (
        source.replace('"__VERSION__"', json.dumps(digest.hexdigest()[:12]))
        .replace('["__SHELL__"]', json.dumps(shell))
        .replace('"/static/offline.js"', json.dumps(static_url("offline.js")))
    )


def manifest() -> dict:
    return {
        "id": "/",
        "name": "Career Portfolio",
        "short_name": "Portfolio",
        "description": "Log your work-based learning hours, even without a signal.",
        # "/" sends each role to its own page (routes/home.py), and offline the worker opens a student's kept
        # dashboard.
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": [
            {"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static_url("icons/maskable-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }


class PwaController(Controller):
    guards = [public]

    @get("/sw.js", cache_control=None)
    async def sw(self, settings: NamedDependency[Settings]) -> Response:
        return Response(
            service_worker(settings.release),
            media_type="text/javascript; charset=utf-8",
            headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
        )

    @get("/manifest.webmanifest")
    async def web_manifest(self) -> Response:
        return Response(
            json.dumps(manifest()),
            media_type="application/manifest+json",
            headers={"Cache-Control": "no-cache"},
        )

    @get("/offline")
    async def offline(self) -> Template:
        # Kept by the service worker for everyone on the phone: no user's name, navigation or id in it.
        return Template(template_name="pages/offline.html", context={"shell_page": True})
