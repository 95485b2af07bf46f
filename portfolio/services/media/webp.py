"""A WebP without location: its RIFF chunks walked, the picture's kept, EXIF reduced to the orientation, XMP
and unknown chunks dropped, and the extended header's flags made to match what is left."""

from __future__ import annotations

from portfolio.services.media.binary import unpack
from portfolio.services.media.errors import Broken
from portfolio.services.media.exif import payload_orientation_only

_WEBP_KEEP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_VP8X_EXIF = 0x08
_VP8X_XMP = 0x04


def strip_webp(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise Broken("not a WebP file")
    riff_end = 8 + unpack(data, "<I", 4)
    if riff_end > len(data):
        raise Broken("RIFF past the end")
    chunks: list[bytes] = []
    has_exif = False
    pos = 12
    while pos < riff_end:
        kind = data[pos : pos + 4]
        size = unpack(data, "<I", pos + 4)
        end = pos + 8 + size
        padded = end + (size & 1)  # chunks are padded to an even length
        if padded > riff_end:
            raise Broken("chunk past the end")
        if kind == b"EXIF":
            exif = payload_orientation_only(b"Exif\x00\x00", data[pos + 8 : end])
            if exif is not None:
                chunks.append(kind + len(exif).to_bytes(4, "little") + exif + bytes(len(exif) & 1))
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
