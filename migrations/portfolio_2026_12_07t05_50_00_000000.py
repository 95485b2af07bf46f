"""Board seats end rather than go away (started_on, ended_on), and a school keeps its own notes on a partner.
The one-seat-per-person indexes now hold for open seats only: a person seated again after a gap has a new
seat, and the old one keeps the meetings they came to."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date, Text
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T05:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Board seats end; a school's notes on a partner"

OPEN_SEATS = [
    "DROP INDEX board_member_contact_seat",
    "DROP INDEX board_member_staff_seat",
    "CREATE UNIQUE INDEX board_member_contact_seat ON board_member (program, contact) WHERE ended_on IS NULL",
    "CREATE UNIQUE INDEX board_member_staff_seat ON board_member (program, staff) WHERE ended_on IS NULL",
]
EVERY_SEAT = [
    "DROP INDEX board_member_contact_seat",
    "DROP INDEX board_member_staff_seat",
    "CREATE UNIQUE INDEX board_member_contact_seat ON board_member (program, contact)",
    "CREATE UNIQUE INDEX board_member_staff_seat ON board_member (program, staff)",
]


class IndexesAfterColumns(MigrationManager):
    """piccolo runs raw steps before it adds columns: the partial indexes name ended_on, so they come after
    (and, backwards, before the column goes)."""

    async def run(self, backwards: bool = False):
        if backwards and not self.preview:
            for statement in EVERY_SEAT:
                await self._raw(statement)
        await super().run(backwards=backwards)
        if not backwards and not self.preview:
            for statement in OPEN_SEATS:
                await self._raw(statement)

    @staticmethod
    async def _raw(statement: str) -> None:
        from portfolio.program_tables import BoardMember

        await BoardMember.raw(statement)


def _date_params() -> dict:
    return {"default": None, "null": True, "primary_key": False, "unique": False, "index": False,
            "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False}


async def forwards():
    manager = IndexesAfterColumns(migration_id=ID, app_name="portfolio", description=DESCRIPTION)
    for name in ("started_on", "ended_on"):
        manager.add_column(
            table_class_name="BoardMember", tablename="board_member", column_name=name, db_column_name=name,
            column_class_name="Date", column_class=Date, params=_date_params(), schema=None,
        )
    manager.add_column(
        table_class_name="PartnerSchool", tablename="partner_school", column_name="notes", db_column_name="notes",
        column_class_name="Text", column_class=Text,
        params={"default": "", "null": False, "primary_key": False, "unique": False, "index": False,
                "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False},
        schema=None,
    )
    return manager
