"""Sharing a portfolio outside the school, and the record of every disclosure (FERPA).

Nothing leaves the school without a share the student made (and, under 18, a guardian's consent). A share
names an employer organization or is a link; it holds everything or picked items; it expires and can be
revoked. Every view by anyone but the student, their school's staff and their assigned mentors is recorded.

consent, shares, access (who may see what), visitors (a link's visitor grant), portfolio_view, disclosures and
employers (list, shortlist, notes). The names below are the package's public face.
"""

from portfolio.forms.share import DEFAULT_DAYS, MAX_DAYS
from portfolio.services.sharing.access import (
    Access,
    employer_access,
    is_own_school_or_mentor,
    link_access,
    link_share,
    share_access,
    student_name,
)
from portfolio.services.sharing.consent import (
    age_on,
    ask_guardian,
    consent_on_file,
    consent_request,
    give_consent,
    may_share_outside,
    record_consent,
)
from portfolio.services.sharing.disclosures import disclose, disclosures_of
from portfolio.services.sharing.employers import (
    add_note,
    employer_list,
    notes,
    organization_name,
    set_shortlisted,
    shared_with,
    shortlist,
)
from portfolio.services.sharing.portfolio_view import (
    SHOWN_STATUSES,
    portfolio,
)
from portfolio.services.sharing.shares import (
    create,
    employer_choices,
    employer_ids,
    revoke,
    share_choices,
    shares_of,
)
from portfolio.services.sharing.visitors import (
    Visitor,
    check_visitor_grant,
    visitor_grant,
)
from portfolio.services.signoff.state import shown_state

__all__ = [
    "DEFAULT_DAYS", "MAX_DAYS", "SHOWN_STATUSES", "Access", "Visitor", "add_note", "age_on", "ask_guardian",
    "check_visitor_grant", "consent_on_file", "consent_request", "create", "disclose", "disclosures_of",
    "employer_access", "employer_choices", "employer_ids", "employer_list", "give_consent", "is_own_school_or_mentor",
    "link_access", "link_share", "may_share_outside", "notes", "organization_name", "portfolio",
    "record_consent", "revoke", "set_shortlisted", "share_access", "share_choices", "shared_with", "shares_of",
    "shortlist", "shown_state", "student_name", "visitor_grant",
]
