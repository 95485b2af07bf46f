"""Browser code, one small file per behaviour in portfolio/static/behaviours/: every page links the
behaviours its markup asks for, and every script a page links is in the service worker's shell (so the
page works offline)."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, meta

from portfolio.assets import STATIC
from portfolio.routes.pwa import SHELL_FILES
from portfolio.templating import HTMX_FILE

TEMPLATES = STATIC.parent / "templates"
BEHAVIOURS = sorted((STATIC / "behaviours").glob("*.js"))
_jinja = Environment(loader=FileSystemLoader(TEMPLATES))


def _markup(name: str, seen: set[str] | None = None) -> str:
    """A template's text with that of every template it extends, includes or imports from."""
    seen = set() if seen is None else seen
    if name in seen:
        return ""
    seen.add(name)
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    return source + "".join(_markup(other, seen) for other in meta.find_referenced_templates(_jinja.parse(source)) if other)


def _linked(markup: str) -> set[str]:
    """The static files a template's scripts name (pages link them by their hashed URLs: static_url(...))."""
    found = re.findall(r'<script src="\{\{ static_url\((?:"([^"]+)"|(HTMX_FILE))\) \}\}"', markup)
    assert markup.count("<script src=") == len(found), "a script linked by another means than static_url()"
    return {HTMX_FILE if htmx else name for name, htmx in found}


def _keys(script: Path) -> set[str]:
    """The data attributes a behaviour starts on: those in the selectors it gives Portfolio.behaviour."""
    selectors = re.findall(r'Portfolio\.behaviour\("([^"]+)"', script.read_text(encoding="utf-8"))
    return {key for selector in selectors for key in re.findall(r"\[(data-[\w-]+)", selector)}


def test_every_page_links_the_behaviours_its_markup_uses():
    keyed = {script.name: _keys(script) for script in BEHAVIOURS}
    assert {"data-copy", "data-progress", "data-signature-form", "data-offline-queue"} <= set().union(*keyed.values())
    missing = []
    for page in sorted((TEMPLATES / "pages").glob("*.html")):
        markup = _markup(f"pages/{page.name}")
        linked = _linked(markup)
        for name, keys in keyed.items():
            used = sorted(key for key in keys if re.search(rf"(?<![\w-]){key}(?![\w-])", markup))
            if used and f"behaviours/{name}" not in linked:
                missing.append(f"{page.name} uses {', '.join(used)} but does not link behaviours/{name}")
    assert missing == []


def test_a_behaviour_keyed_on_no_element_runs_on_every_page():
    everywhere = _linked(_markup("base.html"))
    assert "behaviours/shared.js" in everywhere
    for script in BEHAVIOURS:
        if not _keys(script):
            assert f"behaviours/{script.name}" in everywhere, script.name


def test_every_script_a_page_links_is_in_the_service_workers_shell():
    for template in TEMPLATES.rglob("*.html"):
        for src in _linked(template.read_text(encoding="utf-8")):
            assert src in SHELL_FILES, f"{template.name} links /static/{src}, which the app does not keep offline"
    assert {f"behaviours/{script.name}" for script in BEHAVIOURS} <= set(SHELL_FILES)
