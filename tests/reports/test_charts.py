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


POINTS = [
    charts.Point("Hà Tiên", Decimal("10.01"), "district"),
    charts.Point("Công an tỉnh", 7, "branch"),
    charts.Point("Không báo cáo", None, "district"),
    charts.Point("Rạch Giá", Decimal("10.04"), "district"),
    charts.Point("Quân sự tỉnh", 7, "branch"),
    charts.Point("Kiên Hải", 8964, "district"),
]


def axis_labels(figure) -> list[str]:
    return figure["layout"]["yaxis"]["categoryarray"]


def test_ranking_names_every_unit_on_the_axis_largest_first_by_exact_value():
    figure = charts.ranking("Hội nghị, 2012", POINTS, measure="cuộc")
    # 10,04 before 10,01 although both show as "10,0": ordered before rounding; the two sevens
    # keep their order; the unit without a figure is named, last, with no bar.
    assert axis_labels(figure) == [
        "Kiên Hải",
        "Rạch Giá",
        "Hà Tiên",
        "Công an tỉnh",
        "Quân sự tỉnh",
        "Không báo cáo",
    ]
    assert figure["layout"]["yaxis"]["categoryorder"] == "array"
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"  # the first at the top
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    named = [name for t in bars for name in t["y"]]
    assert sorted(named) == sorted(p.name for p in POINTS)  # every unit has its row
    districts = bars[0]
    assert districts["y"] == ["Kiên Hải", "Rạch Giá", "Hà Tiên", "Không báo cáo"]
    assert districts["x"] == [8964.0, 10.04, 10.01, None]  # plotted exactly
    assert districts["text"] == ["8.964", "10,0", "10,0", ""]  # rounded only in labels
    assert districts["customdata"][3] == "không có số liệu"
    assert districts["customdata"][1] == "10,0 cuộc"


def test_ranking_ties_only_units_with_equal_values():
    points = [charts.Point(str(i), Decimal(1) + Decimal(i) / 10**9) for i in range(5)]
    assert [p.name for p in charts.ranked(points)] == ["4", "3", "2", "1", "0"]
    equal = [charts.Point("b", 2), charts.Point("a", Decimal("2.0")), charts.Point("c", 3)]
    assert [p.name for p in charts.ranked(equal)] == ["c", "b", "a"]


def test_ranking_colours_bars_by_group_with_a_legend_of_groups_and_their_references():
    figure = charts.ranking(
        "x",
        POINTS,
        measure="cuộc",
        references={"district": Decimal(27045) / 3, "branch": Decimal(7)},
        reference_label="Bình quân",
    )
    bars = [t for t in figure["data"] if t["type"] == "bar"]
    assert [t["name"] for t in bars] == ["Huyện, thị, thành Đoàn", "Đoàn trực thuộc"]
    assert [t["marker"]["color"] for t in bars] == [charts.DISTRICT_COLOUR, charts.BRANCH_COLOUR]
    lines = [t for t in figure["data"] if t["type"] == "scatter"]
    assert [t["name"] for t in lines] == [
        "Bình quân Huyện, thị, thành Đoàn: 9.015",
        "Bình quân Đoàn trực thuộc: 7",
    ]
    assert lines[0]["x"] == [float(Decimal(27045) / 3)] * 2  # exact, not 9015
    assert [t["line"]["color"] for t in lines] == [charts.DISTRICT_COLOUR, charts.BRANCH_COLOUR]
    assert all(t["line"]["dash"] == "dash" for t in lines)
    assert lines[0]["y"] == ["Kiên Hải", "Không báo cáo"]  # across every row
    legend = figure["layout"]["legend"]
    assert legend["orientation"] == "h" and legend["yref"] == "container"
    # Room for the figures written beside the longest bar.
    assert figure["layout"]["xaxis"]["range"][1] > 8964


def test_ranking_of_small_rates_labels_them_with_two_decimals():
    points = [
        charts.Point("Tân Hiệp", Decimal("0.804"), "district"),
        charts.Point("Quân sự tỉnh", Decimal("0.795"), "branch"),
    ]
    figure = charts.ranking("x", points, references={"branch": Decimal("0.6449")})
    assert [t["text"] for t in figure["data"][:2]] == [["0,80"], ["0,80"]]
    assert axis_labels(figure) == ["Tân Hiệp", "Quân sự tỉnh"]  # 0,804 > 0,795
    assert figure["data"][2]["name"].endswith(": 0,64")
    # Districts first in the legend, whatever unit leads.
    flipped = charts.ranking(
        "x", [charts.Point("Công an tỉnh", 5, "branch"), charts.Point("Rạch Giá", 1, "district")]
    )
    assert [t["name"] for t in flipped["data"]] == ["Huyện, thị, thành Đoàn", "Đoàn trực thuộc"]


def test_ranking_grows_with_the_number_of_units():
    few = charts.ranking("x", POINTS[:2])
    many = charts.ranking("x", [charts.Point(f"U{i}", i, "district") for i in range(40)])
    assert many["layout"]["height"] > few["layout"]["height"]
    assert many["layout"]["height"] >= 24 * 40


def test_money_is_plotted_in_the_unit_of_its_largest_figure_and_hovered_in_words_readers_use():
    points = [
        charts.Point("Rạch Giá", 1_540_000_000, "district"),
        charts.Point("Hà Tiên", 340_000_000, "district"),
    ]
    figure = charts.ranking("Tiền", points, kind="money", measure="đồng")
    assert figure["data"][0]["x"] == [1.54, 0.34]
    assert figure["data"][0]["text"] == ["1,54", "0,34"]
    assert figure["data"][0]["customdata"] == ["1,54 tỷ đồng", "340 triệu đồng"]
    assert figure["layout"]["xaxis"]["title"]["text"] == "tỷ đồng"


def test_money_per_100_members_is_written_in_millions_per_100_members():
    rates = [
        charts.Point("Công an tỉnh", Decimal("12379301.8"), "branch"),
        charts.Point("Rạch Giá", Decimal("950000"), "district"),
    ]
    measure = "đồng / 100 đoàn viên"
    figure = charts.ranking("Tiền", rates, kind=charts.rate_kind("money", True), measure=measure)
    bars = {t["name"]: t for t in figure["data"]}
    assert bars["Đoàn trực thuộc"]["text"] == ["12,38"]
    assert bars["Đoàn trực thuộc"]["customdata"] == ["12,38 triệu đồng / 100 đoàn viên"]
    assert bars["Huyện, thị, thành Đoàn"]["x"] == [0.95]  # the same unit on the whole axis
    assert bars["Huyện, thị, thành Đoàn"]["customdata"] == ["950 nghìn đồng / 100 đoàn viên"]
    assert figure["layout"]["xaxis"]["title"]["text"] == "triệu đồng / 100 đoàn viên"
    # Ranked on the exact figures.
    assert axis_labels(figure) == ["Công an tỉnh", "Rạch Giá"]
    assert charts.rate_kind("count", True) == "count" and charts.rate_kind("ratio", True) == "count"


def test_small_multiples_draw_one_panel_per_unit_on_one_scale():
    figure = charts.small_multiples(
        "Hội nghị theo năm",
        [2009, 2010, 2011],
        UNITS,
        measure="lượt",
        references={"district": [2, None, Decimal("1.5")]},
        reference_label="Bình quân",
        reference_note="Đường chấm xám: bình quân",
    )
    layout = figure["layout"]
    units = [t for t in figure["data"] if t["mode"] == "lines+markers"]
    assert [t["name"] for t in units] == ["Rạch Giá", "Hà Tiên", "Công an tỉnh"]
    assert [t["yaxis"] for t in units] == ["y", "y2", "y3"]
    assert [a["text"] for a in layout["annotations"]] == ["Rạch Giá", "Hà Tiên", "Công an tỉnh"]
    assert layout["annotations"][1]["yref"] == "y2 domain"
    assert layout["yaxis2"]["matches"] == "y" and layout["yaxis3"]["matches"] == "y"
    assert layout["yaxis"]["range"] == [0, 8964 * 1.08]
    assert [t["line"]["color"] for t in units] == [
        charts.DISTRICT_COLOUR,
        charts.DISTRICT_COLOUR,
        charts.BRANCH_COLOUR,
    ]
    assert units[1]["customdata"] == ["1 lượt", "8.964 lượt", "2 lượt"]
    # The districts' reference behind each district, none for the branch.
    references = [t for t in figure["data"] if t["mode"] == "lines"]
    assert [t["yaxis"] for t in references] == ["y", "y2"]
    assert references[0]["y"] == [2.0, None, 1.5]
    assert layout["grid"]["columns"] * layout["grid"]["rows"] >= 3
    assert layout["meta"]["facets"]["count"] == 3
    assert layout["title"]["subtitle"]["text"] == (
        "Đường chấm xám: bình quân <br>Đơn vị tính: lượt"
    )


def test_group_lines_draw_a_line_per_group_in_its_colour():
    series = [
        charts.Series("Huyện", [Decimal("3.1"), None], group="district"),
        charts.Series("Trực thuộc", [Decimal(200) / 3, 5], group="branch"),
    ]
    figure = charts.group_lines("x", [2012, 2013], series, measure="cuộc")
    assert [t["line"]["color"] for t in figure["data"]] == [
        charts.DISTRICT_COLOUR,
        charts.BRANCH_COLOUR,
    ]
    assert figure["data"][1]["y"] == [float(Decimal(200) / 3), 5.0]
    assert figure["data"][1]["customdata"][0] == "66,7 cuộc"
    assert figure["layout"]["xaxis"]["title"]["text"] == "Năm"


def test_hover_texts_and_axis_ticks_use_vietnamese_formats():
    figure = charts.ranking("x", POINTS, measure="lượt")
    assert figure["data"][0]["customdata"][0] == "8.964 lượt"
    assert figure["layout"]["separators"] == ",."
    assert charts.wrap_title("Hội nghị triển khai theo đơn vị và năm, 2009–2013") == (
        "Hội nghị triển khai theo đơn vị và năm, <br>2009–2013"
    )


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
        charts.ranking("x", POINTS, references={"district": 5}, reference_label="Bình quân"),
        charts.small_multiples("x", [2009, 2010, 2011], UNITS, references={"branch": [1, 2, 3]}),
        charts.heatmap("x", [2009, 2010, 2011], UNITS),
        charts.trend("x", [2009, 2010, 2011], UNITS),
        charts.group_lines("x", [2009, 2010, 2011], UNITS),
        charts.peer_range("x", PEER_ROWS, group="branch"),
    ):
        go.Figure(figure)  # raises on any property plotly does not know
        json.dumps(figure)


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
    modules = sorted(Path(charts.__file__).parent.glob("*.py"))
    assert len(modules) > 1, "the chart modules were not found"
    source = "\n".join(m.read_text(encoding="utf-8") for m in modules)
    drawn = {t for t in re.findall(r'"type":\s*"(\w+)"', source) if t in trace_types}
    assert drawn, "no trace type found in reports/charts/"
    assert drawn <= set(TRACES)
    assert set(TRACES) <= bundle_traces((VENDOR / BUNDLE).read_text(encoding="utf-8"))


PEER_ROWS = [
    charts.PeerRange(
        "Hội nghị",
        Decimal("0.75"),
        Decimal("0.5"),
        Decimal("0.6"),
        1,
        "count",
        "cuộc / 100 đoàn viên",
    ),
    charts.PeerRange("Không ai", None, None, None, None),
    charts.PeerRange("Tỷ lệ", Decimal("62.5"), 25, Decimal("62.5"), 100, "ratio"),
    charts.PeerRange("Như nhau", 0, 0, 0, 0),
]


def test_peer_range_places_the_unit_on_its_peers_band_with_the_median():
    figure = charts.peer_range("Rạch Giá trong 15 đơn vị cùng nhóm", PEER_ROWS, group="district")
    band, median, unit = figure["data"]
    assert unit["y"] == ["Hội nghị", "Tỷ lệ", "Như nhau"]  # no figure, no row
    assert figure["layout"]["yaxis"]["categoryarray"] == ["Hội nghị", "Tỷ lệ", "Như nhau"]
    # Each band from its lowest (0) to its highest (1) figure; equal figures in the middle.
    assert unit["x"] == [0.5, 0.5, 0.5]
    assert median["x"] == [float(Decimal("0.1") / Decimal("0.5")), 0.5, 0.5]
    assert band["x"][:3] == [0, 1, None]
    assert unit["marker"]["color"] == charts.DISTRICT_COLOUR
    assert unit["text"] == ["0,8", "62,5%", "0"]
    assert unit["customdata"][0] == (
        "0,8 cuộc / 100 đoàn viên; cùng nhóm: thấp nhất 0,5, trung vị 0,6, cao nhất 1"
    )
    assert figure["layout"]["xaxis"]["ticktext"] == ["thấp nhất", "cao nhất"]


def test_per_hundred_members_keep_their_decimal_in_hover_and_cells():
    series = [charts.Series("Rạch Giá", [Decimal("0.7"), Decimal("1.0")], group="district")]
    lines = charts.small_multiples("x", [2009, 2010], series, measure="cuộc / 100 đoàn viên")
    assert lines["data"][0]["customdata"] == ["0,7 cuộc / 100 đoàn viên", "1 cuộc / 100 đoàn viên"]
    cells = charts.heatmap("x", [2009, 2010], series)
    assert cells["data"][0]["text"] == [["0,7", "1"]]


# --- provisional years ------------------------------------------------------------------------

YEARS = [2010, 2011, 2012, 2013, 2014]
PROVISIONAL = {2011: "20/24", 2014: "6/24"}
LINES = [
    charts.Series("Hội nghị", [1, 2, 3, 4, 5], extra={"measure": "cuộc"}),
    charts.Series("Đêm", [6, None, 8, 9, 10], extra={"measure": "đêm"}),
]

UNITS_OVER_YEARS = [
    charts.Series("Rạch Giá", [3, 4, None, 5, 6], group="district"),
    charts.Series("Công an tỉnh", [5, None, 1, 2, 3], group="branch"),
]


def provisional_parts(figure, name: str) -> tuple[dict, list[dict], dict]:
    """(solid line, dashed pieces, points) of the line `name`."""
    traces = [t for t in figure["data"] if t["name"] == name]
    solid = [t for t in traces if t.get("showlegend", True)]
    dashed = [t for t in traces if t.get("line", {}).get("dash") == "dash"]
    points = [t for t in traces if t["mode"] == "markers"]
    assert len(solid) == 1 and len(points) == 1
    return solid[0], dashed, points[0]


def test_trend_marks_exactly_the_provisional_years():
    figure = charts.trend("Triển khai", YEARS, LINES, provisional=PROVISIONAL)
    for series in LINES:
        solid, dashed, points = provisional_parts(figure, series.name)
        assert solid["mode"] == "lines+markers"
        assert [y is None for y in solid["y"]] == [
            v is None or year in PROVISIONAL for year, v in zip(YEARS, series.values, strict=True)
        ]
        assert solid["hoverinfo"] == "skip"  # the points carry the hover text
        assert [t["x"] for t in dashed] == [["2010", "2011", "2012"], ["2013", "2014"]]
        assert all(t["hoverinfo"] == "skip" and not t["showlegend"] for t in dashed)
        assert points["y"] == [None if v is None else float(v) for v in series.values]
        assert points["marker"]["symbol"] == [
            "circle",
            "circle-open",
            "circle",
            "circle",
            "circle-open",
        ]
        assert points["meta"] == {"provisional": [2011, 2014]}
    _solid, _dashed, points = provisional_parts(figure, "Hội nghị")
    assert points["customdata"] == [
        "1 cuộc",
        "2 cuộc (2011: 20/24 đơn vị — tạm tính)",
        "3 cuộc",
        "4 cuộc",
        "5 cuộc (2014: 6/24 đơn vị — tạm tính)",
    ]
    layout = figure["layout"]
    assert layout["xaxis"]["ticktext"] == [
        "2010",
        "2011<br>(tạm tính)",
        "2012",
        "2013",
        "2014<br>(tạm tính)",
    ]
    # Each note above its year's place: the category's index on the axis.
    notes = [(a["x"], a["text"]) for a in layout["annotations"]]
    assert notes == [
        (1, "2011: 20/24 đơn vị — tạm tính"),
        (4, "2014: 6/24 đơn vị — tạm tính"),
    ]
    legend = [t["name"] for t in figure["data"] if t.get("showlegend", True)]
    assert legend == ["Hội nghị", "Đêm"]  # one entry a line, its pieces grouped with it
    assert go.Figure(figure)  # plotly's own schema accepts it


def test_without_provisional_years_the_charts_are_unchanged():
    for provisional in (None, {}, {2009: "1/24"}):  # 2009 is not among the years drawn
        assert charts.trend("t", YEARS, LINES, provisional=provisional) == charts.trend(
            "t", YEARS, LINES
        )
        assert charts.group_lines("t", YEARS, LINES, provisional=provisional) == (
            charts.group_lines("t", YEARS, LINES)
        )
        assert charts.heatmap("t", YEARS, LINES, provisional=provisional) == charts.heatmap(
            "t", YEARS, LINES
        )
        assert charts.small_multiples("t", YEARS, LINES, provisional=provisional) == (
            charts.small_multiples("t", YEARS, LINES)
        )


def test_group_lines_mark_the_provisional_years_of_each_group():
    series = [
        charts.Series("Huyện", [1, 2, 3, 4, 5], group="district"),
        charts.Series("Trực thuộc", [5, 4, 3, 2, 1], group="branch"),
    ]
    figure = charts.group_lines("Nhóm", YEARS, series, provisional={2014: "6/24"})
    for s in series:
        solid, dashed, points = provisional_parts(figure, s.name)
        assert solid["y"][-1] is None and solid["y"][:-1] == [float(v) for v in s.values[:-1]]
        assert [t["x"] for t in dashed] == [["2013", "2014"]]
        assert points["marker"]["symbol"][-1] == "circle-open"
        assert points["marker"]["symbol"][:-1] == ["circle"] * 4
        assert dashed[0]["line"]["color"] == charts.GROUP_COLOURS[s.group]
    assert [a["text"] for a in figure["layout"]["annotations"]] == ["2014: 6/24 đơn vị — tạm tính"]
    assert go.Figure(figure)


def test_small_multiples_dash_the_provisional_year_in_every_panel_and_say_so_once():
    figure = charts.small_multiples(
        "Từng đơn vị",
        YEARS,
        UNITS_OVER_YEARS,
        references={"district": [1, 1, 1, 1, 1]},
        reference_label="Bình quân",
        reference_note="Đường chấm xám: bình quân",
        provisional={2014: "6/24"},
    )
    for index, unit in enumerate(UNITS_OVER_YEARS, start=1):
        axis = "x" if index == 1 else f"x{index}"
        solid, dashed, points = provisional_parts(figure, unit.name)
        assert {solid["xaxis"], points["xaxis"], *(t["xaxis"] for t in dashed)} == {axis}
        assert [t["x"] for t in dashed] == [["2013", "2014"]]
        assert points["marker"]["symbol"] == ["circle"] * 4 + ["circle-open"]
    subtitle = figure["layout"]["title"]["subtitle"]["text"]
    assert subtitle == (
        "Đường chấm xám: bình quân <br>"
        "Nét đứt, điểm rỗng: số liệu tạm tính (2014: 6/24 đơn vị — tạm tính)"
    )
    # The lines under the title are given their room, which charts.js keeps on resizing.
    plain = charts.small_multiples("Từng đơn vị", YEARS, UNITS_OVER_YEARS[:1])
    facets, rows = figure["layout"]["meta"]["facets"], figure["layout"]["grid"]["rows"]
    assert figure["layout"]["margin"]["t"] > plain["layout"]["margin"]["t"]
    assert figure["layout"]["height"] == facets["extra"] + rows * facets["panel_height"]
    assert facets["extra"] > plain["layout"]["meta"]["facets"]["extra"]
    assert go.Figure(figure)


def test_heatmap_labels_the_provisional_years_column_and_its_cells():
    figure = charts.heatmap("Nhiệt", YEARS, UNITS_OVER_YEARS, provisional={2014: "6/24"})
    trace = figure["data"][0]
    assert trace["x"] == ["2010", "2011", "2012", "2013", "2014 (tạm tính)"]
    assert trace["customdata"][0][-1] == "6 — 2014: 6/24 đơn vị — tạm tính"
    assert trace["customdata"][0][-2] == "5"
    assert trace["customdata"][0][2] == "không có số liệu"
    assert go.Figure(figure)


def test_provisional_years_are_the_years_not_complete_with_their_counts():
    from reports.selectors import YearCoverage

    coverage = {
        2012: YearCoverage(2012, due=24, counted=24),
        2013: YearCoverage(2013, due=1500, counted=1234),
        2014: YearCoverage(2014, due=24, counted=0),
        2015: YearCoverage(2015, due=0, counted=0),  # nobody due: nothing to wait for
    }
    assert charts.provisional_years(coverage) == {2013: "1.234/1.500", 2014: "0/24"}


def test_year_columns_are_headed_provisional_exactly_where_a_year_is():
    from reports.tables.pages import stage_header, year_header

    provisional = {2014: "6/24"}
    assert year_header(2014, provisional) == "2014 (tạm tính, 6/24)"
    assert year_header(2013, provisional) == "2013"
    assert year_header(2014, None) == "2014"
    assert stage_header([2013, 2014], provisional) == "Cả giai đoạn — tạm tính"
    assert stage_header([2012, 2013], provisional) == "Cả giai đoạn"
    assert stage_header([2013, 2014], provisional, "Toàn tỉnh") == "Toàn tỉnh — tạm tính"
