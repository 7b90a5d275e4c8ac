"""Lines over the years: a section's main indicators (`trend`), the peer groups
(`group_lines`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from .base import GROUP_COLOURS, OTHER_COLOUR, TREND_COLOURS, Scale, Series, line_trace
from .layout import base_layout
from .provisional import Provisional, mark_provisional, provisional_lines


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
        for trace in provisional_lines(
            line_trace(
                s.name,
                years,
                s.values,
                scale=Scale.fixed(s.extra.get("kind", kind), s.extra.get("measure", "")),
                colour=TREND_COLOURS[index % len(TREND_COLOURS)],
            ),
            years,
            provisional,
        )
    ]
    y_title = ", ".join(dict.fromkeys(m for m in measures if m))
    layout = base_layout(title, y_title, x_title=_("Năm"), height=340)
    mark_provisional(layout, years, provisional)
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
    scale = Scale.of(kind, measure, [v for s in series for v in s.values])
    data = [
        trace
        for s in series
        for trace in provisional_lines(
            line_trace(
                s.name,
                years,
                s.values,
                scale=scale,
                colour=GROUP_COLOURS.get(s.group, OTHER_COLOUR),
                marker=8,
            ),
            years,
            provisional,
        )
    ]
    layout = base_layout(title, scale.title, x_title=_("Năm"), height=360)
    mark_provisional(layout, years, provisional)
    return {"data": data, "layout": layout}
