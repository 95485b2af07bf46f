"""Fill experience.shown_verified for the entries there are: the one rule worked out for each entry that may be
verified, with the app's own code (services/verification.py), so it is the same answer every write keeps. Its
own migration because piccolo runs a migration's raw steps before its new columns are added."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T13:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "Fill each entry's stored verification answer"


async def fill() -> None:
    from portfolio.services.verification import refresh_verified

    await refresh_verified()


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portfolio", description=DESCRIPTION)
    manager.add_raw(fill)
    return manager
