"""Units × years (or × indicators) as colours."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.translation import gettext as _

from movements.sanitise import chart_text

from .base import Scale, Series, figure_text
from .layout import (
    NARROW,
    NOTE_SIZE,
    TICK_SIZE,
    WIDE,
    add_top,
    base_layout,
    fits,
    lines_px,
    narrow,
    narrow_trace,
    text_px,
    wrap,
    wrap_title,
)
from .provisional import Provisional, provisional_words

COLOURS = [[0, "#eef4fb"], [1, "#0b3d91"]]
CELL_SIZE = 11
ROW = 24  # pixels a row of cells takes
SCALE_HEIGHT = 12  # pixels: the colour scale's strip
SCALE_BLOCK = 44  # pixels: the strip, its tick labels and the gap to the cells
SCALE_STEPS = 100
MAX_HEADER_LINES = 4
UPRIGHT_COLUMN = 18  # pixels: the narrowest column whose header stands upright on a phone


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

    The figures are written in the cells where they fit (in the colour scale's unit; a
    normalised money column says its unit in its header), and a colour scale over the
    heatmap says what the colours mean: plotly's own colour bar sets style="" attributes,
    which the strict CSP blocks, so the scale is a one-row heatmap of its own (`_scale`).
    """
    n = len(columns)
    kinds = list(kinds or ["count"] * n)
    measures = list(measures or [""] * n)
    column_values = [[r.values[j] for r in rows] for j in range(n)]
    scales, shared = _column_scales(kinds, measures, column_values, normalise=normalise)
    column_max = [
        max((float(v) for v in values if v is not None), default=0.0) for values in column_values
    ]
    provisional = {str(year): count for year, count in (provisional or {}).items()}
    marked = [str(c) in provisional for c in columns]
    notes = [
        " — " + provisional_words(str(c), provisional[str(c)]) if mark else ""
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
            if normalise:
                z_row.append(100 * float(value) / column_max[j] if column_max[j] else 0.0)
            else:
                z_row.append(scales[j].plot(value))
            text_row.append(figure_text(value, kinds[j], measures[j]) + notes[j])
            label_row.append(scales[j].label(value))
        z.append(z_row)
        text.append(text_row)
        labels.append(label_row)
    headers = [
        chart_text(_("%(year)s (tạm tính)") % {"year": c} if mark else str(c))
        for c, mark in zip(columns, marked, strict=True)
    ]
    if normalise:
        headers = [
            f"{h} ({sc.title})" if sc.kind == "money" else h
            for h, sc in zip(headers, scales, strict=True)
        ]
    present = [v for row in z for v in row if v is not None]
    low, high = min([0.0, *present]), max([0.0, *present]) or 1.0
    data = [
        {
            "type": "heatmap",
            "x": headers,
            "y": [chart_text(r.name) for r in rows],
            "z": z,
            "zmin": low,
            "zmax": high,
            "customdata": text,
            "hovertemplate": "%{y} — %{x}: %{customdata}<extra></extra>",
            "colorscale": COLOURS,
            "showscale": False,
            "hoverongaps": True,
            "xgap": 1,
            "ygap": 1,
            "text": labels,
            "texttemplate": "%{text}",
            "textfont": {"size": CELL_SIZE},
        },
        _scale(low, high),
    ]
    if shared is None:
        scale_title = _("Màu: số liệu so với đơn vị cao nhất của từng chỉ tiêu (%)")
    else:
        scale_title = _("Màu: %(unit)s") % {"unit": shared.title} if shared.title else ""
    layout = base_layout(title, "", height=0)
    _lay_out(layout, data, headers, labels, rows=len(rows), scale_title=scale_title)
    if normalise:
        layout["xaxis2"]["ticksuffix"] = "%"
    return {"data": data, "layout": layout}


def _column_scales(
    kinds: list[str], measures: list[str], column_values: list[list], *, normalise: bool
) -> tuple[list[Scale], Scale | None]:
    """Each column's scale, and the one scale of them all — none when `normalise`d: then each
    column writes its figures in its own unit (money in that of its largest figure)."""
    if normalise:
        columns = zip(kinds, measures, column_values, strict=True)
        return [Scale.of(k, m, v) for k, m, v in columns], None
    figures = [v for values in column_values for v in values]
    shared = Scale.of(kinds[0] if kinds else "count", measures[0] if measures else "", figures)
    return [shared] * len(column_values), shared


def _scale(low: float, high: float) -> dict:
    """The colour scale: a one-row heatmap from `low` to `high`, on axes of its own."""
    steps = [low + (high - low) * i / SCALE_STEPS for i in range(SCALE_STEPS + 1)]
    return {
        "type": "heatmap",
        "x": steps,
        "y": [0],
        "z": [steps],
        "zmin": low,
        "zmax": high,
        "colorscale": COLOURS,
        "showscale": False,
        "hoverinfo": "skip",
        # A gap keeps plotly from drawing the strip as a "pixelated" image, which it styles
        # with a style attribute that the strict CSP blocks.
        "ygap": 1,
        "xaxis": "x2",
        "yaxis": "y2",
    }


def _lay_out(layout: dict, data: list, headers, labels, *, rows: int, scale_title: str) -> None:
    """Sizes the heatmap from its text, for a wide and a narrow chart: the column headers
    wrapped to the columns' width (on a narrow chart standing upright if they do not fit on
    three lines), each cell's figure written only where it fits, the colour scale over the
    cells with its title above it, and the plot's height fixed in pixels so that the colour
    scale keeps its place."""
    names_px = max((text_px(chart_text(r), TICK_SIZE) for r in data[0]["y"]), default=0) + 16
    cells_px = rows * ROW
    plot = cells_px + SCALE_BLOCK
    title_px = 0
    if scale_title:
        most = max(
            len(wrap(scale_title, fits(px - names_px - 16, NOTE_SIZE))) for px in (WIDE, NARROW)
        )
        title_px = lines_px(most, NOTE_SIZE) + 4
    add_top(layout, title_px)
    longest = max((text_px(c, CELL_SIZE) for row in labels for c in row if c), default=0)
    for px, fitted in ((WIDE, layout), (NARROW, narrow(layout))):
        column = (px - names_px - 16) / max(1, len(headers))
        width = fits(column - 6, TICK_SIZE, least=1)
        wrapped = [wrap(h, width) for h in headers]
        upright = any(len(w) > MAX_HEADER_LINES or len(max(w, key=len)) > width for w in wrapped)
        if upright:
            ticks = {"ticktext": headers, "tickangle": -90}
            foot = max((text_px(h, TICK_SIZE) for h in headers), default=0) + 16
        else:
            ticks = {"ticktext": [" <br>".join(w) for w in wrapped], "tickangle": 0}
            foot = lines_px(max((len(w) for w in wrapped), default=1), TICK_SIZE * 1.1) + 16
        if upright and column < UPRIGHT_COLUMN and px == NARROW:
            # Too many columns for a phone: the chart is drawn wider, and scrolls sideways
            # in its frame (templates/reports/_chart.html).
            fitted["width"] = math.ceil(names_px + 16 + UPRIGHT_COLUMN * len(headers))
            column = UPRIGHT_COLUMN
        fitted["xaxis"] = {"tickvals": headers, **ticks}
        fitted["margin"] |= {"b": math.ceil(foot)}
        fitted["height"] = fitted["margin"]["t"] + plot + math.ceil(foot)
        if longest > column - 6:
            # The figures do not fit in the cells: the hover text gives them.
            if px == WIDE:
                data[0]["texttemplate"] = ""
            else:
                narrow_trace(layout, 0)["texttemplate"] = ""
        if scale_title:
            fitted["annotations"] = [
                {
                    "text": wrap_title(scale_title, fits(px - names_px - 16, NOTE_SIZE)),
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0,
                    "y": 1,
                    "xanchor": "left",
                    "yanchor": "bottom",
                    "align": "left",
                    "showarrow": False,
                    "font": {"size": NOTE_SIZE},
                }
            ]
    layout["margin"] |= {"l": math.ceil(names_px), "r": 16}
    layout["xaxis"] |= {
        "type": "category",
        "automargin": False,
        "fixedrange": True,
        "showgrid": False,
        "side": "bottom",
    }
    layout["yaxis"] = {
        "type": "category",
        "autorange": "reversed",
        "automargin": True,
        "fixedrange": True,
        "domain": [0, 1 - SCALE_BLOCK / plot],
    }
    layout["xaxis2"] = {
        "anchor": "y2",
        "fixedrange": True,
        "showgrid": False,
        "zeroline": False,
        "nticks": 5,
        "tickformat": ",~r",
        "tickfont": {"size": TICK_SIZE - 1},
        "ticks": "",
    }
    layout["yaxis2"] = {
        "domain": [1 - SCALE_HEIGHT / plot, 1],
        "visible": False,
        "fixedrange": True,
    }
