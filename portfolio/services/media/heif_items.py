"""Reading a HEIF file's structure: its ISO-BMFF boxes, the items its 'iinf' box describes, and the file
ranges its 'iloc' box puts each item's bytes in."""

from __future__ import annotations

from collections.abc import Iterator

from portfolio.services.media.binary import unpack
from portfolio.services.media.errors import Broken


def boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) for each ISO-BMFF box in data[start:end]."""
    pos = start
    while pos < end:
        size = unpack(data, ">I", pos)
        kind = data[pos + 4 : pos + 8]
        header = 8
        if size == 1:
            size = unpack(data, ">Q", pos + 8)
            header = 16
        elif size == 0:  # to the end of the enclosing space
            size = end - pos
        if size < header or pos + size > end:
            raise Broken("box past the end")
        yield kind, pos + header, pos + size
        pos += size


def heif_items(data: bytes, start: int, end: int) -> dict[int, tuple[bytes, str]]:
    """item ID -> (item type, content type) from an 'iinf' box."""
    version = data[start]
    pos = start + 4 + (2 if version == 0 else 4)  # version, flags, entry count
    items: dict[int, tuple[bytes, str]] = {}
    for kind, s, e in boxes(data, pos, end):
        if kind != b"infe":
            continue
        infe_version = data[s]
        p = s + 4
        if infe_version >= 2:
            id_format, id_size = (">H", 2) if infe_version == 2 else (">I", 4)
            item_id = unpack(data, id_format, p)
            p += id_size + 2  # item ID, protection index
            item_type = data[p : p + 4]
            _, p = _cstring(data, p + 4, e)  # item name
        else:  # versions 0 and 1 only describe MIME items
            item_id = unpack(data, ">H", p)
            item_type = b"mime"
            _, p = _cstring(data, p + 4, e)
        content_type = _cstring(data, p, e)[0] if item_type == b"mime" else ""
        items[item_id] = (item_type, content_type.strip().lower())
    return items


def _cstring(data: bytes, pos: int, end: int) -> tuple[str, int]:
    nul = data.find(b"\x00", pos, end)
    stop = end if nul < 0 else nul
    return data[pos:stop].decode("utf-8", "replace"), stop + 1


def heif_locations(data: bytes, start: int, end: int) -> dict[int, tuple[int, int, list[tuple[int, int]]]]:
    """item ID -> (construction method, base offset, [(extent offset, extent length)]) from 'iloc'."""
    version = data[start]
    if version > 2:
        raise Broken("unknown iloc version")
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
            raise Broken("bad iloc field")
        value = int.from_bytes(self.data[self.pos : self.pos + size], "big")
        self.pos += size
        return value


def heif_spans(
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
        raise Broken("item data we cannot reach")
    spans = []
    for offset, length in extents:
        a = origin + base + offset
        b = limit if length == 0 else a + length  # length 0: up to the end
        if not origin <= a <= b <= limit:
            raise Broken("item past the end")
        spans.append((a, b))
    return spans
