"""Uploads go to disk, not to memory: a 19.5 MB PDF raises the real server's peak memory (VmHWM) by far
less than its size, and a file over the limit, or a URL-encoded body, is refused without being read in.

Runs on SQLite and on PostgreSQL. The figures are printed and written to var/bench/memory.txt.
"""

from __future__ import annotations

import os
import re
import sys
import time
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from tests import samples
from tests.factories import csrf_token
from tests.live import live_server

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "var" / "bench" / "memory.txt"
STUDENT = "student@demo.example"
DEMO_PASSWORD = "demo-portfolio-2026"  # portfolio/services/demo.py: DEMO_PASSWORD
MB = 1024 * 1024
ACCEPTED_SIZE = int(19.5 * MB)  # under the default limit of 20 MB
REFUSED_SIZE = 21 * MB  # over it
MAX_GROWTH = 8 * MB

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/<pid>/status")


def peak_rss(pid: int) -> int:
    """The process's peak resident set size (VmHWM), in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmHWM:\s+(\d+) kB$", status, re.MULTILINE)
    assert match, status
    return int(match.group(1)) * 1024


def multipart_from_file(
    path: Path, filename: str, content_type: str, chunked: bool = False
) -> tuple[dict[str, str], AsyncIterator[bytes]]:
    """A multipart/form-data body with one "file" part, read from disk in small pieces as it is sent.

    With a Content-Length, as a browser sends it; or chunked, when the server only finds out that the body
    is too large after reading the limit's worth of it."""
    boundary = f"----portfolio-{uuid.uuid4().hex}"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + path.stat().st_size + len(tail)

    async def body() -> AsyncIterator[bytes]:
        yield head
        with path.open("rb") as file:
            while chunk := file.read(256 * 1024):
                yield chunk
        yield tail

    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    if not chunked:
        headers["content-length"] = str(length)  # else httpx sends it chunked
    return headers, body()


async def upload(
    http: httpx.AsyncClient, url: str, path: Path, filename: str, content_type: str, chunked: bool = False
) -> httpx.Response:
    headers, body = multipart_from_file(path, filename, content_type, chunked)
    headers["x-csrftoken"] = csrf_token(http)
    return await http.post(url, content=body, headers=headers)


async def sign_in(http: httpx.AsyncClient) -> None:
    assert (await http.get("/signin")).status_code == 200
    response = await http.post(
        "/signin",
        data={"email": STUDENT, "password": DEMO_PASSWORD, "next": "", "_csrf_token": csrf_token(http)},
    )
    assert response.status_code in (302, 303), response.text[-800:]


async def a_draft_entry(http: httpx.AsyncClient) -> int:
    dashboard = await http.get("/student")
    assert dashboard.status_code == 200
    for row in re.findall(r'<li class="entry">(.*?)</li>', dashboard.text, re.DOTALL):
        link = re.search(r'href="/student/experiences/(\d+)"', row)
        if link and "status-draft" in row:
            return int(link.group(1))
    raise AssertionError("the demo student has no draft entry on the dashboard")


def mb(n: int) -> str:
    return f"{n / MB:.1f} MB"


async def test_uploads_do_not_go_through_memory(tmp_path: Path, step):
    database = os.environ.get("PORTFOLIO_TEST_DB", "sqlite")
    step("the server starts and the demo student signs in")
    async with live_server() as live, httpx.AsyncClient(base_url=live.url, timeout=60) as http:
        await sign_in(http)
        entry_id = await a_draft_entry(http)
        url = f"/student/experiences/{entry_id}/evidence"

        step("warm-up")
        # Warm up: the image and PDF code is loaded and has run once before anything is measured.
        for name, data, content_type in (
            ("warm-up.jpg", samples.jpeg_with_gps(), "image/jpeg"),
            ("warm-up.pdf", samples.pdf(), "application/pdf"),
        ):
            small = tmp_path / name
            small.write_bytes(data)
            response = await upload(http, url, small, name, content_type)
            assert response.status_code == 303, response.text[-800:]
        baseline = peak_rss(live.pid)

        step("a PDF just under the limit is accepted")
        big = tmp_path / "certificate-scan.pdf"
        big.write_bytes(samples.big_pdf(ACCEPTED_SIZE))
        assert big.stat().st_size == ACCEPTED_SIZE
        started = time.monotonic()
        response = await upload(http, url, big, big.name, "application/pdf")
        accepted_seconds = time.monotonic() - started
        assert response.status_code == 303, response.text[-800:]
        assert response.headers["location"].endswith("?added=1#evidence"), response.headers
        page = await http.get(f"/student/experiences/{entry_id}")
        assert big.name in page.text and "PDF, 1 page" in page.text
        after_accepted = peak_rss(live.pid)
        accepted_growth = after_accepted - baseline

        step("a file over the limit is refused, sent with a length and then chunked")
        too_big = tmp_path / "too-big.pdf"
        too_big.write_bytes(samples.big_pdf(REFUSED_SIZE))
        big.unlink()
        for chunked in (False, True):
            response = await upload(http, url, too_big, too_big.name, "application/pdf", chunked=chunked)
            assert response.status_code == 422, (chunked, response.text[-800:])
            assert "This file is larger than 20 MB." in response.text, (chunked, response.text[-800:])
            assert response.request.headers.get("transfer-encoding") == ("chunked" if chunked else None)
        page = await http.get(f"/student/experiences/{entry_id}")
        assert too_big.name not in page.text
        refused_growth = peak_rss(live.pid) - after_accepted

        step("a URL-encoded form of the limit's size is refused unread")
        # A URL-encoded form of the limit's size would be parsed in memory: it is refused before it is
        # read, for a visitor who is not signed in and for the student alike.
        encoded = {"content-type": "application/x-www-form-urlencoded"}
        form = b"file=" + b"A" * ACCEPTED_SIZE
        async with httpx.AsyncClient(base_url=live.url, timeout=60) as anonymous:
            response = await anonymous.post(url, content=form, headers=encoded)
            assert response.status_code == 303 and response.headers["location"].startswith("/signin"), response.status_code
        response = await http.post(url, content=form, headers=encoded | {"x-csrftoken": csrf_token(http)})
        assert response.status_code == 415, response.text[-800:]
        encoded_growth = peak_rss(live.pid) - after_accepted - refused_growth

    step("the server's peak memory grew by less than the limit each time")
    report = (
        f"Peak memory (VmHWM) of `portfolio serve` while receiving uploads; tests/test_memory.py on {database}, "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC\n"
        f"baseline after warm-up: {mb(baseline)}\n"
        f"{mb(ACCEPTED_SIZE)} PDF accepted in {accepted_seconds:.2f} s: peak grew by {mb(accepted_growth)} "
        f"({accepted_growth // 1024} KiB)\n"
        f"{mb(REFUSED_SIZE)} file refused (over 20 MB), sent with a Content-Length and then chunked: "
        f"peak grew by a further {mb(refused_growth)} ({refused_growth // 1024} KiB)\n"
        f"{mb(ACCEPTED_SIZE)} URL-encoded form, refused unread (not signed in; not multipart): "
        f"peak grew by a further {mb(encoded_growth)} ({encoded_growth // 1024} KiB)\n"
        f"limit asserted: under {mb(MAX_GROWTH)} each\n"
    )
    print("\n" + report)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(report, encoding="utf-8")
    assert accepted_growth < MAX_GROWTH, report
    assert refused_growth < MAX_GROWTH, report
    assert encoded_growth < MAX_GROWTH, report
