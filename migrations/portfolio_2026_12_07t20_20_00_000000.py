"""A disclosure's kind may be a publication: a student named in an awards-night program that leaves the school."""

from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-12-07T20:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Publication among the kinds of disclosure"

BEFORE = {"VIEW": "view", "DOWNLOAD": "download", "PDF": "pdf", "VERIFICATION_LINK": "verification_link"}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portfolio", description=DESCRIPTION)
    manager.alter_column(
        table_class_name="Disclosure", tablename="disclosure", column_name="kind", db_column_name="kind",
        params={"choices": Enum("DisclosureKind", BEFORE | {"PUBLICATION": "publication"})},
        old_params={"choices": Enum("DisclosureKind", BEFORE)},
        column_class=Varchar, old_column_class=Varchar, schema=None,
    )
    return manager
