"""Writes portfolio/static/icons/sprite.svg: the Lucide icons the navigation uses, one <symbol> each.

Lucide (https://lucide.dev, ISC licence) is vendored as this one file, with no build step in the app. To add an
icon, name it in ICONS and run, from the repository's root:

    cd /tmp && npm pack lucide-static@1.87.0 && tar xzf lucide-static-1.87.0.tgz
    python3 infra/icon-sprite.py /tmp/package

and copy the package's LICENSE to portfolio/static/icons/lucide-LICENSE.txt when the version changes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ICONS = (
    "award", "badge-check", "building-2", "calendar-days", "chevron-left", "circle-user", "clock", "compass",
    "chart-column", "file-check", "history", "inbox", "lock", "log-out", "mail", "school", "share-2", "star",
    "users",
)
OUT = Path(__file__).resolve().parent.parent / "portfolio" / "static" / "icons" / "sprite.svg"


def body(svg: str) -> str:
    """The drawing inside the icon's <svg> element, on one line."""
    inner = re.search(r"<svg[^>]*>(.*)</svg>", svg, re.S)
    assert inner, "not an SVG"
    return re.sub(r"\s*\n\s*", "", inner.group(1)).replace(" />", "/>")


def main(package: Path) -> None:
    version = json.loads((package / "package.json").read_text())["version"]
    symbols = "".join(
        f'<symbol id="{name}" viewBox="0 0 24 24">{body((package / "icons" / f"{name}.svg").read_text())}</symbol>'
        for name in ICONS
    )
    OUT.write_text(
        f"<!-- Lucide icons (lucide-static {version}, ISC licence: lucide-LICENSE.txt); made by infra/icon-sprite.py -->\n"
        # Stroke and fill come from app.css (.icon): a <use> instance inherits from where it is used.
        f'<svg xmlns="http://www.w3.org/2000/svg">{symbols}</svg>\n',
        encoding="utf-8",
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
