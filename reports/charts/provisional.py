"""Years whose units due have not all reported, drawn as provisional (see the package)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from movements.formatting import format_number
from movements.sanitise import chart_text

from .base import PROVISIONAL_COLOUR, Provisional
from .layout import NOTE_SIZE, add_top, lines_px


def provisional_years(coverage: Mapping) -> dict[int, str]:
    """{year: "6/24"} for the years of `coverage` ({year: selectors.YearCoverage}) whose units
    due are not all counted: what the charts and tables take as `provisional`."""
    return {
        year: f"{format_number(c.counted)}/{format_number(c.due)}"
        for year, c in coverage.items()
        if not c.complete
    }


def provisional_words(year, count: str) -> str:
    """'2014: 6/24 đơn vị — tạm tính'."""
    return _("%(year)s: %(count)s đơn vị — tạm tính") % {"year": year, "count": count}


def provisional_note(years: Sequence[int], provisional: Provisional) -> str:
    """The provisional years among `years`, said once: 'Nét đứt: số liệu tạm tính — 2014:
    6/24 đơn vị — tạm tính'."""
    marked = [provisional_words(y, provisional[y]) for y in years if y in provisional]
    return _("Nét đứt, điểm rỗng: số liệu tạm tính (%(years)s)") % {"years": "; ".join(marked)}


def provisional_lines(
    line: dict, years: Sequence[int], provisional: Provisional | None
) -> list[dict]:
    """A `_line` whose provisional years are drawn as such, as three kinds of trace in one
    legend group: the solid line over the complete years only (in the legend; no hover), a
    dashed line from each provisional year to its neighbours, and last every point with its
    hover text, named as the line (a provisional one an open marker, its hover text saying how
    many units are counted). No provisional year among `years`: the line as it is."""
    marked = [i for i, y in enumerate(years) if y in (provisional or {})]
    if not marked:
        return [line]
    group = line["name"]
    solid = line | {
        "y": [None if i in marked else v for i, v in enumerate(line["y"])],
        "legendgroup": group,
        "hoverinfo": "skip",
    }
    del solid["hovertemplate"], solid["customdata"]
    dashes = []
    for i in marked:
        around = [j for j in (i - 1, i, i + 1) if 0 <= j < len(years)]
        dashes.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": group,
                "x": [line["x"][j] for j in around],
                "y": [line["y"][j] for j in around],
                "line": line["line"] | {"dash": "dash"},
                "connectgaps": False,
                "hoverinfo": "skip",
                "legendgroup": group,
                "showlegend": False,
                "meta": {"provisional": True},
            }
        )
    points = line | {
        "mode": "markers",
        "customdata": [
            f"{text} ({provisional_words(years[i], provisional[years[i]])})"
            if i in marked
            else text
            for i, text in enumerate(line["customdata"])
        ],
        "marker": line["marker"]
        | {
            "symbol": ["circle-open" if i in marked else "circle" for i in range(len(years))],
            "line": {"width": 2, "color": line["marker"]["color"]},
        },
        "legendgroup": group,
        "showlegend": False,
        "meta": {"provisional": [years[i] for i in marked]},
    }
    return [solid, *dashes, points]


def mark_provisional(layout: dict, years: Sequence[int], provisional: Provisional | None) -> None:
    """Tick labels '2014 (tạm tính)' (on two lines) and a note above each provisional year's
    place: '2014: 6/24 đơn vị — tạm tính'."""
    marked = [y for y in years if y in (provisional or {})]
    if not marked:
        return
    layout["xaxis"]["tickvals"] = [str(y) for y in years]
    # On two lines, so that it does not run into its neighbour on a phone.
    layout["xaxis"]["ticktext"] = [
        (_("%(year)s (tạm tính)") % {"year": y}).replace(" (", "<br>(", 1)
        if y in marked
        else str(y)
        for y in years
    ]
    add_top(layout, lines_px(1, NOTE_SIZE) + 2)  # room for the notes over the plot
    layout["annotations"] = [
        *layout.get("annotations", []),
        *(
            {
                "text": chart_text(provisional_words(y, provisional[y])),
                "xref": "x",
                "yref": "paper",
                # The category's index: plotly reads a numeric string such as "2014" as a
                # position on the axis, and stretches it to reach 2014.
                "x": years.index(y),
                "y": 1,
                "xanchor": _anchor(years, y),
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": NOTE_SIZE - 1, "color": PROVISIONAL_COLOUR},
            }
            for y in marked
        ),
    ]


def _anchor(years: Sequence[int], year: int) -> str:
    """A note over the first or last year is aligned to it inward, so that it stays in the
    chart; over a year between, centred."""
    if len(years) > 1 and year == years[-1]:
        return "right"
    if len(years) > 1 and year == years[0]:
        return "left"
    return "center"
