"""What every chart shares: the groups' colours, the series and points charts take, the
layout, and the figures written as Vietnamese text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from movements.formatting import format_number, format_scaled, format_value, money_scale
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
PROVISIONAL_COLOUR = "#7a4b00"  # the notes of provisional years: dark amber, 4.5:1 on white

Provisional = Mapping[int, str]  # {year: "6/24"}: the years not complete, units counted/due


@dataclass
class Series:
    """One line of a chart: a name, its peer group (colour) and one value per category."""

    name: str
    values: Sequence[int | Decimal | None]
    group: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Scale:
    """How one chart writes its figures: money in one unit for the whole chart, chosen from
    its largest figure (nghìn, triệu or tỷ đồng — per 100 members too), other figures as they
    are. The exact figures stay in the hover texts; only what is plotted is divided."""

    kind: str = "count"
    measure: str = ""
    divisor: int = 1
    word: str = ""

    @classmethod
    def of(cls, kind: str, measure: str, values) -> Scale:
        """The scale of a chart of `values` (exact figures, None for none)."""
        if kind != "money":
            return cls(kind, measure)
        largest = max((abs(Decimal(v)) for v in values if v is not None), default=0)
        divisor, word = money_scale(largest)
        return cls(kind, measure, divisor, word)

    @classmethod
    def fixed(cls, kind: str, measure: str = "") -> Scale:
        """Money in millions (`axis_title`), for a chart of several measures."""
        return cls(kind, measure, MONEY_SCALE, "triệu") if kind == "money" else cls(kind, measure)

    def plot(self, value) -> float | None:
        """The number plotted: a float (JSON), money divided into the chart's unit."""
        if value is None:
            return None
        return float(Decimal(value) / self.divisor) if self.divisor != 1 else float(value)

    @property
    def title(self) -> str:
        """The axis's unit: 'triệu đồng / 100 đoàn viên', '%', or the measure."""
        if self.kind == "money":
            return f"{self.word} {self.measure or _('đồng')}".strip()
        return axis_title(self.kind, self.measure)

    def label(self, value, decimals: int = 1) -> str:
        """A figure written beside its bar or in its cell, in the axis's unit: '12,38' (triệu
        đồng), '8.964', '97,5%'."""
        if value is None:
            return ""
        if self.kind == "money":
            return format_scaled(Decimal(value) / self.divisor)
        return figure_text(value, self.kind, "", decimals)

    def text(self, value, decimals: int = 1) -> str:
        """A figure with its measure, for a hover text: '12,38 triệu đồng / 100 đoàn viên'."""
        return figure_text(value, self.kind, self.measure, decimals)


def rate_kind(kind: str, per_hundred: bool) -> str:
    """The kind a figure is drawn as: per 100 members a count or a ratio's parts become an
    average (a count with decimals), and money stays money, written in its unit
    ('12,38 triệu đồng / 100 đoàn viên')."""
    return "count" if per_hundred and kind != "money" else kind


def plot_value(value, kind: str) -> float | None:
    """The number plotted on a chart of several measures: money in millions of đồng."""
    return Scale.fixed(kind).plot(value)


def axis_title(kind: str, measure: str) -> str:
    """The unit of an axis of several measures: money in millions (see `plot_value`)."""
    if kind == "money":
        return _("triệu đồng")
    if kind == "ratio":
        return "%"
    return measure


def line_trace(
    name: str,
    years: Sequence[int],
    values: Sequence[int | Decimal | None],
    *,
    scale: Scale,
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
        "y": [scale.plot(v) for v in values],
        "customdata": [scale.text(v) for v in values],
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
