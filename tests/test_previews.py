"""Previews: photo thumbnails without metadata, HEIC made viewable, PDFs rendered in a limited child process."""

from __future__ import annotations

import asyncio
import io
import json
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import psutil
import pytest
from PIL import Image, ImageCms

from portfolio.services import previews
from portfolio.services.previews import (
    PreviewFailed,
    image_display,
    image_thumbnail,
    pdf_preview,
)
from tests import samples
from tests.factories import write

IMAGE_SAMPLES = [
    ("image/jpeg", samples.jpeg_with_gps),
    ("image/png", samples.png_with_location),
    ("image/webp", samples.webp_with_location),
    ("image/heic", samples.heic_with_gps),
]
IDS = [mime for mime, _ in IMAGE_SAMPLES]


def assert_clean_jpeg(path: Path) -> Image.Image:
    """A JPEG with nothing of the original's metadata: no EXIF, no XMP, no GPS anywhere in the bytes."""
    data = path.read_bytes()
    assert b"Exif" not in data[:4096]
    assert b"GPS" not in data and b"adobe:ns:meta" not in data and b"40,26" not in data
    with Image.open(path) as image:
        image.load()
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "xmp" not in image.info and "exif" not in image.info and "comment" not in image.info
    return image


# --- hostile PDFs, written by hand (samples.pdf only makes well-formed ones) -----------------------

def build_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def one_page_pdf(page_extra: bytes = b"", *more: bytes, trailer: bytes = b"") -> bytes:
    return build_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] %s >>" % page_extra,
            *more,
        ],
        trailer,
    )


def slow_pdf(strokes: int = 300_000) -> bytes:
    """About 60 kB that inflate to a page of 300,000 lines: seconds of CPU and ~100 MB to render."""
    content = zlib.compress(b"0 0 m 600 700 l S\n" * strokes, 9)
    stream = b"<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
    return one_page_pdf(b"/Contents 4 0 R", stream)


def password_pdf() -> bytes:
    """Standard security handler whose user password is not the empty one."""
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"11" * 32, b"22" * 32)
    return one_page_pdf(b"", encrypt, trailer=b"/Encrypt 4 0 R /ID [<%s> <%s>]" % (b"33" * 16, b"33" * 16))


def children() -> set[int]:
    return {child.pid for child in psutil.Process().children(recursive=True)}


# --- image thumbnails -----------------------------------------------------------------------------

@pytest.mark.parametrize(("mime", "make"), IMAGE_SAMPLES, ids=IDS)
def test_thumbnail_is_an_upright_jpeg_without_metadata(tmp_path: Path, mime, make):
    src = write(tmp_path, "photo", make())
    dst = tmp_path / "thumb.jpg"
    image_thumbnail(src, mime, dst)
    image = assert_clean_jpeg(dst)
    # The samples are 64 x 48 with Orientation 6 (turn 90 degrees clockwise to view).
    assert image.size == (48, 64)


@pytest.mark.parametrize(
    ("mime", "make", "source", "expected"),
    [
        ("image/jpeg", samples.jpeg_with_gps, (2000, 1500), (360, 480)),
        ("image/png", samples.png_with_location, (2000, 1500), (360, 480)),
        ("image/webp", samples.webp_with_location, (2000, 1500), (360, 480)),
        ("image/heic", samples.heic_with_gps, (640, 480), (360, 480)),  # HEIC encoding is slow: smaller
    ],
    ids=IDS,
)
def test_thumbnail_of_a_large_photo_fits_the_bound(tmp_path: Path, mime, make, source, expected):
    src = write(tmp_path, "photo", make(*source))
    dst = tmp_path / "thumb.jpg"
    image_thumbnail(src, mime, dst)
    image = assert_clean_jpeg(dst)
    assert image.size == expected
    assert max(image.size) <= previews.THUMB_SIZE


def test_jpeg_is_decoded_at_reduced_size(tmp_path: Path, monkeypatch):
    from PIL import JpegImagePlugin

    decoded = []
    real_draft = JpegImagePlugin.JpegImageFile.draft

    def draft(self, mode, size):
        result = real_draft(self, mode, size)
        decoded.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", draft)
    src = write(tmp_path, "photo.jpg", samples.jpeg_with_gps(2000, 1500))
    image_thumbnail(src, "image/jpeg", tmp_path / "thumb.jpg")
    # 1/2 scale: the smallest DCT scale still at least 480 px on both sides. (Image.thumbnail's own
    # draft asks for twice the bound and would decode this one at full size.)
    assert decoded[0] == (1000, 750)


def test_transparency_becomes_white(tmp_path: Path):
    rgba = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    rgba.paste((200, 0, 0, 255), (0, 0, 20, 20))
    buffer = io.BytesIO()
    rgba.save(buffer, "PNG")
    palette = rgba.convert("P", palette=Image.Palette.ADAPTIVE)
    palette_buffer = io.BytesIO()
    palette.save(palette_buffer, "PNG", transparency=palette.getpixel((30, 10)))
    for name, data in (("rgba.png", buffer.getvalue()), ("palette.png", palette_buffer.getvalue())):
        dst = tmp_path / f"{name}.jpg"
        image_thumbnail(write(tmp_path, name, data), "image/png", dst)
        image = assert_clean_jpeg(dst).convert("RGB")
        assert image.size == (40, 20)
        assert min(image.getpixel((35, 10))) >= 245, name  # transparent: white, not black
        red, green, blue = image.getpixel((5, 10))
        assert red > 150 and green < 60 and blue < 60, name


def test_sixteen_bit_greyscale_is_not_washed_out(tmp_path: Path):
    grey = Image.new("I;16", (32, 32), 0x8000)  # mid-grey in 16 bits
    buffer = io.BytesIO()
    grey.save(buffer, "PNG")
    dst = tmp_path / "thumb.jpg"
    image_thumbnail(write(tmp_path, "grey.png", buffer.getvalue()), "image/png", dst)
    assert 110 <= assert_clean_jpeg(dst).convert("L").getpixel((16, 16)) <= 145


def test_icc_profile_is_applied_not_copied(tmp_path: Path):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (30, 120, 200)).save(buffer, "JPEG", quality=95, icc_profile=srgb)
    dst = tmp_path / "thumb.jpg"
    image_thumbnail(write(tmp_path, "icc.jpg", buffer.getvalue()), "image/jpeg", dst)
    image = assert_clean_jpeg(dst)
    assert b"ICC_PROFILE" not in dst.read_bytes() and "icc_profile" not in image.info
    assert all(abs(a - b) <= 6 for a, b in zip(image.getpixel((10, 10)), (30, 120, 200)))


def test_unreadable_images_fail_cleanly(tmp_path: Path):
    garbage = write(tmp_path, "garbage.jpg", b"\xff\xd8\xff\xe0" + b"\x00garbage" * 100)
    with pytest.raises(PreviewFailed) as failed:
        image_thumbnail(garbage, "image/jpeg", tmp_path / "a.jpg")
    assert failed.value.reason == "unreadable"
    # Each type is decoded only by its own decoder: a PNG that says it is a JPEG is not read.
    png = write(tmp_path, "really.png", samples.png_with_location())
    with pytest.raises(PreviewFailed) as failed:
        image_thumbnail(png, "image/jpeg", tmp_path / "b.jpg")
    assert failed.value.reason == "unreadable"
    truncated = write(tmp_path, "truncated.heic", samples.heic_with_gps()[:300])
    with pytest.raises(PreviewFailed) as failed:
        image_thumbnail(truncated, "image/heic", tmp_path / "c.jpg")
    assert failed.value.reason == "unreadable"
    assert not list(tmp_path.glob("?.jpg"))
    with pytest.raises(ValueError):
        image_thumbnail(png, "image/gif", tmp_path / "d.jpg")


def test_decompression_bomb_is_too_large(tmp_path: Path):
    # samples.decompression_bomb() takes most of a second to make; the same IHDR claim is enough.
    data = bytearray(samples.png_with_location())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", 20000, 20000)
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr : ihdr + 17])))
    with pytest.raises(PreviewFailed) as failed:
        image_thumbnail(write(tmp_path, "bomb.png", bytes(data)), "image/png", tmp_path / "bomb.jpg")
    assert failed.value.reason == "too_large"


def test_heic_display_copy_is_a_plain_jpeg(tmp_path: Path):
    src = write(tmp_path, "photo.heic", samples.heic_with_gps())
    dst = tmp_path / "display.jpg"
    image_display(src, "image/heic", dst)
    image = assert_clean_jpeg(dst)
    assert image.size == (48, 64)
    image_display(src, "image/heic", dst, max_side=32)
    assert assert_clean_jpeg(dst).size == (24, 32)


# --- PDF previews ---------------------------------------------------------------------------------

async def test_pdf_preview_renders_page_one(tmp_path: Path):
    src = write(tmp_path, "doc.pdf", samples.pdf(pages=3))
    dst = tmp_path / "preview.jpg"
    started = time.perf_counter()
    assert await pdf_preview(src, dst) == 3
    elapsed = time.perf_counter() - started
    image = assert_clean_jpeg(dst)
    assert image.size == (371, 480)  # US Letter, portrait
    assert elapsed < 5
    assert sorted(path.name for path in tmp_path.iterdir()) == ["doc.pdf", "preview.jpg"]


async def test_landscape_page_fits_the_bound(tmp_path: Path):
    src = write(tmp_path, "doc.pdf", one_page_pdf(b"/Rotate 90"))
    dst = tmp_path / "preview.jpg"
    assert await pdf_preview(src, dst, size=200) == 1
    assert assert_clean_jpeg(dst).size == (200, 155)


@pytest.mark.parametrize(
    "data",
    [
        samples.malformed_pdf(),
        password_pdf(),
        build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
        b"",
    ],
    ids=["malformed", "password", "no-pages", "empty"],
)
async def test_unreadable_pdf(tmp_path: Path, data: bytes):
    src = write(tmp_path, "doc.pdf", data)
    dst = write(tmp_path, "preview.jpg", b"the previous preview")
    with pytest.raises(PreviewFailed) as failed:
        await pdf_preview(src, dst)
    assert failed.value.reason == "unreadable"
    assert dst.read_bytes() == b"the previous preview"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["doc.pdf", "preview.jpg"]


async def test_missing_pdf_is_unreadable(tmp_path: Path):
    with pytest.raises(PreviewFailed) as failed:
        await pdf_preview(tmp_path / "nothing.pdf", tmp_path / "preview.jpg")
    assert failed.value.reason == "unreadable"


async def test_too_many_pages(tmp_path: Path):
    src = write(tmp_path, "doc.pdf", samples.pdf(pages=3))
    dst = tmp_path / "preview.jpg"
    with pytest.raises(PreviewFailed) as failed:
        await pdf_preview(src, dst, max_pages=2)
    assert failed.value.reason == "too_large"
    assert not dst.exists()
    assert await pdf_preview(src, dst, max_pages=3) == 3


async def test_slow_pdf_times_out_and_the_child_is_gone(tmp_path: Path):
    src = write(tmp_path, "slow.pdf", slow_pdf())
    dst = tmp_path / "preview.jpg"
    before = children()
    started = time.perf_counter()
    with pytest.raises(PreviewFailed) as failed:
        await pdf_preview(src, dst, timeout=0.5)
    assert failed.value.reason == "timeout"
    assert time.perf_counter() - started < 2
    assert children() <= before  # killed and reaped: not running, not a zombie
    assert sorted(path.name for path in tmp_path.iterdir()) == ["slow.pdf"]


async def test_cancelled_preview_leaves_no_child(tmp_path: Path):
    src = write(tmp_path, "slow.pdf", slow_pdf())
    before = children()
    task = asyncio.create_task(pdf_preview(src, tmp_path / "preview.jpg"))
    await asyncio.sleep(0.3)
    assert children() - before  # the worker is running
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert children() <= before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["slow.pdf"]


async def test_memory_limit_fails_cleanly(tmp_path: Path):
    dst = tmp_path / "preview.jpg"
    # A page PDFium needs ~100 MB for, under a 64 MiB limit: its allocator aborts the child.
    with pytest.raises(PreviewFailed) as failed:
        await pdf_preview(write(tmp_path, "big.pdf", slow_pdf()), dst, memory_mb=64)
    assert failed.value.reason == "unreadable"
    # Even a plain PDF fails when the limit leaves no room for PDFium itself.
    plain = write(tmp_path, "plain.pdf", samples.pdf())
    with pytest.raises(PreviewFailed):
        await pdf_preview(plain, dst, memory_mb=8)
    assert not dst.exists()
    # The parent is unharmed, and 64 MiB is plenty for an ordinary document.
    assert await pdf_preview(plain, dst, memory_mb=64) == 1


def run_worker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", previews.WORKER, *args], capture_output=True, timeout=30, check=False
    )


def test_worker_replies_with_nothing_from_the_pdf(tmp_path: Path):
    src = write(tmp_path, "doc.pdf", samples.malformed_pdf())
    result = run_worker(str(src), str(tmp_path / "out.jpg"), "480", "512")
    assert result.returncode == 1
    assert json.loads(result.stdout) == {"error": "unreadable"}
    assert b"garbage" not in result.stdout + result.stderr and b"Traceback" not in result.stderr


def test_worker_cpu_limit(tmp_path: Path):
    src = write(tmp_path, "slow.pdf", slow_pdf())
    result = run_worker(str(src), str(tmp_path / "out.jpg"), "480", "512", "1")
    assert result.returncode == -signal.SIGXCPU
    assert not (tmp_path / "out.jpg").exists()
    with pytest.raises(PreviewFailed) as failed:
        previews._pages(result.returncode, result.stdout)
    assert failed.value.reason == "timeout"
