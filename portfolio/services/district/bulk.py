"""Many rows in few statements: multi-row INSERTs naming only the columns given (every other column takes its
default, so columns added later need nothing here), in batches that stay under both databases' limit on
parameters, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.table import Table

# SQLite allows 32,766 parameters in one statement and PostgreSQL 32,767; a batch stays well below both.
MAX_PARAMETERS = 30_000
MAX_ROWS = 2_000


async def insert(table: type[Table], columns: Sequence[str], rows: Iterable[Sequence[Any]], *, ids: bool = False) -> list[int]:
    """Insert `rows` (tuples in the order of `columns`); with `ids`, the new ids in the order of the rows."""
    size = max(1, min(MAX_ROWS, MAX_PARAMETERS // len(columns)))
    named = ", ".join(f'"{column}"' for column in columns)
    one = "(" + ", ".join("{}" for _ in columns) + ")"
    made: list[int] = []
    batch: list[Sequence[Any]] = []

    async def flush() -> None:
        sql = f'INSERT INTO "{table._meta.tablename}" ({named}) VALUES ' + ", ".join([one] * len(batch))
        values = [value for row in batch for value in row]
        if ids:
            made.extend(row["id"] for row in await table.raw(sql + ' RETURNING "id"', *values))
        else:
            await table.raw(sql, *values)
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) == size:
            await flush()
    if batch:
        await flush()
    return made


@dataclass(frozen=True)
class Sizes:
    """How much of everything: the district of the brief at scale 1.0, a proportional one below it."""

    scale: float = 1.0

    def of(self, full: int) -> int:
        return max(1, round(full * self.scale))

    @property
    def students(self) -> int:
        return max(SCHOOLS, self.of(20_000))

    @property
    def entries(self) -> int:
        return self.students * ENTRIES_PER_STUDENT

    @property
    def signoffs(self) -> int:
        return min(self.of(100_000), self.entries // 2)

    @property
    def evidence(self) -> int:
        return min(self.of(60_000), self.entries)

    @property
    def certifications(self) -> int:
        return self.of(2_000)

    @property
    def partners(self) -> int:
        # Three per school at the least, so that a small district's schools have directories of different sizes.
        return max(3 * SCHOOLS, self.of(600))

    @property
    def contacts(self) -> int:
        return max(2 * self.partners, self.of(3_000))

    @property
    def employers(self) -> int:
        return min(50, self.of(50))

    @property
    def named_employer_shares(self) -> int:
        return self.of(1_000)

    @property
    def other_employer_shares(self) -> int:
        """Shares with each of the other employers."""
        return self.of(100)


SCHOOLS = 8
ENTRIES_PER_STUDENT = 20
STAFF_PER_SCHOOL = 6
MENTOR_LOAD = 200
PROGRAMS_PER_SCHOOL = 5
