"""A copy of an upload without its location, made by the walker for its format."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

from portfolio.services.media.errors import UNREADABLE_FILE, Broken, Rejected
from portfolio.services.media.heic import strip_heic
from portfolio.services.media.jpeg import strip_jpeg
from portfolio.services.media.png import strip_png
from portfolio.services.media.webp import strip_webp

_STRIPPERS = {
    "image/jpeg": strip_jpeg,
    "image/png": strip_png,
    "image/webp": strip_webp,
    "image/heic": strip_heic,
}


def strip_location(src: Path, dst: Path, mime: str) -> None:
    """Write to dst a copy of src with every location field removed and the rest (notably the EXIF
    Orientation, so photos are not shown sideways) kept, without re-encoding the image data."""
    if mime == "application/pdf":
        # A PDF is a document; its metadata (title, author, software) is not a location.
        shutil.copyfile(src, dst)
        return
    if mime not in _STRIPPERS:
        raise ValueError(f"not an allowed type: {mime}")
    try:
        stripped = _STRIPPERS[mime](src.read_bytes())
    except (Broken, IndexError, struct.error):
        raise Rejected(UNREADABLE_FILE) from None
    # Written only once complete, so a refused file leaves nothing behind.
    dst.write_bytes(stripped)
