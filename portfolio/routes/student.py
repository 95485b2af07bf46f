"""A student's dashboard and their experiences: log, read, edit and delete drafts."""

from __future__ import annotations

import uuid
from contextlib import AsyncExitStack
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from markupsafe import Markup

from portfolio import charts, clock
from portfolio.auth import role
from portfolio.celebration_vocabulary import COMMITMENT_LABELS
from portfolio.errors import Conflict, DomainError, FormErrors
from portfolio.formats import hours
from portfolio.forms.entry import EntryForm, entry_values, parse_entry
from portfolio.forms.profile import parse_profile
from portfolio.routes.attendance import checkin_card
from portfolio.routes.common import form_values, go_to, redisplay, render
from portfolio.routes.evidence import evidence_section
from portfolio.routes.uploads import limits, read_upload_form, spooled, takes_files, too_large
from portfolio.services import evidence, experiences, first_run, profiles, progress, sharing, signoff
from portfolio.services.accounts import CurrentUser
from portfolio.services.celebrations import signing
from portfolio.services.counseling import check_ins, plans
from portfolio.services.feedback import experiences as feedback_experiences
from portfolio.services.opportunities import browse
from portfolio.services.placements import records as placement_records
from portfolio.settings import Settings
from portfolio.storage import EvidenceStore
from portfolio.vocabulary import FirstRunPart


async def _form_context(request: Request, values: dict[str, Any], errors: dict[str, str], **extra: Any) -> dict[str, Any]:
    student = request.user
    school = await experiences.school_of(student)
    return {
        "values": values,
        "errors": errors,
        "clusters": await experiences.clusters(),
        "today": clock.today_at(school).isoformat(),
        **extra,
    }


async def _edit_again(request: Request, problem: DomainError) -> Template:
    """The entry's form again, as typed, with what is wrong (or that it can no longer be edited)."""
    entry_id = request.path_params["entry_id"]
    values = entry_values(await form_values(request))
    if isinstance(problem, FormErrors) and problem.values.get("void_ok"):
        values["void_ok"] = "1"  # the change voids a verification: the student saw the warning, and may save again
    errors = problem.field_errors if isinstance(problem, FormErrors) else {"form": "This entry can no longer be edited."}
    context = await _form_context(request, values, errors, action=f"/student/experiences/{entry_id}",
                                  entry=await _entry(request, entry_id))
    return render(request, "experience_form", "_experience_form", **context)


async def _new_entry_again(request: Request, problem: DomainError) -> Template:
    form = await request.form()
    values = entry_values(form) | {"client_uuid": form.get("client_uuid") or str(uuid.uuid4())}
    errors = problem.field_errors
    if isinstance(problem, Conflict):
        # This form was already saved once, then changed (the back button): offer to save it as a new entry.
        values["client_uuid"] = str(uuid.uuid4())
        errors = {"form": "This form was already saved with other details. Save again to add it as a new entry."}
    context = await _form_context(request, values, errors, action="/student/experiences", entry=None)
    return render(request, "experience_form", "_experience_form", **context)


async def _profile_again(request: Request, problem: FormErrors) -> Template:
    return render(request, "profile", profile=await profiles.get(request.user), values=problem.values,
                  errors=problem.errors, clusters=await experiences.clusters(), saved=False)


async def _entry(request: Request, entry_id: int) -> dict[str, Any]:
    # NotFound (404, not 403) for another student's entry: ids must not be probed.
    return await experiences.get(request.user, entry_id)


async def _entry_and_verification(request: Request, student: CurrentUser, entry_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The entry, and how its verification reads now (signoff's one state rule), for its card and its form."""
    entry = await _entry(request, entry_id)
    verification = await signoff.entry_verification(entry, student.email)
    verification["requestable"] = entry["status"] in signoff.REQUESTABLE
    verification["pending"] = next(
        (r for r in await signoff.pending_for_student(student) if any(e["experience.id"] == entry_id for e in r["entries"])),
        None,
    )
    if verification["state"] == "voided":
        # The stored status may still say verified when the entry no longer matches its sign-off: never show that.
        entry = entry | {"status": "voided"}
    return entry | {"state": verification["state"]}, verification


async def _with_states(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries with how their verification reads now (an on-the-spot sign-off waiting for its supervisor is
    not "Verified", whatever the stored status says)."""
    shown = await signoff.states(entries)
    return [entry | {"state": shown.get(entry["id"], entry["status"])} for entry in entries]


def _goal_ring(glance: dict[str, Any]) -> Markup | None:
    """The school's goal as a ring of verified hours (waiting ones lighter); none when the school set no goal."""
    goal = glance["goal_hours"]
    if not goal:
        return None
    return charts.progress_ring(glance["split"].verified / (goal * 60), glance["split"].waiting / (goal * 60))


def _cluster_chart(by_cluster: list[dict[str, Any]]) -> Markup | None:
    if not by_cluster:
        return None
    bars = [charts.Bar(row["name"], row["minutes"], f"{hours(row['minutes'])} h", row["verified"], f"{hours(row['verified'])} h")
            for row in by_cluster]
    return charts.bar_chart(bars, chart_id="by-cluster", title="Hours by career cluster this school year",
                            headings=("Career cluster", "Hours", "Verified hours"), legend=("Verified", "Not verified yet"))


class StudentController(Controller):
    path = "/student"
    guards = [role("student")]

    @get("/")
    async def dashboard(self, request: Request, student: NamedDependency[CurrentUser], settings: NamedDependency[Settings],
                        saved: FromQuery[int] = 0, deleted: FromQuery[bool] = False) -> Template:
        glance = await progress.glance(student)
        return render(
            request,
            "student_dashboard",
            glance=glance,
            ring=_goal_ring(glance),
            cluster_chart=_cluster_chart(glance["by_cluster"]),
            on_the_spot=glance["on_the_spot"],
            first_steps=await first_run.steps(student, glance["entry_count"]),
            feedback_waiting=await feedback_experiences.waiting(student),
            checkin=checkin_card(student, settings),
            opportunities=await browse.coming_up(student),
            placements=await placement_records.for_dashboard(student),
            plan=await plans.plan_of(student.id),
            next_steps=await check_ins.steps_for_student(student.id),
            commitments=await signing.mine(student),
            COMMITMENTS=COMMITMENT_LABELS,
            saved=saved,
            deleted=deleted,
        )

    @post("/get-started")
    async def hide_first_steps(self, request: Request, student: NamedDependency[CurrentUser]) -> Response:
        """The "Get started" card, or only its install step, set aside for good (a plain form: no script needed)."""
        try:
            part = FirstRunPart((await form_values(request)).get("hide", ""))
        except ValueError:
            raise ValidationException("Nothing to hide by that name.") from None
        await first_run.hide(student, part)
        return go_to(request, "/student")

    @get("/profile")
    async def profile(self, request: Request, student: NamedDependency[CurrentUser], saved: FromQuery[bool] = False) -> Template:
        profile = await profiles.get(student)
        return render(request, "profile", profile=profile, values=profiles.as_form(profile), errors={}, clusters=await experiences.clusters(), saved=saved)

    @post("/profile", opt=redisplay(_profile_again))
    async def save_profile(self, request: Request, student: NamedDependency[CurrentUser]) -> Response:
        clusters = [c["code"] for c in await experiences.clusters()]
        profile = parse_profile(await form_values(request), await experiences.today_for(student), clusters)
        await profiles.save(student, profile)
        return go_to(request, "/student/profile?saved=1")

    @get("/experiences")
    async def all_entries(self, request: Request, student: NamedDependency[CurrentUser], page: FromQuery[int] = 1) -> Template:
        """Every entry, newest first, a page at a time."""
        listing = await experiences.page_of(student, page)
        return render(request, "experiences", entries=await _with_states(listing.rows), listing=listing)

    @get("/experiences/new")
    async def new(self, request: Request, student: NamedDependency[CurrentUser]) -> Template:
        school = await experiences.school_of(student)
        values = {"date": clock.today_at(school).isoformat(), "client_uuid": str(uuid.uuid4())}
        values |= await experiences.last_used(student)
        context = await _form_context(request, values, {}, action="/student/experiences", entry=None)
        return render(request, "experience_form", **context)

    @get("/experiences/{entry_id:int}")
    async def show(self, request: Request, student: NamedDependency[CurrentUser], entry_id: FromPath[int], saved: FromQuery[bool] = False) -> Template:
        """The entry as a card to read: what, where, when, its files, its verification and who it is shared with.
        Editing is an action of its own (/edit), so opening an entry never risks changing it."""
        entry, verification = await _entry_and_verification(request, student, entry_id)
        context = await evidence_section("experience", entry_id, False)
        shown = await sharing.shares_including(student, experience_id=entry_id) if entry["status"] in sharing.SHOWN_STATUSES else []
        return render(request, "experience_card", entry=entry, verification=verification, shares=shown, saved=saved,
                      editable=entry["status"] in experiences.EDITABLE, **context)

    @get("/experiences/{entry_id:int}/edit")
    async def edit(self, request: Request, student: NamedDependency[CurrentUser], entry_id: FromPath[int], added: FromQuery[int] = 0) -> Template:
        entry, verification = await _entry_and_verification(request, student, entry_id)
        context = await _form_context(
            request, experiences.as_form(entry), {}, action=f"/student/experiences/{entry_id}", entry=entry, verification=verification
        )
        context |= await evidence_section("experience", entry_id, entry["status"] in experiences.EDITABLE, added=added)
        return render(request, "experience_form", **context)

    @post("/experiences", opt=redisplay(_new_entry_again), **takes_files(forms=True))
    async def create(self, request: Request, store: NamedDependency[EvidenceStore], settings: NamedDependency[Settings]) -> Response:
        return await _create_entry(request, store, settings)

    @post("/experiences/{entry_id:int}", opt=redisplay(_edit_again))
    async def update(self, request: Request, student: NamedDependency[CurrentUser], entry_id: FromPath[int]) -> Response:
        await _entry(request, entry_id)
        form = await form_values(request)
        entry = parse_entry(form, await experiences.entry_rules(student))
        await experiences.update(student, entry_id, entry, void_ok=form.get("void_ok") == "1")
        return go_to(request, f"/student/experiences/{entry_id}?saved=1")

    @post("/experiences/{entry_id:int}/delete")
    async def delete(self, request: Request, student: NamedDependency[CurrentUser], entry_id: FromPath[int], store: NamedDependency[EvidenceStore]) -> Response:
        await _entry(request, entry_id)
        await experiences.delete(student, entry_id, store)
        return go_to(request, "/student?deleted=1")


async def _create_entry(request: Request, store: EvidenceStore, settings: Settings) -> Response:
    """The new-entry form (POST /student/experiences, an upload route): the entry and, optionally, files,
    saved together or not at all (evidence.create_entry_with_files)."""
    form, uploads = await read_upload_form(request, settings)
    if form is None:
        values = {"client_uuid": str(uuid.uuid4())}
        errors = {"file": too_large(settings) + " Nothing was saved: fill in the form again with a smaller file."}
        context = await _form_context(request, values, errors, action="/student/experiences", entry=None)
        return render(request, "experience_form", "_experience_form", status_code=422, **context)
    student = request.user
    client_uuid = experiences.parse_uuid(form.get("client_uuid")) or uuid.uuid4()
    file_uuids = [experiences.parse_uuid(text) for text in form.getall("evidence_uuid", [])]
    entry: EntryForm | FormErrors
    try:
        entry = parse_entry(form, await experiences.entry_rules(student))
    except FormErrors as problem:
        entry = problem  # the files are checked all the same, so every problem is said at once
    async with AsyncExitStack() as files:
        spooled_files = [
            (await files.enter_async_context(spooled(upload, settings)), file_uuids[index] if index < len(file_uuids) else None)
            for index, upload in enumerate(uploads)
        ]
        saved = await evidence.create_entry_with_files(store, student, entry, client_uuid, spooled_files, **limits(settings))
    return go_to(request, f"/student?saved={saved.entry['id']}")
