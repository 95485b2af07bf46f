"""Portfolio documents: the PDF, the student's full export, and the public page that checks a PDF."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from typing import IO

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Stream, Template

from portfolio import clock
from portfolio.auth import public, role
from portfolio.routes.common import render
from portfolio.services import documents, sharing
from portfolio.services.accounts import CurrentUser
from portfolio.settings import Settings
from portfolio.storage import CHUNK, EvidenceStore, content_disposition

PRIVATE = "private, no-store"


class DocumentController(Controller):
    """The public check page a PDF's QR code opens: the student's name, the day, current or not. Nothing else."""

    guards = [public]
    # An unknown code answers like any other: never cached, never indexed.
    opt = {"error_headers": {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}}

    @get("/p/{code:str}")
    async def check(self, request: Request, code: FromPath[str]) -> Template:
        headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}
        found = await documents.check(code)
        page = render(request, "document_check", **found)
        page.headers.update(headers)
        return page


def _pdf(made: documents.Made) -> Response:
    return Response(
        content=made.pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": content_disposition("attachment", made.filename), "Cache-Control": PRIVATE},
    )


async def _chunks(handle: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        await asyncio.to_thread(handle.seek, 0)
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            yield chunk
    finally:
        handle.close()


class DownloadController(Controller):
    """Downloads. Each handler names its own role."""

    @get("/student/portfolio.pdf", guards=[role("student")])
    async def student_pdf(self, request: Request, student: NamedDependency[CurrentUser], settings: NamedDependency[Settings]) -> Response:
        """The student's own copy: everything a portfolio shows. Not a disclosure."""
        made = await documents.make_pdf(student.id, None, documents.SELF, settings.base_url, created_by=student.id)
        return _pdf(made)

    @get("/employer/students/{student_id:int}/portfolio.pdf", guards=[role("employer")])
    async def employer_pdf(self, request: Request, employer: NamedDependency[CurrentUser], student_id: FromPath[int], settings: NamedDependency[Settings]) -> Response:
        """Only what the organization's active shares cover; a download is a disclosure, recorded."""
        access = await sharing.employer_access(employer, student_id)
        if access is None:
            raise NotFoundException()  # no share, expired, revoked, another organization's: all the same
        organization = await sharing.organization_name(employer.organization_id)
        made = await documents.make_pdf(student_id, access, organization or employer.name, settings.base_url,
                                        created_by=employer.id)
        await sharing.disclose(student_id, "pdf", employer.name, organization, viewer=employer.id, share=access.share_ids[0])
        return _pdf(made)

    @get("/student/export.zip", guards=[role("student")])
    async def export(self, request: Request, student: NamedDependency[CurrentUser], store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]) -> Response:
        """All of the student's record in one ZIP, built in a temporary file (never whole in memory) and streamed."""
        work = settings.var_dir / "tmp"
        work.mkdir(parents=True, exist_ok=True)
        handle = tempfile.TemporaryFile(dir=work)  # no name on disk: gone when closed
        try:
            await documents.write_export(student, store, settings.base_url, handle)
            size = await asyncio.to_thread(handle.tell)
        except BaseException:
            handle.close()
            raise
        day = documents.local_day(clock.now(), await documents.timezone_of(student.id))
        filename = documents.filename_for(student.name, day).removesuffix(".pdf").replace("portfolio-", "portfolio-export-", 1) + ".zip"
        return Stream(
            _chunks(handle),
            media_type="application/zip",
            headers={"Content-Disposition": content_disposition("attachment", filename), "Cache-Control": PRIVATE,
                     "Content-Length": str(size)},
        )
