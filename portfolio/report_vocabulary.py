"""The reports' words: which hours a report profile adds up and which students it counts among, with the labels
people read keyed by them."""

from __future__ import annotations

from enum import StrEnum


class Accumulation(StrEnum):
    """Which hours a profile adds up for a student."""

    SCHOOL_YEAR = "school_year"  # the report's dates
    SINCE_GRADE_9 = "since_grade_9"  # from the start of the student's grade-9 year to the end of the report's dates


class Denominator(StrEnum):
    """Which students a profile counts among (the rate's denominator)."""

    PROGRAM_STUDENTS = "program_students"  # students in a CTE program during the report's dates
    ALL_STUDENTS = "all_students"


ACCUMULATION_LABELS = {
    Accumulation.SCHOOL_YEAR: "Hours within the report's dates",
    Accumulation.SINCE_GRADE_9: "Hours since the start of grade 9, up to the end of the report's dates",
}
DENOMINATOR_LABELS = {
    Denominator.PROGRAM_STUDENTS: "Students in a CTE program during the report's dates",
    Denominator.ALL_STUDENTS: "Every student",
}
