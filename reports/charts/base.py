"""What every chart shares: the groups' colours, the series and points charts take, the
layout, and the figures written as Vietnamese text."""

from __future__ import annotations

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


@dataclass
class Series:
    """One line of a chart: a name, its peer group (colour) and one value per category."""

    name: str
    values: Sequence[int | Decimal | None]
    group: str | None = None
    extra: dict = field(default_factory=dict)


def plot_value(value, kind: str) -> float | None:
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


def base_layout(title: str, y_title: str, *, x_title: str = "", height: int = 420) -> dict:
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


def line_trace(
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
        "y": [plot_value(v, kind) for v in values],
        "customdata": [figure_text(v, kind, measure) for v in values],
        "hovertemplate": "%{fullData.name} — %{x}: %{customdata}<extra></extra>",
        "line": {"color": colour, "width": width},
        "marker": {"color": colour, "size": marker},
        "connectgaps": False,
    }


def figure_text(value, kind: str, measure: str, decimals: int = 1) -> str:
    """format_value, but averages and per-100 figures keep one decimal (or `decimals`):
    '10,1 cuộc'; as chart text (the measure word is typed by staff)."""
    if kind == "count" and isinstance(value, Decimal) and value != value.to_integral_value():
        return chart_text(f"{format_number(value, decimals)} {measure}".strip())
    return chart_text(format_value(value, kind, measure))
