"""Reading a roster upload: OneRoster 1.1 CSV (a ZIP, or orgs.csv, users.csv, enrollments.csv and
demographics.csv as separate files) or the simple template, into one shape the planner reads."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from portfolio.services.partners import sheet

MAX_BYTES = 25_000_000  # all files together, unpacked: a district of 50,000 people fits
MAX_PEOPLE = 60_000
ONEROSTER = ("orgs.csv", "users.csv", "enrollments.csv", "demographics.csv")
TEMPLATE = "roster-template.csv"
# The template for a school without an SIS export: one person a row. guardian_of names the ids of the
# students a guardian's row is for, separated by ";".
TEMPLATE_COLUMNS = ("school", "id", "role", "given_name", "family_name", "email", "grade", "birth_date",
                    "guardian_of", "status")
TEMPLATE_EXAMPLE = ("Riverside High School", "S-1001", "student", "Ana", "Lopez", "ana.lopez@students.example",
                    "11", "2009-04-17", "", "active")
LIST = ";"


class RosterProblem(ValueError):
    """The upload as a whole cannot be read; the message says what to do."""


@dataclass(frozen=True)
class Org:
    key: str  # its sourcedId, or "name:" and its name in the template
    sourced_id: str
    name: str


@dataclass(frozen=True)
class Person:
    file: str
    number: int  # the row as a spreadsheet numbers it
    sourced_id: str
    role: str  # OneRoster's word: student, teacher, administrator, aide, parent, guardian...
    given_name: str
    family_name: str
    email: str
    orgs: tuple[str, ...]  # Org.key
    agents: tuple[str, ...] = ()
    grade: str = ""
    birth_date: str = ""
    status: str = "active"
    # OneRoster's enabledUser: false is an account the SIS has switched off (it may come back later).
    enabled: bool = True

    @property
    def name(self) -> str:
        return " ".join(f"{self.given_name} {self.family_name}".split())


@dataclass
class Roster:
    orgs: dict[str, Org] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    # (person's sourcedId, org key) -> the earliest beginDate enrollments.csv gives, as written
    began: dict[tuple[str, str], str] = field(default_factory=dict)


def template() -> str:
    return "\ufeff" + sheet.write(TEMPLATE_COLUMNS, [list(TEMPLATE_EXAMPLE)])


def _rows(name: str, content: bytes) -> list[dict[str, str]]:
    try:
        text = sheet.decode(content)
    except sheet.SheetProblem as problem:
        raise RosterProblem(f"{name}: {problem}") from None
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise RosterProblem(f"{name} is not a CSV file the import can read.") from None
    if not records:
        raise RosterProblem(f"{name} is empty: its first row must name the columns.")
    header = [title.strip().lstrip("\ufeff") for title in records[0]]
    return [{column: sheet.unescape(value.strip()) for column, value in zip(header, record)}
            for record in records[1:] if any(cell.strip() for cell in record)]


def unpack(uploads: list[tuple[str, bytes]]) -> dict[str, bytes]:
    """The files of the upload by their names (lower case, no folder): a ZIP's CSV members, or the CSV files
    themselves. Refuses more than MAX_BYTES in all, counted as unpacked, so a small ZIP cannot swell."""
    files: dict[str, bytes] = {}
    total = 0
    for filename, content in uploads:
        if content[:4] == b"PK\x03\x04":
            try:
                archive = zipfile.ZipFile(io.BytesIO(content))
                members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")
                           and not m.is_dir() and not m.filename.rsplit("/", 1)[-1].startswith(".")]
                total += sum(m.file_size for m in members)
                if total > MAX_BYTES:
                    raise RosterProblem(_too_large())
                for member in members:
                    files[member.filename.rsplit("/", 1)[-1].lower()] = archive.read(member)[:MAX_BYTES + 1]
            # zipfile's own ways of refusing an archive: damaged or cut short (BadZipFile, EOFError), ZIP64 parts
            # it will not read (LargeZipFile), a compression method it lacks (NotImplementedError) and a
            # password-protected member (RuntimeError).
            except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, RuntimeError):
                raise RosterProblem(f"{filename} is not a ZIP file the import can open. Upload the CSV files "
                                    "themselves instead.") from None
        else:
            total += len(content)
            if total > MAX_BYTES:
                raise RosterProblem(_too_large())
            files[filename.rsplit("/", 1)[-1].lower()] = content
    return files


def _too_large() -> str:
    return f"These files hold more than {MAX_BYTES // 1_000_000} MB. Import one school's files at a time."


def pack(files: dict[str, bytes]) -> bytes:
    """The files as one ZIP, to keep between the dry run and its confirmation."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
    return out.getvalue()


def read(files: dict[str, bytes]) -> Roster:
    if not files:
        raise RosterProblem("Choose the files to import: a OneRoster ZIP, its CSV files, or the template.")
    if "users.csv" in files:
        return _oneroster(files)
    if len(files) == 1:
        name, content = next(iter(files.items()))
        rows = _rows(name, content)
        if rows and "school" in rows[0] and "role" in rows[0]:
            return _template(name, rows)
        raise RosterProblem(f"{name} is neither users.csv nor the template: start from the template, whose first "
                            "row names the columns.")
    raise RosterProblem("A OneRoster import needs users.csv (with orgs.csv); these files do not include it: "
                        + ", ".join(sorted(files)) + ".")


def _split(cell: str, separator: str = ",") -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(separator) if part.strip())


def _need(name: str, rows: list[dict[str, str]], columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if rows and c not in rows[0]]
    if missing:
        raise RosterProblem(f"{name} has no column {', '.join(missing)}: is it the OneRoster 1.1 file?")


def _oneroster(files: dict[str, bytes]) -> Roster:
    roster = Roster()
    if "orgs.csv" not in files:
        raise RosterProblem("orgs.csv is missing: the import needs it to know which schools the users belong to.")
    orgs = _rows("orgs.csv", files["orgs.csv"])
    _need("orgs.csv", orgs, ("sourcedId", "name"))
    for org in orgs:
        roster.orgs[org["sourcedId"]] = Org(org["sourcedId"], org["sourcedId"], org["name"])
    users = _rows("users.csv", files["users.csv"])
    _need("users.csv", users, ("sourcedId", "orgSourcedIds", "role", "givenName", "familyName", "email"))
    if len(users) > MAX_PEOPLE:
        raise RosterProblem(f"users.csv has {len(users)} rows; an import takes at most {MAX_PEOPLE}.")
    births = {}
    if "demographics.csv" in files:
        births = {r.get("sourcedId", ""): r.get("birthDate", "") for r in _rows("demographics.csv", files["demographics.csv"])}
    for number, row in enumerate(users, start=2):
        roster.people.append(Person(
            "users.csv", number, row["sourcedId"], row["role"].lower(), row["givenName"], row["familyName"],
            row["email"], _split(row["orgSourcedIds"]), _split(row.get("agentSourcedIds", "")),
            next(iter(_split(row.get("grades", ""))), ""), births.get(row["sourcedId"], ""),
            row.get("status", "").lower() or "active", row.get("enabledUser", "").strip().lower() != "false"))
    if "enrollments.csv" in files:
        for row in _rows("enrollments.csv", files["enrollments.csv"]):
            key = (row.get("userSourcedId", ""), row.get("schoolSourcedId", ""))
            begin = row.get("beginDate", "")
            if begin and (key not in roster.began or begin < roster.began[key]):
                roster.began[key] = begin
    return roster


def _template(name: str, rows: list[dict[str, str]]) -> Roster:
    _need(name, rows, TEMPLATE_COLUMNS[:6])
    roster = Roster()
    if len(rows) > MAX_PEOPLE:
        raise RosterProblem(f"{name} has {len(rows)} rows; an import takes at most {MAX_PEOPLE}.")
    for number, row in enumerate(rows, start=2):
        school = " ".join(row["school"].split())
        key = f"name:{school.casefold()}"
        if school:
            roster.orgs.setdefault(key, Org(key, "", school))
        roster.people.append(Person(
            name, number, row["id"], row["role"].lower(), row["given_name"], row["family_name"], row["email"],
            (key,) if school else (), _split(row.get("guardian_of", ""), LIST), row.get("grade", ""),
            row.get("birth_date", ""), row.get("status", "").lower() or "active"))
    return roster
