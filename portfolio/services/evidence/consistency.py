"""Keeping the store and the rows consistent: files a row names but the store lacks, and files no row
names."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from portfolio import clock
from portfolio.services import previews
from portfolio.services.evidence.checking import IMAGES
from portfolio.storage import EvidenceStore
from portfolio.tables import Evidence

ORPHAN_GRACE = timedelta(hours=1)


async def fsck(store: EvidenceStore, *, fix: bool = False, now: datetime | None = None) -> dict[str, list[str]]:
    """Rows whose files are missing, and files no row names.

    With fix: delete files no row names once they are an hour old (a younger one may belong to an upload
    that is still being saved), and make missing thumbnails again from the original. Rows whose original is
    missing are only reported: deleting them would hide that evidence was lost.
    """
    now = now or clock.now()
    stored = await store.objects("evidence/")
    rows = await Evidence.select(
        Evidence.id, Evidence.storage_key, Evidence.thumb_key, Evidence.display_key, Evidence.content_type
    )
    named = {key for row in rows for key in (row["storage_key"], row["thumb_key"], row["display_key"]) if key}
    report: dict[str, list[str]] = {"missing_original": [], "missing_preview": [], "orphaned": [], "fixed": []}
    for row in rows:
        if row["storage_key"] not in stored:
            report["missing_original"].append(f"evidence {row['id']}: {row['storage_key']}")
        elif row["thumb_key"] not in stored:
            report["missing_preview"].append(f"evidence {row['id']}: {row['thumb_key']}")
            if fix:
                await _remake_thumbnail(store, row)
                report["fixed"].append(f"made {row['thumb_key']} again")
    for key, modified in sorted(stored.items()):
        if key not in named:
            report["orphaned"].append(key)
            if fix and now - modified > ORPHAN_GRACE:
                await store.delete(key)
                report["fixed"].append(f"deleted {key}")
    return report


async def _remake_thumbnail(store: EvidenceStore, row: dict[str, Any]) -> None:
    work = Path(tempfile.mkdtemp())
    try:
        original = work / "original"
        with original.open("wb") as out:
            async for chunk in store.stream(row["storage_key"]):
                await asyncio.to_thread(out.write, chunk)
        thumb = work / "thumb.jpg"
        if row["content_type"] in IMAGES:
            await asyncio.to_thread(previews.image_thumbnail, original, row["content_type"], thumb)
        else:
            await previews.pdf_preview(original, thumb)
        await store.put_file(row["thumb_key"], thumb, "image/jpeg")
    finally:
        await asyncio.to_thread(shutil.rmtree, work, True)
