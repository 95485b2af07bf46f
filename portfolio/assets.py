"""The static files under names that carry a hash of their bytes: /static/app.<hash>.css is the same bytes
for ever, so a phone keeps it a year without asking again, and a changed file is a new name. Pages link
the hashed names (`static_url("app.css")` in a template); the plain names answer too, for pages kept before
a deploy and for anyone who typed them, and are kept only briefly.

The names are worked out once per process, from the files' bytes: every worker of a deploy gives the same."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from portfolio.compression import compressible

STATIC = Path(__file__).parent / "static"
HASH_CHARACTERS = 10
# A hashed name back to its plain one; static/sw.js has the same pattern, for pages kept on the phone.
HASH_IN_NAME = re.compile(r"\.[0-9a-f]{%d}(\.[^./]+)$" % HASH_CHARACTERS)
# A hashed name never changes its bytes: a year, and no revalidation when the page is reloaded.
HASHED_CACHE = "public, max-age=31536000, immutable"
# A plain name does: a few minutes, so a deploy reaches whoever still asks for one soon.
PLAIN_CACHE = "public, max-age=300"


def hashed_name(name: str, content: bytes) -> str:
    """app.css -> app.<hash>.css; the hash goes before the last suffix, so the type stays what it was."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_CHARACTERS]
    folder, slash, file_name = name.rpartition("/")
    stem, dot, suffix = file_name.rpartition(".")
    hashed = f"{stem}.{digest}.{suffix}" if dot and stem else f"{file_name}.{digest}"
    return f"{folder}{slash}{hashed}"


@dataclass(frozen=True)
class Asset:
    """One file as it is sent: its bytes, and gzip'd once here when that makes it smaller (text, not images)."""

    data: bytes
    gzipped: bytes | None
    media_type: str
    etag: str  # of the bytes; the gzip'd answer's ends in -gz: another representation, another tag
    cache_control: str


def _asset(path: Path) -> Asset:
    data = path.read_bytes()
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    gzipped = None
    if compressible(media_type):
        packed = gzip.compress(data, compresslevel=9, mtime=0)
        gzipped = packed if len(packed) < len(data) else None
    return Asset(data, gzipped, media_type, hashlib.sha256(data).hexdigest()[:20], PLAIN_CACHE)


@dataclass(frozen=True)
class Assets:
    urls: dict[str, str]  # "app.css" -> "/static/app.<hash>.css"
    served: dict[str, Asset]  # every name that answers, hashed or plain

    def url(self, name: str) -> str:
        """The hashed URL of a file under static/ (a KeyError names a file that is not there)."""
        return self.urls[name]

    def find(self, name: str) -> Asset | None:
        """The file a name asks for. A hash this deploy did not make (a page from before it, or a process of
        the one before still answering beside this one) gets today's file, kept briefly: never a 404 for a
        page's style sheet, and never a year of the wrong bytes under that name."""
        found = self.served.get(name)
        if found is None and HASH_IN_NAME.search(name):
            plain = self.served.get(HASH_IN_NAME.sub(r"\1", name))
            found = replace(plain, cache_control=PLAIN_CACHE) if plain else None
        return found


def scan(directory: Path) -> Assets:
    """Only the files found here answer: no name a request makes up reaches outside the folder. They are
    read into memory once (the whole folder is about 150 kB)."""
    urls: dict[str, str] = {}
    served: dict[str, Asset] = {}
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(directory).as_posix()
        asset = _asset(path)
        hashed = hashed_name(name, asset.data)
        urls[name] = f"/static/{hashed}"
        served[name] = asset
        served[hashed] = replace(asset, cache_control=HASHED_CACHE)
    return Assets(urls, served)


@cache
def bundled() -> Assets:
    return scan(STATIC)


def static_url(name: str) -> str:
    return bundled().url(name)
