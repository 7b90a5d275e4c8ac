"""The caches in Redis (DJANGO_CACHE_URL): a URL that is not Redis's refused at start with a
clear message, the pages kept as bytes and never unpickled, only their own keys deleted; and
the version of the code in every page's key, equal on every server that runs the same code."""

from __future__ import annotations

import json
import logging
import pickle
import runpy
import shutil
import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from config.cache_url import redis_caches
from reports import page_store
from tests.shared_redis import shared_redis  # noqa: F401 — the fixture
from tests.test_serving import run_python

ROOT = Path(__file__).resolve().parent.parent
SERVER = SimpleNamespace(log=logging.getLogger("phongtrao.tests.gunicorn"))


@pytest.mark.parametrize(
    "url, said",
    [
        ("memcached://127.0.0.1:11211", "bắt đầu bằng redis://, rediss:// hoặc unix://"),
        ("127.0.0.1:6379", "bắt đầu bằng redis://, rediss:// hoặc unix://"),
        ("redis://127.0.0.1:63a9/0", "cổng (port) phải là một số"),
        ("redis://127.0.0.1:6379/pages", "số cơ sở dữ liệu Redis sau dấu / phải là một số"),
        ("redis://primary:6379/0,http://replica:6379/0", "bắt đầu bằng redis://"),
    ],
)
def test_a_cache_url_that_is_not_redis_is_refused_saying_what_to_write(url, said):
    with pytest.raises(ImproperlyConfigured) as refused:
        redis_caches(url, "phongtrao")
    assert str(refused.value).startswith("DJANGO_CACHE_URL")
    assert said in str(refused.value)
    assert "redis://127.0.0.1:6379/0" in str(refused.value)  # an example to copy


def test_the_server_does_not_start_with_a_bad_cache_url_and_never_shows_its_password():
    code = "import django; django.setup()"
    result = run_python(code, DJANGO_CACHE_URL="memcache://app:hunter22@cache:11211")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_CACHE_URL phải là địa chỉ" in result.stderr
    assert "hunter22" not in result.stderr


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/0",
        "rediss://:secret@cache.example:6380/2",
        "unix:///run/redis.sock?db=3",
        "redis://primary:6379/0,redis://replica:6379/0",
    ],
)
def test_a_redis_url_puts_both_caches_in_redis_under_their_own_prefixes(url):
    caches_ = redis_caches(url, "phongtrao")
    assert caches_["pages"]["BACKEND"] == "reports.page_store.PageRedis"
    assert caches_["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert {c["LOCATION"] for c in caches_.values()} == {url}
    assert caches_["pages"]["KEY_PREFIX"] != caches_["default"]["KEY_PREFIX"]


@pytest.fixture
def pages_in_redis(settings, shared_redis):  # noqa: F811 — the fixture
    """settings.CACHES as DJANGO_CACHE_URL makes them, in the test's Redis."""
    settings.CACHES = redis_caches(shared_redis.url, shared_redis.prefix)
    yield shared_redis
    for alias in ("pages", "default"):
        caches[alias].close()


class Planted:
    """What someone able to write to Redis could leave there: unpickled, it writes `marker`."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_pages_are_kept_in_redis_as_their_bytes_and_never_unpickled(pages_in_redis, tmp_path):
    pages = caches["pages"]
    pages.set("page:a", b"\x00signed page\xff")
    assert pages.get("page:a") == b"\x00signed page\xff"
    [key] = pages_in_redis.keys()
    assert pages_in_redis.client.get(key) == b"\x00signed page\xff"  # stored as it is

    marker = tmp_path / "ran-as-the-server"
    planted = pickle.dumps(Planted(marker))
    pages_in_redis.client.set(key, planted)
    assert pages.get("page:a") == planted  # bytes, which the page cache's signature refuses
    assert not marker.exists()

    for value in ("text", {"a": 1}, 42, None):
        with pytest.raises(TypeError, match="bytes only"):
            pages.set("page:b", value)
    with pytest.raises(TypeError, match="bytes only"):
        pages.incr("page:a")


def test_emptying_the_pages_deletes_their_keys_only(pages_in_redis):
    caches["pages"].set("page:a", b"page")
    caches["default"].set("other", "kept")
    another = f"another-application-{pages_in_redis.prefix}"  # its own: suites run side by side
    pages_in_redis.client.set(another, b"kept")
    try:
        caches["pages"].clear()
        assert pages_in_redis.keys("pages") == []
        assert caches["default"].get("other") == "kept"
        assert pages_in_redis.client.get(another) == b"kept"
    finally:
        pages_in_redis.client.delete(another)


@pytest.mark.parametrize("hook", ["on_starting", "on_reload"])
def test_a_start_or_reload_leaves_the_pages_other_servers_share(pages_in_redis, monkeypatch, hook):
    """gunicorn's hooks (config/gunicorn.py) set the code's version for the workers they fork,
    and empty only a cache that no other server reads."""
    monkeypatch.setenv(page_store.GENERATION, "other code")
    caches["pages"].set("page:a", b"page")
    runpy.run_path(str(ROOT / "config" / "gunicorn.py"))[hook](SERVER)
    assert caches["pages"].get("page:a") == b"page"
    assert page_store.generation() == page_store.code_version()


def code_copy(destination: Path) -> Path:
    """What renders the pages (page_store.CODE, pyproject.toml) copied to `destination`."""
    for folder, _ in page_store.CODE:
        shutil.copytree(ROOT / folder, destination / folder, ignore=_caches)
    shutil.copy(ROOT / "pyproject.toml", destination)
    return destination


def _caches(directory, names):
    return [name for name in names if name == "__pycache__"]


def test_the_code_version_is_the_same_for_the_same_code_anywhere_and_changes_with_it(tmp_path):
    here = page_store.code_version()
    elsewhere = code_copy(tmp_path / "elsewhere")
    assert page_store.code_version(elsewhere) == here
    for changed in ("templates/base.html", "reports/views.py", "locale/en/LC_MESSAGES/django.mo"):
        copy = code_copy(tmp_path / changed.replace("/", "-"))
        with open(copy / changed, "ab") as file:
            file.write(b"\n")
        assert page_store.code_version(copy) != here, changed


def test_the_static_manifest_counts_by_its_names_not_their_order(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    manifest = tmp_path / "staticfiles.json"
    names = {"css/app.css": "css/app.1a2b.css", "js/charts.js": "js/charts.3c4d.js"}
    manifest.write_text(json.dumps({"paths": names, "version": "1.1"}))
    version = page_store.code_version()
    manifest.write_text(json.dumps({"paths": dict(reversed(names.items())), "version": "1.1"}))
    assert page_store.code_version() == version
    manifest.write_text(json.dumps({"paths": {**names, "js/charts.js": "js/charts.9f9f.js"}}))
    assert page_store.code_version() != version
    manifest.write_text("{damaged")
    assert page_store.code_version() not in (version, "")


def test_servers_started_apart_on_the_same_code_have_the_same_generation(monkeypatch):
    monkeypatch.delenv(page_store.GENERATION, raising=False)
    code = (
        "import django; django.setup(); "
        "from reports import page_store; print(page_store.generation())"
    )
    versions = {run_python(code).stdout.strip() for _ in range(2)}
    assert versions == {page_store.code_version()}


@pytest.fixture
def silent_redis():
    """A server that accepts connections and never answers (a Redis that hangs)."""
    with socket.create_server(("127.0.0.1", 0)) as listening:
        yield f"redis://127.0.0.1:{listening.getsockname()[1]}/0"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("down", ["refused", "silent"])
def test_a_redis_that_is_down_or_hangs_costs_a_page_its_cache_not_the_page(
    client, reports_2014, settings, silent_redis, log_lines, down
):
    url = silent_redis if down == "silent" else "redis://127.0.0.1:1/0"  # nothing listens on 1
    settings.CACHES = redis_caches(url, "phongtrao")
    client.force_login(reports_2014.reviewer)
    client.get("/")  # the CSRF cookie: pages are kept from the next request on
    answered = []

    def request():
        try:
            answered.append(client.get("/"))
        finally:
            connection.close()

    asking = threading.Thread(target=request, daemon=True)  # a hang fails, not the suite
    started = time.monotonic()
    asking.start()
    asking.join(timeout=30)
    assert answered, "the page waited for a Redis that does not answer"
    assert time.monotonic() - started < 10  # two waits of PATIENCE, with the page's own time
    assert answered[0].status_code == 200
    assert "Tổng quan" in answered[0].content.decode()
    events = [line["event"] for line in log_lines() if line["logger"] == "phongtrao.page_cache"]
    assert "page cache: get failed" in events
    for alias in ("pages", "default"):
        caches[alias].close()
