"""piccolo tables of roster imports: where each student was enrolled when, and an upload waiting for its
confirmation."""

from __future__ import annotations

from piccolo.columns import Bytea, Date, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from portfolio.tables import School, User


class Enrollment(Table):
    """A student's time at one school, so a report counts each entry for the school the student was in on its
    date (services/roster/enrollments.school_on). ended_on is the last day there; empty while enrolled."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    school = ForeignKey(references=School, on_delete=OnDelete.cascade, index=True)
    began_on = Date()
    ended_on = Date(null=True, default=None)
    # The SIS record it came from (the student's sourcedId and the org's).
    source_id = Varchar(length=255, default="")


class RosterUpload(Table):
    """The files of a dry run, kept until they are confirmed or expire (an hour), so the confirmation applies
    exactly the files the dry run read. Only the hash of its token is kept; the token rides in the page."""

    token_hash = Varchar(length=64, unique=True)
    uploaded_by = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    content = Bytea()
    expires_at = Timestamptz(index=True)
    created_at = Timestamptz()
