"""A roster import's dry run: what each row of the files would do (create, update, leave unchanged,
deactivate, graduate, link a guardian, or refuse, and why), worked out in a fixed number of queries however
long the files. Nothing here writes; writing.py writes a plan, made again at confirmation from the same files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portfolio.errors import NotFound
from portfolio.forms.profile import GRADES
from portfolio.parse import clean_name, is_email, normalize_email
from portfolio.services.accounts import CurrentUser
from portfolio.services.roster.files import Person, Roster
from portfolio.tables import GuardianConsent, School, StudentProfile, User
from portfolio.vocabulary import Role

# OneRoster's roles as this app's: teachers and aides are mentors, a school's administrators are its staff.
ROLES = {"student": Role.STUDENT, "teacher": Role.MENTOR, "aide": Role.MENTOR, "proctor": Role.MENTOR,
         "administrator": Role.STAFF, "staff": Role.STAFF}
GUARDIANS = ("parent", "guardian", "relative")
# A dry run that would have more than this share of a school's people leave asks to be confirmed twice.
LARGE_SHARE = 0.10
CHANGES = ("create", "update", "deactivate", "graduate", "link")


@dataclass
class Row:
    file: str
    number: int
    name: str
    outcome: str = "unchanged"  # create, update, unchanged, deactivate, graduate, link, refused
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Action:
    """One write: `kind` is create, update, deactivate, graduate or link; `values` what it writes."""

    kind: str
    school_id: int
    user_id: int | None
    values: tuple[tuple[str, Any], ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.values).get(key, default)


@dataclass
class Plan:
    schools: dict[int, str] = field(default_factory=dict)  # the schools the import touches
    full: bool = True
    rows: list[Row] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    left_out: int = 0  # rows of other schools' people
    # school id -> (people leaving, people there now), for the schools past LARGE_SHARE
    large: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("create", "update", "unchanged", "deactivate", "graduate", "link", "refused"), 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def leaving(self) -> int:
        return sum(n for n, _ in self.large.values())

    @property
    def writes(self) -> bool:
        return bool(self.actions)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(repr((sorted(self.schools), self.full, self.actions)).encode()).hexdigest()

    def shown(self, limit: int = 500) -> list[Row]:
        """The rows a page lists: those that change or are refused first, at most `limit`."""
        changing = [r for r in self.rows if r.outcome != "unchanged"]
        return (changing + [r for r in self.rows if r.outcome == "unchanged"])[:limit]


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


async def _schools(actor: CurrentUser, roster: Roster, plan: Plan) -> dict[str, int]:
    """Each org of the files that is a school the actor may import into: by sourcedId, else by name. Staff
    import into their own school only; other orgs' people are left out."""
    rows = await School.select(School.id, School.name, School.sourced_id)
    by_id = {r["sourced_id"]: r for r in rows if r["sourced_id"]}
    by_name = {" ".join(r["name"].split()).casefold(): r for r in rows}
    found: dict[str, int] = {}
    for org in roster.orgs.values():
        school = by_id.get(org.sourced_id) if org.sourced_id else None
        school = school or by_name.get(" ".join(org.name.split()).casefold())
        if school is None:
            continue
        if actor.has(Role.ADMIN) or school["id"] == actor.school_id:
            found[org.key] = school["id"]
            plan.schools[school["id"]] = school["name"]
    return found


async def _state(school_ids: list[int]) -> dict[str, Any]:
    users = await User.select(User.id, User.email, User.name, User.sourced_id, User.school, User.organization,
                              User.roles, User.active, User.alumni_since)
    profiles = await StudentProfile.select(StudentProfile.student, StudentProfile.grade, StudentProfile.birth_date).where(
        StudentProfile.student.school.is_in(school_ids))
    guardians = await GuardianConsent.select(
        GuardianConsent.id, GuardianConsent.student, GuardianConsent.roster_guardian, GuardianConsent.guardian_name,
        GuardianConsent.guardian_email).where(
        GuardianConsent.roster_guardian.is_not_null() & GuardianConsent.revoked_at.is_null()
        & GuardianConsent.student.school.is_in(school_ids))
    return {"by_sid": {u["sourced_id"]: u for u in users if u["sourced_id"]},
            "by_email": {u["email"]: u for u in users},
            "ours": [u for u in users if u["school"] in school_ids],
            "profiles": {p["student"]: p for p in profiles},
            "guardians": {(g["student"], g["roster_guardian"]): g for g in guardians}}


def _refuse(row: Row, reason: str) -> None:
    row.outcome = "refused"
    row.reasons.append(reason)


def _check(person: Person, row: Row, seen: dict[str, set[str]], email: str, known: dict[str, Any]) -> None:
    missing = [label for label, value in (("sourcedId", person.sourced_id), ("givenName", person.given_name),
                                          ("familyName", person.family_name), ("email", person.email)) if not value]
    if missing:
        _refuse(row, "Missing field: " + ", ".join(missing) + ".")
    elif email not in known and not is_email(email):  # an account's address was checked when it was saved
        _refuse(row, f"Bad e-mail address: {person.email}.")
    elif person.sourced_id in seen["sid"]:
        _refuse(row, f"Duplicate: sourcedId {person.sourced_id} is on an earlier row.")
    elif email in seen["email"]:
        _refuse(row, f"Duplicate: {email} is on an earlier row.")
    seen["sid"].add(person.sourced_id)
    seen["email"].add(email)


def _profile_changes(person: Person, row: Row, old: dict[str, Any] | None, role: str) -> dict[str, Any]:
    if role != Role.STUDENT:
        return {}
    changes: dict[str, Any] = {}
    grade = int(person.grade) if person.grade.isdigit() and int(person.grade) in GRADES else None
    if person.grade and grade is None and person.grade.upper() not in ("KG", "PK", "UG", "OTHER"):
        row.reasons.append(f"Grade {person.grade} left out: it is not one of {GRADES[0]} to {GRADES[-1]}.")
    birth = _date(person.birth_date)
    if person.birth_date and birth is None:
        row.reasons.append(f"Birth date {person.birth_date} left out: write it like 2009-04-30.")
    if grade is not None and (old or {}).get("grade") != grade:
        changes["grade"] = grade
    if birth is not None and (old or {}).get("birth_date") != birth:
        changes["birth_date"] = birth
    return changes


def _person(actor: CurrentUser, person: Person, row: Row, state: dict[str, Any], school_id: int, role: str,
            began: date | None, plan: Plan) -> int | None:
    """The action for one student or staff row; the id of the account it keeps (None for a new one)."""
    email = normalize_email(person.email)
    existing = state["by_sid"].get(person.sourced_id) or state["by_email"].get(email)
    if existing and existing["sourced_id"] and existing["sourced_id"] != person.sourced_id:
        return _refuse(row, f"{email} belongs to another person of the SIS (sourcedId {existing['sourced_id']}).")
    if existing and existing["email"] != email and email in state["by_email"]:
        return _refuse(row, f"{email} is another account's address.")
    if existing and (Role.ADMIN in (existing["roles"] or ()) or existing["organization"] is not None):
        return _refuse(row, "This is an administrator's or an employer's account: change it by hand.")
    if existing and existing["id"] == actor.id:
        return _refuse(row, "This is your own account: another person imports it, or it is changed by hand.")
    moving = existing is not None and existing["school"] not in (None, school_id)
    if moving and not actor.has(Role.ADMIN):
        return _refuse(row, "This person is at another school: the district's administrator imports the move.")
    if person.status == "tobedeleted":
        if existing is None or not existing["active"] or (role == Role.STUDENT and existing["alumni_since"]):
            row.reasons.append("Marked to be deleted, and not here (or already gone): nothing to do.")
            return existing["id"] if existing else None
        kind = "graduate" if Role.STUDENT in (existing["roles"] or ()) else "deactivate"
        row.outcome = kind
        row.reasons.append("Marked to be deleted: " + ("becomes an alumnus." if kind == "graduate" else "deactivated."))
        plan.actions.append(Action(kind, existing["school"] or school_id, existing["id"]))
        return existing["id"]
    if not person.enabled:
        return _disabled(existing, row, school_id, plan)
    name = clean_name(person.name)
    profile = _profile_changes(person, row, state["profiles"].get(existing["id"]) if existing else None, role)
    if existing is None:
        row.outcome = "create"
        row.reasons.append(f"New {role}.")
        plan.actions.append(Action("create", school_id, None, tuple(sorted(
            {"email": email, "name": name, "roles": (str(role),), "sourced_id": person.sourced_id,
             "began_on": began, **profile}.items()))))
        return None
    changes: dict[str, Any] = {}
    for key, value in (("name", name), ("email", email), ("sourced_id", person.sourced_id)):
        if existing[key] != value:
            changes[key] = value
    if role not in (existing["roles"] or ()):
        changes["roles"] = tuple(sorted({*(existing["roles"] or ()), str(role)}))
    if moving or existing["school"] is None:
        changes |= {"school": school_id, "left": existing["school"]}
    if not existing["active"]:
        changes["active"] = True
    if existing["alumni_since"] is not None:
        changes["alumni_since"] = None
    changes |= profile
    if "school" in changes or "alumni_since" in changes:
        # A new enrollment begins: where it came from in the SIS.
        changes |= {"began_on": began, "source": person.sourced_id}
    if changes:
        row.outcome = "update"
        row.reasons.append("Changes " + ", ".join(sorted(k for k in changes if k not in ("began_on", "source", "left"))) + ".")
        plan.actions.append(Action("update", school_id, existing["id"], tuple(sorted(changes.items()))))
    else:
        row.reasons.append("Already here, nothing to change.")
    return existing["id"]


def _disabled(existing: dict[str, Any] | None, row: Row, school_id: int, plan: Plan) -> int | None:
    """A person the SIS has switched off (enabledUser false): not created, and deactivated when here, students
    as well (unlike a student who left, who becomes an alumnus and keeps signing in). Switched on again in a later
    import, the account is active again."""
    if existing is None:
        row.reasons.append("Switched off in the SIS (enabledUser false): not created.")
        return None
    if not existing["active"]:
        row.reasons.append("Switched off in the SIS, and already deactivated: nothing to do.")
        return existing["id"]
    row.outcome = "deactivate"
    row.reasons.append("Switched off in the SIS (enabledUser false): deactivated until it is switched on again.")
    plan.actions.append(Action("deactivate", existing["school"] or school_id, existing["id"]))
    return existing["id"]


def _guardian(person: Person, row: Row, state: dict[str, Any], students: dict[str, int | None],
              links: dict[str, set[str]], plan: Plan) -> None:
    email = normalize_email(person.email)
    if not person.sourced_id or not person.email:
        return _refuse(row, "Missing field: " + ("sourcedId." if not person.sourced_id else "email."))
    if not is_email(email):
        return _refuse(row, f"Bad e-mail address: {person.email}.")
    if email in state["by_email"] and Role.STUDENT in (state["by_email"][email]["roles"] or ()):
        return _refuse(row, "This address belongs to a student: a guardian's own address is needed.")
    wards = set(person.agents) | links.get(person.sourced_id, set())
    unknown = sorted(w for w in wards if w not in students)
    if unknown:
        row.reasons.append("Unknown student: " + ", ".join(unknown) + ".")
    known = [w for w in sorted(wards) if w in students]
    if not known:
        return _refuse(row, "Linked to no student of the file.")
    name = clean_name(person.name)
    for ward in known:
        student_id = students[ward]
        old = state["guardians"].get((student_id, person.sourced_id)) if student_id else None
        values = (("email", email), ("guardian", person.sourced_id), ("name", name), ("student", ward))
        if old is None:
            row.outcome = "link"
            row.reasons.append(f"Guardian of {ward}: linked.")
            plan.actions.append(Action("link", 0, student_id, values))
        elif (old["guardian_name"], old["guardian_email"]) != (name, email):
            row.outcome = "link"
            row.reasons.append(f"Guardian of {ward}: name or address changes.")
            plan.actions.append(Action("link", 0, student_id, values + (("consent", old["id"]),)))
        else:
            row.reasons.append(f"Guardian of {ward}: already linked.")


def _leavers(actor: CurrentUser, plan: Plan, state: dict[str, Any], kept: set[int]) -> None:
    """In a full import, whoever of the schools the files do not list leaves: staff and mentors are
    deactivated, students become alumni. Never an administrator, an employer or the importer."""
    for user in state["ours"]:
        roles = set(user["roles"] or ())
        if user["id"] in kept or user["id"] == actor.id or Role.ADMIN in roles or not roles & set(ROLES.values()):
            continue
        if Role.STUDENT in roles:
            if user["alumni_since"] is not None:
                continue
            kind, said = "graduate", "Not in the roster: becomes an alumnus (keeps signing in and their portfolio)."
        elif user["active"]:
            kind, said = "deactivate", "Not in the roster: deactivated."
        else:
            continue
        plan.rows.append(Row("(not in the files)", 0, user["name"], kind, [said]))
        plan.actions.append(Action(kind, user["school"], user["id"]))


def _large(plan: Plan, state: dict[str, Any]) -> None:
    for school_id in plan.schools:
        there = sum(1 for u in state["ours"] if u["school"] == school_id and u["active"] and u["alumni_since"] is None
                    and set(u["roles"] or ()) & set(ROLES.values()))
        leaving = sum(1 for a in plan.actions if a.kind in ("deactivate", "graduate") and a.school_id == school_id)
        if leaving and leaving > there * LARGE_SHARE:
            plan.large[school_id] = (leaving, there)


async def plan(actor: CurrentUser, roster: Roster, full: bool = True) -> Plan:
    if not actor.has(Role.ADMIN, Role.STAFF):
        raise NotFound("roster")
    found = Plan(full=full)
    schools = await _schools(actor, roster, found)
    if not schools:
        return found
    state = await _state(list(found.schools))
    seen: dict[str, set[str]] = {"sid": set(), "email": set()}
    students: dict[str, int | None] = {}
    links: dict[str, set[str]] = {}  # guardian sourcedId -> students naming them
    kept: set[int] = set()
    guardians: list[tuple[Person, Row]] = []
    for person in roster.people:
        row = Row(person.file, person.number, person.name or person.sourced_id)
        org = next((schools[key] for key in person.orgs if key in schools), None)
        if org is None:
            if any(key not in roster.orgs for key in person.orgs) or not person.orgs:
                _refuse(row, "Unknown org: " + (", ".join(person.orgs) or "none given") + ".")
                found.rows.append(row)
            else:
                found.left_out += 1
            continue
        found.rows.append(row)
        if person.role in GUARDIANS:
            guardians.append((person, row))
            continue
        role = ROLES.get(person.role)
        if role is None:
            _refuse(row, f"Unknown role: {person.role or 'none given'}.")
            continue
        email = normalize_email(person.email)
        if match := state["by_sid"].get(person.sourced_id) or state["by_email"].get(email):
            # Refused or not, a person the files list is not one who left.
            kept.add(match["id"])
        _check(person, row, seen, email, state["by_email"])
        if row.outcome == "refused":
            continue
        began = _date(roster.began.get((person.sourced_id, person.orgs[0]), ""))
        user_id = _person(actor, person, row, state, org, role, began, found)
        if user_id is not None:
            kept.add(user_id)
        if role == Role.STUDENT and row.outcome != "refused":
            students[person.sourced_id] = user_id
            for guardian in person.agents:
                links.setdefault(guardian, set()).add(person.sourced_id)
    for person, row in guardians:
        if person.sourced_id in seen["sid"]:  # a second row would link the same guardian twice
            _refuse(row, f"Duplicate: sourcedId {person.sourced_id} is on an earlier row.")
            continue
        seen["sid"].add(person.sourced_id)
        _guardian(person, row, state, students, links, found)
    if full:
        _leavers(actor, found, state, kept)
    _large(found, state)
    return found
