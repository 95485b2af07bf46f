"""The words of celebrations: what a student committed to on signing day, where a commitment stands, and who
agrees to a student's name being published. Labels are keyed by the enums."""

from __future__ import annotations

from enum import StrEnum


class CommitmentKind(StrEnum):
    EMPLOYER = "employer"
    APPRENTICESHIP = "apprenticeship"
    COLLEGE = "college"
    MILITARY = "military"
    OTHER = "other"


COMMITMENT_LABELS = {
    CommitmentKind.EMPLOYER: "Employer",
    CommitmentKind.APPRENTICESHIP: "Apprenticeship",
    CommitmentKind.COLLEGE: "College",
    CommitmentKind.MILITARY: "Military",
    CommitmentKind.OTHER: "Other",
}

# What the detail field asks for, by kind.
DETAIL_HINTS = {
    CommitmentKind.EMPLOYER: "role",
    CommitmentKind.APPRENTICESHIP: "program",
    CommitmentKind.COLLEGE: "program",
    CommitmentKind.MILITARY: "branch",
    CommitmentKind.OTHER: "detail",
}


class CommitmentState(StrEnum):
    WAITING = "waiting"  # recorded by staff, not yet confirmed by the student
    CONFIRMED = "confirmed"
    DECLINED = "declined"  # the student said it is wrong
    WITHDRAWN = "withdrawn"  # staff took it back


COMMITMENT_STATE_LABELS = {
    CommitmentState.WAITING: "Waiting for the student",
    CommitmentState.CONFIRMED: "Confirmed",
    CommitmentState.DECLINED: "The student said it is wrong",
    CommitmentState.WITHDRAWN: "Withdrawn",
}


class Party(StrEnum):
    """Who a publication consent is from: the student themselves, or their guardian (recorded by staff)."""

    STUDENT = "student"
    GUARDIAN = "guardian"
