"""EXIF reduced to the picture's orientation. EXIF is a TIFF structure, the same in every container, so
each format's walker hands its EXIF block here."""

from __future__ import annotations

import struct

from portfolio.services.media.binary import unpack
from portfolio.services.media.errors import Broken

GPS_IFD = 0x8825
ORIENTATION = 0x0112
_SHORT = 3
_INTEGERS = {_SHORT: "H", 4: "I"}


def orientation_only(tiff: bytes) -> bytes:
    """A new EXIF block holding only IFD0's Orientation (or no entry at all), in the block's byte order.

    Everything else goes: location hides in more places than IFD0's GPSInfo pointer (writers put it
    under the Exif sub-IFD, in maker notes, in a free-text comment), so nothing is kept but the one
    field that changes how the picture is shown."""
    order = {b"II": "<", b"MM": ">"}.get(bytes(tiff[:2]))
    if order is None or unpack(tiff, order + "H", 2) != 42:
        raise Broken("not a TIFF header")
    ifd = unpack(tiff, order + "I", 4)
    count = unpack(tiff, order + "H", ifd)
    if ifd + 2 + 12 * count > len(tiff):
        raise Broken("IFD past the end")
    orientation = None
    for entry in range(ifd + 2, ifd + 2 + 12 * count, 12):
        tag, kind, number = struct.unpack_from(order + "HHI", tiff, entry)
        # The standard says SHORT; a LONG from a careless writer is still read, as Pillow and browsers do.
        if tag == ORIENTATION and kind in _INTEGERS and number == 1:
            orientation = unpack(tiff, order + _INTEGERS[kind], entry + 8)
    entries = b""
    if orientation in range(1, 9):
        entries = struct.pack(order + "HHIH2x", ORIENTATION, _SHORT, 1, orientation)
    header = tiff[:2] + struct.pack(order + "HI", 42, 8)
    return header + struct.pack(order + "H", len(entries) // 12) + entries + bytes(4)


def payload_orientation_only(prefix: bytes, payload: bytes) -> bytes | None:
    """An EXIF chunk's payload reduced to the orientation, or None when it is unreadable and should be
    dropped.

    Dropping an unreadable block loses nothing: Pillow and browsers could not read its orientation
    either. Some writers put "Exif\\0\\0" before the TIFF header, some do not."""
    start = len(prefix) if payload.startswith(prefix) else 0
    try:
        return payload[:start] + orientation_only(payload[start:])
    except Broken:
        return None
