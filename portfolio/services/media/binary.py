"""Reading numbers out of an uploaded container, where every offset comes from the file itself."""

from __future__ import annotations

import struct

from portfolio.services.media.errors import Broken


def unpack(data: bytes | bytearray, fmt: str, offset: int) -> int:
    # struct would count a negative offset from the end; an offset read from the file is broken data then.
    if offset < 0 or offset + struct.calcsize(fmt) > len(data):
        raise Broken("read past the end")
    return struct.unpack_from(fmt, data, offset)[0]
