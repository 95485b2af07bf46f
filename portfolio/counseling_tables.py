"""piccolo tables of counseling: which students are on a counselor's caseload, the check-ins a counselor
records with a student (private notes, and next steps the student sees), and the student's own plan."""

from __future__ import annotations

from piccolo.columns import Array, Date, ForeignKey, OnDelete, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from portfolio.counseling_vocabulary import CheckInKind, Participant, PostGraduationGoal
from portfolio.program_tables import Program
from portfolio.tables import School, User


class CaseloadAssignment(Table):
    """A student on a counselor's caseload (counselors are staff of the student's school), assigned by staff.
    Unique per pair (index in the migration)."""

    counselor = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()


class CheckIn(Table, tablename="counseling_check_in"):
    """A conversation staff had with a student. Its notes stay with staff of the student's school; its next
    steps are the student's to see."""

    school = ForeignKey(references=School, on_delete=OnDelete.cascade, index=True)
    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    counselor = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    held_on = Date(index=True)
    kind = Varchar(length=30, choices=CheckInKind)
    participants = Array(base_column=Varchar(length=20))
    notes = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    updated_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)


class NextStep(Table):
    """Something agreed at a check-in: what, who does it, by when. The student marks their own done."""

    check_in = ForeignKey(references=CheckIn, on_delete=OnDelete.cascade, index=True)
    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    what = Varchar(length=300)
    owner = Varchar(length=20, choices=Participant)
    due_on = Date(null=True, default=None)
    position = SmallInt(default=0)
    done_at = Timestamptz(null=True, default=None)
    done_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)


class CareerPlan(Table):
    """A student's plan, edited by the student or staff of their school: clusters (codes of CareerCluster),
    a pathway (typed, or one of the school's programs), certifications aimed for, and the goal after school."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, unique=True)
    clusters = Array(base_column=Varchar(length=60))
    pathway = Varchar(length=200, default="")
    program = ForeignKey(references=Program, null=True, default=None, on_delete=OnDelete.set_null)
    certifications = Array(base_column=Varchar(length=200))
    goal = Varchar(length=30, default=PostGraduationGoal.UNDECIDED, choices=PostGraduationGoal)
    updated_at = Timestamptz()
    updated_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
