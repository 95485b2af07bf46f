"""The database engine: SQLite (WAL, busy timeout, immediate write transactions, connections kept open) or
PostgreSQL (pooled)."""

from __future__ import annotations

import contextvars
import os
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from piccolo.columns.base import Column
from piccolo.columns.column_types import ForeignKey
from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

from portfolio.settings import Settings
from portfolio.sqlite_pool import PooledSQLiteEngine

BUSY_TIMEOUT_SECONDS = 30


def _quicker_foreign_keys() -> None:
    """piccolo's ForeignKey.__getattribute__ calls dir() on the key for every attribute read not starting with "_"
    (a method, `table_alias`...), to find a lazily referenced table's columns not set yet; building one query with
    joins reads hundreds of them, and the dir() calls were a tenth of a dashboard's time. An attribute the key
    already has that is not a column is returned as piccolo would return it (its lazy step runs only for a name
    the key lacks); a column, or a name it lacks, still goes through piccolo's own method."""
    piccolos = ForeignKey.__getattribute__
    if getattr(piccolos, "quicker", False):
        return

    def __getattribute__(self: ForeignKey, name: str):  # noqa: N807 - the method it replaces
        if name.startswith("_"):
            return object.__getattribute__(self, name)
        try:
            value = object.__getattribute__(self, name)
        except AttributeError:
            return piccolos(self, name)
        return piccolos(self, name) if isinstance(value, Column) else value

    __getattribute__.quicker = True  # type: ignore[attr-defined]
    __getattribute__.piccolos = piccolos  # type: ignore[attr-defined]
    ForeignKey.__getattribute__ = __getattribute__  # type: ignore[method-assign]


_quicker_foreign_keys()


def make_engine(settings: Settings) -> Engine:
    if settings.is_postgres:
        return PostgresEngine(config={"dsn": settings.database_url})
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    return PooledSQLiteEngine(path=str(path), timeout=BUSY_TIMEOUT_SECONDS)


def engine() -> Engine:
    found = engine_finder()
    if found is None:  # pragma: no cover - piccolo_conf always defines DB
        raise RuntimeError("piccolo_conf defines no DB")
    return found


# Callbacks to run once the outermost write_transaction() of this task has committed.
_after_commit: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar(
    "after_commit", default=None
)


def _transaction():
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction for code that reads then writes.

    SQLite's default deferred transaction takes the write lock only at the first write, and a second
    writer then fails at once with "database is locked"; an immediate one waits for the busy timeout.
    A write_transaction() inside another joins it (piccolo nests by reusing the outer one).
    """
    if _after_commit.get() is not None:
        async with _transaction():
            yield
        return
    callbacks: list[Callable[[], None]] = []
    token = _after_commit.set(callbacks)
    try:
        async with _transaction():
            yield
    finally:
        _after_commit.reset(token)
    for callback in callbacks:
        callback()


async def lock_row(table: type[Table], row_id: int) -> None:
    """Inside a write transaction: hold one row until the commit, so that two read-then-writes of it (the last
    seat, a partner nobody owns) run one after the other. PostgreSQL locks the row (SELECT ... FOR UPDATE);
    SQLite's immediate transaction already holds the whole database, and has no row locks to take."""
    if not in_write_transaction():
        raise RuntimeError("a row is locked inside the write_transaction() that reads then writes it")
    if not isinstance(engine(), SQLiteEngine):
        await table.select(table._meta.primary_key).where(table._meta.primary_key == row_id).lock_rows().first()


def in_write_transaction() -> bool:
    return _after_commit.get() is not None


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the write transaction around this call has committed (never if it rolls back);
    at once outside one."""
    pending = _after_commit.get()
    if pending is None:
        callback()
    else:
        pending.append(callback)


def prepare_sqlite_file(path: str) -> None:
    """WAL lets readers run beside the one writer; it is a property of the file, so set it once."""
    with sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


async def open_database() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is None:
        await db.start_connection_pool(min_size=1, max_size=int(os.environ.get("PORTFOLIO_DB_POOL_SIZE", "10")))
    elif isinstance(db, SQLiteEngine):
        prepare_sqlite_file(db.path)


async def close_database() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()
    elif isinstance(db, PooledSQLiteEngine):
        await db.close_connections()


async def database_answers() -> bool:
    try:
        await engine().run_ddl("SELECT 1")
    except Exception:  # noqa: BLE001 - readiness reports any failure as not ready
        return False
    return True


# The migrations from before the first release were squashed into a generated baseline and one raw-SQL
# migration. A database those older migrations made has every table, the seed and the indexes already.
LEGACY_MIGRATIONS = frozenset({
    "2026-11-25T01:54:45:041627", "2026-11-25T01:54:50:206726", "2026-11-25T02:19:31:171341",
    "2026-11-25T02:40:18:122905", "2026-11-25T02:40:20:933825", "2026-11-25T03:20:03:323455",
    "2026-11-25T03:23:16:613123", "2026-11-25T03:23:18:394271", "2026-11-25T03:31:56:665746",
    "2026-11-25T04:31:49:890687", "2026-11-25T04:31:52:000000", "2026-12-05T12:16:41:367849",
})
LAST_BEFORE_OUTBOX = "2026-11-25T04:31:52:000000"
SQUASHED_INTO = ("2026-12-05T13:09:33:885058", "2026-12-05T13:09:34:000000")


async def adopt_squashed_history() -> bool:
    """Mark a database made by the squashed migrations as having run the baseline, after making the one table
    they may lack (the e-mail outbox came last). True when it did."""
    from piccolo.apps.migrations.tables import Migration

    from portfolio.record_tables import OutboxMessage

    if not await Migration.table_exists():
        return False
    ran = {row["name"] for row in await Migration.select(Migration.name).where(Migration.app_name == "portfolio")}
    if not ran & LEGACY_MIGRATIONS or set(SQUASHED_INTO) <= ran:
        return False
    if LAST_BEFORE_OUTBOX not in ran:
        raise RuntimeError("This database was made by an unfinished early version; make a new one (delete var/).")
    # Only the table they lack: a table added after the baseline comes from its own migration, which runs
    # next and would find it made already.
    await OutboxMessage.create_table(if_not_exists=True)
    await Migration.insert(*[Migration(name=name, app_name="portfolio") for name in SQUASHED_INTO if name not in ran])
    return True


async def migrate() -> None:
    """Run every migration forwards (what `portfolio migrate` and the test suite do)."""
    from piccolo.apps.migrations.commands.forwards import run_forwards

    db = engine()
    if isinstance(db, SQLiteEngine):
        prepare_sqlite_file(db.path)
    try:
        await adopt_squashed_history()
        response = await run_forwards(app_name="all", migration_id="all", fake=False)
    finally:
        if isinstance(db, PooledSQLiteEngine):  # `portfolio migrate` ends here, its connections with it
            await db.close_connections()
    if not response.success:
        raise RuntimeError(f"migrations failed: {response.message}")
