"""Units over the years: one small line chart per unit on a shared scale."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from movements.sanitise import chart_text

from .base import (
    GROUP_COLOURS,
    GROUP_LABELS,
    GROUP_TEXT_COLOURS,
    OTHER_COLOUR,
    Scale,
    Series,
    line_trace,
)
from .layout import base_layout, lines_px, narrow
from .provisional import Provisional, provisional_lines, provisional_note

PANEL_TITLE_SIZE = 12
FOOT = 60  # pixels under the last row of panels (its ticks) and slack, beside the top margin


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
    note under the title says which they are (the panels are too small for a note each), as
    does the unit of the shared y scale."""
    count = len(series)
    rows = max(1, math.ceil(count / columns))
    xs = [str(y) for y in years]
    data, annotations = [], []
    scale = Scale.of(
        kind,
        measure,
        [v for s in series for v in s.values]
        + [v for values in (references or {}).values() for v in values],
    )
    notes = [reference_note] if references and reference_note else []
    if any(y in (provisional or {}) for y in years):
        notes.append(provisional_note(years, provisional))
    if scale.title:
        notes.append(_("Đơn vị tính: %(unit)s") % {"unit": scale.title})
    layout = base_layout(
        title,
        "",
        height=70 + FOOT + rows * panel_height,
        notes=notes,
        above=lines_px(1, PANEL_TITLE_SIZE),
    )
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
                    "y": [scale.plot(v) for v in reference],
                    "xaxis": f"x{suffix}",
                    "yaxis": f"y{suffix}",
                    "line": {"color": "#9a9a9a", "dash": "dot", "width": 1.5},
                    "customdata": [scale.text(v) for v in reference],
                    "hovertemplate": "%{fullData.name} — %{x}: %{customdata}<extra></extra>",
                    "connectgaps": False,
                }
            )
            top = max([top, *(scale.plot(v) for v in reference if v is not None)])
        line = line_trace(s.name, years, s.values, scale=scale, colour=colour, width=2.5, marker=5)
        axes = {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}
        data += [trace | axes for trace in provisional_lines(line, years, provisional)]
        top = max([top, *(scale.plot(v) for v in s.values if v is not None)])
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
                "font": {
                    "size": PANEL_TITLE_SIZE,
                    "color": GROUP_TEXT_COLOURS.get(s.group, OTHER_COLOUR),
                },
            }
        )
    for key, axis in list(layout.items()):
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            layout[key] = {k: v for k, v in axis.items() if v is not None}
    # One y scale for all: the first axis fixes it, the others match it.
    layout["yaxis"]["range"] = [0, top * 1.08 if top > 0 else 1]
    layout["annotations"] = annotations
    layout["margin"] |= {"l": 48, "r": 12, "b": 30}
    # The height charts.js gives a grid of any number of rows: `extra` + rows × panel_height.
    layout["meta"]["facets"] = {
        "count": count,
        "panel_height": panel_height,
        "extra": layout["height"] - rows * panel_height,
    }
    narrow(layout)["meta"] = {"facets": {"extra": narrow(layout)["height"] - rows * panel_height}}
    return {"data": data, "layout": layout}
