"""EXIF without its GPS part. EXIF is a TIFF structure, the same in every container, so each format's
walker hands its EXIF block here."""

from __future__ import annotations

import struct

from portfolio.services.media.binary import unpack
from portfolio.services.media.errors import Broken

GPS_IFD = 0x8825

# Bytes per value for each TIFF field type; a value longer than 4 bytes lives elsewhere in the block.
_TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4,
                    16: 8, 17: 8, 18: 8}


def without_gps(tiff: bytes) -> bytes:
    """The EXIF block with its GPS IFD removed, at the same length and with every offset unchanged.

    The GPSInfo entry is taken out of its IFD (the later entries move up, zeros fill the end) and the
    GPS IFD with its values is overwritten with zeros. Nothing else moves, so offsets inside maker
    notes and thumbnails, which a rebuilt block would break, stay valid."""
    block = bytearray(tiff)
    order = {b"II": "<", b"MM": ">"}.get(bytes(block[:2]))
    if order is None or unpack(block, order + "H", 2) != 42:
        raise Broken("not a TIFF header")
    seen: set[int] = set()
    ifd = unpack(block, order + "I", 4)
    # IFD0 holds GPSInfo; IFD1 (the thumbnail) is checked too. A chain that loops is broken data.
    while ifd and ifd not in seen and len(seen) < 8:
        seen.add(ifd)
        count = unpack(block, order + "H", ifd)
        end = ifd + 2 + 12 * count  # where the next-IFD pointer is
        if end + 4 > len(block):
            raise Broken("IFD past the end")
        index = 0
        while index < count:
            entry = ifd + 2 + 12 * index
            if unpack(block, order + "H", entry) != GPS_IFD:
                index += 1
                continue
            _wipe_ifd(block, order, unpack(block, order + "I", entry + 8))
            block[entry : end + 4 - 12] = block[entry + 12 : end + 4]
            block[end + 4 - 12 : end + 4] = bytes(12)
            count -= 1
            end -= 12
            struct.pack_into(order + "H", block, ifd, count)
        ifd = unpack(block, order + "I", end)
    return bytes(block)


def _wipe_ifd(block: bytearray, order: str, offset: int) -> None:
    """Overwrite an IFD, and the values its entries point to, with zeros."""
    count = unpack(block, order + "H", offset)
    end = offset + 2 + 12 * count + 4
    if end > len(block):
        raise Broken("GPS IFD past the end")
    for entry in range(offset + 2, end - 4, 12):
        kind, number = struct.unpack_from(order + "HI", block, entry + 2)
        size = _TIFF_TYPE_SIZES.get(kind, 0) * number
        if size > 4:
            value = unpack(block, order + "I", entry + 8)
            if value + size > len(block):
                raise Broken("GPS value past the end")
            block[value : value + size] = bytes(size)
    block[offset:end] = bytes(end - offset)


def payload_without_gps(prefix: bytes, payload: bytes) -> bytes | None:
    """An EXIF chunk's payload without GPS, or None when it is unreadable and should be dropped.

    Dropping an unreadable block loses nothing: Pillow and browsers could not read its orientation
    either. Some writers put "Exif\\0\\0" before the TIFF header, some do not."""
    start = len(prefix) if payload.startswith(prefix) else 0
    try:
        return payload[:start] + without_gps(payload[start:])
    except Broken:
        return None
