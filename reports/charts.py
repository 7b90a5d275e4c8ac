"""Plotly figures for the dashboards, as plain dicts ready for `json_script`.

Pure functions: rows in, figure out; no database here. Every name, title and label passes
through chart_text: plotly reads a little HTML in them, and ours are plain text. Hover texts
are formatted the Vietnamese way (8.964; 1,54 tỷ đồng) and `separators` makes plotly's own
axis ticks do the same. Districts are drawn in blue, branches in orange — the --district and
--branch colours of static/css/app.css — one colour per group, never a shade per unit.

Which chart for which question (about 25 units, up to a handful of years):
- Units on one figure (one year, or the whole stage): `ranking`, a horizontal bar per unit
  sorted by the exact value, every unit named on the y axis, its group's colour, and each
  group's reference (average per unit, or the group's pooled rate) as a labelled dashed line.
  Grouped bars of units × years (120 bars in 24 shades) could not be read.
- Units over the years: `small_multiples`, one small line per unit on a shared y scale, in
  the ranking's order, each beside its group's reference. A slope chart (first → last year)
  was rejected: with 24 units its end labels collide, and it hides the years between.
  charts.js lays the panels out in 2 to 6 columns by the width of the screen.
- Units × years as colours: `heatmap`, rows in the caller's order (the ranking's).
- The groups over the years: `group_lines`, one line per group.
- One unit among its peers: `peer_range`, per indicator the unit's rate per 100 members (a
  ratio as itself) as a dot on its peers' min–max band, the peer median marked; the band is
  scaled per indicator, since measures differ, and the hover text gives the real figures.
  Comparing totals with the peers' average mostly compared sizes.

A year whose units due have not all reported (`provisional`: {year: "6/24"}, units counted of
units due) is drawn as provisional on every chart over the years: its point an open marker,
the line into and out of it dashed, its tick label "2014 (tạm tính)", and a note above it
"2014: 6/24 đơn vị — tạm tính"; on a heatmap its column is labelled so and its cells say so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from movements.formatting import format_number, format_value
from movements.models import PeerGroup
from movements.sanitise import chart_text

DISTRICT_COLOUR = "#1f77b4"
BRANCH_COLOUR = "#d95f02"
OTHER_COLOUR = "#5c5c5c"
GROUP_COLOURS = {PeerGroup.DISTRICT: DISTRICT_COLOUR, PeerGroup.BRANCH: BRANCH_COLOUR}
# For text: the orange darkened to a contrast of 4.5:1 on white (--branch-text).
GROUP_TEXT_COLOURS = {PeerGroup.DISTRICT: DISTRICT_COLOUR, PeerGroup.BRANCH: "#b34d00"}
# The peer groups' names, and the row of all groups together.
GROUP_LABELS = {**dict(PeerGroup.choices), "all": gettext_lazy("Tất cả các nhóm")}
TREND_COLOURS = ["#0b5cab", "#1a7f37", "#9a6700", "#6f42c1", "#b42318", "#0e7490"]
MONEY_SCALE = 1_000_000
CELL_LABEL_COLUMNS = 6
PROVISIONAL_COLOUR = "#7a4b00"  # the notes of provisional years: dark amber, 4.5:1 on white
NOTE_LINE = 30  # pixels a line of notes under a title takes

Provisional = Mapping[int, str]  # {year: "6/24"}: the years not complete, units counted/due


def provisional_years(coverage: Mapping) -> dict[int, str]:
    """{year: "6/24"} for the years of `coverage` ({year: selectors.YearCoverage}) whose units
    due are not all counted: what the charts and tables take as `provisional`."""
    return {
        year: f"{format_number(c.counted)}/{format_number(c.due)}"
        for year, c in coverage.items()
        if not c.complete
    }


@dataclass
class Series:
    """One line of a chart: a name, its peer group (colour) and one value per category."""

    name: str
    values: Sequence[int | Decimal | None]
    group: str | None = None
    extra: dict = field(default_factory=dict)


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
        # No zoom or pan: on a phone a swipe over a chart must scroll the page.
        "xaxis": {
            "type": "category",
            "title": {"text": chart_text(x_title)},
            "automargin": True,
            "fixedrange": True,
        },
        "yaxis": {
            "title": {"text": chart_text(y_title)},
            "rangemode": "tozero",
            "tickformat": ",~r",
            "automargin": True,
            "fixedrange": True,
        },
        # At the foot of the figure (yref "container"): plotly reserves the margin it takes,
        # so that it never meets the x axis title, at any width; a short legend wraps.
        "legend": {
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
        },
        "hoverlabel": {"namelength": -1},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }


@dataclass
class Point:
    """One unit's figure on a ranking: its name, its value and its peer group (colour)."""

    name: str
    value: int | Decimal | None
    group: str | None = None


def ranked(points: Sequence[Point]) -> list[Point]:
    """Largest first by the exact value; equal values keep their given order; units without
    a figure last."""
    present = [p for p in points if p.value is not None]
    missing = [p for p in points if p.value is None]
    return sorted(present, key=lambda p: Decimal(p.value), reverse=True) + missing


def ranking(
    title: str,
    points: Sequence[Point],
    *,
    kind: str = "count",
    measure: str = "",
    references: Mapping[str, int | Decimal | None] | None = None,
    reference_label: str = "",
) -> dict:
    """Every unit's figure as a horizontal bar, largest at the top, each unit named on the y
    axis (a unit without a figure is named too, with no bar); one trace per peer group, so the
    legend holds the groups only. `references`: {group: figure} (e.g. the group's average per
    unit) drawn as a dashed line in the group's colour and named in the legend as
    "<reference_label> <group>: <figure>". Bars carry their rounded figure; plotted exactly."""
    order = ranked(points)
    names = [chart_text(p.name) for p in order]
    data = []
    known = list(GROUP_COLOURS)
    groups = sorted(
        dict.fromkeys(p.group for p in order),
        key=lambda g: known.index(g) if g in known else len(known),
    )
    # Small rates (per 100 members, under 10) keep two decimals, so that labels that differ
    # are seen to differ; the order comes from the exact values anyway.
    small = all(abs(p.value) < 10 for p in order if p.value is not None)
    decimals = 2 if small else 1
    for group in groups:
        members = [p for p in order if p.group == group]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": str(GROUP_LABELS.get(group, _("Đơn vị"))),
                "legendgroup": str(group),
                "y": [chart_text(p.name) for p in members],
                "x": [_plot_value(p.value, kind) for p in members],
                "text": [
                    _figure_text(p.value, kind, "", decimals) if p.value is not None else ""
                    for p in members
                ],
                "textposition": "outside",
                "cliponaxis": False,
                "customdata": [
                    _figure_text(p.value, kind, measure, decimals)
                    if p.value is not None
                    else _("không có số liệu")
                    for p in members
                ],
                "hovertemplate": "%{y}: %{customdata}<extra></extra>",
                "marker": {"color": GROUP_COLOURS.get(group, OTHER_COLOUR)},
            }
        )
    lines = []
    for group, value in (references or {}).items():
        if value is None or group not in groups:
            continue
        x = _plot_value(value, kind)
        lines.append(x)
        colour = GROUP_COLOURS.get(group, OTHER_COLOUR)
        # A dashed line across the bars, named in the legend with its figure.
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": chart_text(
                    f"{reference_label} {GROUP_LABELS.get(group, group)}: "
                    f"{_figure_text(value, kind, '', decimals)}".strip()
                ),
                "legendgroup": str(group),
                "x": [x, x],
                "y": [names[0], names[-1]],
                "line": {"color": colour, "dash": "dash", "width": 2},
                "hoverinfo": "skip",
            }
        )
    present = [_plot_value(p.value, kind) for p in order if p.value is not None]
    top = max([*present, *lines, 0.0])
    layout = _layout(title, "", height=max(260, 150 + 24 * len(order)))
    layout["barmode"] = "overlay"
    layout["bargap"] = 0.25
    layout["xaxis"] = {
        "title": {"text": chart_text(axis_title(kind, measure))},
        # Room for the figures written beside the longest bar.
        "range": [0, top * 1.18 if top > 0 else 1],
        "tickformat": ",~r",
        "automargin": True,
        "fixedrange": True,
        "side": "bottom",
    }
    layout["yaxis"] = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": names,
        "autorange": "reversed",
        "automargin": True,
        "fixedrange": True,
        "tickfont": {"size": 12},
    }
    layout["showlegend"] = len(data) > 1
    return {"data": data, "layout": layout}


def small_multiples(
    title: str,
    years: Sequence[int],
    series: Sequence[Series],
    *,
    kind: str = "count",
    measure: str = "",
    references: Mapping[str, Sequence[int | Decimal | None]] | None = None,
    reference_label: str = "",
    reference_note: str = "",
    columns: int = 6,
    panel_height: int = 110,
    provisional: Provisional | None = None,
) -> dict:
    """One small line chart per unit, in the given order (the ranking's), all on one y scale,
    each titled with the unit's name; `references` {group: a value per year} adds the group's
    line, grey and dotted, behind each unit (`reference_note`, under the title, says what it
    is). A grid of `columns` columns; charts.js changes the number of columns to fit the screen
    (layout.meta.facets says how). The `provisional` years are dashed in every panel, and the
    note under the title says which they are (the panels are too small for a note each)."""
    count = len(series)
    rows = max(1, math.ceil(count / columns))
    xs = [str(y) for y in years]
    data, annotations = [], []
    layout = _layout(title, "", height=140 + rows * panel_height)
    layout["showlegend"] = False
    layout["grid"] = {
        "rows": rows,
        "columns": columns,
        "pattern": "independent",
        "xgap": 0.12,
        "ygap": 0.45,
    }
    top = 0.0
    for index, s in enumerate(series, start=1):
        suffix = "" if index == 1 else str(index)
        colour = GROUP_COLOURS.get(s.group, OTHER_COLOUR)
        reference = (references or {}).get(s.group)
        if reference is not None:
            data.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": chart_text(
                        f"{reference_label} {GROUP_LABELS.get(s.group, '')}".strip()
                    ),
                    "x": xs,
                    "y": [_plot_value(v, kind) for v in reference],
                    "xaxis": f"x{suffix}",
                    "yaxis": f"y{suffix}",
                    "line": {"color": "#9a9a9a", "dash": "dot", "width": 1.5},
                    "customdata": [_figure_text(v, kind, measure) for v in reference],
                    "hovertemplate": "%{fullData.name} — %{x}: %{customdata}<extra></extra>",
                    "connectgaps": False,
                }
            )
            top = max([top, *(_plot_value(v, kind) for v in reference if v is not None)])
        line = _line(
            s.name, years, s.values, kind=kind, measure=measure, colour=colour, width=2.5, marker=5
        )
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        data += [trace | axes for trace in _provisional_lines(line, years, provisional)]
        top = max([top, *(_plot_value(v, kind) for v in s.values if v is not None)])
        layout[f"xaxis{suffix}"] = {
            "type": "category",
            "matches": "x" if suffix else None,
            "tickvals": [xs[0], xs[-1]] if xs else [],
            "tickfont": {"size": 10},
            "fixedrange": True,
            "showgrid": False,
        }
        layout[f"yaxis{suffix}"] = {
            "matches": "y" if suffix else None,
            "range": None,
            "nticks": 3,
            "tickformat": ",~s" if top >= 10_000 else ",~r",
            "tickfont": {"size": 10},
            "fixedrange": True,
            "rangemode": "tozero",
        }
        annotations.append(
            {
                "text": chart_text(s.name),
                "xref": f"x{suffix} domain",
                "yref": f"y{suffix} domain",
                "x": 0,
                "y": 1,
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 12, "color": GROUP_TEXT_COLOURS.get(s.group, OTHER_COLOUR)},
            }
        )
    for key, axis in list(layout.items()):
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            layout[key] = {k: v for k, v in axis.items() if v is not None}
    # One y scale for all: the first axis fixes it, the others match it.
    layout["yaxis"]["range"] = [0, top * 1.08 if top > 0 else 1]
    layout["meta"] = {"facets": {"count": count, "panel_height": panel_height, "extra": 140}}
    notes = [reference_note] if references and reference_note else []
    if any(y in (provisional or {}) for y in years):
        notes.append(provisional_note(years, provisional))
    if notes:
        layout["title"]["subtitle"] = {"text": " <br>".join(chart_text(n) for n in notes)}
        # From the top of the figure down (else plotly centres the title and its notes in the
        # top margin, where the first row's unit names lie).
        layout["title"] |= {"yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 30}}
        layout["meta"]["facets"]["extra"] += NOTE_LINE * (len(notes) - 1)
    layout["annotations"] = annotations
    more = NOTE_LINE * (len(notes) - 1) if notes else 0
    layout["margin"] = {"l": 48, "r": 12, "t": 80 + more, "b": 30}
    layout["height"] = layout["meta"]["facets"]["extra"] + rows * panel_height
    return {"data": data, "layout": layout}


def group_lines(
    title: str,
    years: Sequence[int],
    series: Sequence[Series],
    *,
    kind: str = "count",
    measure: str = "",
    provisional: Provisional | None = None,
) -> dict:
    """One line per peer group over the years, in the group's colour; the `provisional`
    years drawn as such (see the module)."""
    data = [
        trace
        for s in series
        for trace in _provisional_lines(
            _line(
                s.name,
                years,
                s.values,
                kind=kind,
                measure=measure,
                colour=GROUP_COLOURS.get(s.group, OTHER_COLOUR),
                marker=8,
            ),
            years,
            provisional,
        )
    ]
    layout = _layout(title, axis_title(kind, measure), x_title=_("Năm"), height=360)
    _mark_provisional(layout, years, provisional)
    return {"data": data, "layout": layout}


def heatmap(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Series],
    *,
    kinds: Sequence[str] | None = None,
    measures: Sequence[str] | None = None,
    normalise: bool = False,
    provisional: Provisional | None = None,
) -> dict:
    """A rows × columns heatmap (units × years, or units × indicators).

    With `provisional` ({year: "6/24"}, columns being years), a provisional year's column is
    labelled "2014 (tạm tính)" and its cells' hover text says how many units are counted.

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
    provisional = {str(year): count for year, count in (provisional or {}).items()}
    marked = [str(c) in provisional for c in columns]
    notes = [
        " — " + _provisional_words(str(c), provisional[str(c)]) if mark else ""
        for c, mark in zip(columns, marked, strict=True)
    ]
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
            text_row.append(_figure_text(value, kinds[j], measures[j]) + notes[j])
            label_row.append(_figure_text(value, kinds[j], ""))
        z.append(z_row)
        text.append(text_row)
        labels.append(label_row)
    data = [
        {
            "type": "heatmap",
            "x": [
                chart_text(_("%(year)s (tạm tính)") % {"year": c} if mark else str(c))
                for c, mark in zip(columns, marked, strict=True)
            ],
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
    provisional: Provisional | None = None,
) -> dict:
    """Year-by-year lines, one per indicator (a section's main indicators).

    Each series carries its measure in `extra["measure"]` for the hover text; the y axis
    names the measure words. The `provisional` years are drawn as such (see the module).
    """
    data = [
        trace
        for index, s in enumerate(series)
        for trace in _provisional_lines(
            _line(
                s.name,
                years,
                s.values,
                kind=s.extra.get("kind", kind),
                measure=s.extra.get("measure", ""),
                colour=TREND_COLOURS[index % len(TREND_COLOURS)],
            ),
            years,
            provisional,
        )
    ]
    y_title = ", ".join(dict.fromkeys(m for m in measures if m))
    layout = _layout(title, y_title, x_title=_("Năm"), height=340)
    _mark_provisional(layout, years, provisional)
    return {"data": data, "layout": layout}


def _line(
    name: str,
    years: Sequence[int],
    values: Sequence[int | Decimal | None],
    *,
    kind: str,
    measure: str,
    colour: str,
    width: float = 3,
    marker: int = 7,
) -> dict:
    """A line with a marker per year; hover "<name> — <year>: <figure with its measure>"."""
    return {
        "type": "scatter",
        "mode": "lines+markers",
        "name": chart_text(name),
        "x": [str(y) for y in years],
        "y": [_plot_value(v, kind) for v in values],
        "customdata": [_figure_text(v, kind, measure) for v in values],
        "hovertemplate": "%{fullData.name} — %{x}: %{customdata}<extra></extra>",
        "line": {"color": colour, "width": width},
        "marker": {"color": colour, "size": marker},
        "connectgaps": False,
    }


def _provisional_words(year, count: str) -> str:
    """'2014: 6/24 đơn vị — tạm tính'."""
    return _("%(year)s: %(count)s đơn vị — tạm tính") % {"year": year, "count": count}


def provisional_note(years: Sequence[int], provisional: Provisional) -> str:
    """The provisional years among `years`, said once: 'Nét đứt: số liệu tạm tính — 2014:
    6/24 đơn vị — tạm tính'."""
    marked = [_provisional_words(y, provisional[y]) for y in years if y in provisional]
    return _("Nét đứt, điểm rỗng: số liệu tạm tính (%(years)s)") % {"years": "; ".join(marked)}


def _provisional_lines(
    line: dict, years: Sequence[int], provisional: Provisional | None
) -> list[dict]:
    """A `_line` whose provisional years are drawn as such, as three kinds of trace in one
    legend group: the solid line over the complete years only (in the legend; no hover), a
    dashed line from each provisional year to its neighbours, and last every point with its
    hover text, named as the line (a provisional one an open marker, its hover text saying how
    many units are counted). No provisional year among `years`: the line as it is."""
    marked = [i for i, y in enumerate(years) if y in (provisional or {})]
    if not marked:
        return [line]
    group = line["name"]
    solid = line | {
        "y": [None if i in marked else v for i, v in enumerate(line["y"])],
        "legendgroup": group,
        "hoverinfo": "skip",
    }
    del solid["hovertemplate"], solid["customdata"]
    dashes = []
    for i in marked:
        around = [j for j in (i - 1, i, i + 1) if 0 <= j < len(years)]
        dashes.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": group,
                "x": [line["x"][j] for j in around],
                "y": [line["y"][j] for j in around],
                "line": line["line"] | {"dash": "dash"},
                "connectgaps": False,
                "hoverinfo": "skip",
                "legendgroup": group,
                "showlegend": False,
                "meta": {"provisional": True},
            }
        )
    points = line | {
        "mode": "markers",
        "customdata": [
            f"{text} ({_provisional_words(years[i], provisional[years[i]])})"
            if i in marked
            else text
            for i, text in enumerate(line["customdata"])
        ],
        "marker": line["marker"]
        | {
            "symbol": ["circle-open" if i in marked else "circle" for i in range(len(years))],
            "line": {"width": 2, "color": line["marker"]["color"]},
        },
        "legendgroup": group,
        "showlegend": False,
        "meta": {"provisional": [years[i] for i in marked]},
    }
    return [solid, *dashes, points]


def _mark_provisional(layout: dict, years: Sequence[int], provisional: Provisional | None) -> None:
    """Tick labels '2014 (tạm tính)' (on two lines) and a note above each provisional year's
    place: '2014: 6/24 đơn vị — tạm tính'."""
    marked = [y for y in years if y in (provisional or {})]
    if not marked:
        return
    layout["xaxis"]["tickvals"] = [str(y) for y in years]
    # On two lines, so that it does not run into its neighbour on a phone.
    layout["xaxis"]["ticktext"] = [
        (_("%(year)s (tạm tính)") % {"year": y}).replace(" (", "<br>(", 1)
        if y in marked
        else str(y)
        for y in years
    ]
    layout["margin"]["t"] += 14  # room for the notes between the title and the plot
    layout["annotations"] = [
        *layout.get("annotations", []),
        *(
            {
                "text": chart_text(_provisional_words(y, provisional[y])),
                "xref": "x",
                "yref": "paper",
                # The category's index: plotly reads a numeric string such as "2014" as a
                # position on the axis, and stretches it to reach 2014.
                "x": years.index(y),
                "y": 1,
                "xanchor": "right" if y == years[-1] and len(years) > 1 else "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11, "color": PROVISIONAL_COLOUR},
            }
            for y in marked
        ),
    ]


def _figure_text(value, kind: str, measure: str, decimals: int = 1) -> str:
    """format_value, but averages and per-100 figures keep one decimal (or `decimals`):
    '10,1 cuộc'; as chart text (the measure word is typed by staff)."""
    if kind == "count" and isinstance(value, Decimal) and value != value.to_integral_value():
        return chart_text(f"{format_number(value, decimals)} {measure}".strip())
    return chart_text(format_value(value, kind, measure))


@dataclass
class PeerRange:
    """One indicator of a unit among its peers: the unit's figure and the peers' lowest,
    median and highest (the unit included), exact."""

    label: str
    value: int | Decimal | None
    low: int | Decimal | None
    median: int | Decimal | None
    high: int | Decimal | None
    kind: str = "count"
    measure: str = ""


def _position(value, low, high) -> float:
    """Where `value` lies between `low` (0) and `high` (1); the middle when they are equal."""
    if high == low:
        return 0.5
    return float((Decimal(value) - Decimal(low)) / (Decimal(high) - Decimal(low)))


def peer_range(title: str, rows: Sequence[PeerRange], *, group: str | None = None) -> dict:
    """Per indicator, a grey band from the peers' lowest to their highest figure, a black tick
    at their median and the unit as a dot in its group's colour. Each band is scaled to its own
    range (0 = lowest, 1 = highest), since the indicators' measures differ; the hover text and
    the figure beside the dot are the real numbers. Indicators without the unit's figure or
    without a range are left out."""
    shown = [r for r in rows if r.value is not None and r.low is not None and r.high is not None]
    labels = [chart_text(r.label) for r in shown]
    colour = GROUP_COLOURS.get(group, OTHER_COLOUR)
    band_x, band_y = [], []
    for label in labels:
        band_x += [0, 1, None]
        band_y += [label, label, None]

    def describe(r: PeerRange) -> str:
        return _(
            "%(value)s; cùng nhóm: thấp nhất %(low)s, trung vị %(median)s, cao nhất %(high)s"
        ) % {
            "value": _figure_text(r.value, r.kind, r.measure),
            "low": _figure_text(r.low, r.kind, ""),
            "median": _figure_text(r.median, r.kind, ""),
            "high": _figure_text(r.high, r.kind, ""),
        }

    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "name": _("Khoảng của các đơn vị cùng nhóm"),
            "x": band_x,
            "y": band_y,
            "line": {"color": "#d6d6d6", "width": 10},
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": _("Trung vị cùng nhóm"),
            "x": [_position(r.median, r.low, r.high) for r in shown],
            "y": labels,
            "marker": {"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": "#1b1b1b"}},
            "customdata": [_figure_text(r.median, r.kind, r.measure) for r in shown],
            "hovertemplate": _("Trung vị cùng nhóm") + ": %{customdata}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": _("Đơn vị"),
            "x": [_position(r.value, r.low, r.high) for r in shown],
            "y": labels,
            "text": [_figure_text(r.value, r.kind, "") for r in shown],
            "textposition": "top center",
            "textfont": {"size": 11},
            "cliponaxis": False,
            "marker": {"color": colour, "size": 13, "line": {"width": 1, "color": "#ffffff"}},
            "customdata": [describe(r) for r in shown],
            "hovertemplate": "%{y}: %{customdata}<extra></extra>",
        },
    ]
    layout = _layout(title, "", height=max(260, 150 + 44 * len(shown)))
    layout["xaxis"] = {
        "range": [-0.06, 1.06],
        "tickvals": [0, 1],
        "ticktext": [_("thấp nhất"), _("cao nhất")],
        "showgrid": False,
        "zeroline": False,
        "fixedrange": True,
        "automargin": True,
    }
    layout["yaxis"] = {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": labels,
        "autorange": "reversed",
        "automargin": True,
        "fixedrange": True,
    }
    return {"data": data, "layout": layout}
