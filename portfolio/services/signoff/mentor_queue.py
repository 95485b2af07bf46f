"""A mentor's queue: pending items for the students assigned to them, decided one by one or in batches."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable

from portfolio.db import write_transaction
from portfolio.errors import FormErrors, NotFound
from portfolio.forms.verification import DecisionForm
from portfolio.parse import int_ids
from portfolio.services import audit
from portfolio.services.accounts import CurrentUser
from portfolio.services.emails import Emails
from portfolio.services.paging import Page, paged
from portfolio.services.signoff.decisions import (
    attested,
    close_if_done,
    record,
    tell_student,
)
from portfolio.services.signoff.state import entries_for_verifier
from portfolio.tables import MentorAssignment, RequestItem
from portfolio.vocabulary import EntryStatus, Method, RequestStatus

# The joined columns, built once: piccolo copies every column of each table joined through for every
# `RequestItem.request.<column>` read, and the queue's page reads a dozen of them on every visit.
_REQUEST = RequestItem.request
_ASKED_AT = _REQUEST.created_at
_STUDENT = _REQUEST.student
_MENTOR = _REQUEST.mentor
_STATUS = _REQUEST.status
_ITEM_COLUMNS = (
    RequestItem.id, RequestItem.content_hash, _REQUEST.id.as_alias("request_id"), _ASKED_AT.as_alias("asked_at"),
    _STUDENT.id.as_alias("student_id"), _STUDENT.name.as_alias("student_name"),
    RequestItem.experience.id.as_alias("experience_id"),
)


def _waiting(mentor_id: int) -> Any:
    """Items addressed to this mentor and not decided yet, of students still assigned to them."""
    assigned = MentorAssignment.select(MentorAssignment.student).where(MentorAssignment.mentor == mentor_id)
    return ((_MENTOR == mentor_id)
            & (_STATUS == RequestStatus.PENDING)
            & (RequestItem.decided == False)  # noqa: E712
            & _STUDENT.is_in(assigned))


def _items(where: Any) -> Any:
    """The items, oldest first."""
    return RequestItem.select(*_ITEM_COLUMNS).where(where).order_by(_ASKED_AT).order_by(RequestItem.id)


async def _with_entries(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen = await entries_for_verifier([item["experience_id"] for item in items])
    for item in items:
        item["entry"] = seen[item["experience_id"]]
    return items


async def mentor_queue(mentor: CurrentUser, only: set[int] | None = None) -> list[dict[str, Any]]:
    """Pending items addressed to this mentor, for students still assigned to them, oldest first: all of them,
    or `only` those among the given item ids."""
    where = _waiting(mentor.id)
    if only is not None:
        where &= RequestItem.id.is_in(list(only) or [0])
    return await _with_entries(await _items(where))


@dataclass(frozen=True)
class Queue:
    """A page of the queue, with how many items and students wait in all."""

    page: Page
    students: int


async def queue_page(mentor: CurrentUser, page: int) -> Queue:
    """One page of the queue (paging.PAGE_SIZE items, oldest first), in the same queries however long it is."""
    where = _waiting(mentor.id)
    found = await paged(RequestItem.count().where(where), _items(where), page)
    students = await RequestItem.count(distinct=[_STUDENT]).where(where) if found.total else 0
    return Queue(replace(found, rows=await _with_entries(found.rows)), students)


def by_student(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The queue as one group per student, the student waiting longest first, their newest item first within."""
    groups: dict[int, dict[str, Any]] = {}
    for item in items:  # oldest first, so a group's place is its oldest item's
        group = groups.setdefault(item["student_id"], {"id": item["student_id"], "name": item["student_name"], "items": []})
        group["items"].insert(0, item)
    return list(groups.values())


async def decide_as_mentor(emails: Emails, mentor: CurrentUser, item_ids: Iterable[Any], answer: DecisionForm) -> int:
    """Verify, send back or reject one or several items in one step. Returns how many were decided."""
    decision, comment = answer.decision, answer.comment
    wanted = set(int_ids(item_ids))
    if not wanted:
        raise FormErrors({"items": "Choose at least one entry."})
    queue = {item["id"]: item for item in await mentor_queue(mentor, only=wanted)}
    if not wanted <= set(queue):
        raise NotFound(wanted - set(queue))
    verifier = {"verifier": mentor.id, "verifier_name": mentor.name, "verifier_email": mentor.email, "verifier_title": "Mentor"}
    decided: dict[int, int] = {}  # student id -> entries decided
    async with write_transaction():
        seen = await entries_for_verifier([queue[item_id]["experience_id"] for item_id in wanted])
        for item_id in sorted(wanted):
            item = queue[item_id]
            entry = seen[item["experience_id"]]
            if entry["status"] != EntryStatus.SUBMITTED or entry["current_hash"] != item["content_hash"]:
                continue  # changed since it was asked about: it must be asked again
            await record(item["experience_id"], item["request_id"], Method.MENTOR, decision, item["content_hash"], verifier, comment,
                         **attested(entry))
            await RequestItem.update({RequestItem.decided: True}).where(RequestItem.id == item_id)
            decided[item["student_id"]] = decided.get(item["student_id"], 0) + 1
        for request_id in {queue[i]["request_id"] for i in wanted}:
            await close_if_done(request_id)
        for student_id, count in decided.items():
            await tell_student(emails, student_id, decision, count)
    await audit.record(f"verification.{decision}", actor_id=mentor.id, method=Method.MENTOR, items=sorted(wanted))
    return sum(decided.values())
