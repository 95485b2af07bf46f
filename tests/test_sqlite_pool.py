"""The SQLite engine keeps its connections: readers and one writer, transactions on the writer, every commit
seen by the next read, and writers of this process and of another one waiting for each other, not failing."""

from __future__ import annotations

import asyncio
import os
import sys

import aiosqlite
import pytest

from portfolio import db
from portfolio.sqlite_pool import READERS, PooledSQLiteEngine, reads_only
from portfolio.tables import School
from tests.conftest import TEST_DB

pytestmark = pytest.mark.skipif(TEST_DB != "sqlite", reason="the SQLite engine's own connections")

OTHER_PROCESS = """
import asyncio
from portfolio import db
from portfolio.tables import School

async def main():
    for n in range(60):
        async with db.write_transaction():
            await School.count().where(School.name == "other process")
            await School.insert(School(name="other process"))
    await db.close_database()

asyncio.run(main())
"""


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQLite connection aiosqlite opens from here on (whoever asks for it)."""
    seen: list[str] = []
    connect = aiosqlite.connect

    def counted(*args, **kwargs):
        seen.append(kwargs.get("database", ""))
        return connect(*args, **kwargs)

    monkeypatch.setattr(aiosqlite, "connect", counted)
    return seen


async def _names() -> list[str]:
    return sorted(row["name"] for row in await School.select(School.name))


async def test_fifty_queries_open_no_more_connections_than_the_pool_holds(opened, school):
    await db.close_database()
    for n in range(50):
        if n % 5 == 0:
            async with db.write_transaction():
                await School.insert(School(name=f"school {n}"))
        elif n % 5 == 1:
            await School.update({School.name: f"renamed {n}"}).where(School.id == school)
        else:
            await asyncio.gather(*(School.count() for _ in range(3)))
    assert 1 <= len(opened) <= READERS + 1, opened
    assert isinstance(db.engine(), PooledSQLiteEngine)


async def test_a_read_right_after_a_commit_sees_it(clean_database):
    for n in range(50):
        await School.insert(School(name=f"school {n}"))  # outside a transaction: on the writer
        assert await School.count().where(School.name == f"school {n}") == 1  # on a reader
        async with db.write_transaction():
            await School.update({School.name: f"done {n}"}).where(School.name == f"school {n}")
        assert await School.exists().where(School.name == f"done {n}")


async def test_a_transaction_reads_its_own_writes_and_others_read_only_what_is_committed(clean_database):
    written = asyncio.Event()
    looked = asyncio.Event()
    seen_outside: list[list[str]] = []

    async def outside():
        await written.wait()
        seen_outside.append(await _names())  # a reader, while the writer's transaction is still open
        looked.set()

    async def inside():
        async with db.write_transaction():
            await School.insert(School(name="inside"))
            assert await _names() == ["inside"]
            written.set()
            await looked.wait()

    await asyncio.gather(asyncio.create_task(inside()), asyncio.create_task(outside()))
    assert seen_outside == [[]]
    assert await _names() == ["inside"]


async def test_a_transaction_rolled_back_leaves_nothing_and_the_writer_goes_on(clean_database):
    with pytest.raises(RuntimeError):
        async with db.write_transaction():
            await School.insert(School(name="gone"))
            await School.update({School.name: "gone too"}).where(School.name == "gone")
            raise RuntimeError("changed my mind")
    assert await _names() == []
    async with db.write_transaction():
        await School.insert(School(name="kept"))
    assert await _names() == ["kept"]


async def test_a_cancelled_transaction_is_rolled_back_and_gives_the_writer_back(clean_database):
    started = asyncio.Event()

    async def stuck():
        async with db.write_transaction():
            await School.insert(School(name="cancelled"))
            started.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(stuck())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with asyncio.timeout(5):
        async with db.write_transaction():
            await School.insert(School(name="after"))
    assert await _names() == ["after"]


async def test_writers_in_two_tasks_wait_for_each_other(clean_database):
    async def writer(name: str):
        for _ in range(25):
            async with db.write_transaction():
                # read, then write: a deferred transaction would fail here with "database is locked"
                count = await School.count().where(School.name.like(f"{name}%"))
                await asyncio.sleep(0)
                await School.insert(School(name=f"{name} {count}"))

    await asyncio.gather(writer("a"), writer("b"))
    names = await _names()
    assert len(names) == len(set(names)) == 50


async def test_writers_in_two_processes_wait_for_each_other(clean_database):
    other = await asyncio.create_subprocess_exec(sys.executable, "-c", OTHER_PROCESS, env=dict(os.environ),
                                                 stderr=asyncio.subprocess.PIPE)
    mine = 0
    while other.returncode is None and mine < 2000:
        async with db.write_transaction():
            await School.count().where(School.name == "this process")
            await School.insert(School(name="this process"))
        mine += 1
        try:
            await asyncio.wait_for(asyncio.shield(other.wait()), 0.001)
        except TimeoutError:
            pass
    _, errors = await other.communicate()
    assert other.returncode == 0, errors.decode()
    assert await School.count().where(School.name == "other process") == 60
    assert await School.count().where(School.name == "this process") == mine


async def test_closing_the_database_closes_the_connections_and_the_next_query_opens_new_ones(opened, school):
    await School.count()
    await db.close_database()
    before = len(opened)
    assert await School.count() == 1
    assert len(opened) == before + 1


def test_only_reads_go_to_the_readers():
    assert reads_only('SELECT "school"."id" FROM "school"')
    assert reads_only("  (SELECT 1)")
    assert reads_only("with x as (select 1) select * from x")
    for sql in ('INSERT INTO "school" ("name") VALUES (?) RETURNING "id"', 'UPDATE "school" SET "name" = ?',
                'DELETE FROM "school"', "CREATE TABLE t (a)", "PRAGMA foreign_keys = ON", ""):
        assert not reads_only(sql), sql


async def test_a_write_sent_to_a_reader_is_refused(clean_database):
    pool = db.engine().connections()
    async with pool.reading() as connection:
        with pytest.raises(Exception, match="readonly|read-only|query_only"):
            await connection.execute("INSERT INTO school (name, created_at) VALUES ('x', '2026-01-01')")
    assert await _names() == []
