"""Each student's shown minutes, verified and self-reported (student_minutes), kept by triggers on experience:
the employer's list sorts its 1,000 students by them instead of summing 20,000 entries a request. Triggers rather
than the app's writes, so nothing that writes entries (the app, a bulk load, a repair by hand) can leave them
behind. Made after the table (piccolo runs raw steps before it creates tables), then filled from the entries."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Serial
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class User(Table, tablename="app_user", schema=None):
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


ID = "2026-12-07T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Each student's shown minutes, kept by the database"

# What a portfolio shows (portfolio_view.SHOWN_STATUSES: every status but rejected), split by the stored answer.
SHOWN = "{row}.status <> 'rejected'"
VERIFIED = "CASE WHEN {row}.shown_verified THEN {row}.minutes ELSE 0 END"
SELF_REPORTED = "CASE WHEN {row}.shown_verified THEN 0 ELSE {row}.minutes END"
ADD = ("ON CONFLICT (student) DO UPDATE SET verified = student_minutes.verified + excluded.verified, "
       "self_reported = student_minutes.self_reported + excluded.self_reported")


def _take(row: str) -> str:
    return (f"UPDATE student_minutes SET verified = verified - {VERIFIED.format(row=row)}, "
            f"self_reported = self_reported - {SELF_REPORTED.format(row=row)} "
            f"WHERE student = {row}.student AND {SHOWN.format(row=row)}")


def _give(row: str) -> str:
    # INSERT ... SELECT ... WHERE: SQLite needs a WHERE before ON CONFLICT to read it as an upsert.
    return (f"INSERT INTO student_minutes (student, verified, self_reported) SELECT {row}.student, "
            f"{VERIFIED.format(row=row)}, {SELF_REPORTED.format(row=row)} WHERE {SHOWN.format(row=row)} {ADD}")


WATCHED = "UPDATE OF student, status, shown_verified, minutes ON experience"
SQLITE = [
    f"CREATE TRIGGER student_minutes_insert AFTER INSERT ON experience BEGIN {_give('NEW')}; END",
    f"CREATE TRIGGER student_minutes_delete AFTER DELETE ON experience BEGIN {_take('OLD')}; END",
    f"CREATE TRIGGER student_minutes_update AFTER {WATCHED} BEGIN {_take('OLD')}; {_give('NEW')}; END",
]
POSTGRES = [
    f"""CREATE FUNCTION student_minutes_kept() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN {_take('OLD')}; END IF;
        IF TG_OP <> 'DELETE' THEN {_give('NEW')}; END IF;
        RETURN NULL;
    END $$""",
    f"CREATE TRIGGER student_minutes_kept AFTER INSERT OR DELETE OR {WATCHED} "
    "FOR EACH ROW EXECUTE FUNCTION student_minutes_kept()",
]
FILL = (f"INSERT INTO student_minutes (student, verified, self_reported) SELECT e.student, "
        f"SUM({VERIFIED.format(row='e')}), SUM({SELF_REPORTED.format(row='e')}) FROM experience e "
        f"WHERE {SHOWN.format(row='e')} GROUP BY e.student")


DROP_SQLITE = [f"DROP TRIGGER IF EXISTS student_minutes_{event}" for event in ("insert", "delete", "update")]
DROP_POSTGRES = ["DROP TRIGGER IF EXISTS student_minutes_kept ON experience", "DROP FUNCTION IF EXISTS student_minutes_kept()"]


class TriggersAfterTable(MigrationManager):
    async def run(self, backwards: bool = False):
        engine = User._meta.db
        sqlite = engine.engine_type == "sqlite"
        if backwards and not self.preview:  # the triggers first: they write to the table about to go
            for statement in (DROP_SQLITE if sqlite else DROP_POSTGRES):
                await engine.run_ddl(statement)
        await super().run(backwards=backwards)
        if not backwards and not self.preview:
            for statement in (SQLITE if sqlite else POSTGRES):
                await engine.run_ddl(statement)
            await engine.run_ddl(FILL)


async def forwards():
    manager = TriggersAfterTable(
        migration_id=ID, app_name="portfolio", description=DESCRIPTION
    )

    manager.add_table(
        class_name="StudentMinutes",
        tablename="student_minutes",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="StudentMinutes",
        tablename="student_minutes",
        column_name="student",
        db_column_name="student",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": User,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": True,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StudentMinutes",
        tablename="student_minutes",
        column_name="verified",
        db_column_name="verified",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "null": False,
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

    manager.add_column(
        table_class_name="StudentMinutes",
        tablename="student_minutes",
        column_name="self_reported",
        db_column_name="self_reported",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
            "null": False,
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
