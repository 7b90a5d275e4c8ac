"""Units ranked on one figure: a horizontal bar each, with their groups' references."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from movements.sanitise import chart_text

from .base import (
    GROUP_COLOURS,
    GROUP_LABELS,
    OTHER_COLOUR,
    axis_title,
    base_layout,
    figure_text,
    plot_value,
)


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
                "x": [plot_value(p.value, kind) for p in members],
                "text": [
                    figure_text(p.value, kind, "", decimals) if p.value is not None else ""
                    for p in members
                ],
                "textposition": "outside",
                "cliponaxis": False,
                "customdata": [
                    figure_text(p.value, kind, measure, decimals)
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
        x = plot_value(value, kind)
        lines.append(x)
        colour = GROUP_COLOURS.get(group, OTHER_COLOUR)
        # A dashed line across the bars, named in the legend with its figure.
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": chart_text(
                    f"{reference_label} {GROUP_LABELS.get(group, group)}: "
                    f"{figure_text(value, kind, '', decimals)}".strip()
                ),
                "legendgroup": str(group),
                "x": [x, x],
                "y": [names[0], names[-1]],
                "line": {"color": colour, "dash": "dash", "width": 2},
                "hoverinfo": "skip",
            }
        )
    present = [plot_value(p.value, kind) for p in order if p.value is not None]
    top = max([*present, *lines, 0.0])
    layout = base_layout(title, "", height=max(260, 150 + 24 * len(order)))
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
