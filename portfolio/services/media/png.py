"""A PNG without location: its chunks walked, those that make or describe the picture kept, eXIf reduced
to the orientation, text and unknown chunks dropped."""

from __future__ import annotations

import zlib

from portfolio.services.media.binary import unpack
from portfolio.services.media.errors import Broken
from portfolio.services.media.exif import payload_orientation_only

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# The image itself and the chunks that describe how to show it (colour, transparency, animation). Text
# chunks (tEXt, zTXt, iTXt: XMP and free text such as a "Location") and anything unknown go.
_PNG_KEEP = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"bKGD",
    b"hIST", b"pHYs", b"sPLT", b"tIME", b"cICP", b"mDCV", b"cLLI", b"acTL", b"fcTL", b"fdAT",
}


def strip_png(data: bytes) -> bytes:
    if not data.startswith(PNG_SIGNATURE):
        raise Broken("no PNG signature")
    out = [PNG_SIGNATURE]
    pos = len(PNG_SIGNATURE)
    while True:
        length = unpack(data, ">I", pos)
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise Broken("chunk past the end")
        if kind == b"eXIf":
            exif = payload_orientation_only(b"Exif\x00\x00", data[pos + 8 : end - 4])
            if exif is not None:
                crc = zlib.crc32(kind + exif).to_bytes(4, "big")
                out.append(len(exif).to_bytes(4, "big") + kind + exif + crc)
        elif kind in _PNG_KEEP:
            out.append(data[pos:end])
        pos = end
        if kind == b"IEND":  # anything appended after the image is dropped
            return b"".join(out)
