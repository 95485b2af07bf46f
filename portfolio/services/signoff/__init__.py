"""Verification: students ask, mentors and workplace supervisors decide, and every decision records the
content hash of exactly what the verifier saw. An edit after that voids the sign-off; nothing is deleted.

asking (a student's requests), mentor_queue, links (a supervisor's e-mailed link), on_the_spot (signed on the
student's phone, with a receipt), decisions (recording one), state (the one rule for what an entry's
verification reads) and reminders (scheduled mail). The names below are the package's public face.
"""

from portfolio.services.signoff.asking import (
    LINK_DAYS,
    REQUESTABLE,
    ask_mentor,
    ask_supervisor,
    cancel,
    pending_for_student,
    resend,
)
from portfolio.services.signoff.links import (
    check_grant,
    decide_by_link,
    link_grant,
    link_request,
    opened,
    request_view,
)
from portfolio.services.signoff.mentor_queue import by_student, decide_as_mentor, mentor_queue, queue_page
from portfolio.services.signoff.on_the_spot import (
    answer_receipt,
    confirm_for_supervisor,
    receipt_request,
    verify_on_device,
)
from portfolio.services.signoff.reminders import (
    MAX_REMINDERS,
    send_digests,
    send_reminders,
    set_digest,
    wants_digest,
)
from portfolio.services.signoff.state import (
    METHOD_LABELS,
    attested_files,
    email_warning,
    entry_for_verifier,
    entry_verification,
    files_of,
    history,
    refresh_shown,
    shown_state,
    signoff_warning,
    states,
    states_with_news,
    student_record,
    verification_state,
)

__all__ = [
    "LINK_DAYS", "MAX_REMINDERS", "METHOD_LABELS", "REQUESTABLE", "answer_receipt", "ask_mentor", "ask_supervisor", "attested_files", "by_student",
    "cancel", "check_grant", "confirm_for_supervisor", "decide_as_mentor", "decide_by_link", "email_warning",
    "entry_for_verifier", "entry_verification", "files_of", "history", "link_grant", "link_request", "mentor_queue", "queue_page",
    "opened", "pending_for_student", "receipt_request", "refresh_shown", "request_view", "resend", "send_digests",
    "send_reminders", "set_digest", "shown_state", "signoff_warning", "states", "states_with_news", "student_record",
    "verification_state", "verify_on_device", "wants_digest",
]
