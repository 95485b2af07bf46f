"""Uploaded evidence files: what a file really is, whether an image is safe to decode, and a copy of a
photo without its location.

Plain synchronous functions; callers run them in a thread. Files are read whole into memory: uploads
are capped (PORTFOLIO_MAX_UPLOAD_MB, 20 by default), and whole bytes keep the format walkers simple.

Location is removed without re-encoding the picture: the containers are walked and only metadata is
dropped or rewritten, so the student's photo keeps its exact pixels and quality. The walkers keep what
they know to be harmless (pixel data, colour profiles, the EXIF orientation) and drop everything
else, because vendors hide location in places a list of known-bad blocks would miss (GoPro telemetry in
a JPEG APP6 segment, a Motion Photo's video after the JPEG's end, C2PA manifests).

sniffing (a file's type and hash), limits (decoding safely), location (the copy without location), one
walker per format (jpeg, png, webp, heic with heif_items) and exif (reduced to the orientation by them all), over
binary and errors. The names below are the package's public face.
"""

from portfolio.services.media.errors import (
    EMPTY,
    NOT_ALLOWED,
    UNREADABLE_FILE,
    UNREADABLE_IMAGE,
    Rejected,
)
from portfolio.services.media.exif import GPS_IFD
from portfolio.services.media.limits import MAX_PIXELS, check_image
from portfolio.services.media.location import strip_location
from portfolio.services.media.png import PNG_SIGNATURE
from portfolio.services.media.sniffing import (
    ALLOWED,
    AVIF_BRANDS,
    HEIC_BRANDS,
    sha256_of,
    sniff,
)

__all__ = [
    "ALLOWED", "AVIF_BRANDS", "EMPTY", "GPS_IFD", "HEIC_BRANDS", "MAX_PIXELS", "NOT_ALLOWED", "PNG_SIGNATURE",
    "UNREADABLE_FILE", "UNREADABLE_IMAGE", "Rejected", "check_image", "sha256_of", "sniff", "strip_location",
]
