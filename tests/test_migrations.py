"""The migrations from before the first release were squashed: a fresh database comes up from the baseline,
and a database the old migrations made is adopted (its missing outbox table made) without running anything
twice, then serves the demo as before."""

from __future__ import annotations

import subprocess
import sys

from portfolio.db import LAST_BEFORE_OUTBOX, LEGACY_MIGRATIONS, SQUASHED_INTO
from tests.live import fresh_environment, run_cli

# Makes the database look like one the squashed migrations made before the outbox existed.
MAKE_LEGACY = f"""
import asyncio
from piccolo.apps.migrations.tables import Migration
from portfolio import db

async def main():
    await Migration.delete().where(Migration.name.is_in({list(SQUASHED_INTO)!r}))
    await Migration.insert(*[Migration(name=n, app_name="portfolio") for n in {sorted(LEGACY_MIGRATIONS - {"2026-12-05T12:16:41:367849"})!r}])
    await db.engine().run_ddl("DROP TABLE outbox_message")

asyncio.run(main())
"""

# A database of that time: only the migrations up to the squashed baseline ran, none added since.
UP_TO_THE_BASELINE = f"""
import asyncio
from piccolo.apps.migrations.commands.forwards import run_forwards
from portfolio import db

async def main():
    await db.open_database()
    done = await run_forwards(app_name="portfolio", migration_id={SQUASHED_INTO[-1]!r}, fake=False)
    assert done.success, done.message

asyncio.run(main())
"""

COUNT = """
import asyncio
from piccolo.apps.migrations.tables import Migration
from portfolio.tables import CareerCluster
from portfolio.record_tables import OutboxMessage

async def main():
    ran = await Migration.count().where(Migration.name.is_in({names!r}))
    print(ran, await CareerCluster.count(), await OutboxMessage.count())

asyncio.run(main())
"""


def _python(env: dict[str, str], code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_fresh_database_runs_the_baseline_and_its_seed():
    with fresh_environment() as (env, _):
        assert run_cli(env, "migrate").returncode == 0
        assert _python(env, COUNT.format(names=list(SQUASHED_INTO))) == "2 14 0"


def test_a_database_made_by_the_squashed_migrations_is_adopted():
    assert LAST_BEFORE_OUTBOX in LEGACY_MIGRATIONS
    with fresh_environment() as (env, _):
        _python(env, UP_TO_THE_BASELINE)
        _python(env, MAKE_LEGACY)
        again = run_cli(env, "migrate")
        assert again.returncode == 0, again.stderr
        # The baseline is marked as run, not run again (the seed would double, the indexes fail).
        assert _python(env, COUNT.format(names=list(SQUASHED_INTO))) == "2 14 0"
        seeded = run_cli(env, "seed-demo")
        assert seeded.returncode == 0 and "Demo data loaded." in seeded.stdout


# What `piccolo migrations new --auto` would write: nothing, when every table change came with its migration.
PENDING = """
import asyncio
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder

async def main():
    found = await AutoMigrationManager(auto_input="y").get_alter_statements(Finder().get_app_config("portfolio"))
    print([line for statements in found for line in statements.statements])

asyncio.run(main())
"""


def test_the_tables_are_what_the_migrations_make():
    """A column changed without its migration, or one the migration writer cannot describe, fails here."""
    with fresh_environment() as (env, _):
        printed = _python(env | {"PICCOLO_CONF": "portfolio.piccolo_conf"}, PENDING)
        assert printed.splitlines()[-1] == "[]", printed
