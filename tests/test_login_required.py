"""Anonymous users: every URL of the URLconf but the public ones sends them to the login page,
whatever its parameters and method, and writes nothing; the public ones answer them without
asking to log in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.audit import client_for, snapshot, write_data
from tests.routes import routes, signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("route", signed_in(), ids=str)
def test_anonymous_users_are_sent_to_login_and_nothing_is_written(client, reports_2014, route):
    methods = route.methods(client_for(reports_2014, "reviewer"))
    before = snapshot()
    for values in ({}, dict.fromkeys(route.params, "khong-co")):
        path = route.path(**values)
        for method in methods:
            if method == "GET":
                response = client.get(path)
            else:
                response = client.post(path, write_data(reports_2014))
            assert response.status_code == 302, (method, path)
            assert response["Location"].startswith(reverse("login") + "?next="), (method, path)
    assert snapshot() == before


@pytest.mark.parametrize("route", [route for route in routes() if route.public], ids=str)
def test_public_urls_answer_anonymous_users_without_asking_them_to_log_in(
    client, reports_2014, route
):
    for method in route.methods(client_for(reports_2014, "reviewer")):
        response = client.get(route.path()) if method == "GET" else client.post(route.path())
        assert response.status_code in (200, 302), method
        if response.status_code == 302:
            assert "?next=" not in response["Location"], method
