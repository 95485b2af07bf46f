"""A placement's agreement: a text made from the placement's facts (templates/agreements/placement.txt), its
SHA-256 kept on the placement, and its signatures. A signature is over one text: when the facts change, the
signatures over the old text are voided (kept, shown) and asked for again. The placement starts (active) only
when every required party has signed the current text: the student, the supervisor, a staff member and, for a
student under 18 on the first day (or whose birth date the school does not know), a guardian."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from portfolio.clock import now
from portfolio.db import write_transaction
from portfolio.errors import Conflict, LinkInvalid, NotFound
from portfolio.opportunity_vocabulary import AgreementParty, PlacementLinkPurpose, PlacementStatus
from portfolio.placement_tables import AgreementSignature, Placement, PlacementLink
from portfolio.services import audit
from portfolio.services.emails import Emails
from portfolio.services.placements import links
from portfolio.services.placements.scope import by_id
from portfolio.services.sharing.consent import age_on
from portfolio.tables import GuardianConsent, StudentProfile
from portfolio.vocabulary import KIND_LABELS

_texts = Environment(loader=FileSystemLoader(Path(__file__).parents[2] / "templates" / "agreements"),
                     autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)
SIGNATURE_LINKS = (PlacementLinkPurpose.GUARDIAN_SIGNATURE, PlacementLinkPurpose.SUPERVISOR_SIGNATURE)


async def minor_state(student_id: int, starts_on: date) -> dict[str, Any]:
    """Whether a guardian must sign: under 18 on the first day, or age unknown (then said so)."""
    row = await StudentProfile.select(StudentProfile.birth_date).where(StudentProfile.student == student_id).first()
    age = age_on(row["birth_date"] if row else None, starts_on)
    return {"minor": age is None or age < 18, "age_unknown": age is None, "age": age}


def text_of(placement: dict[str, Any], minor: bool) -> str:
    return _texts.get_template("placement.txt").render(p=placement, kind=KIND_LABELS.get(placement["kind"], placement["kind"]),
                                                       minor=minor)


def hash_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def current(placement: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """The agreement's text as the placement's facts make it now, its hash, and the minor rule's answer."""
    minor = await minor_state(placement["student"], placement["starts_on"])
    text = text_of(placement, minor["minor"])
    return text, hash_of(text), minor


def required(minor: bool) -> list[AgreementParty]:
    parties = [AgreementParty.STUDENT]
    if minor:
        parties.append(AgreementParty.GUARDIAN)
    return parties + [AgreementParty.SUPERVISOR, AgreementParty.STAFF]


async def guardian_on_record(student_id: int) -> dict[str, Any] | None:
    """The guardian address the school confirmed (services/sharing/guardians): never one a student typed alone."""
    return await GuardianConsent.select(GuardianConsent.guardian_name, GuardianConsent.guardian_email).where(
        (GuardianConsent.student == student_id) & GuardianConsent.confirmed_at.is_not_null()
        & GuardianConsent.revoked_at.is_null() & (GuardianConsent.guardian_email != "")
    ).order_by(GuardianConsent.confirmed_at, ascending=False).first()


async def signatures(placement_id: int) -> list[dict[str, Any]]:
    return await AgreementSignature.select().where(AgreementSignature.placement == placement_id).order_by(
        AgreementSignature.signed_at)


async def state(placement: dict[str, Any]) -> dict[str, Any]:
    """The agreement as a page shows it: text, hash, each required party's valid signature (or None), and the
    voided ones."""
    text, digest, minor = await current(placement)
    rows = await signatures(placement["id"])
    valid = {row["party"]: row for row in rows if row["voided_at"] is None and row["agreement_hash"] == digest}
    parties = required(minor["minor"])
    return {"text": text, "hash": digest, **minor, "parties": [(party, valid.get(party)) for party in parties],
            "voided": [row for row in rows if row["voided_at"] is not None or row["agreement_hash"] != digest],
            "complete": all(party in valid for party in parties), "guardian": await guardian_on_record(placement["student"])}


async def refresh(emails: Emails, placement_id: int, send: bool = True) -> None:
    """Inside a write transaction, after the placement's facts were saved: the text's hash again; if it changed,
    the old signatures are voided, the old links revoked and the guardian's and supervisor's asked again."""
    placement = await by_id(placement_id)
    _text, digest, minor = await current(placement)
    if digest == placement["agreement_hash"]:
        return
    await AgreementSignature.update({AgreementSignature.voided_at: now()}).where(
        (AgreementSignature.placement == placement_id) & AgreementSignature.voided_at.is_null())
    status = placement["status"]
    if status == PlacementStatus.ACTIVE:
        status = PlacementStatus.AWAITING_SIGNATURES
    await Placement.update({Placement.agreement_hash: digest, Placement.status: status, Placement.updated_at: now()}).where(
        Placement.id == placement_id)
    await links.revoke(placement_id, SIGNATURE_LINKS)
    if send:
        await ask_by_link(emails, placement | {"agreement_hash": digest}, minor["minor"])


async def ask_by_link(emails: Emails, placement: dict[str, Any], minor: bool, again: bool = False) -> list[str]:
    """Inside a write transaction: e-mail a signature link to each link party who has not signed the current text
    and has no usable link for it (`again`: a new link even so, the old one revoked). Returns the parties asked."""
    digest = placement["agreement_hash"]
    signed = {row["party"] for row in await signatures(placement["id"]) if row["voided_at"] is None and row["agreement_hash"] == digest}
    asked = []
    wanted: list[tuple[str, str, str, str]] = []
    if AgreementParty.SUPERVISOR not in signed and placement["supervisor_email"]:
        wanted.append((PlacementLinkPurpose.SUPERVISOR_SIGNATURE, placement["supervisor_email"], placement["supervisor_name"],
                       "workplace supervisor"))
    guardian = await guardian_on_record(placement["student"]) if minor else None
    if minor and AgreementParty.GUARDIAN not in signed and guardian:
        wanted.append((PlacementLinkPurpose.GUARDIAN_SIGNATURE, guardian["guardian_email"], guardian["guardian_name"],
                       "parent or guardian"))
    for purpose, email, name, party in wanted:
        if not again and any(links.usable(row) for row in await PlacementLink.select().where(
                (PlacementLink.placement == placement["id"]) & (PlacementLink.purpose == purpose)
                & (PlacementLink.agreement_hash == digest) & (PlacementLink.email == email))):
            continue
        await links.revoke(placement["id"], (purpose,))
        token = await links.new_link(placement["id"], purpose, email, name, agreement_hash=digest)
        await emails.placement_signature(to=email, name=name, student=placement["student_name"], partner=placement["partner_name"],
                                         party=party, token=token, days=links.LINK_DAYS, school_id=placement["school"])
        asked.append(purpose)
    return asked


async def send_links(emails: Emails, placement: dict[str, Any], again: bool = False) -> list[str]:
    async with write_transaction():
        minor = await minor_state(placement["student"], placement["starts_on"])
        return await ask_by_link(emails, await by_id(placement["id"]), minor["minor"], again)


async def _sign(placement_id: int, party: AgreementParty, seen_hash: str, name: str, email: str, signer: int | None,
                ip: str) -> None:
    """Inside a write transaction: one party's signature over the text whose hash the signer saw; Conflict when
    the text changed since (the page shows the new one), or the party already signed it."""
    placement = await by_id(placement_id)
    if placement["status"] not in (PlacementStatus.AWAITING_SIGNATURES, PlacementStatus.ACTIVE):
        raise Conflict("This placement is no longer waiting for signatures.")
    _text, digest, minor = await current(placement)
    if seen_hash != digest or digest != placement["agreement_hash"]:
        raise Conflict("The agreement changed since you opened it. Read the new text, then sign it.")
    if party not in required(minor["minor"]):
        raise NotFound("party")
    if await AgreementSignature.exists().where(
            (AgreementSignature.placement == placement_id) & (AgreementSignature.party == party)
            & AgreementSignature.voided_at.is_null() & (AgreementSignature.agreement_hash == digest)):
        raise Conflict("This agreement is already signed for this party.")
    await AgreementSignature.insert(AgreementSignature(
        placement=placement_id, party=party, name=name, email=email, signer=signer, agreement_hash=digest, ip=ip,
        signed_at=now()))
    valid = {row["party"] for row in await signatures(placement_id) if row["voided_at"] is None and row["agreement_hash"] == digest}
    if placement["status"] == PlacementStatus.AWAITING_SIGNATURES and set(required(minor["minor"])) <= valid:
        await Placement.update({Placement.status: PlacementStatus.ACTIVE, Placement.updated_at: now()}).where(
            Placement.id == placement_id)
    await audit.record(f"placement.signed.{party}", actor_id=signer, subject=f"placement:{placement_id}", ip=ip)


async def sign_in_person(placement_id: int, party: AgreementParty, seen_hash: str, name: str, user_id: int, email: str,
                         ip: str) -> None:
    """The student (on their page) or a staff member signs; the caller checked who they are."""
    async with write_transaction():
        await _sign(placement_id, party, seen_hash, name, email, user_id, ip)


PARTY_OF_LINK = {PlacementLinkPurpose.GUARDIAN_SIGNATURE: AgreementParty.GUARDIAN,
                 PlacementLinkPurpose.SUPERVISOR_SIGNATURE: AgreementParty.SUPERVISOR}


async def sign_by_link(link_id: int, seen_hash: str, name: str, ip: str) -> None:
    """A guardian or supervisor signs from their link: only their own party's line, only over the text the link
    was sent for (a later text revokes the link), and only once."""
    async with write_transaction():
        link = await links.usable_link(link_id)
        party = PARTY_OF_LINK.get(link["purpose"])
        if party is None:
            raise LinkInvalid("grant")
        if seen_hash != link["agreement_hash"]:
            raise Conflict("The agreement changed since you opened it. Read the new text, then sign it.")
        await links.use(link_id)
        await _sign(link["placement"], party, seen_hash, name, link["email"], None, ip)
