"""Files the tests make: photos with location metadata, PDFs, and hostile look-alikes."""

from __future__ import annotations

import io

from PIL import Image
from PIL.PngImagePlugin import PngInfo

GPS_IFD = 0x8825
ORIENTATION = 0x0112
GPS = {1: "N", 2: (40.0, 26.0, 46.0), 3: "W", 4: (79.0, 58.0, 56.0), 6: 312.0}
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="40,26.7667N" '
    b'exif:GPSLongitude="79,58.9333W"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def _exif(orientation: int = 6) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "TestCam"  # Make: goes with everything but the orientation
    exif[GPS_IFD] = dict(GPS)
    return exif.tobytes()


def _image(width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height), (30, 120, 200))
    for x in range(0, width, 8):  # some detail, so encoders produce real data
        for y in range(0, height, 8):
            image.putpixel((x, y), (255, (x * 3) % 256, (y * 5) % 256))
    return image


def jpeg_with_gps(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    _image(width, height).save(out, "JPEG", quality=90, exif=_exif(), xmp=XMP)
    return out.getvalue()


def png_with_location(width: int = 64, height: int = 48) -> bytes:
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Location", "40.4461N 79.9822W")
    out = io.BytesIO()
    _image(width, height).save(out, "PNG", exif=_exif(), pnginfo=info)
    return out.getvalue()


def webp_with_location(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    _image(width, height).save(out, "WEBP", quality=80, exif=_exif(), xmp=XMP)
    return out.getvalue()


def heic_with_gps(width: int = 64, height: int = 48) -> bytes:
    import pillow_heif

    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    _image(width, height).save(out, "HEIF", quality=80, exif=_exif(), xmp=XMP)
    return out.getvalue()


def pdf(pages: int = 1) -> bytes:
    """A small real PDF with text on each page."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(612, 792)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def malformed_pdf() -> bytes:
    return b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n" + b"\x00garbage" * 200 + b"\n%%EOF\n"


def svg_renamed() -> bytes:
    """An SVG with script, as a student's 'photo.jpg' might really be."""
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def html_renamed() -> bytes:
    return b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def decompression_bomb() -> bytes:
    """A tiny PNG that claims a huge pixel count (20000 x 20000 = 400 megapixels)."""
    image = Image.new("1", (20000, 20000))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def jpeg_plain(width: int = 64, height: int = 48) -> bytes:
    """A JPEG with no metadata at all."""
    out = io.BytesIO()
    _image(width, height).save(out, "JPEG", quality=90)
    return out.getvalue()


def png_plain(width: int = 64, height: int = 48) -> bytes:
    """A PNG with no metadata at all."""
    out = io.BytesIO()
    _image(width, height).save(out, "PNG")
    return out.getvalue()


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def jpeg_with_hidden_location() -> bytes:
    """jpeg_with_gps plus location in the other places a JPEG can carry it: IPTC (APP13), a comment,
    extended XMP, a vendor APPn segment, and a video appended after the image as Motion Photos do."""
    data = jpeg_with_gps()
    iptc = b"\x1c\x02\x5a" + (19).to_bytes(2, "big") + b"Pittsburgh 40.4461N"  # IPTC 2:90 City
    resource = b"8BIM\x04\x04\x00\x00" + len(iptc).to_bytes(4, "big") + iptc
    extra = (
        _jpeg_segment(0xED, b"Photoshop 3.0\x00" + resource)
        + _jpeg_segment(0xFE, b"Taken at 40.4461N 79.9822W")
        + _jpeg_segment(0xE1, b"http://ns.adobe.com/xmp/extension/\x00" + b"0" * 40 + XMP)
        + _jpeg_segment(0xE6, b"GoPro\x00GPS5 40.4461N")
    )
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\xa9xyz+40.4461N-079.9822/"
    return data[:2] + extra + data[2:] + video


def plain_text() -> bytes:
    return b"My internship reflection\nI learned to weld.\n"


def zip_archive() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", jpeg_with_gps())
    return out.getvalue()


def avif_header() -> bytes:
    """The start of an AVIF file: it lists the generic HEIF brand mif1 next to its own avif."""
    return b"\x00\x00\x00\x20ftypavif\x00\x00\x00\x00avifmif1miafMA1B" + b"\x00" * 64


def windows_executable() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def avif_photo(width: int = 64, height: int = 48) -> bytes:
    """A real AVIF file (Pillow's own encoder); AVIF is not an accepted kind."""
    out = io.BytesIO()
    _image(width, height).save(out, "AVIF", quality=60)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header that claims width x height, followed by a few bytes of image data: below Pillow's
    own bomb limit, so only our pixel limit stands between it and a decode."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def big_pdf(total_bytes: int) -> bytes:
    """A valid one-page PDF of exactly `total_bytes` bytes (at least about 700): the page draws a
    rectangle, and the document carries an attached file of random bytes (an embedded-file stream) that
    makes up the size. Every object is referenced, and the cross-reference table gives each object's true
    offset."""
    import os

    content = b"0.1 0.4 0.7 rg 72 500 468 220 re f\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(scan.bin) 5 0 R] >> >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Filespec /F (scan.bin) /UF (scan.bin) /EF << /F 6 0 R >> >>",
    ]

    def frame(padding: int) -> tuple[bytes, bytes]:
        """Everything before the random bytes, and everything after them."""
        head = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(head))
            head += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        offsets.append(len(head))
        head += b"6 0 obj\n<< /Type /EmbeddedFile /Length %d >>\nstream\n" % padding
        tail = bytearray(b"\nendstream\nendobj\n")
        xref = len(head) + padding + len(tail)
        tail += b"xref\n0 7\n0000000000 65535 f \n"
        for offset in offsets:
            tail += b"%010d 00000 n \n" % offset
        tail += b"trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
        return bytes(head), bytes(tail)

    # The frame grows a little with the digits of the lengths: settle the padding, then fill it.
    padding = 0
    for _ in range(5):
        head, tail = frame(padding)
        if len(head) + padding + len(tail) == total_bytes:
            break
        padding = max(0, total_bytes - len(head) - len(tail))
    head, tail = frame(padding)
    return head + os.urandom(padding) + tail


def _tiff_entry(tag: int, kind: int, count: int, value: bytes) -> bytes:
    return tag.to_bytes(2, "big") + kind.to_bytes(2, "big") + count.to_bytes(4, "big") + value.ljust(4, b"\x00")


def exif_with_gps_in_exif_ifd() -> bytes:
    """An EXIF block whose GPSInfo pointer sits in the Exif sub-IFD rather than IFD0, as some writers put
    it. Built by hand (Pillow writes GPSInfo only in IFD0): IFD0 holds Orientation 6 and the Exif pointer;
    the Exif IFD holds the GPS pointer; the GPS IFD holds latitude 40 26' 46" N and longitude W."""
    # Offsets from the TIFF header: IFD0 at 8 (2 entries), Exif IFD at 38 (1 entry), GPS IFD at 56
    # (4 entries), then the two rational triples.
    gps_values = 56 + 2 + 4 * 12 + 4
    ifd0 = (2).to_bytes(2, "big") + _tiff_entry(ORIENTATION, 3, 1, (6).to_bytes(2, "big")) + _tiff_entry(
        0x8769, 4, 1, (38).to_bytes(4, "big")
    ) + bytes(4)
    exif_ifd = (1).to_bytes(2, "big") + _tiff_entry(GPS_IFD, 4, 1, (56).to_bytes(4, "big")) + bytes(4)
    gps_ifd = (4).to_bytes(2, "big") + b"".join(
        [
            _tiff_entry(1, 2, 2, b"N\x00"),
            _tiff_entry(2, 5, 3, gps_values.to_bytes(4, "big")),
            _tiff_entry(3, 2, 2, b"W\x00"),
            _tiff_entry(4, 5, 3, (gps_values + 24).to_bytes(4, "big")),
        ]
    ) + bytes(4)
    rationals = b"".join(
        numerator.to_bytes(4, "big") + (1).to_bytes(4, "big") for numerator in (40, 26, 46, 79, 58, 56)
    )
    tiff = b"MM\x00*" + (8).to_bytes(4, "big") + ifd0 + exif_ifd + gps_ifd + rationals
    assert len(b"MM\x00*\x00\x00\x00\x08" + ifd0) == 38 and len(b"MM\x00*" + bytes(4) + ifd0 + exif_ifd) == 56
    return b"Exif\x00\x00" + tiff


def with_gps_in_exif_ifd(fmt: str, width: int = 64, height: int = 48) -> bytes:
    """A photo in Pillow's format fmt (JPEG, PNG, WEBP, HEIF) carrying exif_with_gps_in_exif_ifd."""
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    out = io.BytesIO()
    _image(width, height).save(out, fmt, exif=exif_with_gps_in_exif_ifd())
    return out.getvalue()


def jpeg_with_gps_in_exif_ifd() -> bytes:
    return with_gps_in_exif_ifd("JPEG")


def pdf_with_open_action_script() -> bytes:
    """A one-page PDF that runs JavaScript as soon as it is opened (an OpenAction), written by hand."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        b"<< /Type /Action /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>",
    ]
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out
