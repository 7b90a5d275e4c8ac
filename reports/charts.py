"""Plotly figures for the dashboards, as plain dicts ready for `json_script`.

Pure functions: rows in, figure out; no database here. Every name, title and label passes
through chart_text: plotly reads a little HTML in them, and ours are plain text. Hover texts
are formatted the Vietnamese way (8.964; 1,54 tỷ đồng) and `separators` makes plotly's own
axis ticks do the same. Districts are drawn in blue, branches in orange — the --district and
--branch colours of static/css/app.css — each unit a shade of its group's colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from movements.formatting import format_number, format_value
from movements.sanitise import chart_text

DISTRICT_COLOUR = "#1f77b4"
BRANCH_COLOUR = "#d95f02"
OTHER_COLOUR = "#5c5c5c"
GROUP_COLOURS = {"district": DISTRICT_COLOUR, "branch": BRANCH_COLOUR}
GROUP_LABELS = {
    "district": gettext_lazy("Huyện, thị, thành Đoàn"),
    "branch": pgettext_lazy("peer group", "Đoàn trực thuộc"),
    "grassroots": gettext_lazy("Cơ sở Đoàn"),
    "all": gettext_lazy("Tất cả các nhóm"),
}
TREND_COLOURS = ["#0b5cab", "#1a7f37", "#9a6700", "#6f42c1", "#b42318", "#0e7490"]
MONEY_SCALE = 1_000_000
CELL_LABEL_COLUMNS = 6


@dataclass
class Series:
    """One line of a chart: a name, its peer group (colour) and one value per category."""

    name: str
    values: Sequence[int | Decimal | None]
    group: str | None = None
    extra: dict = field(default_factory=dict)


def shade(colour: str, index: int, count: int) -> str:
    """`colour` mixed with white, lighter for later units of a group (at most 55% white)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    weight = 0.0 if count <= 1 else 0.55 * index / (count - 1)

    def mix(channel: int) -> int:
        return round(channel + (255 - channel) * weight)

    return f"#{mix(red):02x}{mix(green):02x}{mix(blue):02x}"


def _plot_value(value, kind: str) -> float | None:
    """The number plotted: floats (JSON), money in millions of đồng."""
    if value is None:
        return None
    if kind == "money":
        return float(Decimal(value) / MONEY_SCALE)
    return float(value)


def axis_title(kind: str, measure: str) -> str:
    if kind == "money":
        return _("triệu đồng")
    if kind == "ratio":
        return "%"
    return measure


def wrap_title(title: str, width: int = 45) -> str:
    """Long titles on two lines (plotly does not wrap them; phones are narrow): the break goes
    after the last ", " or " — " that keeps the first line within `width` characters.
    The break is " <br>" so that removing "<br>" leaves the plain title."""
    if len(title) <= width:
        return title
    cut = max(title.rfind(", ", 0, width), title.rfind(" — ", 0, width))
    if cut <= 0:
        cut = title.rfind(" ", 0, width)
    if cut <= 0:
        return title
    if title[cut] == ",":
        first, rest = title[: cut + 1], title[cut + 2 :]
    else:
        first, rest = title[:cut], title[cut + 1 :]
    return f"{first} <br>{rest.lstrip()}"


def _layout(title: str, y_title: str, *, x_title: str = "", height: int = 420) -> dict:
    return {
        "title": {
            "text": wrap_title(chart_text(title)),
            "x": 0,
            "xanchor": "left",
            "font": {"size": 15},
        },
        "separators": ",.",
        "font": {"family": "Segoe UI, Roboto, Noto Sans, Arial, sans-serif", "size": 13},
        "height": height,
        "margin": {"l": 60, "r": 16, "t": 70, "b": 40},
        "xaxis": {"type": "category", "title": {"text": chart_text(x_title)}, "automargin": True},
        "yaxis": {
            "title": {"text": chart_text(y_title)},
            "rangemode": "tozero",
            "tickformat": ",~r",
            "automargin": True,
        },
        "legend": {"orientation": "h", "y": -0.15, "yanchor": "top", "x": 0},
        "hoverlabel": {"namelength": -1},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }


def grouped_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    kind: str = "count",
    measure: str = "",
    x_title: str | None = None,
) -> dict:
    """Bars grouped by category (years): one trace per series (unit), coloured by peer group.

    Hover: "<unit> — <year>: <value with its measure word>".
    """
    counts: dict[str | None, int] = {}
    for s in series:
        counts[s.group] = counts.get(s.group, 0) + 1
    seen: dict[str | None, int] = {}
    data = []
    for s in series:
        index = seen.get(s.group, 0)
        seen[s.group] = index + 1
        colour = shade(GROUP_COLOURS.get(s.group, OTHER_COLOUR), index, counts[s.group])
        trace = {
            "type": "bar",
            "name": chart_text(s.name),
            "x": [chart_text(c) for c in categories],
            "y": [_plot_value(v, kind) for v in s.values],
            "customdata": [_figure_text(v, kind, measure) for v in s.values],
            "hovertemplate": "%{fullData.name} — %{x}: %{customdata}<extra></extra>",
            "marker": {"color": colour},
        }
        if s.group in GROUP_LABELS:
            trace["legendgroup"] = s.group
            trace["legendgrouptitle"] = {"text": str(GROUP_LABELS[s.group])}
        data.append(trace)
    if x_title is None:
        x_title = _("Năm")
    layout = _layout(title, axis_title(kind, measure), x_title=x_title, height=460)
    layout["barmode"] = "group"
    layout["legend"]["groupclick"] = "toggleitem"
    return {"data": data, "layout": layout}


def heatmap(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Series],
    *,
    kinds: Sequence[str] | None = None,
    measures: Sequence[str] | None = None,
    normalise: bool = False,
) -> dict:
    """A rows × columns heatmap (units × years, or units × indicators).

    With `normalise`, each column is scaled to its largest value (0–100), so that columns in
    different measures share one colour scale; the hover text always shows the real figure.
    Empty cells (nobody reported, the unit did not exist yet) stay blank and say so.

    No colour bar: plotly.js draws it with an empty style="" attribute, which the strict CSP
    reports as an error. Darker means larger; with few columns each cell shows its figure.
    """
    n = len(columns)
    kinds = list(kinds or ["count"] * n)
    measures = list(measures or [""] * n)
    column_max = []
    for j in range(n):
        present = [float(r.values[j]) for r in rows if r.values[j] is not None]
        column_max.append(max(present) if present else 0.0)
    z, text, labels = [], [], []
    for r in rows:
        z_row, text_row, label_row = [], [], []
        for j, value in enumerate(r.values):
            if value is None:
                z_row.append(None)
                text_row.append(_("không có số liệu"))
                label_row.append("")
                continue
            number = float(value)
            if normalise:
                number = 100 * number / column_max[j] if column_max[j] else 0.0
            elif kinds[j] == "money":
                number = number / MONEY_SCALE
            z_row.append(number)
            text_row.append(_figure_text(value, kinds[j], measures[j]))
            label_row.append(_figure_text(value, kinds[j], ""))
        z.append(z_row)
        text.append(text_row)
        labels.append(label_row)
    data = [
        {
            "type": "heatmap",
            "x": [chart_text(c) for c in columns],
            "y": [chart_text(r.name) for r in rows],
            "z": z,
            "customdata": text,
            "hovertemplate": "%{y} — %{x}: %{customdata}<extra></extra>",
            "colorscale": [[0, "#eef4fb"], [1, "#0b3d91"]],
            "showscale": False,
            "hoverongaps": True,
            "xgap": 1,
            "ygap": 1,
        }
    ]
    if n <= CELL_LABEL_COLUMNS:
        data[0]["text"] = labels
        data[0]["texttemplate"] = "%{text}"
        data[0]["textfont"] = {"size": 11}
    layout = _layout(title, "", height=max(320, 90 + 24 * len(rows)))
    layout["yaxis"] = {"type": "category", "autorange": "reversed", "automargin": True}
    layout["margin"]["l"] = 140
    return {"data": data, "layout": layout}


def trend(
    title: str,
    years: Sequence[int],
    series: Sequence[Series],
    *,
    kind: str = "count",
    measures: Sequence[str] = (),
) -> dict:
    """Year-by-year lines, one per indicator (a section's main indicators).

    Each series carries its measure in `extra["measure"]` for the hover text; the y axis
    names the measure words.
    """
    data = []
    for index, s in enumerate(series):
        measure = s.extra.get("measure", "")
        s_kind = s.extra.get("kind", kind)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": chart_text(s.name),
                "x": [str(y) for y in years],
                "y": [_plot_value(v, s_kind) for v in s.values],
                "customdata": [_figure_text(v, s_kind, measure) for v in s.values],
                "hovertemplate": "%{fullData.name} — %{x}: %{customdata}<extra></extra>",
                "line": {"color": TREND_COLOURS[index % len(TREND_COLOURS)], "width": 3},
                "connectgaps": False,
            }
        )
    y_title = ", ".join(dict.fromkeys(m for m in measures if m))
    return {"data": data, "layout": _layout(title, y_title, x_title=_("Năm"), height=340)}


def years_label(start_year: int, end_year: int) -> str:
    """'2009–2013', or '2012' for a single year."""
    return str(start_year) if start_year == end_year else f"{start_year}–{end_year}"


def _figure_text(value, kind: str, measure: str) -> str:
    """format_value, but averages and per-100 figures keep one decimal: '10,1 cuộc'; as
    chart text (the measure word is typed by staff)."""
    if kind == "count" and isinstance(value, Decimal) and value != value.to_integral_value():
        return chart_text(f"{format_number(value, 1)} {measure}".strip())
    return chart_text(format_value(value, kind, measure))


def against_peers(
    title: str,
    labels: Sequence[str],
    values: Sequence[int | Decimal | None],
    averages: Sequence[int | Decimal | None],
    *,
    kinds: Sequence[str],
    measures: Sequence[str],
    group: str | None = None,
) -> dict:
    """One unit against the average of its peers, indicator by indicator: horizontal bars of
    the unit's figure as a percentage of the peer average (100 = average), so that indicators
    in different measures fit one chart. Indicators without both figures are left out."""
    ys, xs, texts = [], [], []
    for label, value, average, kind, measure in zip(
        labels, values, averages, kinds, measures, strict=True
    ):
        if value is None or not average:
            continue
        ys.append(chart_text(label))
        xs.append(float(Decimal(value) * 100 / Decimal(average)))
        texts.append(
            _("%(value)s; bình quân cùng nhóm %(average)s")
            % {
                "value": _figure_text(value, kind, measure),
                "average": _figure_text(average, kind, measure),
            }
        )
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "name": _("so với bình quân"),
            "x": xs,
            "y": ys,
            "customdata": texts,
            "hovertemplate": "%{y}: %{customdata} (%{x:.1f}%)<extra></extra>",
            "marker": {"color": GROUP_COLOURS.get(group, OTHER_COLOUR)},
        }
    ]
    layout = _layout(title, "", height=max(260, 110 + 34 * len(ys)))
    layout["xaxis"] = {
        "title": {"text": "% " + _("so với bình quân cùng nhóm (100 = bình quân)")},
        "rangemode": "tozero",
        "automargin": True,
    }
    layout["yaxis"] = {"type": "category", "autorange": "reversed", "automargin": True}
    layout["shapes"] = [
        {
            "type": "line",
            "xref": "x",
            "yref": "paper",
            "x0": 100,
            "x1": 100,
            "y0": 0,
            "y1": 1,
            "line": {"color": "#1b1b1b", "dash": "dash", "width": 1},
        }
    ]
    layout["showlegend"] = False
    return {"data": data, "layout": layout}
