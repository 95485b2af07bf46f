"""Evidence files: a student adds and removes them; whoever the policy allows opens them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Stream, Template

from portfolio.auth import role, signed_in
from portfolio.errors import NotEditable
from portfolio.routes.common import form_values, go_to, render
from portfolio.routes.files import PRIVATE, send_file
from portfolio.routes.uploads import limits, read_upload_form, spooled, takes_files, too_large
from portfolio.services import evidence, signoff
from portfolio.services.accounts import CurrentUser
from portfolio.settings import Settings
from portfolio.storage import EvidenceStore

PARENT_PAGES = {"experience": "/student/experiences/{}", "certification": "/student/certifications/{}"}
# Files are added and removed on the edit page; the card (PARENT_PAGES) only shows them.
EDIT_PAGES = {parent: page + "/edit" for parent, page in PARENT_PAGES.items()}


async def evidence_section(parent: evidence.Parent, parent_id: int, editable: bool, **extra: Any) -> dict[str, Any]:
    """What the evidence partial needs; the entry and certification pages include it."""
    return {
        # The files the verifier of a verified entry saw: removing one voids it; any other was added afterwards.
        "evidence_seen": await signoff.attested_files(parent_id) if parent == "experience" else None,
        "evidence_parent": parent,
        "evidence_parent_id": parent_id,
        "evidence_items": await evidence.listing(parent, parent_id),
        "evidence_editable": editable,
        "evidence_action": PARENT_PAGES[parent].format(parent_id) + "/evidence",
        "evidence_errors": extra.get("errors", []),
        "evidence_added": extra.get("added", 0),
    }


async def _receive(
    request: Request, parent: evidence.Parent, parent_id: int, store: EvidenceStore, settings: Settings
) -> Response:
    student = request.user
    errors: list[str] = []
    added = 0
    form, uploads = await read_upload_form(request, settings)
    if form is None:
        errors.append(too_large(settings))
    elif not uploads:
        errors.append("Choose a photo or a PDF to add.")
    for upload in uploads:
        try:
            async with spooled(upload, settings) as file:
                await evidence.attach(store, student, parent, parent_id, file, **limits(settings))
            added += 1
        except evidence.Rejected as refused:
            errors.append(f"{upload.filename or 'The file'}: {refused.message}")
        except NotEditable as locked:
            errors.append(locked.message)
    page = EDIT_PAGES[parent].format(parent_id)
    if request.headers.get("hx-request"):
        context = await evidence_section(parent, parent_id, True, errors=errors, added=added)
        return Template(template_name="partials/_evidence.html", context=context, status_code=422 if errors else 200)
    if errors:
        return render(
            request, "error", status_code=422, title="Some files were not added",
            message=" ".join(errors), back=page,
        )
    return go_to(request, f"{page}?added={added}#evidence")


class StudentEvidenceController(Controller):
    """A student adds files to their entries and certifications, and removes them."""

    path = "/student"
    guards = [role("student")]

    @post("/experiences/{entry_id:int}/evidence", **takes_files())
    async def add_to_experience(
        self, request: Request, entry_id: FromPath[int], store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]
    ) -> Response:
        return await _receive(request, "experience", entry_id, store, settings)

    @post("/certifications/{certification_id:int}/evidence", **takes_files())
    async def add_to_certification(
        self, request: Request, certification_id: FromPath[int], store: NamedDependency[EvidenceStore],
        settings: NamedDependency[Settings],
    ) -> Response:
        return await _receive(request, "certification", certification_id, store, settings)

    @post("/evidence/{evidence_id:int}/delete")
    async def remove(self, request: Request, student: NamedDependency[CurrentUser], evidence_id: FromPath[int], store: NamedDependency[EvidenceStore]) -> Response:
        # The student was warned on the button itself (and asked again by the browser when it runs htmx).
        void_ok = (await form_values(request)).get("void_ok") == "1"
        row = await evidence.remove(store, student, evidence_id, void_ok=void_ok)
        parent: evidence.Parent = "experience" if row["experience"] else "certification"
        parent_id = row["experience"] or row["certification"]
        if request.headers.get("hx-request") and not void_ok:  # a voided entry's whole page changes: load it again
            context = await evidence_section(parent, parent_id, True)
            return Template(template_name="partials/_evidence.html", context=context)
        return go_to(request, EDIT_PAGES[parent].format(parent_id) + "#evidence")


class EvidenceController(Controller):
    """Opening files. The guard only asks for a sign-in: evidence.can_view decides, and says 404 otherwise.
    An employer's opening (thumbnail, view or original) is recorded for the student, once per file and day."""

    path = "/evidence"
    guards = [signed_in]

    async def _row(self, request: Request, evidence_id: int) -> dict[str, Any]:
        return await evidence.open_for(request.user, evidence_id)

    @get("/{evidence_id:int}")
    async def original(self, request: Request, evidence_id: FromPath[int], store: NamedDependency[EvidenceStore]) -> Response:
        row = await self._row(request, evidence_id)
        disposition = "inline" if row["content_type"] in ("image/jpeg", "image/png", "image/webp", "application/pdf") else "attachment"
        return await send_file(store, row["storage_key"], row["original_name"], row["content_type"], disposition)

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
        return await send_file(store, row["display_key"], name, "image/jpeg", "inline")
    return await send_file(store, row["storage_key"], row["original_name"], row["content_type"], "inline")


def send_thumb(store: EvidenceStore, row: dict[str, Any]) -> Response:
    # Thumbnails always come through the app, so pages never need the bucket's origin for them.
    return Stream(store.stream(row["thumb_key"]), media_type="image/jpeg", headers=PRIVATE)
