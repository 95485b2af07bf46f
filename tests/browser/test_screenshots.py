"""`make screenshots` photographs every page of a role, its ids filled in from the demo data's links."""

from __future__ import annotations

import pytest

from tests.screenshots import NOT_PAGES, NOT_SHOT, pages_for, walk_role, write_index

pytestmark = pytest.mark.browser


def test_the_page_list_comes_from_the_route_table():
    student = {r.template for r in pages_for("student")}
    assert {"/student", "/student/experiences/{entry_id:int}", "/student/sharing", "/account/password"} <= student
    assert not [t for t in student if NOT_PAGES.search(t)], "files, downloads and the API are not pages"
    assert "/student/portfolio.pdf" not in student and "/api/v1/me" not in student
    assert {r.template for r in pages_for("mentor")} >= {"/mentor", "/mentor/students/{student_id:int}"}
    assert "/signin" in {r.template for r in pages_for("public")}
    assert not {r.template for r in pages_for("employer")} & {"/student", "/mentor", "/staff", "/admin"}
    names = [r.name for role in ("public", "student", "mentor", "staff", "employer", "admin") for r in pages_for(role)]
    assert "student-experiences-entry_id" in names


async def test_one_role_at_one_width_writes_its_pngs(browser, live_server, tmp_path):
    walked = await walk_role(browser, live_server, "mentor", tmp_path, widths=(360,), seconds=120)
    assert walked.get("missing") is None, walked
    assert walked["mentor-students-student_id"].startswith("/mentor/students/"), walked
    pngs = sorted(p.name for p in (tmp_path / "mentor").glob("*.png"))
    assert pngs == sorted(f"{name}-360.png" for name, path in walked.items() if NOT_SHOT not in path), pngs
    for png in (tmp_path / "mentor").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 1000
    index = write_index(tmp_path, {"mentor": walked}, widths=(360,)).read_text()
    assert "mentor/mentor-360.png" in index
