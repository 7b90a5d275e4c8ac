"""The error pages with DEBUG off: Vietnamese, and the 500 page without a database query."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.views import defaults

from movements.models import Unit

pytestmark = pytest.mark.django_db


def test_error_pages_are_vietnamese_with_debug_off(
    seed, settings, client, django_assert_num_queries
):
    settings.DEBUG = False
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()
    response = client.get("/", HTTP_HOST="ke-gian.example")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    request = RequestFactory().get("/")
    response = defaults.permission_denied(request, Exception())
    assert response.status_code == 403
    assert "Bạn không có quyền" in response.content.decode()
    with django_assert_num_queries(0):
        response = defaults.server_error(request)
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode()
    assert Unit.objects.exists()
