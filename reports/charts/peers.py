"""One unit among its peers: per indicator, the unit's dot on its peers' band."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from movements.sanitise import chart_text

from .base import GROUP_COLOURS, OTHER_COLOUR, figure_text
from .layout import base_layout


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
            "value": figure_text(r.value, r.kind, r.measure),
            "low": figure_text(r.low, r.kind, ""),
            "median": figure_text(r.median, r.kind, ""),
            "high": figure_text(r.high, r.kind, ""),
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
            "customdata": [figure_text(r.median, r.kind, r.measure) for r in shown],
            "hovertemplate": _("Trung vị cùng nhóm") + ": %{customdata}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers+text",
            "name": _("Đơn vị"),
            "x": [_position(r.value, r.low, r.high) for r in shown],
            "y": labels,
            "text": [figure_text(r.value, r.kind, "") for r in shown],
            "textposition": "top center",
            "textfont": {"size": 11},
            "cliponaxis": False,
            "marker": {"color": colour, "size": 13, "line": {"width": 1, "color": "#ffffff"}},
            "customdata": [describe(r) for r in shown],
            "hovertemplate": "%{y}: %{customdata}<extra></extra>",
        },
    ]
    layout = base_layout(title, "", height=max(260, 150 + 44 * len(shown)))
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
