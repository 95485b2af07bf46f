"""What a verifier sees and what they attest, as hashes: plain functions over an entry's fields and its files'
SHA-256s, used when a sign-off is made and every time one is read (verification.verification_state).

A verifier sees everything (content_hash, which a request compares); they attest the facts and the files they
saw (facts_hash and the files, kept on the sign-off), which stay exactly as signed. A reflection, the career
cluster and files added afterwards are the student's own."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping


def content_hash(clean: Mapping[str, Any], evidence_hashes: list[str] | tuple[str, ...] = ()) -> str:
    """SHA-256 over exactly what a verifier sees: the entry's fields and its evidence files' SHA-256s."""
    seen = {
        "kind": clean["kind"],
        "title": clean["title"],
        "organization": clean["organization_name"],
        "date": clean["date"].isoformat(),
        "minutes": clean["minutes"],
        "cluster": clean["cluster_code"],
        "reflection": clean["reflection"],
        "evidence": sorted(evidence_hashes),
    }
    return hashlib.sha256(json.dumps(seen, sort_keys=True).encode()).hexdigest()


# What a verifier attests, by the name the student reads: these stay exactly as signed, with the files they saw.
ATTESTED_FACTS = {"kind": "kind", "title": "title", "organization_name": "organization", "date": "date", "minutes": "hours"}


def facts_hash(clean: Mapping[str, Any]) -> str:
    """SHA-256 over the facts a verifier attests (not the reflection or the career cluster: those are the
    student's own words and choice, which they may add to later)."""
    facts = {"kind": clean["kind"], "title": clean["title"], "organization": clean["organization_name"],
             "date": clean["date"].isoformat(), "minutes": clean["minutes"]}
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def attestation(row: Mapping[str, Any], files: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """What a sign-off made now attests, as it keeps it: the facts' hash, the files seen (their SHA-256s), and
    the reflection's hash (only to tell a reflection written afterwards)."""
    return {"facts_hash": facts_hash(row), "evidence_seen": sorted(set(files)), "reflection_hash": text_hash(row["reflection"])}


def still_attested(signoff: Mapping[str, Any], row: Mapping[str, Any], files: list[str] | tuple[str, ...]) -> bool:
    """Whether what a sign-off attests is still exactly as signed: the same facts, and every file the verifier saw
    still there (files added afterwards do not matter). A sign-off from before attestations were kept attests
    its whole content hash."""
    if signoff.get("facts_hash"):
        return signoff["facts_hash"] == facts_hash(row) and set(signoff.get("evidence_seen") or ()) <= set(files)
    return signoff["content_hash"] == content_hash(fields_of(row), files)


def fields_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored entry in the shape `parse` returns, to hash it again."""
    return {
        "kind": row["kind"],
        "title": row["title"],
        "organization_name": row["organization_name"],
        "date": row["date"],
        "minutes": row["minutes"],
        "cluster_code": row["cluster_code"],
        "reflection": row["reflection"],
    }
