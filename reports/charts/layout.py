"""The layout every chart starts from, fitted to its text so that no text meets another.

Plotly neither wraps a title nor leaves room for it: a long title runs off the chart, and a
title longer than the room above the plot runs into the plot's own text. So titles, notes and
axis titles are wrapped here at a width in characters taken from the chart's width, and the
top margin is the height of what it holds. A figure is laid out for a chart `WIDE` pixels
wide or wider (a desktop's narrowest: the overview's group charts are 558); what changes on
a narrower chart (a phone's: 356 at 390) is in `layout.meta.narrow` — {"below": WIDE,
"layout": {...}, "data": [{...} per trace]} — which charts.js merges in before drawing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from movements.sanitise import chart_text

WIDE = 540  # pixels: the narrowest chart drawn with the wide layout
NARROW = 340  # pixels: the narrowest chart a phone draws (356 at 390, less some slack)
EM = 0.56  # an average glyph's width in em, with room to spare (Vietnamese text, sans-serif)
LINE = 1.3  # a line's height in em
FONT_SIZE = 13
TITLE_SIZE = 15
NOTE_SIZE = 12
TICK_SIZE = 12
PAD = 8  # pixels above the title
MULTILINE_SHIFT = 14
GAP = 12  # pixels between the title and its notes, and what is drawn above the plot
FOOT = 80  # pixels under the plot: the x axis, its title and a legend (plotly adds more)


def fits(px: float, size: float, *, least: int = 8) -> int:
    """How many characters of text `size` pixels high fit in `px` pixels (at least `least`)."""
    return max(least, int(px / (size * EM)))


def text_px(text: str, size: float) -> float:
    """About how wide `text` is drawn at `size` pixels (its longest line)."""
    return max(len(line) for line in text.split("<br>")) * size * EM


def lines_px(count: int, size: float) -> int:
    """The height of `count` lines of text `size` pixels high."""
    return math.ceil(count * size * LINE)


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` characters, broken at spaces (a longer word has a
    line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def wrap_title(title: str, width: int = 45) -> str:
    """A title on as many lines of `width` characters as it needs (plotly does not wrap),
    broken as " <br>" so that removing "<br>" leaves the plain title."""
    return " <br>".join(wrap(title, width))


def title_block(title: str, notes: Sequence[str], px: float) -> tuple[dict, int]:
    """The title and its notes (a subtitle) wrapped for a chart `px` pixels wide, set from the
    top of the figure, and the pixels they take from it."""
    lines = wrap(chart_text(title), fits(px, TITLE_SIZE))
    note_lines = [line for n in notes for line in wrap(chart_text(n), fits(px, NOTE_SIZE))]
    block = {
        "text": " <br>".join(lines),
        "x": 0,
        "xanchor": "left",
        "xref": "container",
        "yref": "container",
        "y": 1,
        "yanchor": "top",
        # Plotly sets a title of several lines some 14 pixels higher than one of one line.
        "pad": {"t": PAD + (MULTILINE_SHIFT if len(lines) > 1 else 0)},
        "font": {"size": TITLE_SIZE},
    }
    height = PAD + lines_px(len(lines), TITLE_SIZE)
    if note_lines:
        block["subtitle"] = {"text": " <br>".join(note_lines), "font": {"size": NOTE_SIZE}}
        height += GAP // 2 + lines_px(len(note_lines), NOTE_SIZE)
    return block, height


def _fitted(title, notes, y_title: str, *, px: float, height: int, above: int) -> dict:
    """The parts of a layout that depend on the chart's width: the title block, the top
    margin under it (with `above` pixels for text drawn over the plot), the y axis title
    wrapped to the plot's height, and the figure's height that keeps the plot's."""
    block, taken = title_block(title, notes, px)
    top = taken + GAP + above
    plot = max(120, height - 70 - FOOT)
    return {
        "title": block,
        "margin": {"t": top},
        "height": height + top - 70,
        "yaxis": {"title": {"text": wrap_title(chart_text(y_title), fits(plot, FONT_SIZE))}},
    }


def base_layout(
    title: str,
    y_title: str,
    *,
    x_title: str = "",
    height: int = 420,
    notes: Sequence[str] = (),
    above: int = 0,
) -> dict:
    """A chart's layout, `height` pixels high with a one-line title (more lines make it
    higher), its `notes` under the title, and `above` pixels over the plot kept for text
    drawn there; the narrow variant in meta.narrow."""
    wide = _fitted(title, notes, y_title, px=WIDE, height=height, above=above)
    narrow = _fitted(title, notes, y_title, px=NARROW, height=height, above=above)
    if not y_title:
        del narrow["yaxis"]
    return {
        "title": wide["title"],
        "separators": ",.",
        "font": {"family": "Segoe UI, Roboto, Noto Sans, Arial, sans-serif", "size": FONT_SIZE},
        "height": wide["height"],
        "margin": {"l": 60, "r": 16, "t": wide["margin"]["t"], "b": 40},
        # No zoom or pan: on a phone a swipe over a chart must scroll the page.
        "xaxis": {
            "type": "category",
            "title": {"text": chart_text(x_title)},
            "automargin": True,
            "fixedrange": True,
        },
        "yaxis": {
            "title": wide["yaxis"]["title"],
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
        "meta": {"narrow": {"below": WIDE, "layout": narrow, "data": []}},
    }


def narrow(layout: dict) -> dict:
    """The changes a narrow chart makes to `layout` (see the module), to add to."""
    return layout["meta"]["narrow"]["layout"]


def narrow_trace(layout: dict, index: int) -> dict:
    """The changes a narrow chart makes to its trace `index`, to add to."""
    data = layout["meta"]["narrow"]["data"]
    data.extend({} for _ in range(index + 1 - len(data)))
    return data[index]


def add_top(layout: dict, px: int) -> None:
    """`px` more pixels above the plot, at every width, the plot keeping its height."""
    for fitted in (layout, narrow(layout)):
        fitted["margin"]["t"] += px
        fitted["height"] += px
