"""OneRoster 1.1 CSV files for the roster import's tests: an org per school and people in it."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

USERS = ("sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role", "username", "userIds",
         "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
         "password")


def csv_text(header: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows([{k: row.get(k, "") for k in header} for row in rows])
    return out.getvalue().encode()


@dataclass
class Files:
    """A school's roster as its SIS exports it; add people, then take `files()` or `zipped()`."""

    orgs: list[tuple[str, str]] = field(default_factory=list)  # (sourcedId, name)
    users: list[dict[str, str]] = field(default_factory=list)
    births: dict[str, str] = field(default_factory=dict)
    begins: list[tuple[str, str, str]] = field(default_factory=list)  # (user, school, beginDate)

    def org(self, sourced_id: str, name: str) -> Files:
        self.orgs.append((sourced_id, name))
        return self

    def person(self, sourced_id: str, role: str, org: str, email: str | None = None, given: str = "Pat",
               family: str | None = None, agents: str = "", grade: str = "", status: str = "active",
               birth: str = "") -> Files:
        self.users.append({"sourcedId": sourced_id, "status": status, "enabledUser": "true", "orgSourcedIds": org,
                           "role": role, "givenName": given, "familyName": family or sourced_id.title(),
                           "email": f"{sourced_id.lower()}@k12.example" if email is None else email,
                           "agentSourcedIds": agents, "grades": grade})
        if birth:
            self.births[sourced_id] = birth
        return self

    def files(self) -> list[tuple[str, bytes]]:
        found = [("orgs.csv", csv_text(("sourcedId", "status", "name", "type"),
                                       [{"sourcedId": s, "name": n, "type": "school"} for s, n in self.orgs])),
                 ("users.csv", csv_text(USERS, self.users))]
        if self.births:
            found.append(("demographics.csv", csv_text(("sourcedId", "birthDate"), [
                {"sourcedId": s, "birthDate": b} for s, b in self.births.items()])))
        if self.begins:
            found.append(("enrollments.csv", csv_text(
                ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "beginDate", "endDate"),
                [{"sourcedId": f"e{n}", "schoolSourcedId": s, "userSourcedId": u, "role": "student", "beginDate": b}
                 for n, (u, s, b) in enumerate(self.begins)])))
        return found

    def zipped(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, content in self.files():
                archive.writestr(f"oneroster/{name}", content)
        return out.getvalue()


def school_files(school_name: str = "Test Career Center", students: int = 3, staff: int = 1) -> Files:
    """The test school's roster: students s1..sN (grade 11), teachers t1..tN and a guardian of s1."""
    found = Files().org("org-1", school_name)
    for n in range(1, students + 1):
        found.person(f"s{n}", "student", "org-1", grade="11", birth="2009-03-0" + str(n % 9 + 1))
    for n in range(1, staff + 1):
        found.person(f"t{n}", "teacher", "org-1")
    return found.person("g1", "guardian", "org-1", email="parent.one@home.example", given="Gale", family="One",
                        agents="s1")
