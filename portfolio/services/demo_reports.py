"""The demo's reports: grades for Jordan, Avery and the classmates, and the classmates in the Welding program, so
the participation report counts students under every definition (the state ones count grades 9 to 12 only), with
Jordan's confirmed internship week among the hours."""

from __future__ import annotations

from datetime import date, timedelta

from portfolio.services import profiles
from portfolio.services.accounts import CurrentUser
from portfolio.services.programs import records as programs

CLASSMATE_GRADES = [9, 10, 10, 11, 12, 12]


async def seed(counselor: CurrentUser, jordan_id: int, avery_id: int, classmates: list[int], today: date) -> None:
    for student_id, grade in ((jordan_id, 12), (avery_id, 11), *zip(classmates, CLASSMATE_GRADES)):
        await profiles.set_grade(counselor, student_id, grade)
    welding = next(p for p in await programs.listing(counselor, today) if p["name"] == "Welding Technology")
    for student_id in classmates:
        await programs.add_student(counselor, welding["id"], student_id, today - timedelta(days=150))
