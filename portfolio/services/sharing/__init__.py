"""Sharing a portfolio outside the school, and the record of every disclosure (FERPA).

Nothing leaves the school without a share the student made (and, under 18, a guardian's consent). A share
names an employer organization or is a link; it holds everything or picked items; it expires and can be
revoked. Every view by anyone but the student, their school's staff and their assigned mentors is recorded.

consent (the rules and the school's side), guardians (the e-mailed link), shares, access (who may see what),
visitors (a link's visitor grant), portfolio_view, disclosures, candidates (the employer's list), employers
(shortlist, notes) and notices (telling employers of new shares). The names below are the package's public face.
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
from portfolio.services.sharing.candidates import employer_list, employer_page
from portfolio.services.sharing.consent import (
    age_on,
    consent_on_file,
    guardian_status,
    guardians_of,
    may_share_outside,
    proposals_to_confirm,
    record_consent,
    withdraw,
)
from portfolio.services.sharing.disclosures import disclose, disclose_file, disclosures_of
from portfolio.services.sharing.employers import (
    add_note,
    notes,
    organization_name,
    set_shortlisted,
    shared_with,
    shortlist,
)
from portfolio.services.sharing.guardians import (
    confirm,
    consent_request,
    give_consent,
    propose,
    send_link,
    withdraw_by_guardian,
)
from portfolio.services.sharing.notices import (
    send_employer_digests,
    set_employer_digest,
    wants_employer_digest,
)
from portfolio.services.sharing.portfolio_view import (
    SHOWN_STATUSES,
    portfolio,
)
from portfolio.services.sharing.shares import (
    create,
    employer_choices,
    employer_ids,
    link_of,
    link_token,
    revoke,
    share_choices,
    shares_including,
    shares_of,
)
from portfolio.services.sharing.visitors import (
    Visitor,
    check_visitor_grant,
    visitor_grant,
)
from portfolio.services.signoff.state import shown_state

__all__ = [
    "Access", "DEFAULT_DAYS", "MAX_DAYS", "SHOWN_STATUSES", "Visitor", "add_note", "age_on",
    "check_visitor_grant", "confirm", "consent_on_file", "consent_request", "create", "disclose", "disclose_file",
    "disclosures_of", "employer_access", "employer_choices", "employer_ids", "employer_list", "employer_page", "give_consent",
    "guardian_status", "guardians_of", "is_own_school_or_mentor", "link_access", "link_of", "link_share",
    "link_token", "may_share_outside", "notes", "organization_name", "portfolio", "proposals_to_confirm",
    "propose", "record_consent", "revoke", "send_employer_digests", "send_link", "set_employer_digest",
    "set_shortlisted", "share_access", "share_choices", "shared_with", "shares_including", "shares_of", "shortlist", "shown_state",
    "student_name", "visitor_grant", "wants_employer_digest", "withdraw", "withdraw_by_guardian",
]
