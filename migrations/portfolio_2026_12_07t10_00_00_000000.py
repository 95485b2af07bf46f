from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.column_types import Varchar

ID = "2026-12-07T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "opportunity e-mail kinds"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="portfolio", description=DESCRIPTION
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
                    "OPPORTUNITY_SIGN_UP": "opportunity_sign_up",
                    "OPPORTUNITY_CHANGE": "opportunity_change",
                    "OPPORTUNITY_REMINDER": "opportunity_reminder",
                    "PERMISSION_SLIP": "permission_slip",
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
                    "FOLLOW_UP_DIGEST": "follow_up_digest",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
