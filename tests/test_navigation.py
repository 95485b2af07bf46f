"""The navigation shell over HTTP: each role's destinations with the current one marked, the back link, the way
to a person's other roles, the Account page, and the icon sprite every <use> points into."""

from __future__ import annotations

import re

import pytest

from portfolio.assets import STATIC, static_url
from portfolio.routes.pwa import SHELL_FILES

TABS = re.compile(r'<nav class="tabs" aria-label="Main">(.*?)</nav>', re.S)
LINK = re.compile(r'<a href="([^"]+)"( aria-current="(page|true)")?>.*?<span>([^<]+)</span></a>', re.S)


def tabs(html: str) -> list[tuple[str, str, str]]:
    """(href, label, aria-current or "") of the main bar's destinations."""
    bar = TABS.search(html)
    assert bar, "no tab bar on the page"
    return [(href, label, current) for href, _, current, label in LINK.findall(bar.group(1))]


@pytest.mark.parametrize(
    ("roles", "landing", "labels"),
    [
        (("student",), "/student", ["Hours", "Verify", "Explore", "Certificates", "Sharing", "Account"]),
        (("mentor",), "/mentor", ["Queue", "Students", "History", "Account"]),
        (("employer",), "/employer", ["Portfolios", "Shortlist", "Check a PDF", "Account"]),
        (("staff",), "/staff", ["People", "Mentors", "Partners", "Opportunities", "Reports", "Account"]),
        (("admin",), "/admin", ["People", "Schools", "Partners", "Opportunities", "Reports", "Account"]),
    ],
)
async def test_each_role_has_its_own_bar_with_its_landing_page_current(client, signed_in, roles, landing, labels):
    await signed_in(*roles)
    page = await client.get(landing)
    assert page.status_code == 200
    bar = tabs(page.text)
    assert [label for _, label, _ in bar] == labels
    assert [(href, current) for href, _, current in bar if current] == [(landing, "page")]
    # Every destination of the bar opens for this role.
    for href, label, _ in bar:
        assert (await client.get(href)).status_code == 200, label
    assert 'aria-label="Your other roles"' not in page.text


async def test_a_page_inside_a_destination_marks_it_and_links_back(client, signed_in):
    await signed_in("student")
    new_entry = await client.get("/student/experiences/new")
    assert [label for _, label, current in tabs(new_entry.text) if current == "true"] == ["Hours"]
    assert re.search(r'<a class="back" href="/student">.*Back to </span>My hours', new_entry.text, re.S)
    # The most specific destination wins: /student/verify/new is Verify's, not Hours'.
    ask = await client.get("/student/verify/new")
    assert [label for _, label, current in tabs(ask.text) if current] == ["Verify"]
    # A page of its own (a destination) needs no back link.
    assert 'class="back"' not in (await client.get("/student/sharing")).text


async def test_a_staff_member_s_school_page_is_within_account(client, signed_in):
    await signed_in("staff")
    account = await client.get("/account")
    assert '<a href="/staff/school">' in account.text
    school = await client.get("/staff/school")
    assert [label for _, label, current in tabs(school.text) if current] == ["Account"]
    assert re.search(r'<a class="back" href="/account">.*Back to </span>Account', school.text, re.S)


async def test_a_person_with_several_roles_gets_the_main_bar_and_a_way_to_the_others(client, signed_in):
    await signed_in("staff", "mentor")
    queue = await client.get("/mentor")
    assert [label for _, label, _ in tabs(queue.text)][0] == "People"  # the staff bar: staff is the main role
    others = re.search(r'<nav class="roles" aria-label="Your other roles">(.*?)</nav>', queue.text, re.S)
    assert others and re.search(r'<a href="/mentor" aria-current="true">', others.group(1)), "the mentor's queue is marked"
    account = await client.get("/account")
    assert account.status_code == 200
    assert 'href="/mentor"' in account.text and "Mentor pages" in account.text
    assert 'action="/signout"' in account.text and 'href="/account/password"' in account.text
    assert [current for _, label, current in tabs(account.text) if label == "Account"] == ["page"]


async def test_the_shell_has_no_bar_for_nobody(client):
    signin = await client.get("/signin")
    assert 'class="tabs"' not in signin.text
    assert (await client.get("/account")).status_code in (302, 303, 401)


async def test_every_icon_used_is_a_symbol_of_the_vendored_sprite(client, signed_in):
    sprite = (STATIC / "icons" / "sprite.svg").read_text(encoding="utf-8")
    assert "lucide-static" in sprite and (STATIC / "icons" / "lucide-LICENSE.txt").exists()
    symbols = set(re.findall(r'<symbol id="([^"]+)"', sprite))
    served = await client.get("/static/icons/sprite.svg")
    assert served.status_code == 200 and served.headers["content-type"].startswith("image/svg+xml")
    assert "icons/sprite.svg" in SHELL_FILES  # kept by the service worker with the rest of the shell
    used: set[str] = set()
    for roles, pages in ((("student",), ("/student", "/account", "/student/experiences/new")), (("staff", "mentor"), ("/staff",))):
        client.cookies.clear()
        await signed_in(*roles)
        for path in pages:
            used |= set(re.findall(rf'<use href="{static_url("icons/sprite.svg")}#([^"]+)">', (await client.get(path)).text))
    assert used and used <= symbols, used - symbols
    # Only the icons the app uses are vendored: each symbol is named by the navigation or a template.
    named = set(re.findall(r'"([a-z0-9-]+)"\)?,?', (STATIC.parent / "navigation.py").read_text(encoding="utf-8")))
    for template in (STATIC.parent / "templates").rglob("*.html"):
        named |= set(re.findall(r'icon\("([a-z0-9-]+)"\)', template.read_text(encoding="utf-8")))
    assert symbols <= named, symbols - named
