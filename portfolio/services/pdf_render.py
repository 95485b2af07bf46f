"""Renders page 1 of an uploaded PDF, in a process of its own (previews.pdf_preview starts it).

    python -m portfolio.services.pdf_render SRC DST SIZE MEMORY_MB [CPU_SECONDS]

PDFium is a large C library and an uploaded PDF is hostile until shown otherwise: a crash, a runaway
allocation or an endless loop here ends only this process, never the server. The limits are set
before PDFium is even loaded. The reply is one line of JSON on stdout, {"pages": N} or {"error": ...},
and never anything taken from the PDF: the parent may log it.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

MIB = 1024 * 1024
# A backstop for when no parent is left to enforce its wall-clock timeout; the parent passes its own.
CPU_SECONDS = 30
# The only file written is a thumbnail of a few tens of kilobytes.
MAX_OUTPUT_BYTES = 16 * MIB
QUALITY = 80


def limit_resources(memory_mb: int, cpu_seconds: int) -> None:
    memory = memory_mb * MIB
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # Past the soft limit the kernel sends SIGXCPU, past the hard one SIGKILL: either way we stop.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    # A core file would hold the student's document; a crash should leave nothing behind.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES))


def render_first_page(src: Path, dst: Path, size: int) -> int:
    """Write page 1 as a JPEG whose longest side is `size`; return the page count."""
    import pypdfium2 as pdfium  # loaded only now, so that PDFium itself runs under the limits

    with pdfium.PdfDocument(src) as document:
        pages = len(document)
        if pages < 1:
            raise ValueError("no pages")
        page = document[0]
        # The size accounts for /Rotate, so a landscape page gives a landscape thumbnail.
        width, height = page.get_size()
        image = page.render(scale=size / max(width, height)).to_pil()
        # render() rounds each side up, which can leave one pixel too many.
        image.thumbnail((size, size))
        image.convert("RGB").save(dst, "JPEG", quality=QUALITY)
    return pages


def reply(result: dict[str, object]) -> None:
    try:
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
    except BaseException:  # out of memory even for this: the exit status still tells the parent
        pass


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (4, 5):
        reply({"error": "usage"})
        return 2
    try:
        src, dst, size, memory_mb = args[:4]
        cpu_seconds = int(args[4]) if len(args) == 5 else CPU_SECONDS
        limit_resources(int(memory_mb), cpu_seconds)
        pages = render_first_page(Path(src), Path(dst), int(size))
    except MemoryError:
        reply({"error": "memory"})
        return 1
    # Whatever PDFium or Pillow raised: its message may quote the document, so only the fact is sent.
    except BaseException:
        reply({"error": "unreadable"})
        return 1
    reply({"pages": pages})
    return 0


if __name__ == "__main__":
    sys.exit(main())
