"""Previews of uploaded evidence: small JPEG thumbnails of photos and PDFs, and a JPEG that browsers can
show for a HEIC photo.

What is written is pixels only: no EXIF, XMP or comments, so a preview never carries the GPS position
or camera details of the original. The image functions do CPU work; call them through asyncio.to_thread.
PDFs are rendered in a child process (see pdf_render), because PDFium parsing hostile input inside the
server could take all of its memory, loop for ever or crash it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import math
import os
import secrets
import signal
import sys
from functools import cache
from pathlib import Path

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

THUMB_SIZE = 480  # longest side, px
DISPLAY_SIZE = 2048
THUMB_QUALITY = 80
DISPLAY_QUALITY = 85
# Each type is decoded only by its own Pillow plugin: a file is never handed to a decoder it was not
# checked for.
FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/heic": "HEIF",
    "image/heif": "HEIF",
}
WORKER = "portfolio.services.pdf_render"


class PreviewFailed(Exception):
    """No preview could be made. `reason` is "unreadable", "timeout" or "too_large"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- images ---------------------------------------------------------------------------------------

def image_thumbnail(src: Path, mime: str, dst: Path, size: int = THUMB_SIZE) -> None:
    """A JPEG of `src` (JPEG, PNG, WebP or HEIC) at most `size` px on its longest side, upright, with no
    metadata. Raises PreviewFailed("unreadable") or, past Pillow's pixel limit, PreviewFailed("too_large")."""
    _save_jpeg(_upright(src, mime, size), dst, THUMB_QUALITY)


def image_display(src: Path, mime: str, dst: Path, max_side: int = DISPLAY_SIZE) -> None:
    """A browser-viewable JPEG of a photo, meant for HEIC (which Chromium cannot show): upright, no metadata,
    at most `max_side` px on its longest side. Raises PreviewFailed as image_thumbnail does."""
    _save_jpeg(_upright(src, mime, max_side), dst, DISPLAY_QUALITY)


@cache
def _register_heif() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()


def _upright(src: Path, mime: str, max_side: int) -> Image.Image:
    """The picture no larger than max_side, turned as its EXIF says, as RGB on white."""
    if mime not in FORMATS:
        raise ValueError(f"no previews for {mime}")
    if FORMATS[mime] == "HEIF":
        _register_heif()
    try:
        with Image.open(src, formats=[FORMATS[mime]]) as image:
            # JPEG decodes at 1/2 to 1/8 scale and HEIC picks an embedded thumbnail, when big enough:
            # a 12-megapixel photo then never exists in memory at full size.
            image.draft("RGB", (max_side, max_side))
            icc_profile = image.info.get("icc_profile")
            smaller = _resizable(image)
            # The bound is square, so shrinking before turning gives the same size, and turns fewer pixels.
            smaller.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            upright = ImageOps.exif_transpose(smaller)
    except Image.DecompressionBombError:
        raise PreviewFailed("too_large") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        # Pillow reports truncated or corrupt files with any of these.
        raise PreviewFailed("unreadable") from None
    return _flatten(_to_srgb(upright, icc_profile))


def _resizable(image: Image.Image) -> Image.Image:
    """A mode that resizes smoothly: palette and 1-bit images would be resized pixel by pixel."""
    if image.mode in ("P", "PA"):
        return image.convert("RGBA" if image.has_transparency_data else "RGB")
    if image.mode == "1":
        return image.convert("L")
    if image.mode.startswith("I"):
        # 16-bit greyscale (scans, some PNGs): converting straight to 8 bits clips nearly all to white.
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "F":
        return image.convert("L")
    return image


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Colours as sRGB, since the profile is not written: a Display P3 iPhone photo would look dull."""
    if not icc_profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken or mismatched profile: the pixels as they are are still a fair preview


@cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _save_jpeg(image: Image.Image, dst: Path, quality: int) -> None:
    # Pillow's JPEG writer falls back on image.info for the comment; nothing of the original goes out.
    image.info = {}
    image.save(dst, "JPEG", quality=quality)


# --- PDFs -----------------------------------------------------------------------------------------

async def pdf_preview(
    src: Path,
    dst: Path,
    *,
    size: int = THUMB_SIZE,
    timeout: float = 15.0,
    memory_mb: int = 512,
    max_pages: int = 2000,
) -> int:
    """Render page 1 of a PDF to a JPEG thumbnail in a child process limited to `memory_mb` of address
    space and killed after `timeout` seconds. Returns the page count.

    Raises PreviewFailed: "unreadable" (malformed, password-protected, no pages, or over the memory limit),
    "timeout", or "too_large" (more than max_pages pages). On failure `dst` is left as it was."""
    # The child writes beside dst and only a finished thumbnail takes dst's name: a killed child
    # leaves no half-written JPEG for the app to serve.
    partial = dst.with_name(f".{dst.name}.{secrets.token_hex(8)}.partial")
    try:
        pages = await _run_worker(src, partial, size, timeout, memory_mb)
        if pages > max_pages:
            raise PreviewFailed("too_large")
        os.replace(partial, dst)
        return pages
    finally:
        partial.unlink(missing_ok=True)


async def _run_worker(src: Path, out: Path, size: int, timeout: float, memory_mb: int) -> int:
    # The CPU limit is only a backstop for a child whose parent is gone; the parent's clock comes first.
    cpu_seconds = math.ceil(timeout) + 1
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", WORKER, str(src), str(out), str(size), str(memory_mb), str(cpu_seconds),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        # PDFium and Python may print parts of the document when they fail; none of it reaches a log.
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with asyncio.timeout(timeout):
            output, _ = await process.communicate()
    except TimeoutError:
        raise PreviewFailed("timeout") from None
    finally:
        # On timeout, on cancellation, on anything: the child dies and is reaped here, never left running.
        await _reap(process)
    return _pages(process.returncode, output)


async def _reap(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
    # Shielded, so that a second cancellation cannot interrupt the wait and leave a zombie.
    await asyncio.shield(process.wait())


def _pages(returncode: int | None, output: bytes) -> int:
    if returncode == -signal.SIGXCPU:
        raise PreviewFailed("timeout")
    if returncode != 0:
        # Includes SIGABRT, which is how PDFium's allocator stops when it reaches the memory limit.
        raise PreviewFailed("unreadable")
    try:
        pages = json.loads(output)["pages"]
    except (ValueError, KeyError, TypeError):
        raise PreviewFailed("unreadable") from None
    if not isinstance(pages, int) or pages < 1:
        raise PreviewFailed("unreadable")
    return pages
