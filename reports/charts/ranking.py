"""Units ranked on one figure: a horizontal bar each, with their groups' references."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from movements.sanitise import chart_text

from .base import GROUP_COLOURS, GROUP_LABELS, OTHER_COLOUR, Scale
from .layout import NARROW, TICK_SIZE, WIDE, base_layout, narrow, text_px

BAR_TEXT_SIZE = 12


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
    scale = Scale.of(kind, measure, [p.value for p in order] + list((references or {}).values()))
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
                "x": [scale.plot(p.value) for p in members],
                "text": [scale.label(p.value, decimals) for p in members],
                "textposition": "outside",
                "textfont": {"size": BAR_TEXT_SIZE},
                "cliponaxis": False,
                "customdata": [
                    scale.text(p.value, decimals) if p.value is not None else _("không có số liệu")
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
        x = scale.plot(value)
        lines.append(x)
        colour = GROUP_COLOURS.get(group, OTHER_COLOUR)
        # A dashed line across the bars, named in the legend with its figure.
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": chart_text(
                    f"{reference_label} {GROUP_LABELS.get(group, group)}: "
                    f"{scale.label(value, decimals)}".strip()
                ),
                "legendgroup": str(group),
                "x": [x, x],
                "y": [names[0], names[-1]],
                "line": {"color": colour, "dash": "dash", "width": 2},
                "hoverinfo": "skip",
            }
        )
    layout = base_layout(title, "", height=max(260, 150 + 24 * len(order)))
    layout["barmode"] = "overlay"
    layout["bargap"] = 0.25
    bars = [(scale.plot(p.value), scale.label(p.value, decimals)) for p in order]
    names_px = max((text_px(n, TICK_SIZE) for n in names), default=0) + 24
    layout["xaxis"] = {
        "title": {"text": chart_text(scale.title)},
        # Room for the figures written beside the bars.
        "range": [0, _reach(bars, lines, WIDE - names_px)],
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
    narrow(layout)["xaxis"] = {"range": [0, _reach(bars, lines, NARROW - names_px)]}
    return {"data": data, "layout": layout}


def _reach(bars: Sequence[tuple[float | None, str]], lines: Sequence[float], px: float) -> float:
    """The end of the value axis that leaves room for each bar's figure written beyond it on
    a plot `px` pixels wide: a bar of value v with a label w pixels wide needs v·px/(px − w)."""
    px = max(px, 120)
    needs = [
        value * px / max(px - text_px(label, BAR_TEXT_SIZE) - 8, px / 4)
        for value, label in bars
        if value is not None and value > 0
    ]
    top = max([*needs, *lines, 0.0])
    return top if top > 0 else 1
