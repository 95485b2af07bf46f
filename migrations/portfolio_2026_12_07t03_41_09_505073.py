"""Partner interactions: each school's log of calls, meetings, e-mails, visits and events with a partner, who
took part on both sides, follow-ups with owner and due date, and the day each staff member's follow-ups digest
went out. Links and digest days are unique per pair through indexes made once the tables exist."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import Date
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Text
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class PartnerContact(Table, tablename="partner_contact", schema=None):
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


class PartnerInteraction(Table, tablename="partner_interaction", schema=None):
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


class PartnerSchool(Table, tablename="partner_school", schema=None):
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


ID = "2026-12-07T03:41:09:505073"
VERSION = "1.38.0"
DESCRIPTION = "Partner interactions: log, participants, follow-ups and the daily follow-ups digest"

UNIQUE_PAIRS = [
    "CREATE UNIQUE INDEX interaction_staff_pair ON interaction_staff (interaction, staff)",
    "CREATE UNIQUE INDEX interaction_contact_pair ON interaction_contact (interaction, contact)",
    "CREATE UNIQUE INDEX follow_up_one_per_interaction ON follow_up (interaction)",
    "CREATE UNIQUE INDEX follow_up_digest_one_a_day ON follow_up_digest (staff, sent_on)",
]


class PairsAfterTables(MigrationManager):
    """piccolo runs raw steps before it creates tables (and SQLite cannot add a constraint later): the unique
    indexes are made once the tables exist."""

    async def run(self, backwards: bool = False):
        await super().run(backwards=backwards)
        if not backwards and not self.preview:
            for statement in UNIQUE_PAIRS:
                await PartnerSchool.raw(statement)


async def forwards():
    manager = PairsAfterTables(
        migration_id=ID, app_name="portfolio", description=DESCRIPTION
    )

    manager.add_table(
        class_name="InteractionContact",
        tablename="interaction_contact",
        schema=None,
        columns=None,
    )

    manager.add_table(
        class_name="FollowUpDigest",
        tablename="follow_up_digest",
        schema=None,
        columns=None,
    )

    manager.add_table(
        class_name="PartnerInteraction",
        tablename="partner_interaction",
        schema=None,
        columns=None,
    )

    manager.add_table(
        class_name="InteractionStaff",
        tablename="interaction_staff",
        schema=None,
        columns=None,
    )

    manager.add_table(
        class_name="FollowUp", tablename="follow_up", schema=None, columns=None
    )

    manager.add_column(
        table_class_name="InteractionContact",
        tablename="interaction_contact",
        column_name="interaction",
        db_column_name="interaction",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": PartnerInteraction,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="InteractionContact",
        tablename="interaction_contact",
        column_name="contact",
        db_column_name="contact",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": PartnerContact,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="FollowUpDigest",
        tablename="follow_up_digest",
        column_name="staff",
        db_column_name="staff",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": User,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="FollowUpDigest",
        tablename="follow_up_digest",
        column_name="sent_on",
        db_column_name="sent_on",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
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
        table_class_name="PartnerInteraction",
        tablename="partner_interaction",
        column_name="partner",
        db_column_name="partner",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": PartnerSchool,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="PartnerInteraction",
        tablename="partner_interaction",
        column_name="kind",
        db_column_name="kind",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 20,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": Enum(
                "InteractionKind",
                {
                    "CALL": "call",
                    "MEETING": "meeting",
                    "EMAIL": "email",
                    "VISIT": "visit",
                    "EVENT": "event",
                },
            ),
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="PartnerInteraction",
        tablename="partner_interaction",
        column_name="happened_on",
        db_column_name="happened_on",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="PartnerInteraction",
        tablename="partner_interaction",
        column_name="summary",
        db_column_name="summary",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
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
        table_class_name="PartnerInteraction",
        tablename="partner_interaction",
        column_name="created_by",
        db_column_name="created_by",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": User,
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

    manager.add_column(
        table_class_name="PartnerInteraction",
        tablename="partner_interaction",
        column_name="created_at",
        db_column_name="created_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
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
        table_class_name="InteractionStaff",
        tablename="interaction_staff",
        column_name="interaction",
        db_column_name="interaction",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": PartnerInteraction,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="InteractionStaff",
        tablename="interaction_staff",
        column_name="staff",
        db_column_name="staff",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": User,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="FollowUp",
        tablename="follow_up",
        column_name="interaction",
        db_column_name="interaction",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": PartnerInteraction,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="FollowUp",
        tablename="follow_up",
        column_name="what",
        db_column_name="what",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 300,
            "default": "",
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
        table_class_name="FollowUp",
        tablename="follow_up",
        column_name="owner",
        db_column_name="owner",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": User,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="FollowUp",
        tablename="follow_up",
        column_name="due_on",
        db_column_name="due_on",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="FollowUp",
        tablename="follow_up",
        column_name="done_at",
        db_column_name="done_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
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

    manager.add_column(
        table_class_name="FollowUp",
        tablename="follow_up",
        column_name="done_by",
        db_column_name="done_by",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": User,
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

    manager.alter_column(
        table_class_name="OutboxMessage",
        tablename="outbox_message",
        column_name="kind",
        db_column_name="kind",
        params={
            "choices": Enum(
                "EmailKind",
                {
                    "INVITE": "invite",
                    "RESET": "reset",
                    "PASSWORD_CHANGED": "password_changed",
                    "MENTOR_REQUEST": "mentor_request",
                    "MENTOR_DIGEST": "mentor_digest",
                    "SUPERVISOR_REQUEST": "supervisor_request",
                    "SUPERVISOR_RECEIPT": "supervisor_receipt",
                    "STUDENT_DECISION": "student_decision",
                    "STAFF_DISPUTE": "staff_dispute",
                    "STUDENT_DISPUTE": "student_dispute",
                    "GUARDIAN_CONSENT": "guardian_consent",
                    "SHARE_NOTICE": "share_notice",
                    "EMPLOYER_DIGEST": "employer_digest",
                    "GUARDIAN_RECEIPT": "guardian_receipt",
                    "STAFF_CONSENT": "staff_consent",
                    "CERTIFICATION_EXPIRY": "certification_expiry",
                    "FOLLOW_UP_DIGEST": "follow_up_digest",
                },
            )
        },
        old_params={
            "choices": Enum(
                "EmailKind",
                {
                    "INVITE": "invite",
                    "RESET": "reset",
                    "PASSWORD_CHANGED": "password_changed",
                    "MENTOR_REQUEST": "mentor_request",
                    "MENTOR_DIGEST": "mentor_digest",
                    "SUPERVISOR_REQUEST": "supervisor_request",
                    "SUPERVISOR_RECEIPT": "supervisor_receipt",
                    "STUDENT_DECISION": "student_decision",
                    "STAFF_DISPUTE": "staff_dispute",
                    "STUDENT_DISPUTE": "student_dispute",
                    "GUARDIAN_CONSENT": "guardian_consent",
                    "SHARE_NOTICE": "share_notice",
                    "EMPLOYER_DIGEST": "employer_digest",
                    "GUARDIAN_RECEIPT": "guardian_receipt",
                    "STAFF_CONSENT": "staff_consent",
                    "CERTIFICATION_EXPIRY": "certification_expiry",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
