"""Ids of real rows an owner has, for the guard matrix (tests/test_guards.py): each module here gives the ids of
one part of the app (`async def ids(owner, base) -> dict[str, int]`, base being the ids made before it), so
a route's refusal is its guard's and not a missing row's."""

from __future__ import annotations

import importlib
import pkgutil


async def more_ids(owner, base: dict[str, int]) -> dict[str, int]:
    found: dict[str, int] = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        found |= await importlib.import_module(f"{__name__}.{module}").ids(owner, base | found)
    return found
