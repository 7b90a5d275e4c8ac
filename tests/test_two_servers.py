"""A second server is one setting (DJANGO_CACHE_URL): two real application servers (gunicorn
with config/gunicorn.py, as `make serve` runs it) on one PostgreSQL database and one Redis. A
page read through one server is kept in Redis, where the other finds it (it keeps no copy of
its own), and a write made through the other's real form shows on the first one's next
request of that page.

Needs the machine's Redis (tests/shared_redis.py: a Redis that does not answer fails the test,
never skips it); runs on PostgreSQL (SQLite is one server's file)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from movements.formatting import format_number
from movements.models import Report
from tests.audit import MARK
from tests.conftest import report_url
from tests.factories import PASSWORD
from tests.shared_redis import shared_redis  # noqa: F401 — the fixture

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
STARTUP = 120  # seconds a server may take to answer /healthz on a loaded machine
# Rạch Giá's page over 2014 as the provincial reviewer reads it: its 2014 report, submitted
# with MARK + 1 (tests/conftest.py, reports_2014), counts once approved.
PAGE = "/units/rach-gia/?start=2014&end=2014"
FIGURE = format_number(MARK + 1)
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    log: Path
    url: str = ""

    def alive_or_fail(self, waited_for: str) -> None:
        """Wait a moment for the process (a poll's pause, which also sees it exit)."""
        try:
            self.process.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            return
        pytest.fail(
            f"server {self.name} exited ({self.process.returncode}) before {waited_for}:\n"
            + self.log.read_text()[-3000:]
        )


def database_url() -> str:
    """The test database, as the servers reach it."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start(name: str, redis_url: str, prefix: str, logs: Path) -> Server:
    """gunicorn on a port of its choosing, with the settings of a production server pointed at
    the test database and the test's Redis (the suite's own settings left out)."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_", "GUNICORN_", "PHONGTRAO_", "DATABASE_"))
    }
    env = {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # the same on every server, as documented
        "DJANGO_CACHE_URL": redis_url,
        "DJANGO_CACHE_KEY_PREFIX": prefix,
        "DJANGO_SECURE_COOKIES": "0",  # plain http on loopback
        "DJANGO_PLAIN_STATIC": "1",  # no collectstatic for this test
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_BIND": "127.0.0.1:0",
        "GUNICORN_WORKERS": "2",
    }
    log = logs / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server(name, process, log)


def ready(server: Server) -> None:
    """Wait until `server` says its port and answers /healthz with 200."""
    deadline = time.monotonic() + STARTUP
    while not server.url:
        listening = _LISTENING.search(server.log.read_text(errors="replace"))
        if listening:
            server.url = f"http://127.0.0.1:{listening[1]}"
        elif time.monotonic() > deadline:
            pytest.fail(f"server {server.name} never listened:\n{server.log.read_text()[-3000:]}")
        else:
            server.alive_or_fail("listening")
    while True:
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=10) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"server {server.name} never answered /healthz")
        server.alive_or_fail("answering /healthz")


def stop(server: Server) -> None:
    server.process.terminate()  # gunicorn's graceful shutdown
    try:
        server.process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


class Browser:
    """One browser's cookies (session, CSRF) over both servers, which share the host."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, url: str) -> str:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, data: dict) -> str:
        return self._open(urllib.request.Request(url, data=urlencode(data).encode()))

    def _open(self, request) -> str:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.read().decode()
        except urllib.error.HTTPError as error:
            pytest.fail(f"{request.get_method()} {request.full_url}: {error.code}")


def form_fields(page: str, action: str) -> dict:
    """The hidden fields (CSRF token, version) of the form posting to `action` on `page`."""
    form = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form posting to {action}"
    fields = re.findall(r'<input[^>]*type="hidden"[^>]*>', form[1])
    return {
        re.search(r'name="([^"]+)"', field)[1]: re.search(r'value="([^"]*)"', field)[1]
        for field in fields
    }


@pytest.fixture
def servers(reports_2014, shared_redis, tmp_path):  # noqa: F811 — the fixture
    """Servers A and B, ready; the reviewer's password as production hashes it."""
    reviewer = reports_2014.reviewer
    hasher = PBKDF2PasswordHasher()
    reviewer.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    reviewer.save(update_fields=["password"])
    started = [start(name, shared_redis.url, shared_redis.prefix, tmp_path) for name in "AB"]
    try:
        for server in started:
            ready(server)
        yield started
    finally:
        for server in started:
            stop(server)


def test_a_write_through_one_server_shows_on_the_other_servers_next_request(
    servers,
    reports_2014,
    shared_redis,  # noqa: F811 — the fixture
):
    a, b = servers
    browser = Browser()
    login = browser.get(a.url + "/accounts/login/")
    browser.post(
        a.url + "/accounts/login/",
        {
            "username": "tinhdoan",
            "password": PASSWORD,
            "csrfmiddlewaretoken": _TOKEN.search(login)[1],
        },
    )

    # Read through A, kept in Redis, where B finds it: B's first request of a page that A kept
    # keeps nothing of its own. With no write in between: a write anywhere in the database
    # cluster may make the page new to B, so the pair is tried again, on a page new to both
    # (a query parameter that the page ignores).
    for attempt in range(20):
        page = f"{PAGE}&attempt={attempt}"
        through_a = browser.get(a.url + page)
        kept = set(shared_redis.keys("pages"))
        through_b = browser.get(b.url + page)
        if kept and set(shared_redis.keys("pages")) == kept:
            break
    else:
        pytest.fail("server B kept its own copy of every page that server A had kept in Redis")
    kept_page = page
    for shown in (through_a, through_b):
        assert "Rạch Giá" in shown
        assert FIGURE not in shown  # submitted, not approved yet

    # The write, through B's real form with its CSRF token.
    url = report_url()
    approve = report_url("approve")
    browser.post(b.url + approve, form_fields(browser.get(b.url + url), approve))
    assert Report.objects.get(pk=reports_2014.report.pk).status == Report.Status.APPROVED

    # The page both servers kept, asked for again.
    assert FIGURE in browser.get(a.url + kept_page)  # A's next request
    assert FIGURE in browser.get(a.url + kept_page)  # and the one after (the cache may answer)
    assert FIGURE in browser.get(b.url + kept_page)
