"""Every page names a favicon that is served, and sends a strict Content-Security-Policy."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_page_names_a_favicon_that_is_served(client):
    from django.contrib.staticfiles import finders

    content = client.get(reverse("login")).content.decode()
    assert "favicon.svg" in content
    assert finders.find("favicon.svg")


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy
