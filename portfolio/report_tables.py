"""piccolo tables of the reports: the definitions of work-based-learning participation a district counts by
(report profiles), kept as data so a district edits them when its state changes its rules."""

from __future__ import annotations

from piccolo.columns import Array, Boolean, Integer, SmallInt, Text, Timestamptz, Varchar
from piccolo.table import Table

from portfolio.report_vocabulary import Accumulation, Denominator


class ReportProfile(Table):
    """A definition of work-based-learning participation: which kinds of experience count, how many hours,
    whether only verified hours count, for which grades, and the document it comes from. A retired profile
    (active false) stays, so a report made with it can be made again."""

    name = Varchar(length=200)
    state = Varchar(length=2, default="")  # a postal code, or "" for a definition of no one state
    source = Text(default="")
    school_year = Varchar(length=7, default="")  # the year the source was read for, like 2025-26
    kinds = Array(base_column=Varchar(length=30))
    min_hours = Integer(default=0)
    verified_only = Boolean(default=True)
    grades = Array(base_column=Integer())  # empty: every grade
    accumulation = Varchar(length=20, default=Accumulation.SCHOOL_YEAR, choices=Accumulation)
    one_experience_min_hours = Integer(null=True, default=None)
    credit_hours = Integer(null=True, default=None)
    denominator = Varchar(length=20, default=Denominator.PROGRAM_STUDENTS, choices=Denominator)
    active = Boolean(default=True)
    position = SmallInt(default=0)
    created_at = Timestamptz()
    updated_at = Timestamptz()
