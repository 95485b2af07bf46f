"""The app's navigation: each role's destinations (a tab bar on phones, a bar at the top on wide screens), which
one the current page belongs to, and the way to a person's other roles."""

from __future__ import annotations

from dataclasses import dataclass

from portfolio.services.accounts import LANDING_ORDER, CurrentUser
from portfolio.vocabulary import ROLE_LABELS


@dataclass(frozen=True)
class Destination:
    href: str
    label: str
    icon: str  # a symbol of static/icons/sprite.svg
    # Paths that belong to it besides its own (an entry page is part of "Hours").
    within: tuple[str, ...] = ()

    def match(self, path: str) -> int:
        """How closely the path belongs to it: the length of the longest prefix that holds it, -1 for none."""
        return max((len(p) for p in (self.href, *self.within) if path == p or path.startswith(p.rstrip("/") + "/")),
                   default=-1)


ACCOUNT = Destination("/account", "Account", "circle-user", ("/reauth",))
BARS: dict[str, tuple[Destination, ...]] = {
    "student": (
        Destination("/student", "Hours", "clock", ("/student/experiences", "/v/onsite", "/student/plan")),
        Destination("/student/verify", "Verify", "badge-check"),
        # Opportunities to sign up for: site visits, job shadows, events.
        Destination("/student/opportunities", "Explore", "compass"),
        Destination("/student/certifications", "Certificates", "award"),
        Destination("/student/sharing", "Sharing", "share-2"),
        Destination(ACCOUNT.href, ACCOUNT.label, ACCOUNT.icon, (*ACCOUNT.within, "/student/profile")),
    ),
    "mentor": (
        Destination("/mentor", "Queue", "inbox"),
        Destination("/mentor/students", "Students", "users"),
        Destination("/mentor/history", "History", "history"),
        ACCOUNT,
    ),
    "employer": (
        Destination("/employer", "Portfolios", "users"),
        Destination("/employer/shortlist", "Shortlist", "star"),
        Destination("/employer/check", "Check a PDF", "file-check"),
        ACCOUNT,
    ),
    "staff": (
        # A counselor's caseload is a list of students: it belongs with the people.
        Destination("/staff", "People", "users", ("/staff/students", "/staff/people", "/staff/invite", "/staff/roster",
                                                  "/staff/caseload", "/staff/counselors")),
        Destination("/staff/mentors", "Mentors", "badge-check"),
        # A coordinator's partners, with the employer accounts (who review shared portfolios) and the programs with
        # their advisory boards reached from there.
        Destination("/staff/partners", "Partners", "building-2", ("/staff/employers", "/staff/programs")),
        # What the career center runs: opportunities and their sessions' attendance, placements, feedback.
        Destination("/staff/opportunities", "Opportunities", "calendar-days",
                    ("/staff/sessions", "/staff/placements", "/staff/feedback")),
        # Accountability reports, and the celebrations built on the same figures.
        Destination("/staff/reports", "Reports", "chart-column", ("/staff/celebrations",)),
        # Their school's name, logo and colour, and the e-mail the app sent, are reached from the Account page: six
        # destinations fit a phone's bar on one row.
        Destination(ACCOUNT.href, ACCOUNT.label, ACCOUNT.icon, (*ACCOUNT.within, "/staff/school", "/staff/outbox")),
    ),
    "admin": (
        Destination("/admin", "People", "users", ("/staff/people", "/staff/invite", "/staff/roster")),
        Destination("/admin/schools", "Schools", "school"),
        Destination("/staff/partners", "Partners", "building-2", ("/staff/employers", "/staff/programs")),
        Destination("/staff/opportunities", "Opportunities", "calendar-days",
                    ("/staff/sessions", "/staff/placements", "/staff/feedback")),
        Destination("/staff/reports", "Reports", "chart-column", ("/staff/celebrations",)),
        Destination(ACCOUNT.href, ACCOUNT.label, ACCOUNT.icon, (*ACCOUNT.within, "/staff/outbox")),
    ),
}


@dataclass(frozen=True)
class Tab:
    destination: Destination
    current: str | None  # the aria-current value: "page" on the destination itself, "true" on a page within it


@dataclass(frozen=True)
class Navigation:
    role: str
    tabs: tuple[Tab, ...]
    other_roles: tuple[Tab, ...]  # the home of each of the person's other roles


def navigation(user: CurrentUser, path: str) -> Navigation:
    """The bar of the person's main role (the one they land on), with each of their other roles' homes beside it.
    The most specific destination holding the page is current: /student/verify is "Verify", not "Hours"."""
    role = user.landing_role
    bar = BARS[role]
    best = max(bar, key=lambda d: d.match(path))
    current = best if best.match(path) >= 0 else None
    tabs = tuple(Tab(d, ("page" if path == d.href else "true") if d is current else None) for d in bar)
    others = []
    for other in (r for r in LANDING_ORDER if r in user.roles and r != role):
        home = BARS[other][0]
        # A page of that role's own (the mentor's queue for a counselor) is marked there.
        inside = current is None and any(d.match(path) >= 0 for d in BARS[other] if d is not ACCOUNT)
        others.append(Tab(Destination(home.href, ROLE_LABELS[other], home.icon), "true" if inside else None))
    return Navigation(role, tabs, tuple(others))
