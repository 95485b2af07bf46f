from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Evidence(Table, tablename="evidence", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-12-06T23:20:59:401131"
VERSION = "1.38.0"
DESCRIPTION = "The file a disclosure opened"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="portfolio", description=DESCRIPTION
    )

    manager.add_column(
        table_class_name="Disclosure",
        tablename="disclosure",
        column_name="evidence",
        db_column_name="evidence",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Evidence,
            "on_delete": OnDelete.set_null,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
