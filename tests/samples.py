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
    exif[0x010F] = "TestCam"  # Make: harmless metadata that may stay
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
