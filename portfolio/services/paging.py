"""Long lists a page at a time: the total by COUNT and the page by LIMIT/OFFSET in SQL, so a page reads the same
number of rows however long the list is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PAGE_SIZE = 25
# Past the end is the last page; a huge number never becomes an offset no database takes.
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    total: int
    page: int
    pages: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * PAGE_SIZE


def bounds(total: int, wanted: int) -> tuple[int, int]:
    """The page to show (1 to the last) and how many pages there are (at least one, even when empty)."""
    pages = max(1, -(-total // PAGE_SIZE))
    return min(max(wanted, 1), pages, MAX_PAGE), pages


async def paged(count_query: Any, rows_query: Any, wanted: int) -> Page:
    """Two queries: how many rows match, and the wanted page of them (rows_query must be ordered)."""
    total = await count_query
    page, pages = bounds(total, wanted)
    rows = await rows_query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE) if total else []
    return Page(rows, total, page, pages)


def cut(rows: list[Any], wanted: int) -> Page:
    """The wanted page of a list already read and sorted in Python (its order comes from more than a column):
    only the page's rows are rendered."""
    page, pages = bounds(len(rows), wanted)
    return Page(rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE], len(rows), page, pages)
