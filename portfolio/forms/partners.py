"""Forms of the partner directory: a partner (the organization and this school's relationship with it), a
contact there, and the directory's filters. Limits are shown on the forms (LIMITS) and checked here."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

from portfolio.errors import FormErrors
from portfolio.forms import texts, too_long
from portfolio.parse import as_list, clean_name, int_ids, int_or_none, is_email, normalize_email
from portfolio.partner_vocabulary import ContactRole, Offering, PartnerKind, PartnerStatus, ReachBy

NAME_MAX = 200
WEBSITE_MAX = 300
ADDRESS_MAX = 300
CONTACT_NAME_MAX = 200
TITLE_MAX = 120
EMAIL_MAX = 254
PHONE_MAX = 40
SEARCH_MAX = 100
NOTES_MAX = 4_000
LIMITS = {"name": NAME_MAX, "website": WEBSITE_MAX, "address": ADDRESS_MAX, "contact_name": CONTACT_NAME_MAX,
          "title": TITLE_MAX, "email": EMAIL_MAX, "phone": PHONE_MAX, "q": SEARCH_MAX, "notes": NOTES_MAX}

# Digits, spaces, + ( ) - . and an optional extension ("x 12", "ext. 12"); 7 to 15 digits before it (E.164
# allows 15; a local number has at least 7).
PHONE_RE = re.compile(r"(?P<number>\+?[0-9 ().-]+?)\s*(?:(?:ext\.?|x|#)\s*(?P<ext>[0-9]{1,6}))?", re.IGNORECASE)
PHONE_DIGITS = (7, 15)


def phone_problem(phone: str) -> str:
    """Why the phone number cannot be right, or "" when it can."""
    match = PHONE_RE.fullmatch(phone)
    digits = len(re.sub(r"[^0-9]", "", match.group("number"))) if match else 0
    if match is None or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        return ("Enter a phone number of 7 to 15 digits (spaces, + ( ) - . allowed), with an extension after "
                "\"ext.\" if there is one.")
    return ""


def tel_uri(phone: str) -> str:
    """A tel: link's number (RFC 3966): the digits with their +, and the extension as ";ext=". """
    match = PHONE_RE.fullmatch(phone)
    if match is None:
        return ""
    number = re.sub(r"[^0-9+]", "", match.group("number"))
    return number + (f";ext={match.group('ext')}" if match.group("ext") else "")


def website_of(text: str) -> tuple[str, str]:
    """The web address as stored (https:// added when no scheme was typed) and a problem, or ""."""
    if not text:
        return "", ""
    address = text if re.match(r"(?i)https?://", text) else f"https://{text}"
    host = urlsplit(address).hostname or ""
    if " " in address or "." not in host:
        return text, "Enter a web address, like https://example.org, or leave it empty."
    return address, ""


def website_host(website: str) -> str:
    """The host a web address names, without "www.": two records with the same host are one organization."""
    host = (urlsplit(website).hostname or "").lower() if website else ""
    return host.removeprefix("www.")


@dataclass(frozen=True)
class PartnerChoices:
    """What a partner form may choose among: cluster ids, owner ids (staff), and schools (admins only)."""

    clusters: dict[int, str]
    owners: dict[int, str]
    schools: dict[int, str]


@dataclass(frozen=True)
class PartnerForm:
    name: str
    kind: PartnerKind
    website: str
    address: str
    clusters: tuple[int, ...]
    offerings: tuple[Offering, ...]
    status: PartnerStatus
    owners: tuple[int, ...]
    # The school an admin adds it for; None: the staff member's own.
    school_id: int | None = None
    client_uuid: uuid.UUID | None = None
    # "Add anyway" after the warning about a similar partner.
    confirmed_new: bool = False
    # "Use the existing record": the organization this school's relationship is made with.
    existing: int | None = None
    # The school's own notes on the relationship (line breaks kept).
    notes: str = ""


def _choice(text: str, enum: type, errors: dict[str, str], name: str, message: str) -> Any:
    try:
        return enum(text)
    except ValueError:
        errors[name] = message
        return None


def partner_values(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The partner form's fields as typed, to show again."""
    values: dict[str, Any] = texts(raw, ("kind", "website", "status", "school", "client_uuid", "confirm_new",
                                         "existing", "use", "notes"))
    values |= {"name": clean_name(raw.get("name")), "address": clean_name(raw.get("address"))}
    return values | {"clusters": as_list(raw.get("clusters")), "offerings": as_list(raw.get("offerings")),
                     "owners": as_list(raw.get("owners"))}


def parse_partner(raw: Mapping[str, Any], choices: PartnerChoices) -> PartnerForm:
    values = partner_values(raw)
    errors = too_long(values, {"name": NAME_MAX, "website": WEBSITE_MAX, "address": ADDRESS_MAX, "notes": NOTES_MAX})
    if not values["name"]:
        errors["name"] = "Enter the organization's name."
    kind = _choice(values["kind"], PartnerKind, errors, "kind", "Choose what kind of organization it is.")
    status = _choice(values["status"], PartnerStatus, errors, "status", "Choose where the partnership stands.")
    website, problem = website_of(values["website"])
    if problem and "website" not in errors:
        errors["website"] = problem
    clusters = tuple(int_ids(values["clusters"]))
    if not set(clusters) <= set(choices.clusters):
        errors["clusters"] = "Choose career clusters from the list."
    offerings = tuple(dict.fromkeys(o for o in values["offerings"] if o in Offering.__members__.values()))
    if len(offerings) != len(set(values["offerings"])):
        errors["offerings"] = "Choose offerings from the list."
    owners = tuple(int_ids(values["owners"]))
    if not owners:
        errors["owners"] = "Choose at least one owner: someone on staff who looks after this partner."
    elif not set(owners) <= set(choices.owners):
        errors["owners"] = "Choose owners among the school's staff."
    school_id = None
    if choices.schools:
        school_id = int_or_none(values["school"])
        if school_id not in choices.schools:
            errors["school"] = "Choose the school this partner works with."
    try:
        client = uuid.UUID(values["client_uuid"]) if values["client_uuid"] else None
    except ValueError:
        client = None
    if errors:
        raise FormErrors(errors, values)
    return PartnerForm(values["name"], kind, website, values["address"], clusters, tuple(Offering(o) for o in offerings),
                       status, owners, school_id, client, values["use"] == "new" and values["confirm_new"] == "1",
                       int_or_none(values["existing"]) if values["use"] == "existing" else None, values["notes"])


@dataclass(frozen=True)
class ContactForm:
    name: str
    title: str
    email: str
    phone: str
    reach_by: ReachBy
    role: ContactRole


def parse_contact(raw: Mapping[str, Any]) -> ContactForm:
    values: dict[str, Any] = {name: clean_name(raw.get(name)) for name in ("contact_name", "title", "email", "phone",
                                                                           "reach_by", "role")}
    errors = too_long(values, {"contact_name": CONTACT_NAME_MAX, "title": TITLE_MAX, "email": EMAIL_MAX,
                               "phone": PHONE_MAX})
    if not values["contact_name"]:
        errors["contact_name"] = "Enter the contact's name."
    email = normalize_email(values["email"])
    if email and "email" not in errors and not is_email(email):
        errors["email"] = "Enter an e-mail address like name@example.org, or leave it empty."
    if values["phone"] and "phone" not in errors and (problem := phone_problem(values["phone"])):
        errors["phone"] = problem
    reach_by = _choice(values["reach_by"], ReachBy, errors, "reach_by", "Choose how they prefer to be reached.")
    role = _choice(values["role"], ContactRole, errors, "role", "Choose what they do for the school.")
    if reach_by == ReachBy.EMAIL and not email and "email" not in errors:
        errors["email"] = "Enter their e-mail address: it is how they prefer to be reached."
    if reach_by in (ReachBy.PHONE, ReachBy.TEXT) and not values["phone"] and "phone" not in errors:
        errors["phone"] = "Enter their phone number: it is how they prefer to be reached."
    if errors:
        raise FormErrors(errors, values)
    return ContactForm(values["contact_name"], values["title"], email, values["phone"], reach_by, role)


SORTS = {"name": "Name", "updated": "Last updated"}
PAGE_SIZE = 25


@dataclass(frozen=True)
class DirectoryFilter:
    q: str = ""
    status: str = ""
    kind: str = ""
    cluster: int | None = None
    offering: str = ""
    owner: int | None = None
    school: int | None = None
    sort: str = "name"
    page: int = 1
    # Active partners going cold only, the quietest first (the sort is then that).
    cold: bool = False

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.status or self.kind or self.cluster or self.offering or self.owner or self.school
                    or self.cold)

    def values(self) -> dict[str, Any]:
        return {"q": self.q, "status": self.status, "kind": self.kind, "cluster": self.cluster or "",
                "offering": self.offering, "owner": self.owner or "", "school": self.school or "", "sort": self.sort,
                "cold": "1" if self.cold else ""}


def parse_filter(raw: Mapping[str, Any]) -> DirectoryFilter:
    """The directory's query string; anything unknown is dropped rather than refused (a link may be old)."""
    values = texts(raw, ("q", "status", "kind", "cluster", "offering", "owner", "school", "sort", "page", "cold"))
    page = int_or_none(values["page"]) or 1
    return DirectoryFilter(
        q=values["q"][:SEARCH_MAX],
        status=values["status"] if values["status"] in PartnerStatus.__members__.values() else "",
        kind=values["kind"] if values["kind"] in PartnerKind.__members__.values() else "",
        cluster=int_or_none(values["cluster"]),
        offering=values["offering"] if values["offering"] in Offering.__members__.values() else "",
        owner=int_or_none(values["owner"]),
        school=int_or_none(values["school"]),
        sort=values["sort"] if values["sort"] in SORTS else "name",
        page=max(1, min(page, 10_000)),
        cold=values["cold"] == "1",
    )
