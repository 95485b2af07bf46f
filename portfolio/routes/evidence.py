"""Evidence files: a student adds and removes them; whoever the policy allows opens them."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path
from typing import Any

from litestar import Controller, Request, Response, Router, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException, NotFoundException
from litestar.params import FromPath
from litestar.response import File, Redirect, Stream, Template

from portfolio.auth import role, signed_in
from portfolio.routes.common import go_to, render
from portfolio.services import evidence
from portfolio.settings import Settings
from portfolio.storage import EvidenceStore

PARENT_PAGES = {"experience": "/student/experiences/{}", "certification": "/student/certifications/{}"}
PRIVATE = {"Cache-Control": "private, no-store"}
LOCKED = "This entry is waiting for verification, so its evidence cannot change now. Cancel the request to change it."
# Multipart framing and the CSRF field ride on top of the file itself.
FORM_OVERHEAD = 64 * 1024


async def evidence_section(parent: evidence.Parent, parent_id: int, editable: bool, **extra: Any) -> dict[str, Any]:
    """What the evidence partial needs; the entry and certification pages include it."""
    return {
        "evidence_parent": parent,
        "evidence_parent_id": parent_id,
        "evidence_items": await evidence.listing(parent, parent_id),
        "evidence_editable": editable,
        "evidence_action": PARENT_PAGES[parent].format(parent_id) + "/evidence",
        "evidence_errors": extra.get("errors", []),
        "evidence_added": extra.get("added", 0),
    }


async def _spool_to_disk(upload: UploadFile, folder: Path) -> Path:
    """Litestar keeps a part in memory up to 1 MB, then on disk; the checks want a real file."""
    path = Path(tempfile.mkstemp(dir=folder)[1])

    def copy() -> None:
        upload.file.seek(0)
        with path.open("wb") as out:
            shutil.copyfileobj(upload.file, out, 1024 * 1024)

    await asyncio.to_thread(copy)
    return path


async def _receive(
    request: Request, parent: evidence.Parent, parent_id: int, store: EvidenceStore, settings: Settings
) -> Response:
    student = request.scope["user"]
    errors: list[str] = []
    added = 0
    try:
        form = await request.form()
    except HTTPException as problem:
        if problem.status_code != 413:
            raise
        errors.append(f"This file is larger than {settings.max_upload_mb} MB. Take a smaller photo, or scan fewer pages.")
        form = None
    uploads = [item for item in (form.getall("file", []) if form else []) if isinstance(item, UploadFile)]
    if form is not None and not uploads:
        errors.append("Choose a photo or a PDF to add.")
    work = settings.var_dir / "tmp"
    work.mkdir(parents=True, exist_ok=True)
    for upload in uploads:
        path = await _spool_to_disk(upload, work)
        try:
            await evidence.attach(
                store,
                student,
                parent,
                parent_id,
                evidence.Upload(path=path, original_name=upload.filename or "evidence"),
                work_root=work,
                max_bytes=settings.max_upload_mb * 1024 * 1024,
                max_pixels=settings.max_image_pixels,
            )
            added += 1
        except evidence.Rejected as refused:
            errors.append(f"{upload.filename or 'The file'}: {refused.message}")
        except evidence.NotFound:
            raise NotFoundException() from None
        except evidence.Locked:
            errors.append(LOCKED)
        finally:
            path.unlink(missing_ok=True)
            await upload.close()
    page = PARENT_PAGES[parent].format(parent_id)
    if request.headers.get("hx-request"):
        context = await evidence_section(parent, parent_id, True, errors=errors, added=added)
        return Template(template_name="partials/_evidence.html", context=context, status_code=422 if errors else 200)
    if errors:
        return render(
            request, "error", status_code=422, title="Some files were not added",
            message=" ".join(errors), back=page,
        )
    return go_to(request, f"{page}?added={added}#evidence")


def upload_routes(settings: Settings) -> Router:
    """The upload routes, with a body limit from the settings (every other route keeps the small default)."""
    limit = settings.max_upload_mb * 1024 * 1024 + FORM_OVERHEAD

    class UploadController(Controller):
        path = "/student"
        guards = [role("student")]

        @post("/experiences/{entry_id:int}/evidence", request_max_body_size=limit)
        async def add_to_experience(
            self, request: Request, entry_id: FromPath[int], store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]
        ) -> Response:
            return await _receive(request, "experience", entry_id, store, settings)

        @post("/certifications/{certification_id:int}/evidence", request_max_body_size=limit)
        async def add_to_certification(
            self, request: Request, certification_id: FromPath[int], store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]
        ) -> Response:
            return await _receive(request, "certification", certification_id, store, settings)

        @post("/evidence/{evidence_id:int}/delete")
        async def remove(self, request: Request, evidence_id: FromPath[int], store: NamedDependency[EvidenceStore]) -> Response:
            try:
                row = await evidence.remove(store, request.scope["user"], evidence_id)
            except evidence.NotFound:
                raise NotFoundException() from None
            except evidence.Locked:
                return render(request, "error", status_code=409, title="Cannot remove",
                              message=LOCKED)
            parent: evidence.Parent = "experience" if row["experience"] else "certification"
            parent_id = row["experience"] or row["certification"]
            if request.headers.get("hx-request"):
                context = await evidence_section(parent, parent_id, True)
                return Template(template_name="partials/_evidence.html", context=context)
            return go_to(request, PARENT_PAGES[parent].format(parent_id) + "#evidence")

    return Router(path="/", route_handlers=[UploadController])


class EvidenceController(Controller):
    """Opening files. The guard only asks for a sign-in: evidence.can_view decides, and says 404 otherwise."""

    path = "/evidence"
    guards = [signed_in]

    async def _row(self, request: Request, evidence_id: int) -> dict[str, Any]:
        try:
            return await evidence.get_for(request.scope["user"], evidence_id)
        except evidence.NotFound:
            raise NotFoundException() from None

    @get("/{evidence_id:int}")
    async def original(self, request: Request, evidence_id: FromPath[int], store: NamedDependency[EvidenceStore]) -> Response:
        row = await self._row(request, evidence_id)
        disposition = "inline" if row["content_type"] in ("image/jpeg", "image/png", "image/webp", "application/pdf") else "attachment"
        return await _send(store, row["storage_key"], row["original_name"], row["content_type"], disposition)

    @get("/{evidence_id:int}/view")
    async def view(self, request: Request, evidence_id: FromPath[int], store: NamedDependency[EvidenceStore]) -> Response:
        """What a browser can show: the JPEG copy of a HEIC photo, else the original."""
        return await send_view(store, await self._row(request, evidence_id))

    @get("/{evidence_id:int}/thumb")
    async def thumb(self, request: Request, evidence_id: FromPath[int], store: NamedDependency[EvidenceStore]) -> Response:
        return send_thumb(store, await self._row(request, evidence_id))


async def send_view(store: EvidenceStore, row: dict[str, Any]) -> Response:
    """What a browser can show: the JPEG copy of a HEIC photo, else the original. The caller has checked
    the evidence policy; the supervisor's link pages use this too."""
    if row["display_key"]:
        name = Path(row["original_name"]).stem + ".jpg"
        return await _send(store, row["display_key"], name, "image/jpeg", "inline")
    return await _send(store, row["storage_key"], row["original_name"], row["content_type"], "inline")


def send_thumb(store: EvidenceStore, row: dict[str, Any]) -> Response:
    # Thumbnails always come through the app, so pages never need the bucket's origin for them.
    return Stream(store.stream(row["thumb_key"]), media_type="image/jpeg", headers=PRIVATE)


async def _send(store: EvidenceStore, key: str, filename: str, content_type: str, disposition: str) -> Response:
    path = store.local_path(key)
    if path is not None:
        return File(
            path=path,
            filename=filename,
            media_type=content_type,
            content_disposition_type=disposition,
            headers=PRIVATE,
        )
    url = await store.presigned_get(key, 60, filename, content_type, disposition)
    return Redirect(path=url, status_code=303, headers=PRIVATE)
