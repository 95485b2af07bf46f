"""piccolo tables of programs of study and their advisory boards: members, meetings, attendance, action
items."""

from __future__ import annotations

from piccolo.columns import (
    Date,
    ForeignKey,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from portfolio.partner_tables import PartnerContact
from portfolio.partner_vocabulary import ActionStatus
from portfolio.tables import CareerCluster, School, User


# Programs of study and their advisory boards.
class Program(Table):
    """A program of study of one school ("Welding Technology", "Health Science: CNA"), in one career cluster.
    Kept plain: later work counts and plans by program."""

    school = ForeignKey(references=School, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=200)
    cluster = ForeignKey(references=CareerCluster, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ProgramStudent(Table):
    """A student in a program, since when; one row per pair (index in the migration). Taken out of the
    program, the row keeps its dates (ended_on) rather than going away."""

    program = ForeignKey(references=Program, on_delete=OnDelete.cascade, index=True)
    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    started_on = Date()
    ended_on = Date(null=True, default=None)


class BoardMember(Table):
    """A seat on a program's advisory board: a contact at one of the school's partners, or a staff member
    (exactly one of the two). A seat ends rather than going away, so past meetings keep who came; one open
    seat per person per board (partial indexes in the migration), and a person seated again after a gap gets
    a new seat. started_on is None for seats made before seats had dates: seated since before any meeting."""

    program = ForeignKey(references=Program, on_delete=OnDelete.cascade, index=True)
    contact = ForeignKey(references=PartnerContact, null=True, on_delete=OnDelete.cascade, index=True)
    staff = ForeignKey(references=User, null=True, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    started_on = Date(null=True, default=None)
    ended_on = Date(null=True, default=None)


class BoardMeeting(Table):
    """A meeting of a program's advisory board, with its minutes and decisions."""

    program = ForeignKey(references=Program, on_delete=OnDelete.cascade, index=True)
    held_on = Date(index=True)
    place = Varchar(length=200, default="")
    agenda = Text(default="")
    minutes = Text(default="")
    decisions = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class MeetingAttendee(Table):
    """A board member who came to a meeting."""

    meeting = ForeignKey(references=BoardMeeting, on_delete=OnDelete.cascade, index=True)
    member = ForeignKey(references=BoardMember, on_delete=OnDelete.cascade, index=True)


class ActionItem(Table):
    """Something a board agreed to do, owned by a staff member, perhaps from a meeting."""

    program = ForeignKey(references=Program, on_delete=OnDelete.cascade, index=True)
    meeting = ForeignKey(references=BoardMeeting, null=True, on_delete=OnDelete.set_null)
    text = Varchar(length=500)
    owner = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    due_on = Date(null=True, default=None)
    status = Varchar(length=10, default=ActionStatus.OPEN, choices=ActionStatus)
    created_at = Timestamptz()
    done_at = Timestamptz(null=True, default=None)
