"""Staff and admins: a partner's agreements and documents (added, renewed, deleted from the partner's page), the
list of those expiring soon, and opening a document's file, which only the partner's school's staff and admins
may do (everyone else is told there is no such file)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from portfolio.auth import signed_in
from portfolio.errors import FormErrors
from portfolio.forms.partner_documents import DOCUMENT_LIMITS, parse_document
from portfolio.partner_vocabulary import DOCUMENT_KIND_LABELS, DOCUMENT_STATE_LABELS
from portfolio.routes.common import go_to, redisplay, render
from portfolio.routes.files import send_file
from portfolio.routes.partners import STAFF
from portfolio.routes.uploads import limits, read_upload_form, spooled, takes_files, too_large
from portfolio.services import experiences
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners import documents, records
from portfolio.settings import Settings
from portfolio.storage import EvidenceStore

WORDS = {"document_kinds": DOCUMENT_KIND_LABELS, "document_states": DOCUMENT_STATE_LABELS,
         "document_limits": DOCUMENT_LIMITS, "soon_days": documents.EXPIRY_SOON_DAYS}
SAFE_INLINE = {"image/jpeg", "image/png", "image/webp"}



async def _form_page(request: Request, partner_id: int, values: dict[str, Any], errors: dict[str, str],
                     replacing: dict[str, Any] | None = None, status_code: int = 200) -> Template:
    found = await records.page(request.user, partner_id)
    return render(request, "partner_document_form", status_code=status_code, partner=found, values=values,
                  errors=errors, replacing=replacing, **WORDS)


async def _again(request: Request, problem: Any) -> Template:
    partner_id = request.path_params["partner_id"]
    document_id = request.path_params.get("document_id")
    replacing = await documents.get(request.user, partner_id, document_id) if document_id else None
    return await _form_page(request, partner_id, problem.values, problem.errors, replacing, problem.status)


async def _receive(request: Request, partner_id: int, store: EvidenceStore, settings: Settings,
                   replaces: int | None = None) -> Response:
    user: CurrentUser = request.user
    await records.page(user, partner_id)  # another school's partner is not found before its form is judged
    form, uploads = await read_upload_form(request, settings)
    if form is None:
        raise FormErrors({"file": too_large(settings) + " Nothing was saved: fill in the form again."})
    parsed = parse_document(form, await experiences.today_for(user))
    if not uploads:
        document_id = await documents.add(store, user, partner_id, parsed, None, replaces=replaces, **limits(settings))
    else:
        async with spooled(uploads[0], settings) as upload:
            document_id = await documents.add(store, user, partner_id, parsed, upload, replaces=replaces,
                                              **limits(settings))
    done = "renewed" if replaces else "document"
    return go_to(request, f"/staff/partners/{partner_id}?done={done}#document-{document_id}")


class PartnerDocumentsController(Controller):
    guards = STAFF

    @get("/staff/partners/expiring")
    async def expiring(self, request: Request, user: NamedDependency[CurrentUser]) -> Template:
        found = await documents.expiring(user, await experiences.today_for(user))
        return render(request, "partner_documents_expiring", documents=found, every_school=user.has("admin"), **WORDS)

    @get("/staff/partners/{partner_id:int}/documents/new")
    async def new(self, request: Request, partner_id: FromPath[int]) -> Template:
        return await _form_page(request, partner_id, {"kind": "mou"}, {})

    @post("/staff/partners/{partner_id:int}/documents/new", opt=redisplay(_again), **takes_files())
    async def add(self, request: Request, partner_id: FromPath[int], store: NamedDependency[EvidenceStore],
                  settings: NamedDependency[Settings]) -> Response:
        return await _receive(request, partner_id, store, settings)

    @get("/staff/partners/{partner_id:int}/documents/{document_id:int}/replace")
    async def renew(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int],
                    document_id: FromPath[int]) -> Template:
        row = await documents.get(user, partner_id, document_id)
        return await _form_page(request, partner_id, {"kind": row["kind"], "title": row["title"]}, {}, row)

    @post("/staff/partners/{partner_id:int}/documents/{document_id:int}/replace", opt=redisplay(_again),
          **takes_files())
    async def replace(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int],
                      document_id: FromPath[int], store: NamedDependency[EvidenceStore],
                      settings: NamedDependency[Settings]) -> Response:
        await documents.get(user, partner_id, document_id)
        return await _receive(request, partner_id, store, settings, replaces=document_id)

    @post("/staff/partners/{partner_id:int}/documents/{document_id:int}/delete")
    async def delete(self, request: Request, user: NamedDependency[CurrentUser], partner_id: FromPath[int],
                     document_id: FromPath[int], store: NamedDependency[EvidenceStore]) -> Response:
        await documents.remove(store, user, partner_id, document_id)
        return go_to(request, f"/staff/partners/{partner_id}?done=document_deleted#documents-heading")


class PartnerDocumentFileController(Controller):
    """Opening a document's file. The guard only asks for a sign-in: documents.open_for decides, and says 404
    to anyone but the partner's school's staff and admins, so an id tells nobody else anything."""

    guards = [signed_in]

    @get("/partner-documents/{document_id:int}")
    async def file(self, request: Request, document_id: FromPath[int], store: NamedDependency[EvidenceStore]) -> Response:
        row = await documents.open_for(request.user, document_id)
        disposition = "inline" if row["content_type"] in SAFE_INLINE else "attachment"
        return await send_file(store, row["storage_key"], row["original_name"], row["content_type"], disposition)
