"""The page cache (reports.page_cache): a repeated request is answered from the cache, shared by
the users of the same access, and every write, through any path or connection, is visible on
the next request, because pages are keyed by the data versions every write bumps
(movements.services.versions). Transactional tests, on PostgreSQL and on SQLite: inside a
test's outer transaction the cache stands aside. The random histories of writes are in
test_page_cache_histories.py."""

import logging
import os
import pickle
import re
import runpy
import threading
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from movements.models import DataVersion, Indicator, Membership, Report, Unit
from movements.services.workflow import report_approve
from reports import page_cache
from reports.documents import build_report_document
from reports.selectors import Subject
from tests.factories import make_user

pytestmark = pytest.mark.django_db(transaction=True)

OVERVIEW = "/"
COMPLETENESS = "/completeness/?period=2014"
DOCUMENT_ARGS = ["3tn", "kien-giang", "2009-2013"]
# A hit: the session, the user, the tree's version, the memberships (the access signature), the
# units the page depends on, their versions, whether demo data exists; on PostgreSQL also BEGIN,
# the isolation level and COMMIT.
QUERIES_OF_A_HIT = 7


def queries_of_a_hit() -> int:
    return QUERIES_OF_A_HIT + (3 if connection.vendor == "postgresql" else 0)


def without_tokens(html: str) -> str:
    """A page without its CSRF tokens' values, masked anew on every render."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def shown(client, url: str) -> str:
    """The page as the user reads it, without its CSRF tokens' values."""
    response = client.get(url)
    assert response.status_code == 200
    return without_tokens(response.content.decode())


def answered(client, url: str) -> str:
    """How the page cache answered `url` (X-Page-Cache)."""
    return client.get(url)["X-Page-Cache"]


def queries(client, url: str, status: int = 200) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == status
    return len(captured)


def repeat_queries(client, url: str) -> int:
    """The queries of `url` asked for twice in a row with no write in between."""
    assert client.get(url).status_code == 200
    return queries(client, url)


def fresh(client, url: str, settings) -> str:
    """The page rendered from the data, the cache switched off."""
    settings.PAGE_CACHE = False
    try:
        return shown(client, url)
    finally:
        settings.PAGE_CACHE = True


def elsewhere(write) -> None:
    """`write` committed by another connection, as another request would."""

    def run():
        try:
            write()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


GUNICORN = Path(__file__).parents[2] / "config" / "gunicorn.py"
SERVER = SimpleNamespace(log=logging.getLogger("phongtrao.tests.gunicorn"))


def gunicorn_hook(name: str) -> None:
    """gunicorn's `name` hook from config/gunicorn.py, called as gunicorn's master calls it."""
    runpy.run_path(str(GUNICORN))[name](SERVER)


@pytest.fixture
def page_files(settings, monkeypatch, tmp_path):
    """The page cache as served (settings.CACHES["pages"] as the server reads it, not the tests'
    memory), in a directory of its own; returns the directory."""
    version = os.environ["PYTEST_VERSION"]
    monkeypatch.delenv("PYTEST_VERSION")
    served = runpy.run_path(str(Path(__file__).parents[2] / "config" / "settings.py"))
    monkeypatch.setenv("PYTEST_VERSION", version)
    directory = tmp_path / "pages"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**served["CACHES"]["pages"], "LOCATION": str(directory)},
    }
    # The hooks renew the generation in the environment; put back after the test.
    monkeypatch.setenv("PHONGTRAO_PAGE_GENERATION", "before")
    caches["pages"]  # noqa: B018 — made as the server makes it: the directory with it
    return directory


def kept_files(directory: Path) -> list[Path]:
    suffix = caches["pages"].cache_suffix
    return [path for path in directory.glob(f"*{suffix}") if path.is_file()]


@pytest.fixture
def reviewer(client, reports_2014):
    client.force_login(reports_2014.reviewer)
    shown(client, OVERVIEW)  # the CSRF cookie: pages are kept from the next request on
    return client


def test_a_repeated_page_is_answered_from_the_cache_as_it_was_rendered(reviewer, settings):
    for url in (OVERVIEW, COMPLETENESS, "/compare/", "/units/rach-gia/"):
        first = shown(reviewer, url)
        assert repeat_queries(reviewer, url) == queries_of_a_hit()
        assert shown(reviewer, url) == first == fresh(reviewer, url, settings)


def test_an_approval_shows_on_the_next_request(reviewer, reports_2014, settings):
    before = shown(reviewer, COMPLETENESS)
    assert repeat_queries(reviewer, COMPLETENESS) == queries_of_a_hit()
    report_approve(user=reports_2014.reviewer, report=reports_2014.report)
    after = shown(reviewer, COMPLETENESS)
    assert after != before
    assert after == fresh(reviewer, COMPLETENESS, settings)


RENAMED = "Đoàn Rạch Giá (tên mới)"


def rename(code: str = "rach-gia") -> None:
    unit = Unit.objects.get(code=code)
    unit.name = RENAMED
    unit.save()


def test_a_unit_renamed_shows_on_the_next_request(reviewer):
    assert RENAMED not in shown(reviewer, "/units/rach-gia/")
    assert answered(reviewer, "/units/rach-gia/") == "hit"
    rename()
    assert RENAMED in shown(reviewer, "/units/rach-gia/")


@pytest.mark.postgresql
def test_a_write_committed_by_another_connection_shows_on_the_next_request(reviewer):
    assert RENAMED not in shown(reviewer, "/units/rach-gia/")
    assert repeat_queries(reviewer, "/units/rach-gia/") == queries_of_a_hit()
    elsewhere(rename)
    assert RENAMED in shown(reviewer, "/units/rach-gia/")


def test_every_answer_says_how_the_cache_answered_it(reviewer, settings):
    assert answered(reviewer, "/compare/") == "miss"
    assert answered(reviewer, "/compare/") == "hit"
    settings.PAGE_CACHE = False
    assert answered(reviewer, "/compare/") == "off"


def test_users_of_the_same_access_share_one_kept_page(reports_2014, settings):
    colleague = make_user("tinhdoan-2", reports_2014.province, "reviewer", is_staff=True)
    first, second = logged_in(reports_2014.reviewer), logged_in(colleague)
    for url in (OVERVIEW, "/compare/", "/units/rach-gia/", COMPLETENESS):
        assert answered(first, url) == "miss"
        response = second.get(url)
        assert response["X-Page-Cache"] == "hit"
        page = without_tokens(response.content.decode())
        assert "tinhdoan-2" in page and "tinhdoan<" not in page  # their own name in the header
        assert page == fresh(second, url, settings)


def test_users_of_another_access_never_share_a_kept_page(reports_2014):
    """A secretary of Rạch Giá never gets the page kept for the province's reviewer (nor the
    viewer, who may not review, the reviewer's), even for the same URL."""
    cast = reports_2014
    reviewer = logged_in(cast.reviewer)
    for url in (OVERVIEW, "/compare/", "/units/rach-gia/", COMPLETENESS):
        reviewer.get(url)
        for user in (cast.secretary_a, cast.viewer):
            assert answered(logged_in(user), url) == "miss", (user, url)


def test_a_save_in_one_unit_leaves_the_pages_of_another_kept(reports_2014):
    """Công an's secretary saves its draft: Công an and the province are bumped, An Biên's
    overview and báo cáo stay kept; the province's and Công an's pages are rendered again."""
    cast = reports_2014
    reviewer = logged_in(cast.reviewer)
    an_bien = ["/?unit=an-bien", reverse("reports:document", args=["3tn", "an-bien", "2009-2013"])]
    changed = ["/?unit=cong-an", OVERVIEW]
    for url in an_bien + changed:
        reviewer.get(url)
        assert answered(reviewer, url) == "hit"
    draft = Report.objects.get(unit=cast.unit_b)
    response = logged_in(cast.secretary_b).post(
        reverse("movements:report", kwargs={"unit": "cong-an", "period": "2014"}),
        {"version": draft.version, "action": "save", "highlights": "Mới", "shortcomings": ""},
    )
    assert response.status_code == 302
    for url in an_bien:
        assert answered(reviewer, url) == "hit", url
    for url in changed:
        assert answered(reviewer, url) == "miss", url


def test_every_write_bumps_the_versions_in_its_own_transaction(reports_2014):
    rach_gia = f"unit:{reports_2014.unit_a.pk}"
    before = dict(DataVersion.objects.values_list("key", "version"))
    report_approve(user=reports_2014.reviewer, report=reports_2014.report)
    after = dict(DataVersion.objects.values_list("key", "version"))
    assert after[rach_gia] == before.get(rach_gia, 0) + 1
    assert after[f"unit:{reports_2014.province.pk}"] > before.get(
        f"unit:{reports_2014.province.pk}", 0
    )
    assert after[f"unit:{reports_2014.unit_b.pk}"] == before[f"unit:{reports_2014.unit_b.pk}"]
    assert after["tree"] == before["tree"]


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
    assert repeat_queries(reviewer, page) == queries_of_a_hit()


def test_a_word_file_is_answered_from_the_cache_whole(reviewer):
    url = reverse("reports:document-docx", args=DOCUMENT_ARGS)
    first = reviewer.get(url)
    assert repeat_queries(reviewer, url) == queries_of_a_hit()
    again = reviewer.get(url)
    assert again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Type"] == first["Content-Type"]


def test_errors_and_oversized_pages_are_not_kept(reviewer, monkeypatch):
    missing = "/units/khong-co/"
    assert reviewer.get(missing).status_code == 404
    assert queries(reviewer, missing, status=404) > queries_of_a_hit()
    monkeypatch.setattr(page_cache, "MAX_BYTES", 1000)
    shown(reviewer, "/compare/")
    assert queries(reviewer, "/compare/") > queries_of_a_hit()


def test_the_cache_can_be_switched_off(reviewer, settings):
    settings.PAGE_CACHE = False
    shown(reviewer, OVERVIEW)
    assert queries(reviewer, OVERVIEW) > queries_of_a_hit()


def test_workers_share_kept_pages_through_the_cache_directory(reviewer, page_files):
    """As served (`make serve`): the pages are files that every worker reads; gunicorn empties
    the directory when it starts, since the code may have changed."""
    assert repeat_queries(reviewer, OVERVIEW) == queries_of_a_hit()
    assert kept_files(page_files)
    gunicorn_hook("on_starting")
    assert not kept_files(page_files)
    assert queries(reviewer, OVERVIEW) > queries_of_a_hit()


class Planted:
    """What a local user could leave in the directory: unpickled, it writes `marker`."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_file_planted_in_the_cache_directory_never_runs(reviewer, page_files, tmp_path, settings):
    shown(reviewer, OVERVIEW)
    marker = tmp_path / "ran-as-the-server"
    planted = pickle.dumps(None) + zlib.compress(pickle.dumps(Planted(marker)))
    for path in kept_files(page_files):  # every page kept, in the form FileBasedCache reads
        path.write_bytes(planted)
    page = shown(reviewer, OVERVIEW)
    assert not marker.exists()
    assert page == fresh(reviewer, OVERVIEW, settings)


def test_a_page_changed_in_the_cache_directory_is_never_served(reviewer, page_files, log_lines):
    def changed_then_asked_for() -> int:
        shown(reviewer, OVERVIEW)
        for path in kept_files(page_files):
            kept = path.read_bytes()
            path.write_bytes(kept[:-40] + bytes(40))
        return queries(reviewer, OVERVIEW)

    assert changed_then_asked_for() > queries_of_a_hit()
    assert "page cache: a kept page failed its check; rendered again" in [
        line["event"] for line in log_lines()
    ]


@pytest.mark.parametrize("mode", [0o770, 0o707])
def test_a_directory_that_others_may_write_is_refused(reviewer, page_files, log_lines, mode):
    page_files.chmod(mode)
    for _ in range(2):
        assert "Tổng quan" in shown(reviewer, OVERVIEW)
    assert queries(reviewer, OVERVIEW) > queries_of_a_hit()
    assert not kept_files(page_files)
    failures = [line for line in log_lines() if line["logger"] == "phongtrao.page_cache"]
    assert failures
    assert all("writable by its group or others" in str(line) for line in failures)


def test_a_stray_directory_in_the_cache_directory_does_not_stop_gunicorn(reviewer, page_files):
    shown(reviewer, OVERVIEW)
    stray = page_files / ("0" * 32 + caches["pages"].cache_suffix)
    stray.mkdir()
    gunicorn_hook("on_starting")
    assert stray.is_dir()
    assert not kept_files(page_files)


def test_a_reload_never_answers_a_page_rendered_before_it(reviewer, page_files):
    """`kill -HUP`: new workers with the templates as they are now. Not even a page that an old
    worker kept after the directory was emptied is answered to them."""
    assert repeat_queries(reviewer, OVERVIEW) == queries_of_a_hit()
    before = {path: path.read_bytes() for path in kept_files(page_files)}
    gunicorn_hook("on_reload")
    assert not kept_files(page_files)
    for path, kept in before.items():
        path.write_bytes(kept)
    assert queries(reviewer, OVERVIEW) > queries_of_a_hit()


@pytest.mark.parametrize("demotion", ["superuser", "membership"])
def test_a_user_demoted_is_never_answered_their_former_page(reports_2014, demotion):
    """The access signature (memberships, superuser) is read with the request: a user demoted
    gets the page of what they are now."""
    if demotion == "superuser":
        user = make_user("tinh-doan", is_superuser=True, is_staff=True)

        def demote():
            get_user_model().objects.filter(pk=user.pk).update(is_superuser=False, is_staff=False)

    else:
        user = reports_2014.viewer

        def demote():
            Membership.objects.filter(user=user).delete()

    client = logged_in(user)
    for _ in range(2):
        assert client.get(OVERVIEW).status_code == 200
    demote()
    assert client.get(OVERVIEW).status_code == 403


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


def tree_version() -> int:
    return DataVersion.objects.filter(key="tree").values_list("version", flat=True).first() or 0


def test_a_change_of_what_pages_read_besides_reports_bumps_the_tree(reports_2014):
    before = tree_version()
    indicator = Indicator.objects.first()
    indicator.name += " (sửa)"
    indicator.save()
    assert tree_version() == before + 1
    Membership.objects.create(user=reports_2014.outsider, unit=reports_2014.unit_a, role="viewer")
    assert tree_version() == before + 2


def test_a_login_leaves_every_kept_page(reviewer, reports_2014):
    assert answered(reviewer, OVERVIEW) == "hit"
    before = tree_version()
    response = Client().post(
        reverse("login"),
        {"username": reports_2014.reviewer.username, "password": reports_2014.password},
    )
    assert response.status_code == 302
    assert tree_version() == before
    assert answered(reviewer, OVERVIEW) == "hit"
