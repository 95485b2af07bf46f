"""piccolo's SQLite engine with connections that stay open: a few readers and one writer per event loop.

piccolo's own engine opens a connection (and the thread aiosqlite runs it on) for every query, sets its
PRAGMAs again each time, and in WAL mode the close of the last connection to a file checkpoints the WAL.
Here a transaction takes the one writer connection for its whole life (piccolo keeps the open transaction
in a contextvar, and every query inside it runs on that transaction's connection); a query outside one runs
on a reader when it only reads, else on the writer. WAL lets the readers see every commit made before their
statement starts, so a read right after a committed write sees it. Other processes writing the same file
wait for the lock through SQLite's busy timeout, as before.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

READERS = 4  # the machine this runs on has few cores; SQLite reads release the GIL, so a few run at once

# Per connection, set once when it opens. foreign_keys is piccolo's own setting. synchronous=NORMAL in WAL
# mode syncs the WAL at checkpoints rather than at every commit: the file is never corrupted, a crash of the
# app loses nothing, and only a power cut or OS crash can lose the last commits before it.
PRAGMAS = ("PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL")
# A reader that refuses to write proves the routing: a statement sent to a reader that writes fails loudly.
READER_PRAGMAS = ("PRAGMA query_only = ON",)
# The WAL file is not removed while connections stay open: after a large write it is cut back to 64 MiB.
WRITER_PRAGMAS = ("PRAGMA journal_mode = WAL", "PRAGMA journal_size_limit = 67108864")


def reads_only(sql: str) -> bool:
    words = sql.lstrip(" \n\t(").split(None, 1)
    return bool(words) and words[0].upper() in {"SELECT", "WITH"}


class _Connections:
    """The connections of one event loop (asyncio's locks belong to one loop; aiosqlite's threads do not)."""

    def __init__(self, engine: PooledSQLiteEngine) -> None:
        self.engine = engine
        self.path = engine.path
        self.pid = os.getpid()  # a process forked after its parent queried must open its own
        self.idle: list[aiosqlite.Connection] = []
        self.readers = asyncio.Semaphore(READERS)
        self.writer_lock = asyncio.Lock()
        self.writer: aiosqlite.Connection | None = None
        self.closed = False

    async def take_writer(self) -> aiosqlite.Connection:
        # A task waiting for its own transaction (a write from outside its context) would wait forever; it
        # fails after the busy timeout instead, the way a second connection's write used to.
        try:
            async with asyncio.timeout(self.engine.busy_timeout):
                await self.writer_lock.acquire()
        except TimeoutError:
            raise sqlite3.OperationalError("database is locked (waited for this process's writer)") from None
        try:
            if self.writer is None:
                self.writer = await self.engine.open_connection(WRITER_PRAGMAS)
        except BaseException:
            self.writer_lock.release()
            raise
        return self.writer

    def give_writer_back(self, connection: aiosqlite.Connection, healthy: bool) -> None:
        if not healthy or self.closed or connection.in_transaction:
            connection.stop()
            if self.writer is connection:
                self.writer = None
        self.writer_lock.release()

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[aiosqlite.Connection]:
        connection = await self.take_writer()
        healthy = False
        try:
            yield connection
            healthy = True
        except sqlite3.Error:
            healthy = True  # SQLite resets a statement that failed; the connection is as good as before
            raise
        finally:
            self.give_writer_back(connection, healthy)

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self.readers:
            connection = self.idle.pop() if self.idle else await self.engine.open_connection(READER_PRAGMAS)
            healthy = False
            try:
                yield connection
                healthy = True
            except sqlite3.Error:
                healthy = True
                raise
            finally:
                # A read cancelled half-way may still be running on its thread: that connection is not reused.
                if healthy and not self.closed and not connection.in_transaction:
                    self.idle.append(connection)
                else:
                    connection.stop()

    async def close(self) -> None:
        self.closed = True
        idle, self.idle = self.idle, []
        for connection in idle:
            await connection.close()
        if self.writer is not None and not self.writer_lock.locked():
            writer, self.writer = self.writer, None
            await writer.close()

    def abandon(self) -> None:
        """Stop the threads of a loop that has ended without closing its connections."""
        self.closed = True
        for connection in [*self.idle, *([self.writer] if self.writer else [])]:
            connection.stop()
        self.idle, self.writer = [], None


class PooledTransaction(SQLiteTransaction):
    """piccolo's transaction on the writer connection, given back rather than closed at the end."""

    async def __aenter__(self) -> SQLiteTransaction:
        if self._parent is not None:
            return self._parent
        self.pool = self.engine.connections()
        self.connection = await self.pool.take_writer()
        try:
            await self.begin()
        except BaseException as error:
            self.pool.give_writer_back(self.connection, healthy=isinstance(error, sqlite3.Error))
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        healthy = False
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                try:
                    await self.commit()
                except sqlite3.Error:
                    await self.rollback()  # a COMMIT refused (a deferred foreign key) leaves it open
                    raise
            healthy = True
        finally:
            self.engine.current_transaction.reset(self.context)
            self.pool.give_writer_back(self.connection, healthy)
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    def __init__(self, path: str, timeout: float, **kwargs: Any) -> None:
        super().__init__(path=path, timeout=timeout, **kwargs)
        self.busy_timeout = timeout
        self._pools: dict[asyncio.AbstractEventLoop, _Connections] = {}
        self.opened = 0  # connections opened so far (the tests count them)

    async def open_connection(self, pragmas: tuple[str, ...]) -> aiosqlite.Connection:
        # sqlite3's `timeout` (in connection_kwargs) is the busy timeout of each connection.
        connection = aiosqlite.connect(**self.connection_kwargs)
        # A thread left running when a command forgets to close would keep the process from exiting.
        connection._thread.daemon = True
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        for pragma in (*PRAGMAS, *pragmas):
            await connection.execute(pragma)
        self.opened += 1
        return connection

    def connections(self) -> _Connections:
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None or pool.path != self.path or pool.pid != os.getpid():
            for ended in [other for other, old in self._pools.items()
                          if other.is_closed() or old.path != self.path or old.pid != os.getpid()]:
                self._pools.pop(ended).abandon()
            pool = self._pools[loop] = _Connections(self)
        return pool

    async def close_connections(self) -> None:
        """Close this loop's connections; the next query opens new ones."""
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()

    def transaction(self, transaction_type: TransactionType = TransactionType.deferred,
                    allow_nested: bool = True) -> SQLiteTransaction:
        return PooledTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)

    async def _run_in_new_connection(self, query: str, args: list[Any] | None = None,
                                     query_type: str = "generic", table: Any = None):
        pool = self.connections()
        async with pool.reading() if reads_only(query) else pool.writing() as connection:
            return await self._run_in_existing_connection(connection, query, args, query_type, table)

    async def _run_in_existing_connection(self, connection, query: str, args: list[Any] | None = None,
                                          query_type: str = "generic", table: Any = None):
        # piccolo sets foreign_keys before every statement (each connection here set it once when it opened),
        # then executes, fetches and closes the cursor: four trips to the connection's thread, here one.
        if query_type == "insert" and self.get_version_sync() < 3.35:  # no RETURNING before SQLite 3.35
            async with connection.execute(query, args or []) as cursor:
                return [{table._meta.primary_key._meta.db_column_name: await self._get_inserted_pk(cursor, table)}]
        return await connection.execute_fetchall(query, args or [])
