"""One file per (student, client UUID): a retried upload from the offline queue stores nothing twice.
piccolo has no composite unique constraint; NULLs (files added on an entry's page) never collide."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T04:31:52:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique evidence client uuid"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portfolio", description=DESCRIPTION)

    async def run():
        from piccolo.table import Table

        class Evidence(Table, tablename="evidence"):
            pass

        await Evidence.raw("CREATE UNIQUE INDEX evidence_student_client_uuid ON evidence (student, client_uuid)")

    manager.add_raw(run)
    return manager
