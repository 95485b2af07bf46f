"""Sending a stored file to someone a policy has already let open it: never cached, never sniffed by the
browser (the app-wide nosniff header), a PDF only ever as a download. The evidence and partner-document routes
both send through here."""

from __future__ import annotations

from litestar import Response
from litestar.response import File, Redirect

from portfolio.storage import EvidenceStore

PRIVATE = {"Cache-Control": "private, no-store"}
# A PDF can carry script (an OpenAction): it is only ever downloaded, never shown by our origin, and a
# browser that renders it anyway does so in a sandbox with no script, no plugins and no same-origin access.
# Pages show a PDF as the page image the preview worker rendered.
PDF_DOWNLOAD = {**PRIVATE, "Content-Security-Policy": "sandbox; default-src 'none'"}


async def send_file(store: EvidenceStore, key: str, filename: str, content_type: str, disposition: str) -> Response:
    headers = PRIVATE
    if content_type == "application/pdf":
        disposition, headers = "attachment", PDF_DOWNLOAD
    path = store.local_path(key)
    if path is not None:
        return File(
            path=path,
            filename=filename,
            media_type=content_type,
            content_disposition_type=disposition,
            headers=headers,
        )
    # The bucket's own origin answers a presigned URL, and it is sent as a download all the same.
    url = await store.presigned_get(key, 60, filename, content_type, disposition)
    return Redirect(path=url, status_code=303, headers=PRIVATE)
