"""Each school's number of days after which a student without a counselor's check-in is flagged on the caseload
(90 for existing schools, as before)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import SmallInt
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T19:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Schools' check-in window"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portfolio", description=DESCRIPTION)
    manager.add_column(
        table_class_name="School", tablename="school", column_name="check_in_days", db_column_name="check_in_days",
        column_class_name="SmallInt", column_class=SmallInt,
        params={"default": 90, "null": False, "primary_key": False, "unique": False, "index": False,
                "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False},
        schema=None,
    )
    return manager
