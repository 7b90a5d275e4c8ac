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
- Units × years as colours: `heatmap`, rows in the caller's order (the ranking's), each
  cell's figure written in it where it fits, and a colour scale with its title over it.
- The groups over the years: `group_lines`, one line per group.
- One unit among its peers: `peer_range`, per indicator the unit's rate per 100 members (a
  ratio as itself) as a dot on its peers' min–max band, the peer median marked; the band is
  scaled per indicator, since measures differ, and the hover text gives the real figures.
  Comparing totals with the peers' average mostly compared sizes.

A year whose units due have not all reported (`provisional`: {year: "6/24"}, units counted of
units due) is drawn as provisional on every chart over the years: its point an open marker,
the line into and out of it dashed, its tick label "2014 (tạm tính)", and a note above it
"2014: 6/24 đơn vị — tạm tính"; on a heatmap its column is labelled so and its cells say so.

No text meets another (layout.py): titles, notes and axis titles are wrapped to the chart's
width, the margins are the height of what they hold, and a phone's chart gets its own wrapping
(layout.meta.narrow, merged by charts.js). Money is written in one unit per chart, that of its
largest figure (`Scale`: '12,38 triệu đồng / 100 đoàn viên'); the exact figures stay in the
hover texts, the tables and the exports.
"""

from __future__ import annotations

from .base import (
    BRANCH_COLOUR,
    DISTRICT_COLOUR,
    GROUP_COLOURS,
    GROUP_LABELS,
    GROUP_TEXT_COLOURS,
    OTHER_COLOUR,
    Scale,
    Series,
    axis_title,
    rate_kind,
)
from .heatmap import heatmap
from .layout import wrap_title
from .lines import group_lines, trend
from .multiples import small_multiples
from .peers import PeerRange, peer_range
from .provisional import Provisional, provisional_note, provisional_years
from .ranking import Point, ranked, ranking

__all__ = [
    "BRANCH_COLOUR",
    "DISTRICT_COLOUR",
    "GROUP_COLOURS",
    "GROUP_LABELS",
    "GROUP_TEXT_COLOURS",
    "OTHER_COLOUR",
    "PeerRange",
    "Point",
    "Provisional",
    "Scale",
    "Series",
    "axis_title",
    "group_lines",
    "heatmap",
    "peer_range",
    "provisional_note",
    "provisional_years",
    "ranked",
    "ranking",
    "rate_kind",
    "small_multiples",
    "trend",
    "wrap_title",
]
