"""A HEIC photo without location.

Metadata in HEIF is stored as items: an 'Exif' item and an XMP item of type 'mime' (application/rdf+xml),
whose bytes sit wherever the 'iloc' box says. Moving them would mean fixing every offset in the file, so
they are wiped in place with bytes of the same length instead. As in the other formats, what is not known
to be part of the picture is wiped too: any other item's data, and top-level 'uuid' boxes (C2PA manifests,
vendor XMP) and 'free'/'skip' space (left-over metadata).
"""

from __future__ import annotations

import io

from PIL import Image

from portfolio.services.media.binary import unpack
from portfolio.services.media.errors import Broken
from portfolio.services.media.exif import GPS_IFD, orientation_only
from portfolio.services.media.heif_items import (
    boxes,
    heif_items,
    heif_locations,
    heif_spans,
)

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


def strip_heic(data: bytes) -> bytes:
    out = bytearray(data)
    top = list(boxes(data, 0, len(data)))
    picture: list[tuple[int, int]] = []
    for kind, start, end in top:
        if kind == b"meta":  # a full box: skip version and flags
            picture += _wipe_heif_metadata(data, out, start + 4, end)
    for kind, start, end in top:
        # Item data may sit in any box; the picture's own bytes are never wiped.
        if kind in _HEIF_WIPED_BOXES and not _overlaps([(start, end)], picture):
            out[start:end] = bytes(end - start)
    stripped = bytes(out)
    _check_heif_clean(stripped)
    return stripped


def _wipe_heif_metadata(data: bytes, out: bytearray, start: int, end: int) -> list[tuple[int, int]]:
    """Wipe the metadata items of one 'meta' box in out; returns the file ranges of picture items."""
    children = {kind: (s, e) for kind, s, e in boxes(data, start, end)}
    if b"iinf" not in children or b"iloc" not in children:
        return []  # no items, so no metadata items
    items = heif_items(data, *children[b"iinf"])
    locations = heif_locations(data, *children[b"iloc"])
    idat = children.get(b"idat")
    picture: list[tuple[int, int]] = []
    metadata: dict[int, list[tuple[int, int]]] = {}
    # Every item with data is looked at, described or not: an item no 'infe' names is not a picture.
    for item_id, location in locations.items():
        if items.get(item_id, (b"", ""))[0] in _HEIF_PICTURE_ITEMS:
            try:
                picture += heif_spans(location, idat, len(data))
            except Broken:
                pass  # not in this file's bytes, so nothing here to protect
        else:
            metadata[item_id] = heif_spans(location, idat, len(data))
    for item_id, spans in metadata.items():
        if _overlaps(spans, picture):
            raise Broken("metadata item inside the picture's data")
        item_type, content_type = items.get(item_id, (b"", ""))
        payload = b"".join(data[a:b] for a, b in spans)
        if item_type == b"Exif":
            replacement = _heif_exif_orientation_only(payload)
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


def _heif_exif_orientation_only(payload: bytes) -> bytes:
    """An Exif item (a 4-byte offset to the TIFF header, then the block) reduced to its orientation,
    padded with zeros to the item's length (moving the item would mean fixing every offset).

    The header is found as pillow_heif finds it, so what it reads is what gets cleaned. An unreadable
    block becomes an empty one, the in-place version of dropping it: the picture's rotation is in the
    HEIF boxes, not here, and zeros would make EXIF readers fail instead of finding nothing."""
    try:
        skip = 4 + unpack(payload, ">I", 0)
        if len(payload) - skip <= 4:
            skip = 4
        if payload[skip : skip + 6] == b"Exif\x00\x00":
            skip += 6
        return (payload[:skip] + orientation_only(payload[skip:])).ljust(len(payload), b"\x00")
    except Broken:
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
        raise Broken("HEIF metadata does not read") from None
    if any(GPS_IFD in exif for exif in exifs):
        raise Broken("GPS left in EXIF")
    if any(b"GPS" in (image.info.get("xmp") or b"") for image in images):
        raise Broken("GPS left in XMP")
