"""Security headers on every response — pages, downloads, the 400s middleware answers before
any view (bad Host, NUL), error pages; nothing of a logged-in user's is stored by a browser
or proxy; sessions last a working day; kept database connections are checked before reuse."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_security_headers(response):
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    for name, value in HEADERS.items():
        assert response[name] == value, name


@pytest.mark.parametrize(
    "path, extra, status",
    [
        ("/accounts/login/", {}, 200),
        ("/khong-co-trang-nay/", {}, 404),
        ("/accounts/login/", {"HTTP_HOST": "ke-gian.example"}, 400),
        ("/compare/%00/", {}, 400),
        ("/compare/", {"QUERY_STRING": "indicator=%00"}, 400),
        ("/healthz", {}, 200),
    ],
)
def test_every_response_carries_the_security_headers(client, seed, path, extra, status):
    response = client.get(path, **extra)
    assert response.status_code == status
    assert_security_headers(response)


@pytest.mark.urls("tests.failing_urls")
def test_the_500_page_carries_the_security_headers(seed):
    response = Client(raise_request_exception=False).get("/test-failure/")
    assert response.status_code == 500
    assert_security_headers(response)


def test_csrf_failure_page_carries_the_security_headers(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert_security_headers(response)


def assert_not_stored(response):
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/compare/",
        "/entry/",
        "/compare/?indicator=cau&export=xep-hang&format=xlsx",
        "/compare/?indicator=cau&export=xep-hang&format=csv",
        "/reports/3tn/kien-giang/2009-2013/report.docx",
    ],
)
def test_pages_and_downloads_of_a_logged_in_user_are_not_stored(client, cast, path):
    client.force_login(cast.reviewer)
    response = client.get(path)
    assert response.status_code == 200
    assert_not_stored(response)


def test_static_files_stay_cacheable(client, cast, settings):
    settings.WHITENOISE_USE_FINDERS = True  # tests run without collectstatic
    client.force_login(cast.reviewer)
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert_security_headers(response)


def test_a_session_lasts_a_working_day_and_ends_with_the_browser(client, cast):
    response = client.post(
        reverse("login"), {"username": "bithu_rachgia", "password": cast.password}
    )
    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # gone when the browser closes
    session = Session.objects.get()
    lasts = session.expire_date - timezone.now()
    assert dt.timedelta(hours=8) < lasts <= dt.timedelta(hours=10)


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_between_requests_is_replaced(settings):
    """As after a database restart: the kept connection is dead when the next request
    starts; Django checks it (CONN_HEALTH_CHECKS) and opens a new one instead of failing."""
    assert django_settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert django_settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    if connection.vendor != "postgresql":
        return  # SQLite has no server to lose
    connection.ensure_connection()
    old_pid = connection.connection.info.backend_pid
    import psycopg

    params = connection.get_connection_params()
    with psycopg.connect(**{**params, "autocommit": True}) as other:
        other.execute("select pg_terminate_backend(%s)", [old_pid])
    close_old_connections()  # what Django does when a request starts
    with connection.cursor() as cursor:
        cursor.execute("select pg_backend_pid()")
        assert cursor.fetchone()[0] != old_pid
