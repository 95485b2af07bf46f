from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import DoublePrecision
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-06T23:21:42:591445"
VERSION = "1.38.0"
DESCRIPTION = "Sign-in attempts counted in the database; a session generation per user; the password-changed e-mail"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="portfolio", description=DESCRIPTION
    )

    manager.add_table(
        class_name="ThrottleCounter",
        tablename="throttle_counter",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="ThrottleCounter",
        tablename="throttle_counter",
        column_name="key_digest",
        db_column_name="key_digest",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "null": False,
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
        table_class_name="ThrottleCounter",
        tablename="throttle_counter",
        column_name="attempts",
        db_column_name="attempts",
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
        table_class_name="ThrottleCounter",
        tablename="throttle_counter",
        column_name="last_at",
        db_column_name="last_at",
        column_class_name="DoublePrecision",
        column_class=DoublePrecision,
        params={
            "default": 0.0,
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
        table_class_name="ThrottleCounter",
        tablename="throttle_counter",
        column_name="next_at",
        db_column_name="next_at",
        column_class_name="DoublePrecision",
        column_class=DoublePrecision,
        params={
            "default": 0.0,
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
        table_class_name="User",
        tablename="app_user",
        column_name="session_generation",
        db_column_name="session_generation",
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
                    "GUARDIAN_CONSENT": "guardian_consent",
                },
            )
        },
        old_params={
            "choices": Enum(
                "EmailKind",
                {
                    "INVITE": "invite",
                    "RESET": "reset",
                    "MENTOR_REQUEST": "mentor_request",
                    "MENTOR_DIGEST": "mentor_digest",
                    "SUPERVISOR_REQUEST": "supervisor_request",
                    "SUPERVISOR_RECEIPT": "supervisor_receipt",
                    "STUDENT_DECISION": "student_decision",
                    "STAFF_DISPUTE": "staff_dispute",
                    "GUARDIAN_CONSENT": "guardian_consent",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
