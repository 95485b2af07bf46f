"""Whether an image is safe to decode and whole: its size is checked from the header before any pixel is
unpacked, then it is decoded once to prove it reads."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PIL import Image

from portfolio.services.media.errors import UNREADABLE_IMAGE, Rejected

MAX_PIXELS = 50_000_000

# Pillow's plugin for each type, and the formats it may report (a JPEG with a Multi-Picture index,
# as phones write, opens as "MPO").
_PILLOW = {
    "image/jpeg": ("JPEG", {"JPEG", "MPO"}),
    "image/png": ("PNG", {"PNG"}),
    "image/webp": ("WEBP", {"WEBP"}),
    "image/heic": ("HEIF", {"HEIF"}),
}


@cache
def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()


def check_image(path: Path, mime: str, max_pixels: int = MAX_PIXELS) -> tuple[int, int]:
    """Refuse an image that is too large or does not decode; returns (width, height).

    The size comes from the header before anything is decoded, so a decompression bomb (a small file
    that unpacks to gigabytes) is refused without being unpacked."""
    if mime not in _PILLOW:
        raise ValueError(f"not an image type: {mime}")
    _register_heif()
    plugin, formats = _PILLOW[mime]
    try:
        # formats= keeps Pillow from trying every other plugin on a file we already typed.
        with Image.open(path, formats=[plugin]) as image:
            width, height = image.size
            if image.format not in formats:
                raise Rejected(UNREADABLE_IMAGE)
            if width * height > max_pixels:
                raise Rejected(_too_large(width, height, max_pixels))
            image.load()
    except Rejected:
        raise
    except Image.DecompressionBombError:
        # Pillow's own limit, met in Image.open when max_pixels is set above it.
        raise Rejected(_too_large(0, 0, max_pixels)) from None
    except Exception:
        # Decoders fail on hostile data in many ways (OSError, SyntaxError, ValueError, struct.error,
        # EOFError, ...); for the student every one of them means the same thing.
        raise Rejected(UNREADABLE_IMAGE) from None
    return width, height


def _too_large(width: int, height: int, max_pixels: int) -> str:
    size = f" ({width} x {height} pixels)" if width and height else ""
    limit = f"{max_pixels / 1_000_000:g} megapixels"
    return (
        f"This image is too large{size}. Photos can be up to {limit}; "
        "please upload a smaller copy (JPEG, PNG, WebP or HEIC)."
    )
