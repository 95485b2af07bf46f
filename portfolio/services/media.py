"""Uploaded evidence files: what a file really is, whether an image is safe to decode, and a copy of a
photo without its location.

Plain synchronous functions; callers run them in a thread. Files are read whole into memory: uploads
are capped (PORTFOLIO_MAX_UPLOAD_MB, 20 by default), and whole bytes keep the format walkers simple.

Location is removed without re-encoding the picture: the containers are walked and only metadata is
dropped or rewritten, so the student's photo keeps its exact pixels and quality. The walkers keep what
they know to be harmless (pixel data, colour profiles, EXIF without its GPS part) and drop everything
else, because vendors hide location in places a list of known-bad blocks would miss (GoPro telemetry in
a JPEG APP6 segment, a Motion Photo's video after the JPEG's end, C2PA manifests).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import struct
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from PIL import Image

ALLOWED = {"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"}
MAX_PIXELS = 50_000_000

GPS_IFD = 0x8825

EMPTY = "The file is empty."
NOT_ALLOWED = (
    "This kind of file can't be uploaded. Please choose a photo (JPEG, PNG, WebP or HEIC) "
    "or a PDF document."
)
UNREADABLE_IMAGE = (
    "This image could not be read. It may be damaged or only partly saved; please save it again "
    "as a JPEG, PNG, WebP or HEIC photo and upload it once more."
)
UNREADABLE_FILE = "This file could not be read."

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
# An AVIF file also lists the generic brand mif1; its own brands win, since AVIF is not accepted.
AVIF_BRANDS = {b"avif", b"avis"}


class Rejected(Exception):
    """A file we refuse, with a message fit to show the student."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Broken(Exception):
    """The file's structure does not hold together; becomes Rejected(UNREADABLE_FILE)."""


# --- what a file is ---------------------------------------------------------------------------------

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


# --- is an image safe and whole ---------------------------------------------------------------------

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


# --- a copy without location ------------------------------------------------------------------------

def strip_location(src: Path, dst: Path, mime: str) -> None:
    """Write to dst a copy of src with every location field removed and the rest (notably the EXIF
    Orientation, so photos are not shown sideways) kept, without re-encoding the image data."""
    if mime == "application/pdf":
        # A PDF is a document; its metadata (title, author, software) is not a location.
        shutil.copyfile(src, dst)
        return
    strippers = {
        "image/jpeg": _strip_jpeg,
        "image/png": _strip_png,
        "image/webp": _strip_webp,
        "image/heic": _strip_heic,
    }
    if mime not in strippers:
        raise ValueError(f"not an allowed type: {mime}")
    try:
        stripped = strippers[mime](src.read_bytes())
    except (_Broken, IndexError, struct.error):
        raise Rejected(UNREADABLE_FILE) from None
    # Written only once complete, so a refused file leaves nothing behind.
    dst.write_bytes(stripped)


def sha256_of(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


# --- EXIF (a TIFF structure, the same in every container) -------------------------------------------

# Bytes per value for each TIFF field type; a value longer than 4 bytes lives elsewhere in the block.
_TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4,
                    16: 8, 17: 8, 18: 8}


def _without_gps(tiff: bytes) -> bytes:
    """The EXIF block with its GPS IFD removed, at the same length and with every offset unchanged.

    The GPSInfo entry is taken out of its IFD (the later entries move up, zeros fill the end) and the
    GPS IFD with its values is overwritten with zeros. Nothing else moves, so offsets inside maker
    notes and thumbnails, which a rebuilt block would break, stay valid."""
    block = bytearray(tiff)
    order = {b"II": "<", b"MM": ">"}.get(bytes(block[:2]))
    if order is None or _unpack(block, order + "H", 2) != 42:
        raise _Broken("not a TIFF header")
    seen: set[int] = set()
    ifd = _unpack(block, order + "I", 4)
    # IFD0 holds GPSInfo; IFD1 (the thumbnail) is checked too. A chain that loops is broken data.
    while ifd and ifd not in seen and len(seen) < 8:
        seen.add(ifd)
        count = _unpack(block, order + "H", ifd)
        end = ifd + 2 + 12 * count  # where the next-IFD pointer is
        if end + 4 > len(block):
            raise _Broken("IFD past the end")
        index = 0
        while index < count:
            entry = ifd + 2 + 12 * index
            if _unpack(block, order + "H", entry) != GPS_IFD:
                index += 1
                continue
            _wipe_ifd(block, order, _unpack(block, order + "I", entry + 8))
            block[entry : end + 4 - 12] = block[entry + 12 : end + 4]
            block[end + 4 - 12 : end + 4] = bytes(12)
            count -= 1
            end -= 12
            struct.pack_into(order + "H", block, ifd, count)
        ifd = _unpack(block, order + "I", end)
    return bytes(block)


def _wipe_ifd(block: bytearray, order: str, offset: int) -> None:
    """Overwrite an IFD, and the values its entries point to, with zeros."""
    count = _unpack(block, order + "H", offset)
    end = offset + 2 + 12 * count + 4
    if end > len(block):
        raise _Broken("GPS IFD past the end")
    for entry in range(offset + 2, end - 4, 12):
        kind, number = struct.unpack_from(order + "HI", block, entry + 2)
        size = _TIFF_TYPE_SIZES.get(kind, 0) * number
        if size > 4:
            value = _unpack(block, order + "I", entry + 8)
            if value + size > len(block):
                raise _Broken("GPS value past the end")
            block[value : value + size] = bytes(size)
    block[offset:end] = bytes(end - offset)


def _unpack(data: bytes | bytearray, fmt: str, offset: int) -> int:
    if offset < 0 or offset + struct.calcsize(fmt) > len(data):
        raise _Broken("read past the end")
    return struct.unpack_from(fmt, data, offset)[0]


def _exif_payload_without_gps(prefix: bytes, payload: bytes) -> bytes | None:
    """An EXIF chunk's payload without GPS, or None when it is unreadable and should be dropped.

    Dropping an unreadable block loses nothing: Pillow and browsers could not read its orientation
    either. Some writers put "Exif\\0\\0" before the TIFF header, some do not."""
    start = len(prefix) if payload.startswith(prefix) else 0
    try:
        return payload[:start] + _without_gps(payload[start:])
    except _Broken:
        return None


# --- JPEG -------------------------------------------------------------------------------------------

# APPn segments worth keeping, by their leading signature: JFIF, the colour profile, and Adobe's marker
# (its colour-transform flag changes how the pixels decode). EXIF is kept too, rewritten.
_JPEG_KEEP_APP = {
    0xE0: (b"JFIF\x00", b"JFXX\x00"),
    0xE2: (b"ICC_PROFILE\x00",),
    0xEE: (b"Adobe",),
}
_JPEG_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
# Frame headers and tables (SOFn, DHT, DAC: C0-CF), scan header, quantisation and restart tables (DA-DF):
# what decodes the pixels. Reserved and extension markers are dropped like unknown APPn; libjpeg cannot
# decode an image that needs them anyway.
_JPEG_KEEP = {*range(0xC0, 0xD0), *range(0xDA, 0xE0)}


def _strip_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise _Broken("no SOI")
    out = [data[:2]]
    pos = 2
    while True:
        if pos + 2 > len(data) or data[pos] != 0xFF:
            raise _Broken("no marker where one should be")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:
            # What follows the end of the image is dropped: the Multi-Picture images (their index in
            # APP2 is dropped with them) and Motion Photo videos, which carry their own location.
            out.append(b"\xff\xd9")
            return b"".join(out)
        if marker in _JPEG_STANDALONE:
            out.append(data[pos : pos + 2])
            pos += 2
            continue
        length = _unpack(data, ">H", pos + 2)
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise _Broken("segment past the end")
        out.append(_jpeg_segment(marker, data[pos:end]))
        pos = end
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next real marker
            scan_end = _jpeg_scan_end(data, pos)
            out.append(data[pos:scan_end])
            pos = scan_end


def _jpeg_segment(marker: int, segment: bytes) -> bytes:
    """The segment as it should be written: unchanged, rewritten (EXIF) or dropped (b"")."""
    payload = segment[4:]
    if marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
        exif = _exif_payload_without_gps(b"Exif\x00\x00", payload)
        return b"" if exif is None else segment[:4] + exif
    if 0xE0 <= marker <= 0xEF:  # APPn: XMP, IPTC, vendor data and everything unknown go
        keep = _JPEG_KEEP_APP.get(marker, ())
        return segment if payload.startswith(keep) else b""
    # COM (free text, like PNG's text chunks) goes with everything else not needed to decode.
    return segment if marker in _JPEG_KEEP else b""


def _jpeg_scan_end(data: bytes, pos: int) -> int:
    """Where the entropy-coded data that starts at pos ends (the 0xFF of the next marker)."""
    while True:
        ff = data.find(b"\xff", pos)
        if ff < 0 or ff + 1 >= len(data):
            raise _Broken("no end of image")  # a truncated upload
        following = data[ff + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffed 0xFF, restart marker
            pos = ff + 2
        elif following == 0xFF:  # fill byte: the marker starts later
            pos = ff + 1
        else:
            return ff


# --- PNG --------------------------------------------------------------------------------------------

# The image itself and the chunks that describe how to show it (colour, transparency, animation). Text
# chunks (tEXt, zTXt, iTXt: XMP and free text such as a "Location") and anything unknown go.
_PNG_KEEP = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD",
    b"hIST", b"pHYs", b"sPLT", b"tIME", b"cICP", b"mDCV", b"cLLI", b"acTL", b"fcTL", b"fdAT",
}


def _strip_png(data: bytes) -> bytes:
    if not data.startswith(PNG_SIGNATURE):
        raise _Broken("no PNG signature")
    out = [PNG_SIGNATURE]
    pos = len(PNG_SIGNATURE)
    while True:
        length = _unpack(data, ">I", pos)
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise _Broken("chunk past the end")
        if kind == b"eXIf":
            exif = _exif_payload_without_gps(b"Exif\x00\x00", data[pos + 8 : end - 4])
            if exif is not None:
                crc = zlib.crc32(kind + exif).to_bytes(4, "big")
                out.append(data[pos : pos + 8] + exif + crc)
        elif kind in _PNG_KEEP:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":  # anything appended after the image is dropped
            return b"".join(out)


# --- WebP -------------------------------------------------------------------------------------------

_WEBP_KEEP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF = 0x08
_VP8X_XMP = 0x04


def _strip_webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise _Broken("not a WebP file")
    riff_end = 8 + _unpack(data, "<I", 4)
    if riff_end > len(data):
        raise _Broken("RIFF past the end")
    chunks: list[bytes] = []
    has_exif = False
    pos = 12
    while pos < riff_end:
        kind = data[pos : pos + 4]
        size = _unpack(data, "<I", pos + 4)
        end = pos + 8 + size
        padded = end + (size & 1)  # chunks are padded to an even length
        if padded > riff_end:
            raise _Broken("chunk past the end")
        if kind == b"EXIF":
            exif = _exif_payload_without_gps(b"Exif\x00\x00", data[pos + 8 : end])
            if exif is not None:
                chunks.append(data[pos : pos + 8] + exif + data[end:padded])
                has_exif = True
        elif kind in _WEBP_KEEP:  # XMP and unknown chunks go
            chunks.append(data[pos:padded])
        pos = padded
    if chunks and chunks[0][:4] == b"VP8X":
        # The extended header announces which metadata chunks follow; it must match what is left.
        flags = chunks[0][8] & ~_VP8X_XMP
        if not has_exif:
            flags &= ~_VP8X_EXIF
        chunks[0] = chunks[0][:8] + bytes([flags]) + chunks[0][9:]
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + len(body).to_bytes(4, "little") + body


# --- HEIC -------------------------------------------------------------------------------------------
# Metadata in HEIF is stored as items: an 'Exif' item and an XMP item of type 'mime'
# (application/rdf+xml), whose bytes sit wherever the 'iloc' box says. Moving them would mean fixing
# every offset in the file, so they are wiped in place with bytes of the same length instead. As in
# the other formats, what is not known to be part of the picture is wiped too: any other item's data,
# and top-level 'uuid' boxes (C2PA manifests, vendor XMP) and 'free'/'skip' space (left-over metadata).

# Items that are the picture: coded images, tiles, and the derivations that assemble them (grid,
# overlay, rotation, HDR tone map).
_HEIF_PICTURE_ITEMS = {
    b"hvc1", b"hev1", b"hvt1", b"av01", b"avc1", b"vvc1", b"evc1", b"jpeg", b"j2k1", b"unci", b"mski",
    b"grid", b"iovl", b"iden", b"tmap",
}
_HEIF_WIPED_BOXES = {b"uuid", b"free", b"skip"}

_EMPTY_TIFF = b"MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00"
_XMP_HEAD = b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"/>'
_XMP_TAIL = b'<?xpacket end="w"?>'
_XMP_BARE = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"/>'


def _strip_heic(data: bytes) -> bytes:
    out = bytearray(data)
    boxes = list(_boxes(data, 0, len(data)))
    picture: list[tuple[int, int]] = []
    for kind, start, end in boxes:
        if kind == b"meta":  # a full box: skip version and flags
            picture += _wipe_heif_metadata(data, out, start + 4, end)
    for kind, start, end in boxes:
        # Item data may sit in any box; the picture's own bytes are never wiped.
        if kind in _HEIF_WIPED_BOXES and not _overlaps([(start, end)], picture):
            out[start:end] = bytes(end - start)
    stripped = bytes(out)
    _check_heif_clean(stripped)
    return stripped


def _wipe_heif_metadata(data: bytes, out: bytearray, start: int, end: int) -> list[tuple[int, int]]:
    """Wipe the metadata items of one 'meta' box in out; returns the file ranges of picture items."""
    children = {kind: (s, e) for kind, s, e in _boxes(data, start, end)}
    if b"iinf" not in children or b"iloc" not in children:
        return []  # no items, so no metadata items
    items = _heif_items(data, *children[b"iinf"])
    locations = _heif_locations(data, *children[b"iloc"])
    idat = children.get(b"idat")
    picture: list[tuple[int, int]] = []
    metadata: dict[int, list[tuple[int, int]]] = {}
    # Every item with data is looked at, described or not: an item no 'infe' names is not a picture.
    for item_id, location in locations.items():
        if items.get(item_id, (b"", ""))[0] in _HEIF_PICTURE_ITEMS:
            try:
                picture += _heif_spans(location, idat, len(data))
            except _Broken:
                pass  # not in this file's bytes, so nothing here to protect
        else:
            metadata[item_id] = _heif_spans(location, idat, len(data))
    for item_id, spans in metadata.items():
        if _overlaps(spans, picture):
            raise _Broken("metadata item inside the picture's data")
        item_type, content_type = items.get(item_id, (b"", ""))
        payload = b"".join(data[a:b] for a, b in spans)
        if item_type == b"Exif":
            replacement = _heif_exif_without_gps(payload)
        elif item_type == b"mime" and content_type == "application/rdf+xml":
            replacement = _empty_xmp(len(payload))
        else:
            replacement = bytes(len(payload))
        done = 0
        for a, b in spans:
            out[a:b] = replacement[done : done + b - a]
            done += b - a
    return picture


def _overlaps(spans: list[tuple[int, int]], others: list[tuple[int, int]]) -> bool:
    return any(a < other_b and other_a < b for a, b in spans for other_a, other_b in others)


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) for each ISO-BMFF box in data[start:end]."""
    pos = start
    while pos < end:
        size = _unpack(data, ">I", pos)
        kind = data[pos + 4 : pos + 8]
        header = 8
        if size == 1:
            size = _unpack(data, ">Q", pos + 8)
            header = 16
        elif size == 0:  # to the end of the enclosing space
            size = end - pos
        if size < header or pos + size > end:
            raise _Broken("box past the end")
        yield kind, pos + header, pos + size
        pos += size


def _heif_items(data: bytes, start: int, end: int) -> dict[int, tuple[bytes, str]]:
    """item ID -> (item type, content type) from an 'iinf' box."""
    version = data[start]
    pos = start + 4 + (2 if version == 0 else 4)  # version, flags, entry count
    items: dict[int, tuple[bytes, str]] = {}
    for kind, s, e in _boxes(data, pos, end):
        if kind != b"infe":
            continue
        infe_version = data[s]
        p = s + 4
        if infe_version >= 2:
            id_format, id_size = (">H", 2) if infe_version == 2 else (">I", 4)
            item_id = _unpack(data, id_format, p)
            p += id_size + 2  # item ID, protection index
            item_type = data[p : p + 4]
            _, p = _cstring(data, p + 4, e)  # item name
        else:  # versions 0 and 1 only describe MIME items
            item_id = _unpack(data, ">H", p)
            item_type = b"mime"
            _, p = _cstring(data, p + 4, e)
        content_type = _cstring(data, p, e)[0] if item_type == b"mime" else ""
        items[item_id] = (item_type, content_type.strip().lower())
    return items


def _cstring(data: bytes, pos: int, end: int) -> tuple[str, int]:
    nul = data.find(b"\x00", pos, end)
    stop = end if nul < 0 else nul
    return data[pos:stop].decode("utf-8", "replace"), stop + 1


def _heif_locations(data: bytes, start: int, end: int) -> dict[int, tuple[int, int, list[tuple[int, int]]]]:
    """item ID -> (construction method, base offset, [(extent offset, extent length)]) from 'iloc'."""
    version = data[start]
    if version > 2:
        raise _Broken("unknown iloc version")
    sizes = data[start + 4 : start + 6]
    offset_size, length_size, base_size = sizes[0] >> 4, sizes[0] & 15, sizes[1] >> 4
    index_size = sizes[1] & 15 if version in (1, 2) else 0
    pos = start + 6
    reader = _Reader(data, pos, end)
    count = reader.uint(2 if version < 2 else 4)
    locations = {}
    for _ in range(count):
        item_id = reader.uint(2 if version < 2 else 4)
        method = reader.uint(2) & 15 if version in (1, 2) else 0
        if reader.uint(2) != 0:  # data_reference_index: the bytes are in another file
            method = -1
        base = reader.uint(base_size)
        extents = []
        for _ in range(reader.uint(2)):
            reader.uint(index_size)
            extents.append((reader.uint(offset_size), reader.uint(length_size)))
        locations[item_id] = (method, base, extents)
    return locations


class _Reader:
    """Big-endian unsigned integers of the sizes 'iloc' declares (0, 4 or 8 bytes, 2 for counts)."""

    def __init__(self, data: bytes, pos: int, end: int) -> None:
        self.data, self.pos, self.end = data, pos, end

    def uint(self, size: int) -> int:
        if size not in (0, 2, 4, 8) or self.pos + size > self.end:
            raise _Broken("bad iloc field")
        value = int.from_bytes(self.data[self.pos : self.pos + size], "big")
        self.pos += size
        return value


def _heif_spans(
    location: tuple[int, int, list[tuple[int, int]]], idat: tuple[int, int] | None, file_size: int
) -> list[tuple[int, int]]:
    """The file ranges holding an item's bytes, in order."""
    method, base, extents = location
    if method == 0:  # offsets into the file
        origin, limit = 0, file_size
    elif method == 1 and idat is not None:  # offsets into the 'idat' box
        origin, limit = idat
    else:
        # Another item's bytes or another file: we cannot wipe those, so we cannot vouch for the copy.
        raise _Broken("item data we cannot reach")
    spans = []
    for offset, length in extents:
        a = origin + base + offset
        b = limit if length == 0 else a + length  # length 0: up to the end
        if not origin <= a <= b <= limit:
            raise _Broken("item past the end")
        spans.append((a, b))
    return spans


def _heif_exif_without_gps(payload: bytes) -> bytes:
    """An Exif item (a 4-byte offset to the TIFF header, then the block) without its GPS IFD.

    The header is found as pillow_heif finds it, so what it reads is what gets cleaned. An unreadable
    block becomes an empty one, the in-place version of dropping it: the picture's rotation is in the
    HEIF boxes, not here, and zeros would make EXIF readers fail instead of finding nothing."""
    try:
        skip = 4 + _unpack(payload, ">I", 0)
        if len(payload) - skip <= 4:
            skip = 4
        if payload[skip : skip + 6] == b"Exif\x00\x00":
            skip += 6
        return payload[:skip] + _without_gps(payload[skip:])
    except _Broken:
        empty = bytes(4) + _EMPTY_TIFF  # offset 0, then a header and an IFD0 with no entries
        return empty.ljust(len(payload), b"\x00") if len(payload) >= len(empty) else bytes(len(payload))


def _empty_xmp(length: int) -> bytes:
    """A valid empty XMP packet padded to length (so XMP parsers still succeed), or just spaces."""
    if length >= len(_XMP_HEAD) + len(_XMP_TAIL):
        return _XMP_HEAD + b" " * (length - len(_XMP_HEAD) - len(_XMP_TAIL)) + _XMP_TAIL
    if length >= len(_XMP_BARE):
        return _XMP_BARE + b" " * (length - len(_XMP_BARE))
    return b" " * length


def _check_heif_clean(data: bytes) -> None:
    """Read the result back as pillow_heif does and refuse it if location is still there.

    The wiping above follows the item tables; this catches metadata stored some way it did not expect."""
    import pillow_heif

    try:
        images = list(pillow_heif.open_heif(io.BytesIO(data)))
        exifs = [Image.Exif() for _ in images]
        for image, exif in zip(images, exifs):
            exif.load(image.info.get("exif") or b"")
    except Exception:
        raise _Broken("HEIF metadata does not read") from None
    if any(GPS_IFD in exif for exif in exifs):
        raise _Broken("GPS left in EXIF")
    if any(b"GPS" in (image.info.get("xmp") or b"") for image in images):
        raise _Broken("GPS left in XMP")
