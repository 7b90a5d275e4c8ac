"""The page cache (reports.page_cache): a repeated request is answered from memory, and every
write, through any path or connection, is visible on the next request, because pages are
keyed by the PostgreSQL snapshot they read. Transactional tests on PostgreSQL: inside a test's
outer transaction (and on SQLite) the cache stands aside."""

import re
import runpy
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from movements.models import Unit
from movements.services.workflow import report_approve
from reports import page_cache
from reports.documents import build_report_document
from reports.selectors import Subject

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

OVERVIEW = "/"
COMPLETENESS = "/completeness/?period=2014"
DOCUMENT_ARGS = ["3tn", "kien-giang", "2009-2013"]
# A hit: the session, the user, then the snapshot: BEGIN, isolation level, snapshot, COMMIT.
QUERIES_OF_A_HIT = 6


def shown(client, url: str) -> str:
    """The page as the user reads it: CSRF tokens are masked anew on every render."""
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def queries(client, url: str, status: int = 200) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == status
    return len(captured)


def cluster_snapshot() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def repeat_queries(client, url: str) -> int:
    """The queries of `url` asked for twice in a row with no write in between. Any transaction
    of the cluster that writes meanwhile (autovacuum, another database) rightly makes the
    repeat a miss: then both requests are made again."""
    for _ in range(10):
        before = cluster_snapshot()
        assert client.get(url).status_code == 200
        count = queries(client, url)
        if cluster_snapshot() == before:
            return count
    pytest.fail("some transaction of the cluster wrote during every pair of requests")


def fresh(client, url: str, settings) -> str:
    """The page rendered from the data, the cache switched off."""
    settings.PAGE_CACHE = False
    try:
        return shown(client, url)
    finally:
        settings.PAGE_CACHE = True


@pytest.fixture
def reviewer(client, reports_2014):
    client.force_login(reports_2014.reviewer)
    shown(client, OVERVIEW)  # the CSRF cookie: pages are kept from the next request on
    return client


def test_a_repeated_page_is_answered_from_the_cache_as_it_was_rendered(reviewer, settings):
    for url in (OVERVIEW, COMPLETENESS, "/compare/", "/units/rach-gia/"):
        first = shown(reviewer, url)
        assert repeat_queries(reviewer, url) == QUERIES_OF_A_HIT
        assert shown(reviewer, url) == first == fresh(reviewer, url, settings)


def test_an_approval_shows_on_the_next_request(reviewer, reports_2014, settings):
    before = shown(reviewer, COMPLETENESS)
    assert repeat_queries(reviewer, COMPLETENESS) == QUERIES_OF_A_HIT
    report_approve(user=reports_2014.reviewer, report=reports_2014.report)
    after = shown(reviewer, COMPLETENESS)
    assert after != before
    assert after == fresh(reviewer, COMPLETENESS, settings)


RENAMED = "Đoàn Rạch Giá (tên mới)"


def test_a_write_that_announces_nothing_shows_on_the_next_request(reviewer):
    assert RENAMED not in shown(reviewer, "/units/rach-gia/")
    Unit.objects.filter(code="rach-gia").update(name=RENAMED)
    assert RENAMED in shown(reviewer, "/units/rach-gia/")


def test_a_write_committed_by_another_connection_shows_on_the_next_request(reviewer):
    assert RENAMED not in shown(reviewer, "/units/rach-gia/")
    assert repeat_queries(reviewer, "/units/rach-gia/") == QUERIES_OF_A_HIT

    def elsewhere():
        try:
            Unit.objects.filter(code="rach-gia").update(name=RENAMED)
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join(timeout=30)
    assert RENAMED in shown(reviewer, "/units/rach-gia/")


def test_users_never_get_each_others_pages(reports_2014):
    cast = reports_2014
    clients = {}
    for user in (cast.reviewer, cast.viewer, cast.secretary_a):
        clients[user.username] = Client()
        clients[user.username].force_login(user)
        shown(clients[user.username], OVERVIEW)  # the CSRF cookie
    for _ in range(3):  # all logged in: the pages of one snapshot, kept and asked for again
        pages = {name: shown(client, OVERVIEW) for name, client in clients.items()}
    for name, page in pages.items():
        assert 'class="username"' in page
        assert [other for other in clients if other in page] == [name]


def test_a_kept_page_carries_tokens_that_work_in_its_own_browser(reports_2014):
    """Two browsers of one user: each gets pages whose forms post with its own CSRF cookie."""
    browsers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    for browser in browsers:
        browser.force_login(reports_2014.reviewer)
        shown(browser, OVERVIEW)
    for _ in range(2):
        pages = [browser.get(OVERVIEW).content.decode() for browser in browsers]
    for browser, page in zip(browsers, pages, strict=True):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        response = browser.post(reverse("logout"), {"csrfmiddlewaretoken": token})
        assert response.status_code == 302


def test_the_language_is_part_of_the_key(reviewer):
    assert 'lang="vi"' in shown(reviewer, OVERVIEW)
    reviewer.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in shown(reviewer, OVERVIEW)
    assert 'lang="en"' in shown(reviewer, OVERVIEW)


def test_a_message_is_shown_once_and_never_kept(reviewer, seed):
    page = reverse("reports:document", args=DOCUMENT_ARGS)
    shown(reviewer, page)
    version = build_report_document(
        subject=Subject.of(
            movement=seed, unit=Unit.objects.get(code="kien-giang"), start_year=2009, end_year=2013
        )
    ).version
    edit = reverse("reports:document-edit", args=DOCUMENT_ARGS)
    response = reviewer.post(edit, {"action": "regenerate", "version": version})
    assert response.status_code == 302
    assert "Đã tạo lại phần III" in shown(reviewer, page)
    assert "Đã tạo lại phần III" not in shown(reviewer, page)
    assert repeat_queries(reviewer, page) == QUERIES_OF_A_HIT


def test_a_word_file_is_answered_from_the_cache_whole(reviewer):
    url = reverse("reports:document-docx", args=DOCUMENT_ARGS)
    first = reviewer.get(url)
    assert repeat_queries(reviewer, url) == QUERIES_OF_A_HIT
    again = reviewer.get(url)
    assert again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Type"] == first["Content-Type"]


def test_errors_and_oversized_pages_are_not_kept(reviewer, monkeypatch):
    missing = "/units/khong-co/"
    assert reviewer.get(missing).status_code == 404
    assert queries(reviewer, missing, status=404) > QUERIES_OF_A_HIT
    monkeypatch.setattr(page_cache, "MAX_BYTES", 1000)
    shown(reviewer, "/compare/")
    assert queries(reviewer, "/compare/") > QUERIES_OF_A_HIT


def test_the_cache_can_be_switched_off(reviewer, settings):
    settings.PAGE_CACHE = False
    shown(reviewer, OVERVIEW)
    assert queries(reviewer, OVERVIEW) > QUERIES_OF_A_HIT


def test_workers_share_kept_pages_through_the_cache_directory(reviewer, settings, tmp_path):
    """As served (`make serve`): the pages are files that every worker reads; gunicorn empties
    the directory when it starts, since the code may have changed."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    assert repeat_queries(reviewer, OVERVIEW) == QUERIES_OF_A_HIT
    assert list(tmp_path.glob("*.djcache"))
    runpy.run_path(str(Path(__file__).parents[2] / "config" / "gunicorn.py"))["on_starting"](None)
    assert not list(tmp_path.glob("*.djcache"))
    assert queries(reviewer, OVERVIEW) > QUERIES_OF_A_HIT


def test_a_cache_that_fails_never_fails_the_page(reviewer, settings, tmp_path, log_lines):
    not_a_directory = tmp_path / "full"
    not_a_directory.write_text("")
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(not_a_directory),
        },
    }
    for _ in range(2):
        assert "Tổng quan" in shown(reviewer, OVERVIEW)
    failures = [line["event"] for line in log_lines() if line["logger"] == "phongtrao.page_cache"]
    assert failures == ["page cache: get failed", "page cache: set failed"] * 2
