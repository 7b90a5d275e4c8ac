"""The overview's card of the open period's progress counts the units under the unit shown,
not the province's whatever unit is chosen."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from movements.services.demo import demo_open_period

pytestmark = pytest.mark.django_db


def _progress(client, **params) -> str:
    page = client.get(reverse("reports:overview"), params).content.decode()
    found = re.search(r"Tình hình nộp báo cáo \d{4}.*?(\d+) đơn vị phải nộp", page, re.S)
    return found[1] if found else ""


def test_the_progress_card_counts_the_units_under_the_unit_shown(client, demo, cast, units):
    demo_open_period()
    client.force_login(cast.reviewer)
    assert _progress(client) == "24"
    assert _progress(client, unit="kien-giang") == "24"
    # Rạch Giá has no unit under it: no card rather than the province's counts.
    assert _progress(client, unit="rach-gia") == ""
