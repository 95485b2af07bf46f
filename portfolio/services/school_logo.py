"""A school's logo: a small PNG, JPEG or WebP, typed by its content and checked by the same code as evidence
photos, without its metadata, kept in the database as bytes. A logo is small and one per school, so a row
holds it whole: nothing to keep in step with the evidence store, and it is gone with its school. Administrators
set or remove any school's logo; staff, their own school's."""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
from pathlib import Path

from portfolio.db import write_transaction
from portfolio.errors import FormErrors, NotFound
from portfolio.services import audit, schools
from portfolio.services.accounts import CurrentUser
from portfolio.services.media import Rejected, check_image, sniff, strip_location
from portfolio.tables import School, User

MAX_BYTES = 512 * 1024
MAX_SIDE = 1000
TYPES = ("image/png", "image/jpeg", "image/webp")
WRONG = "Choose a PNG, JPEG or WebP picture of at most 512 KB and 1000 x 1000 pixels."


def _clean(data: bytes) -> tuple[bytes, str]:
    """The picture without its metadata, and its type; FormErrors when it is no picture we take."""
    if not data or len(data) > MAX_BYTES:
        raise FormErrors({"logo": WRONG})
    with tempfile.TemporaryDirectory() as work:
        src, dst = Path(work) / "logo", Path(work) / "clean"
        src.write_bytes(data)
        try:
            mime = sniff(src)
            if mime not in TYPES:
                raise FormErrors({"logo": WRONG})
            width, height = check_image(src, mime, max_pixels=MAX_SIDE * MAX_SIDE)
            if width > MAX_SIDE or height > MAX_SIDE:
                raise FormErrors({"logo": WRONG})
            strip_location(src, dst, mime)
        except Rejected:
            raise FormErrors({"logo": WRONG}) from None
        return dst.read_bytes(), mime


async def set_logo(actor: CurrentUser, school_id: int, data: bytes, ip: str = "") -> None:
    schools.refuse_others(actor, school_id)
    cleaned, mime = await asyncio.to_thread(_clean, data)
    version = hashlib.sha256(cleaned).hexdigest()[:16]
    async with write_transaction():
        if not await School.exists().where(School.id == school_id):
            raise NotFound(school_id)
        await School.update({School.logo: cleaned, School.logo_type: mime, School.logo_version: version}
                            ).where(School.id == school_id)
        await audit.record("school.changed", actor_id=actor.id, subject=f"school:{school_id}", ip=ip, changed=["logo"])


async def remove_logo(actor: CurrentUser, school_id: int, ip: str = "") -> None:
    """The school shows its name alone again; its colour stays."""
    schools.refuse_others(actor, school_id)
    async with write_transaction():
        if not await School.exists().where(School.id == school_id):
            raise NotFound(school_id)
        await School.update({School.logo: None, School.logo_type: "", School.logo_version: ""}).where(School.id == school_id)
        await audit.record("school.changed", actor_id=actor.id, subject=f"school:{school_id}", ip=ip, changed=["logo"])


async def logo(school_id: int) -> tuple[bytes, str] | None:
    """The logo's bytes and type, or None when the school has none."""
    row = await School.select(School.logo, School.logo_type).where(School.id == school_id).first()
    if row is None or not row["logo"]:
        return None
    return bytes(row["logo"]), row["logo_type"]


async def of_student(student_id: int) -> bytes | None:
    """The logo of the student's school (for their PDF portfolio), or None."""
    row = await User.select(User.school.logo.as_alias("logo")).where(User.id == student_id).first()
    return bytes(row["logo"]) if row and row["logo"] else None
