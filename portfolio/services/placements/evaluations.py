"""The supervisor's evaluation at a placement's end, on the school's employability rubric (data a school edits:
add, rename, retire). An evaluation copies each criterion's words as given, so a later edit changes none."""

from __future__ import annotations

from typing import Any

from portfolio import clock
from portfolio.db import write_transaction
from portfolio.errors import Conflict, LinkInvalid, NotFound
from portfolio.forms.placements import CriterionForm, EvaluationForm
from portfolio.opportunity_vocabulary import PlacementLinkPurpose, PlacementStatus
from portfolio.placement_tables import Evaluation, EvaluationScore, Placement, PlacementLink, RubricCriterion
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.placements import links
from portfolio.services.placements.given import of_placements  # noqa: F401 - the evaluations' public face
from portfolio.services.placements.records import week_of
from portfolio.services.placements.scope import by_id

LEVELS = ("Beginning", "Developing", "Proficient", "Exemplary")
DEFAULT_RUBRIC = (
    ("Communication", "Listens, speaks and writes clearly and respectfully with coworkers and customers."),
    ("Teamwork", "Works with others toward shared goals, shares the work and accepts direction."),
    ("Problem solving", "Notices problems, asks good questions and tries reasonable solutions."),
    ("Professionalism and dependability", "Arrives on time, follows rules and safety practices, keeps commitments."),
    ("Initiative", "Looks for work to do, asks to learn more and acts without being told every step."),
    ("Technical skills", "Learns and uses the tools, methods and knowledge of the job."),
)
EVALUATION_DAYS = 30


async def rubric(school_id: int, *, retired: bool = False) -> list[dict[str, Any]]:
    """The school's criteria in order (seeded with the six defaults the first time a school's rubric is read)."""
    if not await RubricCriterion.exists().where(RubricCriterion.school == school_id):
        async with write_transaction():
            if not await RubricCriterion.exists().where(RubricCriterion.school == school_id):
                await RubricCriterion.insert(*[
                    RubricCriterion(school=school_id, name=name, description=text, level_1=LEVELS[0], level_2=LEVELS[1],
                                    level_3=LEVELS[2], level_4=LEVELS[3], position=index, created_at=clock.now())
                    for index, (name, text) in enumerate(DEFAULT_RUBRIC)])
    where = RubricCriterion.school == school_id
    if not retired:
        where &= RubricCriterion.retired_at.is_null()
    return await RubricCriterion.select().where(where).order_by(RubricCriterion.position).order_by(RubricCriterion.id)


def _school(user: CurrentUser) -> int:
    if user.school_id is None:
        raise NotFound("school")
    return user.school_id


async def add_criterion(user: CurrentUser, form: CriterionForm) -> None:
    school = _school(user)
    existing = await rubric(school, retired=True)
    await RubricCriterion.insert(RubricCriterion(
        school=school, name=form.name, description=form.description, level_1=form.levels[0], level_2=form.levels[1],
        level_3=form.levels[2], level_4=form.levels[3], position=max([c["position"] for c in existing] + [0]) + 1,
        created_at=clock.now()))


async def edit_criterion(user: CurrentUser, criterion_id: int, form: CriterionForm) -> None:
    changed = await RubricCriterion.update({
        RubricCriterion.name: form.name, RubricCriterion.description: form.description, RubricCriterion.level_1: form.levels[0],
        RubricCriterion.level_2: form.levels[1], RubricCriterion.level_3: form.levels[2], RubricCriterion.level_4: form.levels[3],
    }).where((RubricCriterion.id == criterion_id) & (RubricCriterion.school == _school(user))).returning(RubricCriterion.id)
    if not changed:
        raise NotFound("criterion")


async def retire_criterion(user: CurrentUser, criterion_id: int, retire: bool = True) -> None:
    changed = await RubricCriterion.update({RubricCriterion.retired_at: clock.now() if retire else None}).where(
        (RubricCriterion.id == criterion_id) & (RubricCriterion.school == _school(user))).returning(RubricCriterion.id)
    if not changed:
        raise NotFound("criterion")


async def send_requests(emails: Emails) -> int:
    """The job (in `portfolio remind`): a placement in its last week (or past its end) whose supervisor has no
    evaluation link yet gets one; a placement past its last day is ended."""
    sent = 0
    rows = await Placement.select(Placement.id, Placement.ends_on, Placement.status, Placement.school.timezone.as_alias("timezone")).where(
        Placement.status.is_in([PlacementStatus.ACTIVE, PlacementStatus.ENDED]) & Placement.supervisor.is_not_null())
    for row in rows:
        today = clock.today_at(row["timezone"])
        if today < week_of(row["ends_on"]):
            continue
        async with write_transaction():
            if row["status"] == PlacementStatus.ACTIVE and today > row["ends_on"]:
                await Placement.update({Placement.status: PlacementStatus.ENDED, Placement.updated_at: clock.now()}).where(
                    (Placement.id == row["id"]) & (Placement.status == PlacementStatus.ACTIVE))
            if await PlacementLink.exists().where((PlacementLink.placement == row["id"])
                                                  & (PlacementLink.purpose == PlacementLinkPurpose.EVALUATION)):
                continue
            if await Evaluation.exists().where(Evaluation.placement == row["id"]):
                continue
            await ask(emails, await by_id(row["id"]))
            sent += 1
    return sent


async def ask(emails: Emails, placement: dict[str, Any]) -> None:
    """Inside a write transaction: the supervisor's evaluation link."""
    token = await links.new_link(placement["id"], PlacementLinkPurpose.EVALUATION, placement["supervisor_email"],
                                 placement["supervisor_name"], days=EVALUATION_DAYS)
    await emails.evaluation_request(to=placement["supervisor_email"], supervisor=placement["supervisor_name"],
                                    student=placement["student_name"], partner=placement["partner_name"], token=token,
                                    days=EVALUATION_DAYS, school_id=placement["school"])


async def ask_now(emails: Emails, placement: dict[str, Any]) -> None:
    """Staff ask the supervisor for the evaluation before the job would (an earlier unused link stops working);
    Conflict once the evaluation is given, or while the placement has not started."""
    async with write_transaction():
        if await Evaluation.exists().where(Evaluation.placement == placement["id"]):
            raise Conflict("The supervisor has already evaluated this placement.")
        if placement["status"] not in (PlacementStatus.ACTIVE, PlacementStatus.ENDED) or not placement["supervisor_email"]:
            raise Conflict("The supervisor evaluates a placement once it is under way.")
        await links.revoke(placement["id"], (PlacementLinkPurpose.EVALUATION,))
        await ask(emails, placement)


async def give(link_id: int, form: EvaluationForm, ip: str = "") -> int:
    """The supervisor's evaluation, once: each active criterion's score and words as they are now."""
    async with write_transaction():
        link = await links.usable_link(link_id)
        if link["purpose"] != PlacementLinkPurpose.EVALUATION:
            raise LinkInvalid("grant")
        placement = await by_id(link["placement"])
        criteria = await rubric(placement["school"])
        if set(form.scores) != {c["id"] for c in criteria}:
            raise Conflict("The school changed its rubric while you were filling it in: check the skills below and send again.")
        await links.use(link_id)
        row = await Evaluation.insert(Evaluation(
            placement=placement["id"], supervisor_name=form.name, supervisor_title=form.title,
            supervisor_organization=placement["partner_name"], supervisor_email=link["email"], comment=form.comment, ip=ip,
            given_at=clock.now())).returning(Evaluation.id)
        evaluation_id = row[0]["id"]
        await EvaluationScore.insert(*[EvaluationScore(
            evaluation=evaluation_id, criterion=c["id"], name=c["name"], description=c["description"],
            level_label=c[f"level_{form.scores[c['id']]}"], score=form.scores[c["id"]], comment=form.comments.get(c["id"], ""),
            position=index) for index, c in enumerate(criteria)])
    await audit.record("placement.evaluated", subject=f"placement:{placement['id']}", ip=ip)
    return evaluation_id
