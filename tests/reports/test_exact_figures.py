"""Figures computed exactly, rounded only where they are shown: hand-made data where rounding
first would change a rank (1,49 vs 1,47 per 100 members) or a change (0,49 → 1 is +104,1%, not
+100%; a 0,7% → 1,7% rate is +1 điểm %, not +143%), checked on the page, in the chart JSON and
in both export formats."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import html5lib
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.exports import DECIMAL_FORMAT, WHOLE_FORMAT
from tests.factories import make_report
from tests.reports.test_exports import (
    as_in_csv,
    csv_rows,
    shown_table,
    xlsx_header_row,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

MEETINGS = "hoi-nghi-trien-khai"
RATE = "ty-le-dang-ky-vung-manh"

# (unit, year): values. 10.000 members everywhere, so meetings per 100 members = meetings / 100.
DATA = {
    ("ha-tien", 2009): {MEETINGS: 49, "to-chuc-doan-co-quan": 1000, "to-chuc-dang-ky-vung-manh": 7},
    ("ha-tien", 2013): {
        MEETINGS: 100,
        "to-chuc-doan-co-quan": 1000,
        "to-chuc-dang-ky-vung-manh": 17,
    },
    ("an-minh", 2009): {MEETINGS: 47},
    ("an-minh", 2013): {MEETINGS: 100},
    ("tan-hiep", 2013): {MEETINGS: 149},
}
UNITS = {"units": ["ha-tien", "an-minh", "tan-hiep"]}
PER_HUNDRED = {"indicator": MEETINGS, "per": "100dv", **UNITS}


@pytest.fixture
def figures(seed, cast):
    for (code, year), values in DATA.items():
        unit = cast.province.children.get(code=code)
        make_report(unit, year, seed, values={"doan-vien": 10_000, **values})
    return cast


def compare(client, params, **extra):
    return client.get(reverse("reports:compare"), {**params, **extra})


def by_unit(rows, column: int = 1) -> dict[str, list]:
    return {row[column]: row for row in rows}


def test_per_hundred_ranks_and_changes_are_exact_on_the_page(client, figures):
    client.force_login(figures.reviewer)
    response = compare(client, PER_HUNDRED)
    assert response.status_code == 200
    header, rows = shown_table(response, "xep-hang")
    # A few of the 24 units due reported each year: every year, and the stage, provisional.
    assert header == [
        "Hạng",
        "Đơn vị",
        "2009 (tạm tính, 2/24)",
        "2010 (tạm tính, 0/24)",
        "2011 (tạm tính, 0/24)",
        "2012 (tạm tính, 0/24)",
        "2013 (tạm tính, 3/24)",
        "Cả giai đoạn (trên 100 đoàn viên) — tạm tính",
        "Thay đổi năm đầu → năm cuối (cùng đơn vị)",
        "Thay đổi (%)",
        "Ghi chú",
    ]
    # Stage: Hà Tiên 149 and Tân Hiệp 149 (a true tie) before An Minh 147 — all three would
    # show 1,5 and tie at rank 1 if rounded first.
    assert [(r[0], r[1]) for r in rows] == [("1", "Hà Tiên"), ("1", "Tân Hiệp"), ("3", "An Minh")]
    shown = by_unit(rows)
    assert shown["Hà Tiên"][2] == "0,5"  # 0,49 shown rounded
    assert shown["Hà Tiên"][7] == "1,5"
    # 0,49 → 1,00: +0,51, i.e. +104,1% (rounding first would say 0,5 → 1,0, +100%).
    assert shown["Hà Tiên"][8:10] == ["+0,5", "+104,1%"]
    assert shown["An Minh"][8:10] == ["+0,5", "+112,8%"]
    assert shown["Tân Hiệp"][8:10] == ["–", "–"]


def test_per_hundred_chart_plots_the_exact_values(client, figures):
    client.force_login(figures.reviewer)
    response = compare(client, PER_HUNDRED)
    tree = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    source = next(s for s in tree.iter("script") if s.get("id") == "bieu-do-tung-don-vi-data")
    traces = {t["name"]: t for t in json.loads(source.text)["data"]}
    assert traces["Hà Tiên"]["y"] == [0.49, None, None, None, 1.0]
    assert traces["An Minh"]["y"] == [0.47, None, None, None, 1.0]
    assert traces["Hà Tiên"]["customdata"][0] == (
        "0,5 cuộc / 100 đoàn viên (2009: 2/24 đơn vị — tạm tính)"
    )


def test_exports_hold_the_exact_figures_with_a_vietnamese_number_format(client, figures):
    client.force_login(figures.reviewer)
    rows = by_unit(csv_rows(compare(client, PER_HUNDRED, export="xep-hang", format="csv"))[1:])
    hatien = rows["Hà Tiên"]
    assert hatien[0] == "1"
    assert Decimal(hatien[2]) == Decimal("0.49")
    assert Decimal(hatien[7]) == Decimal("1.49")
    assert Decimal(hatien[8]) == Decimal("0.51")
    assert Decimal(hatien[9]) == as_in_csv(Decimal(5100) / 49) == Decimal("104.081633")
    assert rows["An Minh"][0] == "3"
    assert Decimal(rows["An Minh"][7]) == Decimal("1.47")

    response = compare(client, PER_HUNDRED, export="xep-hang", format="xlsx")
    values = by_unit(xlsx_rows(response)[1:])
    assert values["Hà Tiên"][0] == 1
    assert values["Hà Tiên"][7] == 1.49
    # The full value, 104,08…%, to the 16 digits openpyxl writes of a double.
    assert values["Hà Tiên"][9] == pytest.approx(float(Decimal(5100) / 49), rel=1e-15)
    assert values["An Minh"][7] == 1.47
    assert values["An Minh"][0] == 3
    sheet = load_workbook(io.BytesIO(response.content)).active
    first = xlsx_header_row(response) + 1
    assert sheet[f"A{first}"].number_format == WHOLE_FORMAT
    assert sheet[f"H{first}"].value == 1.49 and sheet[f"H{first}"].number_format == DECIMAL_FORMAT


def test_change_of_a_rate_is_in_percentage_points(client, figures):
    client.force_login(figures.reviewer)
    params = {"indicator": RATE, **UNITS}
    header, rows = shown_table(compare(client, params), "xep-hang")
    assert "Thay đổi (%)" not in header
    assert header[-2:] == ["Thay đổi năm đầu → năm cuối (cùng đơn vị) (điểm %)", "Ghi chú"]
    hatien = by_unit(rows)["Hà Tiên"]
    assert (hatien[2], hatien[6], hatien[-2]) == ("0,7%", "1,7%", "+1 điểm %")

    exported = by_unit(csv_rows(compare(client, params, export="xep-hang", format="csv"))[1:])
    assert Decimal(exported["Hà Tiên"][-2]) == 1

    # The overview of Hà Tiên says the same.
    response = client.get(reverse("reports:overview"), {"unit": "ha-tien"})
    _header, rows = shown_table(response, "phan-cong-viec")
    rate = next(r for r in rows if r[0].startswith("Tỷ lệ đăng ký"))
    assert rate[-1] == "+1 điểm %"
