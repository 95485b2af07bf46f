"""The demo's counseling: Mr. Okafor's caseload (Jordan, Avery and the classmates), check-ins with Jordan and
Avery with next steps (one of Jordan's done, one overdue), and plans for both, so the caseload, the staff's
student page, the plan page and the dashboard's card all have something to show."""

from __future__ import annotations

from datetime import date, timedelta

from portfolio.counseling_vocabulary import CheckInKind, Participant, PostGraduationGoal
from portfolio.forms.counseling import CaseloadAssignment, CheckInForm, PlanForm, StepForm
from portfolio.services.accounts import CurrentUser, load_user
from portfolio.services.counseling import caseload, check_ins, plans

S, C, G = Participant.STUDENT, Participant.COUNSELOR, Participant.GUARDIAN


async def seed(counselor: CurrentUser, jordan_id: int, avery_id: int, classmates: list[int], today: date) -> None:
    await caseload.assign(counselor, CaseloadAssignment(counselor.id, [jordan_id, avery_id, *classmates]))
    await check_ins.record(counselor, jordan_id, CheckInForm(
        today - timedelta(days=120), CheckInKind.GRADUATION_PLAN, (S, G, C),
        "Mother worried about the cost of college; talked about paid apprenticeships. Follow up before spring.",
        (StepForm("Finish the OSHA 10 course online", S, today - timedelta(days=90), True),
         StepForm("Send the Acme internship application", S, today + timedelta(days=10), False),
         StepForm("Share the Valley Electrical JATC open house dates", C, today - timedelta(days=7), False))))
    await check_ins.record(counselor, jordan_id, CheckInForm(
        today - timedelta(days=20), CheckInKind.CAREER_CONVERSATION, (S, C),
        "Keen on welding after the Acme tour. Asked about the weekend shifts at work; hours are fine.",
        (StepForm("Ask Ms. Patel to verify the lab tour hours", S, today + timedelta(days=3), False),)))
    await check_ins.record(counselor, avery_id, CheckInForm(
        today - timedelta(days=100), CheckInKind.POST_PLACEMENT, (S, C),
        "The placement went well; supervisor wants to keep Avery on in the summer.",
        (StepForm("Write the reflection on the placement", S, today - timedelta(days=80), False),)))
    jordan = await load_user(jordan_id)
    clusters = {code for code in (await plans.choices(counselor.school_id)).clusters}
    await plans.save(jordan, jordan_id, PlanForm(
        tuple(c for c in ("advanced-manufacturing", "construction") if c in clusters), "Welding, then an apprenticeship",
        None, ("OSHA 10", "AWS D1.1 structural welding"), PostGraduationGoal.APPRENTICESHIP))
    await plans.save(counselor, avery_id, PlanForm(
        tuple(c for c in ("healthcare-human-services",) if c in clusters), "Nursing assistant, then an RN program",
        None, ("CNA",), PostGraduationGoal.TWO_YEAR))
