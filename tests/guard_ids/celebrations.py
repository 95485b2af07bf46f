"""The celebrations part's ids: a signing-day commitment of the owner waiting for them, and a guardian's
publication agreement on file for them."""

from __future__ import annotations

from datetime import date

from portfolio.celebration_tables import PublicationConsent, SigningDay
from portfolio.celebration_vocabulary import CommitmentKind, Party
from portfolio.clock import now


async def ids(owner, base: dict[str, int]) -> dict[str, int]:
    signing = await SigningDay.insert(SigningDay(
        student=owner.id, school=owner.school_id, kind=CommitmentKind.COLLEGE, organization="Guard College",
        signed_on=date.today(), created_at=now())).returning(SigningDay.id)
    consent = await PublicationConsent.insert(PublicationConsent(
        student=owner.id, party=Party.GUARDIAN, guardian_name="G", given_at=now())).returning(PublicationConsent.id)
    return {"signing_id": signing[0]["id"], "publication_id": consent[0]["id"]}
