"""Every page names a favicon that is served, and sends a strict Content-Security-Policy."""

import pytest
from django.urls import reverse

from tests.audit import client_for
from tests.routes import routes

pytestmark = pytest.mark.django_db


def test_every_page_names_a_favicon_that_is_served(client):
    from django.contrib.staticfiles import finders

    content = client.get(reverse("login")).content.decode()
    assert "favicon.svg" in content
    assert finders.find("favicon.svg")


def test_admin_pages_name_the_apps_favicon_too(client, seed):
    # Without a link, a browser asks for /favicon.ico, which nothing serves (404).
    from django.templatetags.static import static

    from tests.factories import make_user

    link = f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">'
    client.force_login(make_user("quantri", is_staff=True, is_superuser=True))
    urls = [reverse("admin:index"), reverse("admin:movements_report_changelist")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'id="user-tools"' in response.content.decode(), url  # the admin's page
        assert link in response.content.decode(), url
    client.logout()
    response = client.get(reverse("admin:login"))
    assert 'id="login-form"' in response.content.decode()
    assert link in response.content.decode()


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy


def test_every_page_of_the_urlconf_carries_the_policy(reports_2014):
    reviewer = client_for(reports_2014, "reviewer")
    for route in routes():
        if "GET" in route.methods(reviewer):
            policy = reviewer.get(route.path()).get("Content-Security-Policy", "")
            assert "script-src 'self';" in policy and "unsafe-inline" not in policy, route.name
