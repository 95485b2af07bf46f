"""Lighthouse (mobile) scores at least 0.95 in accessibility and best practices on every page of every role.

The pages are the ones `make screenshots` photographs: every GET page of the route table each role may open,
ids taken from the links its pages show, and the pages people reach from an e-mail, a shared link or a
printed portfolio. Performance is scored by `make bench` instead: on a busy 2-core machine it is noise.
"""

from __future__ import annotations

import pytest

from tests import lighthouse

pytestmark = [pytest.mark.browser, pytest.mark.lighthouse]

AUDIT_SECONDS = 900


async def test_every_page_of_every_role_scores_at_least_095(browser, live_server):
    assert lighthouse.installed(), "Lighthouse is not installed: make install-test runs npm ci in tests/node"
    pages, missing = await lighthouse.every_page(browser, live_server)
    assert missing == {}, f"pages no link led to: {missing}"
    roles = {page.role for page in pages}
    assert roles == {"public", "student", "mentor", "staff", "employer", "admin"}, roles
    # Every role's home and the pages reached by a link from outside are among them.
    paths = {page.path for page in pages}
    assert {"/signin", "/student", "/mentor", "/staff", "/employer", "/admin"} <= paths
    assert any(p.startswith("/consent/") for p in paths) and any(p.endswith("/portfolio") for p in paths)

    audits = await lighthouse.audit(live_server, pages, ("accessibility", "best-practices"), AUDIT_SECONDS)
    low = [a for a in audits if a.error or a.below()]
    assert not low, f"{len(low)} of {len(audits)} pages below {lighthouse.PASS}:\n" + "\n".join(a.explain() for a in low)
