"""A guardian's address comes from the school: who proposed a guardian, who confirmed the address (and when),
and who withdrew a consent. A consent link a student asked for before this migration was never checked by the
school, so each one still unanswered stops working and waits, as a proposal, for staff to confirm it."""

from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial, Timestamptz, Varchar
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


ID = "2026-12-06T23:20:24:792247"
VERSION = "1.38.0"
DESCRIPTION = "Guardians proposed by students are confirmed by staff before a consent link is sent"

# Runs before the new columns exist (piccolo runs raw steps first), so it names only the old ones: an unanswered
# link with no school confirmation becomes a proposal (no link, no expiry).
UNCONFIRMED_LINKS = (
    "UPDATE guardian_consent SET token_hash = NULL, expires_at = NULL "
    "WHERE method = 'guardian_link' AND given_at IS NULL AND revoked_at IS NULL"
)


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="portfolio", description=DESCRIPTION
    )

    async def unconfirmed_links_become_proposals():
        await User.raw(UNCONFIRMED_LINKS)

    manager.add_raw(unconfirmed_links_become_proposals)

    manager.add_column(
        table_class_name="GuardianConsent",
        tablename="guardian_consent",
        column_name="confirmed_at",
        db_column_name="confirmed_at",
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
        table_class_name="GuardianConsent",
        tablename="guardian_consent",
        column_name="confirmed_by",
        db_column_name="confirmed_by",
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
        table_class_name="GuardianConsent",
        tablename="guardian_consent",
        column_name="proposed_by",
        db_column_name="proposed_by",
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
        table_class_name="GuardianConsent",
        tablename="guardian_consent",
        column_name="revoked_by",
        db_column_name="revoked_by",
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
                    "MENTOR_REQUEST": "mentor_request",
                    "MENTOR_DIGEST": "mentor_digest",
                    "SUPERVISOR_REQUEST": "supervisor_request",
                    "SUPERVISOR_RECEIPT": "supervisor_receipt",
                    "STUDENT_DECISION": "student_decision",
                    "STAFF_DISPUTE": "staff_dispute",
                    "GUARDIAN_CONSENT": "guardian_consent",
                    "GUARDIAN_RECEIPT": "guardian_receipt",
                    "STAFF_CONSENT": "staff_consent",
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
