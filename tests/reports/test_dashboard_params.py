"""Odd and hostile query parameters never cause a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ODD = [
    {"xh-sort": "khong-co"},
    {"xh-sort": "-y2010"},
    {"tt-sort": "unit"},
    {"submitted": "xyz"},
    {"start": "2009-H1"},
    {"start": "", "end": ""},
    {"start": "2010", "end": "2010"},
    {"indicator": ""},
    {"indicator": "ty-le-dang-ky-vung-manh", "per": "100dv"},
    {"indicator": "tien-quy-xa-hoi", "per": "100dv"},
    {"units": ["rach-gia", "rach-gia"]},
    {"unit": "rach-gia"},
    {"movement": ""},
    {"export": "", "format": ""},
    {"format": "xlsx"},
    {"start": "9" * 40},
    {"unit": "<script>"},
]


def test_odd_parameters_never_cause_a_server_error(client, demo, cast):
    client.force_login(cast.reviewer)
    for name in ("reports:overview", "reports:compare", "reports:completeness"):
        for params in ODD:
            response = client.get(reverse(name), params)
            assert response.status_code in (200, 400), (name, params)
            assert b"<script>" not in response.content.replace(b"<script src=", b"")


def test_ratio_indicators_are_not_divided_by_members(client, demo, cast):
    client.force_login(cast.reviewer)
    response = client.get(
        reverse("reports:compare"), {"indicator": "ty-le-dang-ky-vung-manh", "per": "100dv"}
    )
    assert response.status_code == 200
    assert "Chỉ tiêu tỷ lệ không tính trên 100 đoàn viên" in response.content.decode()


def test_pages_without_any_movement_say_so(client, db):
    from movements.models import Membership, Unit
    from tests.factories import make_user

    unit = Unit.objects.create(code="tinh", name="Tỉnh", short_name="Tỉnh", kind="province")
    client.force_login(make_user("a", unit, Membership.Role.REVIEWER))
    for name in ("reports:overview", "reports:compare", "reports:completeness"):
        response = client.get(reverse(name))
        assert response.status_code == 400
        assert "Chưa có phong trào nào" in response.content.decode()
