"""Staff and admins: importing a roster from the district's SIS. An upload answers with a dry run row by row;
its confirmation writes it. The files wait on the server under a token for an hour (services/roster/imports.py
says why); the confirmation form carries the token and the plan's fingerprint, never the files."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Template

from portfolio.auth import role
from portfolio.errors import FormErrors
from portfolio.forms.roster import parse_confirmation, parse_full
from portfolio.parse import int_or_none
from portfolio.routes.common import client_ip, form_values, go_to, redisplay, render
from portfolio.routes.uploads import read_upload_form, takes_files
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.roster import files, imports
from portfolio.settings import Settings
from portfolio.storage import content_disposition

DONE = ("create", "update", "deactivate", "graduate", "link")
WORDS = {"columns": files.TEMPLATE_COLUMNS, "max_mb": files.MAX_BYTES // 1_000_000, "separator": files.LIST}


async def _page(request: Request, errors: dict[str, str], values: dict[str, Any], outcome: Any = None,
                done: dict[str, int] | None = None, status_code: int = 200) -> Template:
    return render(request, "roster_import", status_code=status_code, errors=errors, values=values, outcome=outcome,
                  plan=outcome.plan if outcome else None, done=done, **WORDS)


async def _again(request: Request, problem: Any) -> Template:
    return await _page(request, problem.errors, problem.values, status_code=problem.status)


class RosterController(Controller):
    guards = [role("staff", "admin")]

    @get("/staff/roster/template.csv")
    async def template(self) -> Response:
        return Response(content=files.template().encode(), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": content_disposition("attachment", files.TEMPLATE)})

    @get("/staff/roster")
    async def start(self, request: Request) -> Template:
        done = None
        if request.query_params.get("done") == "imported":
            done = {k: int_or_none(request.query_params.get(k)) or 0 for k in DONE}
        return await _page(request, {}, {"full": "yes"}, done=done)

    @post("/staff/roster", opt=redisplay(_again), **takes_files())
    async def dry_run(self, request: Request, user: NamedDependency[CurrentUser],
                      settings: NamedDependency[Settings]) -> Template:
        form, uploads = await read_upload_form(request, settings)
        if form is None:
            raise FormErrors({"file": f"These files are larger than {settings.max_upload_mb} MB. Import one "
                                      "school's files at a time."})
        values = {"full": "yes" if parse_full(form) else ""}
        if not uploads:
            raise FormErrors({"file": "Choose the files to import: a OneRoster ZIP, its CSV files, or the "
                                      "template."}, values)
        read = []
        for upload in uploads:
            await upload.seek(0)
            read.append((upload.filename or "upload.csv", await upload.read(files.MAX_BYTES + 1)))
        outcome = await imports.dry_run(user, read, parse_full(form))
        return await _page(request, {}, values, outcome)

    @post("/staff/roster/confirm", opt=redisplay(_again))
    async def confirm(self, request: Request, user: NamedDependency[CurrentUser], emails: NamedDependency[Emails],
                      settings: NamedDependency[Settings]) -> Response:
        chosen = parse_confirmation(await form_values(request))
        values = {"full": "yes" if chosen.full else "", "invite": "yes" if chosen.invite else ""}
        outcome = await imports.confirm(user, chosen.token, chosen.fingerprint, chosen.full, chosen.large,
                                        emails if chosen.invite else None,
                                        timedelta(days=settings.invite_token_days), client_ip(request))
        if not outcome.written:
            errors = {"large": f"Tick the box to confirm that {outcome.plan.leaving} people leave."} \
                if outcome.notice == "large" else {}
            return await _page(request, errors, values, outcome, status_code=422 if errors else 200)
        counts = "&".join(f"{k}={v}" for k, v in outcome.plan.counts.items() if k in DONE)
        return go_to(request, f"/staff/roster?done=imported&{counts}")
