"""Serving as production does: DEBUG off unless asked, a secret key without setting one for a
local run, `check --deploy` clean, gunicorn's settings from the environment."""

import os
import runpy
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import config.settings

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_is_off_unless_asked():
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    assert run_python(code).stdout.strip() == "False"
    assert run_python(code, DJANGO_DEBUG="1").stdout.strip() == "True"


def test_check_deploy_is_clean_for_a_production_configuration():
    code = (
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
    )
    result = run_python(
        code,
        DJANGO_SECRET_KEY="k7Jq2-production-like-secret-with-enough-length-and-variety-9xZ",
        DJANGO_ALLOWED_HOSTS="phongtrao.example.vn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_secret_key_is_made_once_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.setattr(config.settings, "BASE_DIR", tmp_path)
    key = config.settings.secret_key()
    path = tmp_path / "var" / "secret-key"
    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700  # var/, made here
    assert config.settings.secret_key() == key
    monkeypatch.setenv("DJANGO_SECRET_KEY", "from-the-environment")
    assert config.settings.secret_key() == "from-the-environment"


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, {"bind": "127.0.0.1:8000", "timeout": 30, "max_requests": 1000}),
        (
            {
                "GUNICORN_BIND": "0.0.0.0:9000",
                "GUNICORN_WORKERS": "3",
                "GUNICORN_TIMEOUT": "20",
                "GUNICORN_MAX_REQUESTS": "500",
            },
            {"bind": "0.0.0.0:9000", "workers": 3, "timeout": 20, "max_requests": 500},
        ),
    ],
)
def test_gunicorn_takes_workers_timeouts_and_recycling_from_the_environment(
    monkeypatch, env, expected
):
    for name in ["GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT", "GUNICORN_MAX_REQUESTS"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = runpy.run_path(str(ROOT / "config" / "gunicorn.py"))
    for name, value in expected.items():
        assert settings[name] == value
    assert settings["max_requests_jitter"] == settings["max_requests"] // 10
    assert settings["workers"] >= 1


def _make(*args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != "PORT" and not k.startswith("MAKE")}
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("args, port", [((), "8000"), (("PORT=8001",), "8001")])
def test_make_run_serves_on_the_port_asked_8000_by_default(args, port):
    # A dry run (-n): the commands that `make run` would run, none run.
    commands = _make("-n", "run", *args).stdout
    assert f"GUNICORN_BIND=127.0.0.1:{port} " in commands
    assert f"create_demo_accounts --url http://127.0.0.1:{port}" in commands
    assert f"Mở http://127.0.0.1:{port} " in commands
    other = "8000" if port == "8001" else "8001"
    assert f"127.0.0.1:{other}" not in commands


@pytest.mark.parametrize("port", ["80a1", "", "8001; rm -rf var"])
def test_make_run_refuses_a_port_that_is_not_a_number_before_setting_anything_up(port):
    result = _make("port", f"PORT={port}")
    assert result.returncode != 0
    assert "PORT phải là một số, ví dụ: make run PORT=8001" in result.stderr
