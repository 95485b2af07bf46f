"""`make bench`'s own parts, cheaply (a few seconds, no district): wrk under tests/lua/bench.lua against the
ceiling app reports requests and latency, and counts an answer that is not 2xx as an error."""

from __future__ import annotations

import os

import pytest

from tests import load
from tests.bench import ceiling_server

# Nothing here touches the database: once, in the SQLite run, is enough.
pytestmark = pytest.mark.skipif(os.environ.get("PORTFOLIO_TEST_DB") == "postgres", reason="database-free; runs on SQLite")


async def test_wrk_measures_the_ceiling_and_counts_errors(tmp_path):
    assert load.wrk(), load.INSTALL  # a missing load generator fails here rather than passing unseen
    async with ceiling_server(tmp_path / "ceiling.log") as url:
        page = await load.run(url, 2, 1, ["pages", "/"])
        missing = await load.run(url, 2, 1, ["pages", "/", "/no-such-page"])
    assert page.requests > 0 and page.rps > 0 and page.errors == 0
    assert 0 < page.p50 <= page.p95 <= page.p99
    # Every other request is the missing page: about half are errors.
    assert 0.4 * missing.requests <= missing.errors <= 0.6 * missing.requests
    assert load.memory_mb(os.getpid())[0] > 0
