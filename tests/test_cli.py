"""The commands an operator runs: migrate, seed-demo (demo only), create-user, remind, fsck."""

from __future__ import annotations

import os
import time

from tests.live import fresh_environment, run_cli


def test_commands_from_an_empty_database():
    with fresh_environment({"PORTFOLIO_DEMO": ""}) as (env, var_dir):
        assert run_cli(env, "migrate").returncode == 0
        refused = run_cli(env, "seed-demo")
        assert refused.returncode != 0 and "only when PORTFOLIO_DEMO=1" in refused.stderr

        made = run_cli(env, "create-user", "--email", "It@District.org", "--name", "District IT", "--role", "admin")
        assert made.returncode == 0, made.stderr
        assert "/invite/" in made.stdout

        reminded = run_cli(env, "remind")
        assert reminded.returncode == 0 and "Reminders sent: 0. Digests sent: 0." in reminded.stdout

        clean = run_cli(env, "fsck")
        assert clean.returncode == 0, clean.stderr
        assert "Files that no row names: 0" in clean.stdout

        stray = var_dir / "evidence" / "evidence" / "1" / "abc" / "original.jpg"
        stray.parent.mkdir(parents=True)
        stray.write_bytes(b"left behind")
        found = run_cli(env, "fsck", "--fix")
        assert "Files that no row names: 1" in found.stdout and "evidence/1/abc/original.jpg" in found.stdout
        assert stray.exists()  # younger than an hour: maybe an upload still being saved
        old = time.time() - 2 * 3600
        os.utime(stray, (old, old))
        fixed = run_cli(env, "fsck", "--fix")
        assert "deleted evidence/1/abc/original.jpg" in fixed.stdout
        assert not stray.exists()


def test_demo_data_only_into_an_empty_database():
    with fresh_environment() as (env, _):
        assert run_cli(env, "migrate").returncode == 0
        first = run_cli(env, "seed-demo")
        assert first.returncode == 0 and "Demo data loaded." in first.stdout
        again = run_cli(env, "seed-demo")
        assert again.returncode == 0 and "demo data not loaded" in again.stdout


def test_import_roster_from_a_folder_refuses_many_leaving_unless_allowed(tmp_path):
    from tests.roster_factories import Files

    folder = tmp_path / "sis"
    folder.mkdir()
    files = Files().org("riverside", "Riverside Career Center")
    files.person("n1", "student", "riverside", grade="11").person("n2", "teacher", "riverside")
    for name, content in files.files():
        (folder / name).write_bytes(content)
    with fresh_environment() as (env, _):
        assert run_cli(env, "migrate").returncode == 0
        assert run_cli(env, "seed-demo").returncode == 0
        unknown = run_cli(env, "import-roster", str(folder), "--as", "nobody@demo.example")
        assert unknown.returncode != 0 and "not an active administrator" in unknown.stderr
        # The demo school's people are not in the files: as a full roster, nearly all of them would leave.
        refused = run_cli(env, "import-roster", str(folder), "--as", "admin@demo.example")
        assert refused.returncode != 0 and "nothing was written" in refused.stderr, refused.stderr
        assert "Added: 2" in refused.stdout and "people would leave" in refused.stderr
        allowed = run_cli(env, "import-roster", str(folder), "--as", "admin@demo.example", "--allow-large")
        assert allowed.returncode == 0, allowed.stderr
        assert "Added: 2" in allowed.stdout
        again = run_cli(env, "import-roster", str(folder), "--as", "admin@demo.example")
        assert again.returncode == 0 and "Added: 0, Changed: 0, Unchanged: 2, Deactivated: 0, Alumni: 0" in again.stdout
