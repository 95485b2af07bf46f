"""The words of counseling: kinds of check-in, who takes part in one (and owns a next step), a student's
post-graduation goal, and the flags of a counselor's caseload. Labels are keyed by the enums."""

from __future__ import annotations

from enum import StrEnum


class CheckInKind(StrEnum):
    GRADUATION_PLAN = "graduation_plan"
    CAREER_CONVERSATION = "career_conversation"
    POST_PLACEMENT = "post_placement"


CHECK_IN_KIND_LABELS = {
    CheckInKind.GRADUATION_PLAN: "Individual graduation plan meeting",
    CheckInKind.CAREER_CONVERSATION: "Career conversation",
    CheckInKind.POST_PLACEMENT: "Post-placement review",
}


class Participant(StrEnum):
    """Who took part in a check-in; a next step's owner is one of them too."""

    STUDENT = "student"
    GUARDIAN = "guardian"
    COUNSELOR = "counselor"
    TEACHER = "teacher"


PARTICIPANT_LABELS = {
    Participant.STUDENT: "Student",
    Participant.GUARDIAN: "Guardian",
    Participant.COUNSELOR: "Counselor",
    Participant.TEACHER: "Teacher",
}


class PostGraduationGoal(StrEnum):
    WORKFORCE = "workforce"
    APPRENTICESHIP = "apprenticeship"
    TWO_YEAR = "two_year_college"
    FOUR_YEAR = "four_year_college"
    MILITARY = "military"
    UNDECIDED = "undecided"


GOAL_LABELS = {
    PostGraduationGoal.WORKFORCE: "Workforce",
    PostGraduationGoal.APPRENTICESHIP: "Apprenticeship",
    PostGraduationGoal.TWO_YEAR: "Two-year college",
    PostGraduationGoal.FOUR_YEAR: "Four-year college",
    PostGraduationGoal.MILITARY: "Military",
    PostGraduationGoal.UNDECIDED: "Undecided",
}


class CaseloadFlag(StrEnum):
    """What a counselor looks for in their caseload (computed, never stored)."""

    NO_WBL = "no_wbl"
    NO_CHECK_IN = "no_check_in"
    VERIFICATIONS = "verifications"
    EXPIRING = "expiring"
    UNSIGNED = "unsigned"


CASELOAD_FLAG_LABELS = {
    CaseloadFlag.NO_WBL: "No work-based learning this school year",
    CaseloadFlag.NO_CHECK_IN: "No recent check-in",
    CaseloadFlag.VERIFICATIONS: "Verifications waiting",
    CaseloadFlag.EXPIRING: "Certification expiring",
    CaseloadFlag.UNSIGNED: "Placement agreement not signed",
}
