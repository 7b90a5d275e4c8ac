"""The embedded default (SQLite) as `make run` serves it: several processes writing at once
wait for each other instead of failing with "database is locked", and the database file holds
password hashes and sessions, so only its owner reads it. Each test runs the app in fresh
interpreters on a SQLite file of its own, whatever database the suite runs on."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRITERS = 6
SAVES = 5


def run_app(database: Path, *arguments: str) -> subprocess.CompletedProcess:
    """`python *arguments` with the settings of a local run on the SQLite file `database`
    (the suite's own settings left out)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": "a-key-for-the-sqlite-tests-only-with-enough-length-0123456789",
            "DATABASE_URL": f"sqlite:///{database}",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_saves_from_several_processes_at_once_all_succeed_and_are_stored(tmp_path):
    database = tmp_path / "db.sqlite3"
    result = run_app(database, "-m", "tests.concurrent_saves", str(WRITERS), str(SAVES))
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.splitlines()[-1])
    assert outcome["errors"] == []
    assert len(outcome["saved"]) == WRITERS
    assert outcome["stored"] == outcome["saved"]
    assert outcome["totals_kept"]


def test_the_database_file_the_app_creates_is_readable_by_its_owner_only(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; "
        "connection.cursor().execute('CREATE TABLE t (x)')"
    )
    beside = tmp_path / "db.sqlite3"  # in a directory that exists
    inside = tmp_path / "var" / "db.sqlite3"  # in one the app makes
    for database in (beside, inside):
        result = run_app(database, "-c", code)
        assert result.returncode == 0, result.stderr[-3000:]
        assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(inside.parent.stat().st_mode) == 0o700
