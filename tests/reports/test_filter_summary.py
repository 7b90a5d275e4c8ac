"""The line that names a dashboard's choices while its filters are folded
(reports/templatetags/filter_summary.py, templates/reports/_filters.html): what the selects
show, the years as one range, the switches that are on; the filters open only when a choice is
wrong, and a wrong value is never named."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def summary(response) -> tuple[bool, str]:
    """Whether the filters are open, and their summary line as read."""
    html = response.content.decode()
    found = re.search(
        r'<details class="filters-toggle no-print"( open)?>\s*<summary>(.*?)</summary>', html, re.S
    )
    assert found, "the filters are folded in <details>"
    return bool(found.group(1)), " ".join(re.sub(r"<[^>]+>", "", found.group(2)).split())


def test_the_comparison_names_its_default_choices(client, seed, cast):
    client.force_login(cast.reviewer)
    opened, line = summary(client.get(reverse("reports:compare")))
    assert not opened
    assert line == (
        "Bộ lọc: 2009–2013 · Hội nghị triển khai · Số tuyệt đối · Tỉnh Đoàn Kiên Giang · "
        "Huyện, thị, thành Đoàn và Đoàn trực thuộc (đổi)"
    )


def test_the_comparison_names_the_units_chosen_and_the_switches_on(client, seed, cast):
    client.force_login(cast.reviewer)
    params = "?start=2011&end=2011&per=100dv&units=rach-gia&units=ha-tien&submitted=on&raw=on"
    opened, line = summary(client.get(reverse("reports:compare") + params))
    assert not opened
    assert line.startswith("Bộ lọc: 2011 · Hội nghị triển khai · Trên 100 đoàn viên · ")
    assert "· Rạch Giá, Hà Tiên · Tính cả báo cáo đã gửi, chưa duyệt · Tổng thô (đổi)" in line
    many = "&".join(f"units={code}" for code in ("rach-gia", "ha-tien", "kien-luong", "hon-dat"))
    _, line = summary(client.get(reverse("reports:compare") + "?" + many))
    assert "· 4 đơn vị (đổi)" in line


def test_the_filters_open_on_a_wrong_choice_which_is_not_named(client, seed, cast):
    client.force_login(cast.reviewer)
    response = client.get(reverse("reports:compare"), {"indicator": "khong-co", "start": "2010"})
    assert response.status_code == 400
    opened, line = summary(response)
    assert opened
    assert "khong-co" not in line
    assert line.startswith("Bộ lọc: 2010–2013 · ")


def test_the_unit_page_names_its_years(client, seed, cast):
    client.force_login(cast.reviewer)
    url = reverse("reports:unit", args=["rach-gia"])
    _, line = summary(client.get(url, {"start": "2012"}))
    assert line == "Bộ lọc: 2012–2013 (đổi)"


def test_completeness_names_the_period_and_state_or_the_years(client, seed, cast, open_period):
    client.force_login(cast.reviewer)
    url = reverse("reports:completeness")
    _, line = summary(client.get(url, {"state": "chua-nop"}))
    assert line == "Bộ lọc: 2014 · Đơn vị chưa nộp (đổi)"
    # Several periods: the years, not the state they do not use.
    _, line = summary(client.get(url, {"period": "nhieu-ky", "start": "2010", "end": "2012"}))
    assert line == "Bộ lọc: 2010–2012 (đổi)"


def test_the_unit_compared_under_is_the_one_the_select_shows_not_its_first_option(seed):
    """A reviewer whose units come after others in the list of parents (the new province,
    after the provinces it succeeds): a bare URL compares under their own unit, and the select
    and the summary say so."""
    from django.template import Context, Template

    from movements.models import Unit
    from reports.filters import CompareUnitFilter

    province = Unit.objects.get(code="kien-giang")
    district = Unit.objects.get(code="rach-gia")
    for data in (None, {"peers": "all"}):
        unit_filter = CompareUnitFilter(
            data, parent=district, units=[], parents=[province, district]
        )
        assert unit_filter.form["parent"].value() == "rach-gia"
        html = Template(
            "{% load filter_summary %}{% filter_summary form unit_filter as c %}{{ c|join:'|' }}"
        ).render(Context({"form": _Empty(), "unit_filter": unit_filter}))
        assert "Thành Đoàn Rạch Giá" in html and "Tỉnh Đoàn Kiên Giang" not in html


class _Empty:
    """A form without fields of its own."""

    fields: dict = {}
