"""A mentor's own pages besides the queue: the students assigned to them at a glance, and the decisions they made.
Each is read in a fixed number of queries, whatever the number of students, entries or decisions."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from portfolio import clock
from portfolio.services import mentoring, signoff
from portfolio.services.accounts import CurrentUser
from portfolio.services.experiences import ENTRY_COLUMNS, school_of, school_year_start
from portfolio.services.paging import Page, paged
from portfolio.services.progress import split
from portfolio.tables import Experience, MentorAssignment, RequestItem, SignOff
from portfolio.vocabulary import Method, RequestStatus

HISTORY_PAGE = 25
# The joined columns, built once: piccolo copies every column of each table joined through for every
# `MentorAssignment.student.<column>` (and the like) read.
_STUDENT = MentorAssignment.student
_STUDENT_COLUMNS = (_STUDENT.id.as_alias("id"), _STUDENT.name.as_alias("name"))
_STUDENT_NAME, _STUDENT_ID = _STUDENT.name, _STUDENT.id
_REQUEST = RequestItem.request
_ASKING, _ASKED, _REQUEST_STATUS = _REQUEST.student, _REQUEST.mentor, _REQUEST.status
_DECISION_COLUMNS = (
    SignOff.id, SignOff.decision, SignOff.comment, SignOff.created_at, SignOff.voided_at,
    SignOff.experience.id.as_alias("entry_id"), SignOff.experience.title.as_alias("entry_title"),
    SignOff.experience.student.id.as_alias("student_id"), SignOff.experience.student.name.as_alias("student_name"),
)


async def students(mentor: CurrentUser, page: int = 1) -> Page:
    """The mentor's students by name, a page at a time, each with this school year's hours (split as the
    student's own dashboard splits them) and how many of their entries wait for this mentor. The school year is
    the mentor's school's: staff assign mentors within one school."""
    mine = MentorAssignment.mentor == mentor.id
    listing = await paged(MentorAssignment.count().where(mine), MentorAssignment.select(*_STUDENT_COLUMNS).where(
        mine).order_by(_STUDENT_NAME).order_by(_STUDENT_ID), page)
    rows = listing.rows
    if not rows:
        return listing
    ids = [row["id"] for row in rows]
    today = clock.today_at(school := await school_of(mentor))
    entries = await Experience.select(*ENTRY_COLUMNS, Experience.student.as_alias("student_id")).where(
        Experience.student.is_in(ids) & (Experience.date >= school_year_start(school, today)) & (Experience.date <= today)
    )
    shown = await signoff.states(entries)
    by_student: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for entry in entries:
        entry["state"] = shown.get(entry["id"], entry["status"])
        by_student[entry["student_id"]].append(entry)
    waiting = await RequestItem.select(_ASKING.as_alias("student_id")).where(
        (_ASKED == mentor.id)
        & (_REQUEST_STATUS == RequestStatus.PENDING)
        & (RequestItem.decided == False)  # noqa: E712
        & _ASKING.is_in(ids)
    )
    asking: dict[int, int] = defaultdict(int)
    for item in waiting:
        asking[item["student_id"]] += 1
    for row in rows:
        row["hours"] = split(by_student[row["id"]])
        row["waiting_for_you"] = asking[row["id"]]
    return listing


async def decisions(mentor: CurrentUser, page: int) -> dict[str, Any]:
    """The decisions the mentor made from their queue, newest first, one page of HISTORY_PAGE. A student no longer
    assigned to them is named but not linked: their record is no longer the mentor's to open."""
    page = min(max(page, 1), 100_000)  # past the end is an empty page, never an offset no database takes
    rows = await (
        SignOff.select(*_DECISION_COLUMNS)
        .where((SignOff.verifier == mentor.id) & (SignOff.method == Method.MENTOR))
        .order_by(SignOff.created_at, ascending=False)
        .order_by(SignOff.id, ascending=False)
        .limit(HISTORY_PAGE + 1)
        .offset((page - 1) * HISTORY_PAGE)
    )
    assigned = set(await mentoring.students_of(mentor.id))
    for row in rows:
        row["assigned"] = row["student_id"] in assigned
    return {"items": rows[:HISTORY_PAGE], "number": page, "has_next": len(rows) > HISTORY_PAGE}
