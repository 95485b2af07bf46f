"""A JPEG without location: its segments walked, those that decode the picture kept, EXIF reduced
to the orientation, everything else dropped."""

from __future__ import annotations

from portfolio.services.media.binary import unpack
from portfolio.services.media.errors import Broken
from portfolio.services.media.exif import payload_orientation_only

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


def strip_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise Broken("no SOI")
    out = [data[:2]]
    pos = 2
    while True:
        if pos + 2 > len(data) or data[pos] != 0xFF:
            raise Broken("no marker where one should be")
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
        length = unpack(data, ">H", pos + 2)
        end = pos + 2 + length
        if length < 2 or end > len(data):
            raise Broken("segment past the end")
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
        exif = payload_orientation_only(b"Exif\x00\x00", payload)
        return b"" if exif is None else segment[:2] + (len(exif) + 2).to_bytes(2, "big") + exif
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
            raise Broken("no end of image")  # a truncated upload
        following = data[ff + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:  # stuffed 0xFF, restart marker
            pos = ff + 2
        elif following == 0xFF:  # fill byte: the marker starts later
            pos = ff + 1
        else:
            return ff
