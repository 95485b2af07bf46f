"""What a file is, decided by its bytes: its type and its hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

from portfolio.services.media.errors import EMPTY, NOT_ALLOWED, Rejected
from portfolio.services.media.png import PNG_SIGNATURE

ALLOWED = {"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"}

HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
# An AVIF file also lists the generic brand mif1; its own brands win, since AVIF is not accepted.
AVIF_BRANDS = {b"avif", b"avis"}


def sniff(path: Path) -> str:
    """The file's type decided by its content, never by its name or the browser's claim."""
    with open(path, "rb") as file:
        head = file.read(4096)
    if not head:
        raise Rejected(EMPTY)
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(PNG_SIGNATURE):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    # Only at offset 0: readers accept "%PDF-" further in, which lets HTML ride in front of a PDF.
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    brands = _ftyp_brands(head)
    if brands & HEIC_BRANDS and not brands & AVIF_BRANDS:
        return "image/heic"
    raise Rejected(NOT_ALLOWED)


def _ftyp_brands(head: bytes) -> set[bytes]:
    """Major and compatible brands of an ISO-BMFF file's leading 'ftyp' box (empty if there is none)."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return set()
    size = int.from_bytes(head[:4], "big")
    if size < 16 or size > len(head) or size % 4:
        return set()
    return {head[8:12]} | {head[i : i + 4] for i in range(16, size, 4)}


def sha256_of(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
