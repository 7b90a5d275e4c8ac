"""The charts' text fitted to their width (reports/charts/layout.py) and the heatmap's values and
colour scale, without a database: rows in, figure dict out. The browser test of the same
(tests/browser/test_chart_text_browser.py) measures the drawn text."""

from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go

from reports import charts
from reports.charts.layout import NARROW, TITLE_SIZE, WIDE, fits, wrap

LONG_TITLE = (
    "Có chứng chỉ ngoại ngữ, tin học trên 100 đoàn viên, theo nhóm đơn vị, Kiên Giang, "
    "2009–2013 (tính cả báo cáo chờ duyệt)"
)
YEARS = [2009, 2010, 2011]
UNITS = [
    charts.Series("Rạch Giá", [3, 4, None], group="district"),
    charts.Series("Hà Tiên", [1, 8964, 2], group="district"),
]


def lines(text: str) -> list[str]:
    return text.split(" <br>")


def test_wrap_keeps_every_line_within_its_width_and_every_word():
    text = "Trách nhiệm với công việc: các chỉ tiêu theo đơn vị, 2009–2013"
    for width in (10, 20, 45):
        wrapped = wrap(text, width)
        assert all(len(line) <= width for line in wrapped)
        assert " ".join(wrapped) == text
    assert wrap("Siêu-dài-không-có-dấu-cách", 8) == ["Siêu-dài-không-có-dấu-cách"]


def test_a_long_title_is_wrapped_shorter_on_a_phone_and_the_top_margin_holds_it():
    figure = charts.group_lines(LONG_TITLE, YEARS, UNITS, measure="cán bộ, công chức")
    layout = figure["layout"]
    narrow = layout["meta"]["narrow"]
    assert narrow["below"] == WIDE
    wide_lines = lines(layout["title"]["text"])
    narrow_lines = lines(narrow["layout"]["title"]["text"])
    assert all(len(line) <= fits(WIDE, TITLE_SIZE) for line in wide_lines)
    assert all(len(line) <= fits(NARROW, TITLE_SIZE) for line in narrow_lines)
    assert len(narrow_lines) > len(wide_lines) > 1
    assert " ".join(narrow_lines) == LONG_TITLE
    # More lines, more room above the plot, and the plot keeps its height.
    top, narrow_top = layout["margin"]["t"], narrow["layout"]["margin"]["t"]
    assert narrow_top > top
    assert narrow["layout"]["height"] - narrow_top == layout["height"] - top
    short = charts.group_lines("Ngắn", YEARS, UNITS)
    assert short["layout"]["margin"]["t"] < top
    assert go.Figure(figure)


def test_a_long_y_axis_title_is_wrapped_to_the_plots_height():
    measure = "cán bộ, công chức được cấp chứng chỉ / 100 đoàn viên"
    figure = charts.group_lines("Nhóm", YEARS, UNITS, measure=measure)
    y_title = figure["layout"]["yaxis"]["title"]["text"]
    assert len(lines(y_title)) == 2
    assert " ".join(lines(y_title)) == measure


def test_the_small_multiples_note_is_given_room_above_the_panel_titles():
    plain = charts.small_multiples("Từng đơn vị", YEARS, UNITS)
    noted = charts.small_multiples(
        "Từng đơn vị",
        YEARS,
        UNITS,
        references={"district": [1, 2, 3]},
        reference_label="Bình quân",
        reference_note="Đường chấm xám: bình quân một đơn vị của nhóm",
    )
    for figure in (plain, noted):
        layout = figure["layout"]
        assert layout["title"]["yanchor"] == "top" and layout["title"]["yref"] == "container"
        # The panel titles stand on the panels' tops, under the top margin.
        assert {a["yanchor"] for a in layout["annotations"]} == {"bottom"}
    assert noted["layout"]["margin"]["t"] > plain["layout"]["margin"]["t"]
    narrow = noted["layout"]["meta"]["narrow"]["layout"]
    assert (
        narrow["meta"]["facets"]["extra"]
        == narrow["height"]
        - noted["layout"]["grid"]["rows"] * noted["layout"]["meta"]["facets"]["panel_height"]
    )


def test_ranking_leaves_room_for_the_figure_beside_the_longest_bar_on_a_phone():
    points = [charts.Point("Rạch Giá", 8964, "district"), charts.Point("Hà Tiên", 10, "district")]
    figure = charts.ranking("Xếp hạng", points)
    wide_end = figure["layout"]["xaxis"]["range"][1]
    narrow_end = figure["layout"]["meta"]["narrow"]["layout"]["xaxis"]["range"][1]
    assert narrow_end > wide_end > 8964


def test_heatmap_writes_its_figures_in_the_cells_and_draws_its_colour_scale():
    figure = charts.heatmap("Nhiệt", YEARS, UNITS, kinds=["count"] * 3, measures=["lượt"] * 3)
    cells, scale = figure["data"]
    assert cells["texttemplate"] == "%{text}"
    assert cells["text"] == [["3", "4", ""], ["1", "8.964", "2"]]
    assert cells["customdata"][1][1] == "8.964 lượt"
    # The scale: a one-row heatmap on its own axes over the cells, with the cells' colours
    # and range, titled with the unit.
    assert (scale["xaxis"], scale["yaxis"]) == ("x2", "y2")
    assert scale["colorscale"] == cells["colorscale"]
    assert (scale["zmin"], scale["zmax"]) == (cells["zmin"], cells["zmax"]) == (0.0, 8964.0)
    assert scale["z"][0][0] == 0.0 and scale["z"][0][-1] == 8964.0
    layout = figure["layout"]
    assert layout["yaxis2"]["domain"][0] > layout["yaxis"]["domain"][1]
    assert [a["text"] for a in layout["annotations"]] == ["Màu: lượt"]
    assert go.Figure(figure)


def test_a_normalised_heatmap_says_its_scale_is_relative_and_money_headers_say_their_unit():
    rows = [
        charts.Series("Rạch Giá", [4, 2_500_000]),
        charts.Series("Hà Tiên", [2, 10_000_000]),
    ]
    figure = charts.heatmap(
        "Phần",
        ["Hội nghị", "Tiền gây quỹ"],
        rows,
        kinds=["count", "money"],
        measures=["cuộc", "đồng"],
        normalise=True,
    )
    cells = figure["data"][0]
    assert cells["x"] == ["Hội nghị", "Tiền gây quỹ (triệu đồng)"]
    assert cells["z"] == [[100.0, 25.0], [50.0, 100.0]]
    assert cells["text"] == [["4", "2,5"], ["2", "10"]]
    assert cells["customdata"][0][1] == "2,5 triệu đồng"
    assert figure["layout"]["xaxis2"]["ticksuffix"] == "%"
    assert "cao nhất" in figure["layout"]["annotations"][0]["text"]


def test_a_heatmap_of_many_columns_stands_its_headers_upright_and_scrolls_on_a_phone():
    columns = [f"Chỉ tiêu số {i} có tên dài" for i in range(25)]
    rows = [charts.Series("Rạch Giá", [Decimal(10_000 + i) for i in range(25)])]
    figure = charts.heatmap("Cả phần", columns, rows, normalise=True)
    narrow = figure["layout"]["meta"]["narrow"]
    assert narrow["layout"]["xaxis"]["tickangle"] == -90
    assert narrow["layout"]["width"] > NARROW
    # Too narrow for the figures: the hover text keeps them.
    assert narrow["data"][0]["texttemplate"] == ""
