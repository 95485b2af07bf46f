"""gzip for what the server writes (pages, htmx fragments, JSON, CSV, scripts, SVG); never for what is
compressed already (photos, PDFs, ZIP and XLSX files) or carries a Content-Encoding of its own (the static
files, gzip'd once at start: portfolio/assets.py).

Litestar's middleware compresses anything for a client that names gzip; this one first looks at the type,
and at a "gzip;q=0" that refuses it. Pages that hold a secret and echo what someone typed are the BREACH
risk of compression: the CSRF token is masked afresh in every response for that (portfolio/csrf.py), and
one-time link tokens are shown once, never echoed. Brotli would need a compiled package more; gzip gets
most of the gain on HTML."""

from __future__ import annotations

from litestar.config.compression import CompressionConfig
from litestar.datastructures import Headers, MutableScopeHeaders
from litestar.middleware.compression import CompressionMiddleware
from litestar.types import Message, Scope, Send

# Smaller than a packet, a page gains nothing from gzip but the time spent on it.
MINIMUM_SIZE = 1024
# 6 is zlib's own default: on app.css within 1 % of 9's size, in three quarters of the time.
LEVEL = 6
COMPRESSIBLE = frozenset({
    "application/json", "application/manifest+json", "application/javascript", "image/svg+xml",
    "application/xml",
})


def compressible(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith("text/") or media_type in COMPRESSIBLE


def accepts_gzip(accept_encoding: str) -> bool:
    for part in accept_encoding.split(","):
        coding, _, weight = part.partition(";")
        if coding.strip().lower() == "gzip":
            try:
                return float(weight.strip().lower().removeprefix("q=") or 1) > 0  # "gzip;q=0": refused
            except ValueError:
                return True
    return False


class TextCompression(CompressionMiddleware):
    def create_compression_send_wrapper(self, send: Send, compression_encoding: str, scope: Scope) -> Send:
        async def weaken_etag(message: Message) -> None:
            # The gzip'd bytes are another representation: a strong tag of the plain ones no longer names them.
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                etag = headers.get("etag")
                if "content-encoding" in headers and etag and not etag.startswith("W/"):
                    headers["etag"] = f"W/{etag}"
            await send(message)

        compress = super().create_compression_send_wrapper(weaken_etag, compression_encoding, scope)
        chosen = send
        wanted = accepts_gzip(Headers.from_scope(scope).get("accept-encoding", ""))

        async def choose(message: Message) -> None:
            nonlocal chosen
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                if wanted and "content-encoding" not in headers and compressible(headers.get("content-type", "")):
                    chosen = compress
            await chosen(message)

        return choose


def compression_config() -> CompressionConfig:
    return CompressionConfig(
        backend="gzip", minimum_size=MINIMUM_SIZE, gzip_compress_level=LEVEL, middleware_class=TextCompression
    )
