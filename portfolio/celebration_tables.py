"""piccolo tables of celebrations: a student's signing-day commitment (recorded by staff, confirmed by the
student) and the consents to publish a student's name beyond the school."""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from portfolio.celebration_vocabulary import CommitmentKind, Party
from portfolio.tables import School, User


class SigningDay(Table):
    """A student's commitment after school, as staff recorded it. It is celebrated only once the student
    confirmed it; the student may say it is wrong instead (declined_at), and staff may take it back."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    # The school that recorded it: its staff see and celebrate it, whichever school the student moves to later.
    school = ForeignKey(references=School, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20, choices=CommitmentKind)
    organization = Varchar(length=200)
    # The role, program or branch.
    detail = Varchar(length=200, default="")
    signed_on = Date(index=True)
    recorded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz()
    confirmed_at = Timestamptz(null=True, default=None)
    declined_at = Timestamptz(null=True, default=None)
    withdrawn_at = Timestamptz(null=True, default=None)
    withdrawn_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)


class PublicationConsent(Table):
    """Agreement to a student's name being published beyond the school (an awards-night program): the student's
    own opt-in, and under 18 also a guardian's, which only staff record (the student never records it), as they
    record a guardian's paper consent to share. Kept when withdrawn: withdrawn_at ends it at once."""

    student = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    party = Varchar(length=20, choices=Party)
    guardian_name = Varchar(length=200, default="")
    recorded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
    given_at = Timestamptz()
    withdrawn_at = Timestamptz(null=True, default=None)
    withdrawn_by = ForeignKey(references=User, null=True, on_delete=OnDelete.set_null)
