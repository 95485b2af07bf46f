"""Uploaded files: typing by content, refusing bombs and broken images, removing location."""

from __future__ import annotations

import hashlib
import time
import tracemalloc
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pillow_heif
import pytest
from PIL import Image

from portfolio.services import media
from portfolio.services.media import Rejected
from tests import samples
from tests.factories import write

pillow_heif.register_heif_opener()

LOCATION_BYTES = (b"GPSLatitude", b"GPSLongitude", b"40.4461N")
IMAGES = {
    "jpeg": (samples.jpeg_with_gps, "image/jpeg"),
    "png": (samples.png_with_location, "image/png"),
    "webp": (samples.webp_with_location, "image/webp"),
    "heic": (samples.heic_with_gps, "image/heic"),
}
FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "heic": "HEIF"}


def pixels(path: Path) -> tuple[tuple[int, int], str, bytes]:
    with Image.open(path) as image:
        image.load()
        return image.size, image.mode, image.tobytes()


def raw_orientation(path: Path, mime: str) -> int | None:
    """The Orientation stored in the file (pillow_heif resets it to 1 in what Pillow shows, because
    libheif already turns the picture, and keeps the stored value as original_orientation)."""
    with Image.open(path) as image:
        if mime == "image/heic":
            return image.info.get("original_orientation")
        return image.getexif().get(0x0112)


# --- sniff ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("make", "name", "expected"),
    [
        (samples.jpeg_with_gps, "report.pdf", "image/jpeg"),
        (samples.jpeg_plain, "notes.txt", "image/jpeg"),
        (samples.png_with_location, "photo.jpg", "image/png"),
        (samples.webp_with_location, "scan.png", "image/webp"),
        (samples.heic_with_gps, "letter.pdf", "image/heic"),
        (samples.pdf, "photo.jpg", "application/pdf"),
        (samples.malformed_pdf, "photo.heic", "application/pdf"),  # typed here, judged elsewhere
        (samples.decompression_bomb, "tiny.webp", "image/png"),
    ],
)
def test_sniff_types_by_content_not_name(tmp_path, make, name, expected):
    assert media.sniff(write(tmp_path, name, make())) == expected


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (samples.svg_renamed, "photo.jpg"),
        (samples.html_renamed, "photo.png"),
        (samples.plain_text, "essay.pdf"),
        (samples.zip_archive, "photo.heic"),
        (samples.avif_header, "photo.heic"),
        (samples.avif_photo, "photo.heic"),
        (samples.windows_executable, "resume.pdf"),
    ],
)
def test_sniff_refuses_lookalikes_saying_what_is_allowed(tmp_path, make, name):
    with pytest.raises(Rejected) as refused:
        media.sniff(write(tmp_path, name, make()))
    for kind in ("JPEG", "PNG", "WebP", "HEIC", "PDF"):
        assert kind in refused.value.message
    assert str(refused.value) == refused.value.message


def test_sniff_refuses_empty_file(tmp_path):
    with pytest.raises(Rejected) as refused:
        media.sniff(write(tmp_path, "photo.jpg", b""))
    assert refused.value.message == "The file is empty."


# --- check_image ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("make", "mime", "size"),
    [
        (lambda: samples.jpeg_with_gps(80, 40), "image/jpeg", (80, 40)),
        (lambda: samples.png_with_location(80, 40), "image/png", (80, 40)),
        (lambda: samples.webp_with_location(80, 40), "image/webp", (80, 40)),
        # The HEIC encoder stores the Orientation 6 as a rotation libheif applies on reading, so the
        # image comes out turned, as it should be shown.
        (lambda: samples.heic_with_gps(80, 40), "image/heic", (40, 80)),
        (samples.jpeg_plain, "image/jpeg", (64, 48)),
    ],
)
def test_check_image_accepts_samples_and_returns_size(tmp_path, make, mime, size):
    assert media.check_image(write(tmp_path, "upload", make()), mime) == size


def refused_without_decoding(path: Path, mime: str) -> Rejected:
    """check_image's refusal, checked to be quick and to have allocated no image memory: tracemalloc
    sees Python's allocations, Pillow's own counters see the pixel buffers it mallocs in C."""
    tracemalloc.start()
    Image.core.reset_stats()
    started = time.perf_counter()
    try:
        with pytest.raises(Rejected) as refused:
            media.check_image(path, mime)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 2
    assert peak < 50_000_000
    assert Image.core.get_stats()["new_count"] == 0  # no image buffer was ever created
    return refused.value


def test_check_image_refuses_bomb_before_decoding(tmp_path):
    path = write(tmp_path, "bomb.png", samples.decompression_bomb())
    refused = refused_without_decoding(path, "image/png")
    assert refused.message.startswith("This image is too large")


def test_check_image_refuses_oversize_under_pillows_own_limit_before_decoding(tmp_path):
    # 60 megapixels of RGB would take 180 MB decoded; Pillow itself only objects above 89 megapixels,
    # so here it is our limit that refuses.
    path = write(tmp_path, "big.png", samples.png_claiming(10_000, 6_000))
    refused = refused_without_decoding(path, "image/png")
    assert refused.message.startswith("This image is too large (10000 x 6000 pixels).")


def test_check_image_max_pixels_is_a_parameter(tmp_path):
    path = write(tmp_path, "photo.jpg", samples.jpeg_with_gps(64, 48))
    assert media.check_image(path, "image/jpeg", max_pixels=64 * 48) == (64, 48)
    with pytest.raises(Rejected) as refused:
        media.check_image(path, "image/jpeg", max_pixels=64 * 48 - 1)
    assert refused.value.message.startswith("This image is too large (64 x 48 pixels).")


def test_check_image_refuses_truncated_jpeg(tmp_path):
    data = samples.jpeg_with_gps()
    path = write(tmp_path, "photo.jpg", data[: len(data) // 2])
    with pytest.raises(Rejected) as refused:
        media.check_image(path, "image/jpeg")
    assert refused.value.message.startswith("This image could not be read")


@pytest.mark.parametrize(
    ("make", "mime"),
    [
        (samples.png_with_location, "image/jpeg"),  # Pillow's format must agree with the sniffed type
        (samples.jpeg_with_gps, "image/webp"),
        (samples.svg_renamed, "image/png"),
        (lambda: samples.png_plain()[:200], "image/png"),
    ],
)
def test_check_image_refuses_what_does_not_decode_as_its_type(tmp_path, make, mime):
    with pytest.raises(Rejected, match="could not be read"):
        media.check_image(write(tmp_path, "upload", make()), mime)


# --- strip_location ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", IMAGES)
def test_strip_location_removes_location_keeps_orientation_and_pixels(tmp_path, kind):
    make, mime = IMAGES[kind]
    src = write(tmp_path, f"src.{kind}", make())
    dst = tmp_path / f"dst.{kind}"
    assert b"GPSLatitude" in src.read_bytes() and raw_orientation(src, mime) == 6

    media.strip_location(src, dst, mime)

    data = dst.read_bytes()
    for needle in LOCATION_BYTES:
        assert needle not in data
    with Image.open(dst) as image:
        image.load()
        assert not image.getexif().get_ifd(0x8825)
        assert 0x010F not in image.getexif()  # the camera goes too: only the orientation stays
    assert raw_orientation(dst, mime) == 6
    assert media.sniff(dst) == mime
    # Same decoded bytes: the image data was copied, not re-encoded (for HEIC too, where only
    # metadata bytes were overwritten in place).
    assert pixels(dst) == pixels(src)


def png_chunks(data: bytes) -> list[tuple[bytes, bytes, bytes]]:
    """(type, body, CRC) of each chunk."""
    chunks = []
    pos = 8
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        end = pos + 8 + length
        chunks.append((data[pos + 4 : pos + 8], data[pos + 8 : end], data[end : end + 4]))
        pos = end + 4
    return chunks


def png_with_crcs_fixed(data: bytes) -> bytes:
    return data[:8] + b"".join(
        len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
        for kind, body, _ in png_chunks(data)
    )


def test_strip_png_writes_valid_chunks_and_drops_text(tmp_path):
    src = write(tmp_path, "src.png", samples.png_with_location())
    dst = tmp_path / "dst.png"
    media.strip_location(src, dst, "image/png")
    chunks = png_chunks(dst.read_bytes())
    for kind, body, crc in chunks:
        assert zlib.crc32(kind + body).to_bytes(4, "big") == crc, kind
    assert [kind for kind, _, _ in chunks] == [b"IHDR", b"eXIf", b"IDAT", b"IEND"]


def test_strip_webp_fixes_riff_size_and_flags(tmp_path):
    src = write(tmp_path, "src.webp", samples.webp_with_location())
    dst = tmp_path / "dst.webp"
    media.strip_location(src, dst, "image/webp")
    data = dst.read_bytes()
    assert int.from_bytes(data[4:8], "little") == len(data) - 8
    assert data[12:16] == b"VP8X"
    assert data[20] & 0x04 == 0  # no XMP announced
    assert data[20] & 0x08  # EXIF (without GPS) still there
    assert b"XMP " not in data


def test_strip_heic_wipes_in_place_and_leaves_readable_xmp(tmp_path):
    src = write(tmp_path, "src.heic", samples.heic_with_gps())
    dst = tmp_path / "dst.heic"
    media.strip_location(src, dst, "image/heic")
    assert len(dst.read_bytes()) == len(src.read_bytes())
    heif = pillow_heif.open_heif(dst)
    xmp = heif.info["xmp"]
    assert b"GPS" not in xmp
    ElementTree.fromstring(xmp.decode())  # an empty packet, not garbage, for whoever parses XMP


def test_strip_jpeg_drops_every_other_place_location_hides(tmp_path):
    src = write(tmp_path, "src.jpg", samples.jpeg_with_hidden_location())
    dst = tmp_path / "dst.jpg"
    assert media.check_image(src, "image/jpeg") == (64, 48)
    media.strip_location(src, dst, "image/jpeg")
    data = dst.read_bytes()
    for needle in (*LOCATION_BYTES, b"Pittsburgh", b"79.9822", b"Photoshop", b"ftypmp42"):
        assert needle not in data
    assert data.endswith(b"\xff\xd9")  # nothing after the image
    assert raw_orientation(dst, "image/jpeg") == 6
    assert pixels(dst) == pixels(src)


@pytest.mark.parametrize("kind", IMAGES)
def test_strip_location_removes_gps_pointed_to_from_the_exif_sub_ifd(tmp_path, kind):
    mime = IMAGES[kind][1]
    src = write(tmp_path, f"src.{kind}", samples.with_gps_in_exif_ifd(FORMATS[kind]))
    dst = tmp_path / f"dst.{kind}"
    latitude = b"".join(n.to_bytes(4, "big") + (1).to_bytes(4, "big") for n in (40, 26, 46))
    with Image.open(src) as image:  # the sample is what it claims: GPS found through the Exif IFD
        assert image.getexif().get_ifd(0x8769).get(0x8825) and latitude in src.read_bytes()

    media.strip_location(src, dst, mime)

    assert latitude not in dst.read_bytes()
    with Image.open(dst) as image:
        exif = image.getexif()
        assert not exif.get_ifd(0x8769) and not exif.get_ifd(0x8825)
        assert set(exif) <= {0x0112}  # nothing but the orientation is left
    assert raw_orientation(dst, mime) == 6
    assert pixels(dst) == pixels(src)


@pytest.mark.parametrize(
    ("make", "mime"), [(samples.jpeg_plain, "image/jpeg"), (samples.png_plain, "image/png")]
)
def test_strip_location_leaves_plain_images_unchanged(tmp_path, make, mime):
    src = write(tmp_path, "src", make())
    dst = tmp_path / "dst"
    media.strip_location(src, dst, mime)
    assert pixels(dst) == pixels(src)
    assert dst.read_bytes() == src.read_bytes()  # nothing to remove, so not a byte changed


def test_strip_location_copies_pdf_as_is(tmp_path):
    src = write(tmp_path, "src.pdf", samples.pdf(2))
    dst = tmp_path / "dst.pdf"
    media.strip_location(src, dst, "application/pdf")
    assert dst.read_bytes() == src.read_bytes()


@pytest.mark.parametrize("kind", IMAGES)
def test_strip_location_refuses_broken_structure_and_writes_nothing(tmp_path, kind):
    make, mime = IMAGES[kind]
    data = make()
    src = write(tmp_path, "src", data[: len(data) * 2 // 3])
    dst = tmp_path / "dst"
    with pytest.raises(Rejected) as refused:
        media.strip_location(src, dst, mime)
    assert refused.value.message == "This file could not be read."
    assert not dst.exists()


@pytest.mark.parametrize("kind", IMAGES)
def test_unreadable_exif_is_dropped_not_kept(tmp_path, kind):
    make, mime = IMAGES[kind]
    data = make()
    start = data.index(b"MM\x00*\x00\x00\x00\x08")
    broken = data[:start] + b"XX" + data[start + 2 :]  # not a TIFF header any more
    if kind == "png":
        broken = png_with_crcs_fixed(broken)  # else Pillow refuses the source itself
    src = write(tmp_path, f"src.{kind}", broken)
    dst = tmp_path / f"dst.{kind}"
    media.strip_location(src, dst, mime)
    out = dst.read_bytes()
    assert b"TestCam" not in out and b"XX\x00*" not in out
    with Image.open(dst) as image:
        assert not image.getexif()  # empty, and readable (an EXIF reader does not fail on it)
    assert pixels(dst) == pixels(src)


# --- sha256_of --------------------------------------------------------------------------------------

def test_sha256_of_matches_hashlib(tmp_path):
    data = samples.jpeg_with_gps() * 50
    path = write(tmp_path, "photo.jpg", data)
    assert media.sha256_of(path) == hashlib.sha256(data).hexdigest()
    assert media.sha256_of(write(tmp_path, "empty", b"")) == hashlib.sha256(b"").hexdigest()
