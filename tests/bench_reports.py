"""The reports' part of `make bench`: each report page over the district's data, one request at a time (a report
is asked for by one person, not by fifty at once), for an admin (the whole district) and for one school's staff,
over every entry the district has (about two school years), after one request to warm it. The target: every
report answers in under a second on both databases."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta

import httpx

REPORT_MS = 1000.0
RUNS = 3
# (key, what, the address without its filter; who asks for it: an admin for the district, staff for their school)
BOTH, DISTRICT = ("admin", "staff"), ("admin",)
REPORTS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("index", "Reports' index", "/staff/reports", BOTH),
    ("participation", "Participation (the first definition)", "/staff/reports/participation", BOTH),
    ("participation_students", "Participation: the students behind the total", "/staff/reports/participation/students?group=all", BOTH),
    ("hours_cluster", "Hours by cluster", "/staff/reports/hours?by=cluster", BOTH),
    ("hours_school", "Hours by school", "/staff/reports/hours?by=school", DISTRICT),
    ("hours_grade", "Hours by grade", "/staff/reports/hours?by=grade", BOTH),
    ("hours_kind", "Hours by kind", "/staff/reports/hours?by=kind", BOTH),
    ("hours_partner", "Hours by partner", "/staff/reports/hours?by=partner", BOTH),
    ("hours_students", "Hours: the students behind internships", "/staff/reports/hours/students?by=kind&group=internship", BOTH),
    ("hours_csv", "Hours by cluster as CSV", "/staff/reports/hours.csv?by=cluster", BOTH),
    ("certifications", "Certifications earned", "/staff/reports/certifications", BOTH),
    ("certifications_cluster", "Certifications by cluster", "/staff/reports/certifications?by=cluster", BOTH),
    ("partners", "Partner engagement", "/staff/reports/partners", BOTH),
    ("celebrations", "Celebrations", "/staff/celebrations", BOTH),
    ("summary", "Summary for a board or a partner", "/staff/reports/summary", BOTH),
]


def every_entry() -> str:
    """A range holding every entry the district data has (dated up to 700 days back)."""
    today = date.today()
    return f"from={(today - timedelta(days=731)).isoformat()}&to={today.isoformat()}"


@dataclass(frozen=True)
class Timed:
    key: str
    what: str
    who: str
    times: list[float]  # ms, one request after another
    status: int

    @property
    def slowest(self) -> float:
        return max(self.times)

    @property
    def met(self) -> bool:
        return self.status == 200 and self.slowest < REPORT_MS


def address(path: str) -> str:
    return path + ("&" if "?" in path else "?") + every_entry()


async def measure(clients: dict[str, httpx.AsyncClient]) -> list[Timed]:
    found = []
    for key, what, path, whom in REPORTS:
        for who in whom:
            url = address(path)
            response = await clients[who].get(url)
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                response = await clients[who].get(url)
                times.append((time.perf_counter() - start) * 1000)
            found.append(Timed(key, what, who, times, response.status_code))
    return found


def lines(timed: list[Timed]) -> list[str]:
    if not timed:
        return []
    out = ["", f"Reports, one request at a time over every entry ({every_entry()}), {RUNS} runs after one to warm "
           "it; the admin's is the whole district, the staff member's their school:", "",
           "| report | who | median ms | slowest ms | answer |", "| --- | --- | --- | --- | --- |"]
    out += [f"| {t.what} | {t.who} | {statistics.median(t.times):.0f} | {t.slowest:.0f} | {t.status} |" for t in timed]
    return out
