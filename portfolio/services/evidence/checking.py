"""Checking an upload before anything is stored: its content must be an allowed type, a photo loses its
location, and the previews are made, all in a work folder of its own."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portfolio.errors import FormErrors
from portfolio.services import media, previews

IMAGES = {"image/jpeg", "image/png", "image/webp", "image/heic"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/heic": "heic", "application/pdf": "pdf"}


class Rejected(FormErrors):
    """An upload we refuse; the message is for the student."""

    def __init__(self, message: str) -> None:
        super().__init__({"file": message})


@dataclass(frozen=True)
class Upload:
    path: Path
    original_name: str


@dataclass(frozen=True)
class Ready:
    """A checked and cleaned file, not stored yet. It lives in a work folder of its own: discard() it."""

    work: Path
    prepared: dict[str, Any]


def _too_large(limit_mb: int) -> str:
    return f"This file is larger than {limit_mb} MB. Take a smaller photo, or scan fewer pages."


def _preview_problem(mime: str, reason: str) -> str:
    if mime in IMAGES:
        return "This photo could not be read. It may be damaged; take it again or export it as JPEG."
    if reason == "timeout":
        return "This PDF took too long to open. Save it again as a simpler PDF, or upload a photo of it."
    if reason == "too_large":
        return "This PDF has too many pages. Upload only the pages that matter."
    return "This PDF could not be read. It may be damaged or password-protected."


async def _prepare(upload: Upload, work: Path, max_bytes: int, max_pixels: int) -> dict[str, Any]:
    """Check the upload and make what will be stored: the cleaned original and its previews."""
    size = upload.path.stat().st_size
    if size > max_bytes:
        raise Rejected(_too_large(max_bytes // (1024 * 1024)))
    try:
        mime = await asyncio.to_thread(media.sniff, upload.path)
        cleaned = work / f"original.{EXTENSIONS[mime]}"
        thumb = work / "thumb.jpg"
        display = None
        width = height = pages = None
        if mime in IMAGES:
            width, height = await asyncio.to_thread(media.check_image, upload.path, mime, max_pixels)
            await asyncio.to_thread(media.strip_location, upload.path, cleaned, mime)
            await asyncio.to_thread(previews.image_thumbnail, cleaned, mime, thumb)
            if mime == "image/heic":  # browsers other than Safari cannot show HEIC
                display = work / "display.jpg"
                await asyncio.to_thread(previews.image_display, cleaned, mime, display)
        else:
            await asyncio.to_thread(shutil.copyfile, upload.path, cleaned)
            pages = await previews.pdf_preview(cleaned, thumb)
    except media.Rejected as refused:
        raise Rejected(refused.message) from None
    except previews.PreviewFailed as failed:
        raise Rejected(_preview_problem(mime, failed.reason)) from None
    return {
        "original_name": upload.original_name[:255] or "evidence",
        "mime": mime,
        "cleaned": cleaned,
        "thumb": thumb,
        "display": display,
        "sha256": await asyncio.to_thread(media.sha256_of, cleaned),
        "size": cleaned.stat().st_size,
        "width": width,
        "height": height,
        "pages": pages,
    }


async def check(upload: Upload, *, work_root: Path, max_bytes: int, max_pixels: int) -> Ready:
    """Check and clean one upload (raises Rejected), before anything is written anywhere."""
    work_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=work_root))
    try:
        return Ready(work, await _prepare(upload, work, max_bytes, max_pixels))
    except BaseException:
        await discard(Ready(work, {}))
        raise


async def discard(ready: Ready) -> None:
    await asyncio.to_thread(shutil.rmtree, ready.work, True)
