"""Emptying the test database between tests, on SQLite and on PostgreSQL.

Only the test process's own database is emptied: the live servers of the browser tests, `make bench` and
the command-line tests each run on a database of their own (tests/live.py), so nothing is pulled from
under a running server.

DELETE rather than TRUNCATE: a test leaves a few rows, and PostgreSQL's TRUNCATE makes (and syncs) new
files for every table it empties. Measured on the 2-core test machine over the 269 database tests,
`TRUNCATE <21 tables> RESTART IDENTITY CASCADE` took 40 ms a test when the machine was quiet and 300 to
550 ms under load; the DELETEs below take 12 ms a test on PostgreSQL and 7 ms on SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import TransactionType

from portfolio import db

# piccolo's record of the migrations that ran.
MIGRATIONS_TABLE = "migration"


async def _rows(query: str) -> list:
    return list(await db.engine().run_ddl(query))


async def table_names() -> list[str]:
    if isinstance(db.engine(), PostgresEngine):
        query = "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    return sorted(row["name"] for row in await _rows(query))


async def _children_first(names: list[str]) -> list[str]:
    """The tables in an order that deletes every row before the rows it points at (PostgreSQL checks
    each foreign key at once; SQLite is told to check them at the end of the transaction instead)."""
    if not isinstance(db.engine(), PostgresEngine):
        return names
    parents: dict[str, set[str]] = {name: set() for name in names}
    for row in await _rows(
        "SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k "
        "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid "
        "WHERE k.contype = 'f' AND k.connamespace = current_schema()::regnamespace"
    ):
        if row["child"] in parents and row["parent"] != row["child"]:
            parents[row["child"]].add(row["parent"])
    ordered: list[str] = []
    while parents:
        # A table no remaining table points at goes next.
        free = sorted(name for name in parents if not any(name in others for others in parents.values()))
        if not free:
            raise RuntimeError(f"foreign keys in a cycle among {sorted(parents)}")
        for name in free:
            ordered.append(name)
            del parents[name]
    return ordered


async def _sequences(names: list[str]) -> list[str]:
    if not isinstance(db.engine(), PostgresEngine):
        return []
    listed = ", ".join(f"'{name}'" for name in names)
    rows = await _rows(
        f"SELECT pg_get_serial_sequence(quote_ident(name), 'id') AS sequence FROM unnest(ARRAY[{listed}]) AS name"
    )
    return [row["sequence"] for row in rows if row["sequence"]]


@dataclass(frozen=True)
class Tables:
    """The tables the tests write to, as found once right after the migrations ran on an empty database."""

    names: list[str]
    sequences: list[str]

    @classmethod
    async def find(cls) -> Tables:
        """Every table but piccolo's own and those the migrations filled (the career clusters)."""
        names = [name for name in await table_names() if name != MIGRATIONS_TABLE and not await _rows(f'SELECT 1 FROM "{name}" LIMIT 1')]
        ordered = await _children_first(names)
        return cls(names=ordered, sequences=await _sequences(ordered))

    async def empty(self) -> None:
        """Delete every row, and start the ids again from 1 as in a new database; one transaction."""
        engine = db.engine()
        if isinstance(engine, PostgresEngine):
            async with engine.transaction():
                for name in self.names:
                    await engine.run_ddl(f'DELETE FROM "{name}"')
                if self.sequences:
                    await engine.run_ddl("SELECT " + ", ".join(f"setval('{s}', 1, false)" for s in self.sequences))
            return
        async with engine.transaction(transaction_type=TransactionType.immediate):
            await engine.run_ddl("PRAGMA defer_foreign_keys = ON")
            for name in self.names:
                await engine.run_ddl(f'DELETE FROM "{name}"')
            # An INTEGER PRIMARY KEY starts again from 1 by itself; an AUTOINCREMENT one keeps a counter here.
            if await _rows("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"):
                listed = ", ".join(f"'{name}'" for name in self.names)
                await engine.run_ddl(f"DELETE FROM sqlite_sequence WHERE name IN ({listed})")
