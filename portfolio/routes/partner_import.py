"""Staff and admins: the partner directory as a spreadsheet. The export of what the directory's filter shows,
and the import: a template, an upload that answers with a dry run, and a confirmation that writes it.

The confirmation form carries the file itself (base64url in a hidden field) rather than a copy kept on the
server: nothing of the contacts is left on disk between the two steps, there is nothing to clean up or to find
after a restart or on another worker, and the file is read and judged again at confirmation anyway, so a
changed field can do no more than a fresh upload could. The plan's fingerprint rides along, so a confirmation
writes only the plan that was shown; if the directory changed in between, the new dry run is shown instead."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Template

from portfolio.errors import FormErrors
from portfolio.forms.partners import parse_filter
from portfolio.parse import int_or_none
from portfolio.partner_vocabulary import (
    CONTACT_ROLE_LABELS,
    OFFERING_LABELS,
    PARTNER_KIND_LABELS,
    PARTNER_STATUS_LABELS,
    REACH_BY_LABELS,
)
from portfolio.routes.common import client_ip, form_values, go_to, redisplay, render
from portfolio.routes.partners import STAFF
from portfolio.routes.uploads import read_upload_form, takes_files
from portfolio.services.accounts import CurrentUser
from portfolio.services.partners import export, records, sheet, spreadsheet
from portfolio.settings import Settings
from portfolio.storage import content_disposition

CSV = "text/csv; charset=utf-8"
WORDS = {"kinds": PARTNER_KIND_LABELS, "statuses": PARTNER_STATUS_LABELS, "offering_labels": OFFERING_LABELS,
         "contact_roles": CONTACT_ROLE_LABELS, "reach_by": REACH_BY_LABELS, "columns": sheet.COLUMNS,
         "read_only": sheet.READ_ONLY, "separator": sheet.LIST, "max_rows": sheet.MAX_ROWS,
         "max_kb": sheet.MAX_BYTES // 1000, "limits": sheet.COLUMN_LIMITS}


def _download(text: str, filename: str) -> Response:
    return Response(content=text.encode(), media_type=CSV, headers={
        "Content-Disposition": content_disposition("attachment", filename), "Cache-Control": "private, no-store"})


async def _page(request: Request, errors: dict[str, str], values: dict[str, Any], plan: Any = None,
                notice: str = "", status_code: int = 200, content: str = "") -> Template:
    user: CurrentUser = request.user
    choices = await records.choices(user)
    return render(request, "partner_import", status_code=status_code, errors=errors, values=values, plan=plan,
                  notice=notice, content=content, owners=choices.owners if choices.schools else {},
                  clusters=list(choices.clusters.values()), **WORDS)


async def _again(request: Request, problem: Any) -> Template:
    return await _page(request, problem.errors, problem.values, status_code=problem.status)


def _owner(form: Any) -> int | None:
    return int_or_none(form.get("owner"))


class PartnerImportController(Controller):
    guards = STAFF

    @get("/staff/partners.csv")
    async def export(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        text = await export.export(user, parse_filter(request.query_params), client_ip(request))
        return _download(text, "partners.csv")

    @get("/staff/partners/import/template.csv")
    async def template(self) -> Response:
        return _download(sheet.template(), "partners-template.csv")

    @get("/staff/partners/import")
    async def start(self, request: Request) -> Template:
        counts = {k: int_or_none(request.query_params.get(k)) or 0
                  for k in ("partners_created", "partners_updated", "contacts_created", "contacts_updated")}
        done = request.query_params.get("done") == "imported"
        return await _page(request, {}, {}, notice="imported" if done else "", plan=counts if done else None)

    @post("/staff/partners/import", opt=redisplay(_again), **takes_files())
    async def dry_run(self, request: Request, user: NamedDependency[CurrentUser],
                      settings: NamedDependency[Settings]) -> Template:
        form, uploads = await read_upload_form(request, settings)
        if form is None:
            raise FormErrors({"file": f"This file is larger than {sheet.MAX_BYTES // 1000} KB. Split it into "
                                      "smaller files and import each."})
        values = {"owner": str(form.get("owner", ""))}
        if not uploads:
            raise FormErrors({"file": "Choose the .csv file to import."}, values)
        await uploads[0].seek(0)
        content = await uploads[0].read(sheet.MAX_BYTES + 1)
        plan = await spreadsheet.plan(user, content, _owner(form))
        if plan.problem:
            raise FormErrors({"file": plan.problem}, values)
        return await _page(request, {}, values, plan, content=base64.urlsafe_b64encode(content).decode())

    @post("/staff/partners/import/confirm", opt=redisplay(_again))
    async def confirm(self, request: Request, user: NamedDependency[CurrentUser]) -> Response:
        form = await form_values(request)
        values = {"owner": str(form.get("owner", ""))}
        try:
            content = base64.urlsafe_b64decode(str(form.get("content", "")))
        except (ValueError, binascii.Error):
            raise FormErrors({"file": "The file did not come back whole. Upload it again."}, values) from None
        plan, written = await spreadsheet.apply(user, content, _owner(form), str(form.get("fingerprint", "")),
                                                client_ip(request))
        if plan.problem:
            raise FormErrors({"file": plan.problem}, values)
        if not written:
            notice = "" if plan.blocked or not plan.writes else "changed"
            return await _page(request, {}, values, plan, notice=notice, content=str(form.get("content", "")))
        counts = "&".join(f"{k}={v}" for k, v in plan.counts.items() if k not in ("rows", "errors"))
        return go_to(request, f"/staff/partners/import?done=imported&{counts}")
