"""One shortlist entry per (organization, student); piccolo has no composite unique constraint."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T03:23:18:394271"
VERSION = "1.38.0"
DESCRIPTION = "unique shortlist entries"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portfolio", description=DESCRIPTION)

    async def run():
        from piccolo.table import Table

        class Shortlist(Table, tablename="shortlist"):
            pass

        await Shortlist.raw("CREATE UNIQUE INDEX shortlist_pair ON shortlist (organization, student)")

    manager.add_raw(run)
    return manager
