"""Chart functions without a database: rows in, plotly figure dict out."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import plotly.graph_objects as go
from django.conf import settings
from plotly.basedatatypes import BaseTraceType

from reports import charts
from reports.management.commands.vendor_plotly import (
    BUNDLE,
    LOCALE,
    SOURCE,
    TRACES,
    bundle_traces,
    extract_css,
    extract_injected_css,
    plotly_js_version,
)

UNITS = [
    charts.Series("Rạch Giá", [3, 4, None], group="district"),
    charts.Series("Hà Tiên", [1, 8964, 2], group="district"),
    charts.Series("Công an tỉnh", [5, None, 1], group="branch"),
]


def test_grouped_bars_has_one_trace_per_unit_coloured_by_peer_group():
    figure = charts.grouped_bars("Hội nghị, 2009–2011", [2009, 2010, 2011], UNITS, measure="cuộc")
    traces = figure["data"]
    assert [t["name"] for t in traces] == ["Rạch Giá", "Hà Tiên", "Công an tỉnh"]
    assert all(t["type"] == "bar" for t in traces)
    assert traces[0]["x"] == ["2009", "2010", "2011"]
    assert traces[0]["marker"]["color"] == charts.DISTRICT_COLOUR
    assert traces[1]["marker"]["color"] != charts.DISTRICT_COLOUR  # a lighter shade
    assert traces[2]["marker"]["color"] == charts.BRANCH_COLOUR
    assert [t["legendgroup"] for t in traces] == ["district", "district", "branch"]
    assert figure["layout"]["barmode"] == "group"
    assert figure["layout"]["title"]["text"] == "Hội nghị, 2009–2011"
    long = charts.grouped_bars("Hội nghị triển khai theo đơn vị và năm, 2009–2013", [], [])
    assert long["layout"]["title"]["text"] == (
        "Hội nghị triển khai theo đơn vị và năm, <br>2009–2013"
    )
    assert figure["layout"]["yaxis"]["title"]["text"] == "cuộc"


def test_hover_texts_and_axis_ticks_use_vietnamese_formats():
    figure = charts.grouped_bars("x", [2009, 2010, 2011], UNITS, measure="lượt")
    assert figure["data"][1]["customdata"] == ["1 lượt", "8.964 lượt", "2 lượt"]
    assert figure["data"][0]["customdata"][2] == "–"
    assert figure["data"][0]["y"] == [3.0, 4.0, None]
    assert figure["layout"]["separators"] == ",."


def test_money_is_plotted_in_millions_and_hovered_in_words_readers_use():
    series = [charts.Series("Rạch Giá", [1_540_000_000], group="district")]
    figure = charts.grouped_bars("Tiền", [2012], series, kind="money", measure="đồng")
    assert figure["data"][0]["y"] == [1540.0]
    assert figure["data"][0]["customdata"] == ["1,54 tỷ đồng"]
    assert figure["layout"]["yaxis"]["title"]["text"] == "triệu đồng"


def test_heatmap_leaves_missing_cells_blank_and_says_so():
    figure = charts.heatmap("Bản đồ nhiệt", [2009, 2010, 2011], UNITS)
    trace = figure["data"][0]
    assert trace["y"] == ["Rạch Giá", "Hà Tiên", "Công an tỉnh"]
    assert trace["z"][0] == [3.0, 4.0, None]
    assert trace["customdata"][0][2] == "không có số liệu"
    assert trace["text"][1][1] == "8.964"
    assert trace["showscale"] is False  # plotly's colour bar sets style="" (blocked by CSP)


def test_normalised_heatmap_scales_each_column_to_its_largest_value():
    rows = [
        charts.Series("A", [50, Decimal("97.5")]),
        charts.Series("B", [100, Decimal("50")]),
    ]
    figure = charts.heatmap(
        "x", ["Hội nghị", "Tỷ lệ"], rows, kinds=["count", "ratio"], normalise=True
    )
    trace = figure["data"][0]
    # Plotted exactly (5000 / 97.5), not rounded to 51.3.
    assert trace["z"] == [[50.0, 100.0], [100.0, 100 * 50 / 97.5]]
    assert trace["customdata"][0][1] == "97,5%"


def test_trend_draws_one_line_per_indicator_with_measures():
    series = [
        charts.Series("Hội thảo", [1, 2], extra={"measure": "cuộc"}),
        charts.Series("Nhà", [3, None], extra={"measure": "căn"}),
    ]
    figure = charts.trend("Xu hướng", [2009, 2010], series, measures=["cuộc", "căn"])
    assert [t["mode"] for t in figure["data"]] == ["lines+markers"] * 2
    assert figure["data"][1]["customdata"] == ["3 căn", "–"]
    assert figure["layout"]["yaxis"]["title"]["text"] == "cuộc, căn"


def test_figures_are_valid_plotly_and_json():
    for figure in (
        charts.grouped_bars("x", [2009, 2010, 2011], UNITS),
        charts.heatmap("x", [2009, 2010, 2011], UNITS),
        charts.trend("x", [2009, 2010, 2011], UNITS),
    ):
        go.Figure(figure)  # raises on any property plotly does not know
        json.dumps(figure)


def test_shades_stay_within_the_group_colour_towards_white():
    assert charts.shade("#1f77b4", 0, 3) == "#1f77b4"
    assert charts.shade("#000000", 2, 3) == "#8c8c8c"
    assert charts.years_label(2009, 2013) == "2009–2013"
    assert charts.years_label(2012, 2012) == "2012"


VENDOR = Path(settings.BASE_DIR) / "static" / "vendor" / "plotly"


def test_vendored_plotly_bundle_is_the_installed_wheels_version_with_its_css():
    bundle = (VENDOR / BUNDLE).read_text(encoding="utf-8")
    wheel = SOURCE.read_text(encoding="utf-8")
    assert plotly_js_version(bundle) == plotly_js_version(wheel)
    assert "(cartesian - minified)" in bundle[:300]
    assert not (VENDOR / "plotly.min.js").exists()  # the full bundle is not served any more
    css = (VENDOR / "plotly.css").read_text(encoding="utf-8")
    assert extract_css(bundle) in css
    assets = Path(settings.BASE_DIR) / "templates" / "reports" / "_chart_assets.html"
    assert extract_injected_css(bundle)[0] in assets.read_text(encoding="utf-8")
    scripts = Path(settings.BASE_DIR) / "templates" / "reports" / "_chart_scripts.html"
    assert f"vendor/plotly/{BUNDLE}" in scripts.read_text(encoding="utf-8")


def test_every_trace_type_the_charts_draw_is_in_the_vendored_bundle():
    trace_types = {
        name.lower()
        for name in dir(go)
        if isinstance(getattr(go, name), type) and issubclass(getattr(go, name), BaseTraceType)
    }
    source = Path(charts.__file__).read_text(encoding="utf-8")
    drawn = {t for t in re.findall(r'"type":\s*"(\w+)"', source) if t in trace_types}
    assert drawn, "no trace type found in reports/charts.py"
    assert drawn <= set(TRACES)
    assert set(TRACES) <= bundle_traces((VENDOR / BUNDLE).read_text(encoding="utf-8"))


def test_vendored_vietnamese_locale_registers_itself_with_plotly():
    locale = (VENDOR / LOCALE).read_text(encoding="utf-8")
    assert plotly_js_version(locale) == plotly_js_version(SOURCE.read_text(encoding="utf-8"))
    assert "name: 'vi'" in locale
    assert "Plotly.register(locale)" in locale
    assert "module.exports" not in locale


def test_against_peers_shows_the_unit_as_a_percentage_of_the_peer_average():
    figure = charts.against_peers(
        "Giang Thành so với bình quân",
        ["Hội nghị", "Tiền", "Không ai"],
        [4, 2_000_000_000, None],
        [Decimal("10.1"), 1_000_000_000, 5],
        kinds=["count", "money", "count"],
        measures=["cuộc", "đồng", "cuộc"],
        group="district",
    )
    trace = figure["data"][0]
    assert trace["y"] == ["Hội nghị", "Tiền"]
    assert trace["x"] == [float(Decimal(400) / Decimal("10.1")), 200.0]  # 39.60…, unrounded
    assert trace["customdata"][0] == "4 cuộc; bình quân cùng nhóm 10,1 cuộc"
    assert trace["customdata"][1] == "2 tỷ đồng; bình quân cùng nhóm 1 tỷ đồng"
    assert trace["marker"]["color"] == charts.DISTRICT_COLOUR
    assert figure["layout"]["shapes"][0]["x0"] == 100
    go.Figure(figure)


def test_per_hundred_members_keep_their_decimal_in_hover_and_cells():
    series = [charts.Series("Rạch Giá", [Decimal("0.7"), Decimal("1.0")], group="district")]
    bars = charts.grouped_bars("x", [2009, 2010], series, measure="cuộc / 100 đoàn viên")
    assert bars["data"][0]["customdata"] == ["0,7 cuộc / 100 đoàn viên", "1 cuộc / 100 đoàn viên"]
    cells = charts.heatmap("x", [2009, 2010], series)
    assert cells["data"][0]["text"] == [["0,7", "1"]]
