"""CSRF: every URL of the URLconf refuses a POST without a token, with the Vietnamese page, for
every role and whatever the request would otherwise do; nothing is written."""

from __future__ import annotations

import pytest
from django.urls import resolve

from tests.audit import ROLES, client_for, post, snapshot, targets, write_data
from tests.routes import routes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("route", routes(), ids=str)
def test_a_post_without_csrf_token_is_refused_and_nothing_is_written(reports_2014, route):
    """Rạch Giá's report is submitted (the reviewer could approve it) and Công an's is a draft
    (its secretary could save it): with a token, most of these writes would happen."""
    cast = reports_2014
    units = [{}, {"unit": "cong-an"}] if "unit" in route.params else [{}]
    requests = [(route.path(**values), write_data(cast)) for values in units]
    aimed = [(path, data) for path, data in targets(cast) if resolve(path).view_name == route.name]
    requests += aimed
    before = snapshot()
    for role in ROLES:
        client = client_for(cast, role, enforce_csrf_checks=True)
        for path, data in requests:
            response = post(client, path, data)
            assert response.status_code == 403, (role, path)
            assert "Yêu cầu bị từ chối" in response.content.decode(), (role, path)
    assert snapshot() == before
