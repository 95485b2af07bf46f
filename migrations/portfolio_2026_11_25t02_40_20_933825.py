"""One assignment per (mentor, student) pair; piccolo has no composite unique constraint."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T02:40:20:933825"
VERSION = "1.38.0"
DESCRIPTION = "unique mentor assignments"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portfolio", description=DESCRIPTION)

    async def run():
        from piccolo.table import Table

        class MentorAssignment(Table, tablename="mentor_assignment"):
            pass

        await MentorAssignment.raw(
            "CREATE UNIQUE INDEX mentor_assignment_pair ON mentor_assignment (mentor, student)"
        )

    manager.add_raw(run)
    return manager
