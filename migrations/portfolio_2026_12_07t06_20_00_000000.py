"""Relationship owners and partners going cold: each school's number of quiet days after which an active
partner is going cold (120 for existing schools), and the record of partners handed from one staff member to
another (at deactivation, loss of the staff role, or taken over from someone who left)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial, SmallInt, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class PartnerSchool(Table, tablename="partner_school", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, index_method=IndexMethod.btree,
                choices=None, db_column_name="id", secret=False)


class User(Table, tablename="app_user", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, index_method=IndexMethod.btree,
                choices=None, db_column_name="id", secret=False)


ID = "2026-12-07T06:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Schools' going-cold setting and partner hand-offs"


def _params(**given):
    return {"null": False, "primary_key": False, "unique": False, "index": False, "index_method": IndexMethod.btree,
            "choices": None, "db_column_name": None, "secret": False} | given


def _foreign_key(references, on_delete, index=False):
    return _params(references=references, on_delete=on_delete, on_update=OnUpdate.cascade, target_column=None,
                   null=True, index=index)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="portfolio", description=DESCRIPTION)
    manager.add_column(
        table_class_name="School", tablename="school", column_name="cold_after_days", db_column_name="cold_after_days",
        column_class_name="SmallInt", column_class=SmallInt, params=_params(default=120), schema=None,
    )
    manager.add_table(class_name="PartnerHandoff", tablename="partner_handoff", schema=None, columns=None)
    columns = [
        ("partner", ForeignKey, _foreign_key(PartnerSchool, OnDelete.cascade, index=True)),
        ("from_staff", ForeignKey, _foreign_key(User, OnDelete.set_null)),
        ("to_staff", ForeignKey, _foreign_key(User, OnDelete.set_null)),
        ("partners", SmallInt, _params(default=0)),
        ("follow_ups", SmallInt, _params(default=0)),
        ("handed_by", ForeignKey, _foreign_key(User, OnDelete.set_null)),
        ("handed_at", Timestamptz, _params(default=TimestamptzNow())),
    ]
    for name, column_class, params in columns:
        manager.add_column(
            table_class_name="PartnerHandoff", tablename="partner_handoff", column_name=name, db_column_name=name,
            column_class_name=column_class.__name__, column_class=column_class, params=params, schema=None,
        )
    return manager
