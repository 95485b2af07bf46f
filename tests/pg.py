"""Throw-away PostgreSQL databases for the test runs (trust auth on 127.0.0.1:5432 by default)."""

from __future__ import annotations

import asyncio
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

PG_ADMIN_URL = os.environ.get("PORTFOLIO_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _admin(statement: str) -> None:
    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop running here (nor threads left to start at exit)
        asyncio.run(run())
        return
    # Inside a running loop: a thread of its own, with a loop of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()


def create_database(prefix: str, template: str = "") -> tuple[str, str]:
    """Create an empty database, or a copy of `template` (which nobody may be connected to); returns (name, URL)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    copy_database(template, name) if template else _admin(f'CREATE DATABASE "{name}"')
    return name, database_url(name)


def copy_database(template: str, name: str) -> None:
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def database_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
